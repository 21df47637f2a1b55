import { redactUrl } from '../http/redact.js';
import { setTimeout as delay } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import { systemClock, type Clock } from '../core/clock.js';
import { ChainwatchError, fail, HostError, type Result } from '../core/errors.js';
import { silentSink, type EventSink } from '../core/events.js';
import { createHttpClient } from '../http/client.js';
import type { HttpClient } from '../http/types.js';
import type { Ecosystem } from '../core/package.js';
import { decodeUtf8, INPUT_LIMITS } from '../inventory/read-input.js';
import { iterateAdvisoryZipBytes, listZipEntries, parseAdvisoryText } from './load.js';
import type { AdvisoryReader, AdvisoryUpdateStore } from './store.js';
import { compareTimestamps, timestampKey } from './timestamps.js';
import type { OsvRecord } from './types.js';

/**
 * `db update`: keeps the local store in step with OSV's per-ecosystem exports
 * (https://google.github.io/osv.dev/data/#data-dumps):
 *   <base>/<ECOSYSTEM>/all.zip          every record, flat `<ID>.json` entries
 *   <base>/<ECOSYSTEM>/modified_id.csv  `<RFC 3339 modified>,<ID>` per record,
 *                                       newest first, no header
 *   <base>/<ECOSYSTEM>/<ID>.json        one record
 * The first update of an ecosystem (or `full: true`) downloads all.zip; later
 * ones read modified_id.csv and fetch only the records that changed since the
 * cursor kept in meta (`osv:<ECOSYSTEM>:modified`), then drop the records the
 * index no longer lists.
 *
 * Atomicity: every download finishes and is checked before anything is
 * written; all ecosystems are then applied in ONE transaction, each in its
 * own savepoint. An ecosystem whose download failed contributes nothing, and
 * when every download failed (offline) nothing is written at all: the
 * database file stays byte-for-byte as it was.
 */

/** OSV's public export bucket (not a package registry). */
export const DEFAULT_OSV_BASE_URL = 'https://osv-vulnerabilities.storage.googleapis.com';

/** The OSV export folder for each chainwatch ecosystem; OSV publishes nothing for conda. */
export const OSV_EXPORT_FOLDERS: Record<Ecosystem, string | null> = {
  PyPI: 'PyPI',
  npm: 'npm',
  Debian: 'Debian',
  Ubuntu: 'Ubuntu',
  conda: null,
};

/** Base URL precedence: `--osv-url`, then `$CHAINWATCH_OSV_URL`, then the config file, then the default. */
export function resolveOsvBaseUrl(
  sources: { flag?: string | undefined; config?: string | undefined; env?: NodeJS.ProcessEnv } = {},
): string {
  const env = sources.env ?? process.env;
  for (const candidate of [sources.flag, env.CHAINWATCH_OSV_URL, sources.config]) {
    if (candidate !== undefined && candidate.trim() !== '') return candidate.trim();
  }
  return DEFAULT_OSV_BASE_URL;
}


export interface RetryOptions {
  /** Attempts per request, the first included (default 4). */
  attempts?: number;
  /** First back-off delay; doubled per attempt (default 1000 ms). */
  baseDelayMs?: number;
  /** Longest back-off, and the longest Retry-After honoured before giving up (default 60 s). */
  maxDelayMs?: number;
  /** Injectable for tests. */
  sleep?: (milliseconds: number) => Promise<void>;
}

export interface UpdateOptions {
  /** The database to bring up to date, open for writing; the caller opens and closes it. */
  store: AdvisoryUpdateStore;
  /** OSV export folders, e.g. `['PyPI', 'npm']` (see OSV_EXPORT_FOLDERS). */
  ecosystems: readonly string[];
  baseUrl?: string;
  /** undici Dispatcher (a MockAgent in tests); default: the HTTP layer's, which honours HTTP(S)_PROXY / NO_PROXY. */
  dispatcher?: Dispatcher;
  /** Time allowed for each download, redirects and retries included (default by kind: all.zip 30 min, modified_id.csv 10 min, a record 2 min). */
  deadlineMs?: number;
  clock?: Clock;
  events?: EventSink;
  retry?: RetryOptions;
  /** Parallel `<ID>.json` downloads during an incremental update (default 8). */
  concurrency?: number;
  /** Download all.zip even when an incremental update is possible. */
  full?: boolean;
  /** More changed records than this and all.zip is cheaper than one request each (default 2000). */
  fullDownloadThreshold?: number;
}

export interface EcosystemUpdateResult {
  ecosystem: string;
  /** `osv:<ECOSYSTEM>`: the source name in the store, and AdvisorySourceStatus's `name`. */
  name: string;
  /** False when the export could not be fetched or was unusable; nothing was changed for it then. */
  reachable: boolean;
  /** Why it was unreachable: a sentence with credentials redacted. */
  error?: string;
  mode: 'full' | 'incremental' | 'none';
  /** Records downloaded (zip entries or single records). */
  downloaded: number;
  imported: number;
  skipped: number;
  /** Records deleted because no source lists them any more. */
  deleted: number;
  /** Records this source holds after the update. */
  records?: number;
  /** Bad records that were left out (each names `<ECOSYSTEM>/all.zip!/<ID>.json` or `<ECOSYSTEM>/<ID>.json`). */
  errors: ChainwatchError[];
}

export interface UpdateResult {
  ecosystems: EcosystemUpdateResult[];
  /** Records in the store after the update. */
  records: number;
}

export function sourceNameFor(ecosystem: string): string {
  return `osv:${ecosystem}`;
}

export function cursorKeyFor(ecosystem: string): string {
  return `osv:${ecosystem}:modified`;
}

export function updatedAtKeyFor(ecosystem: string): string {
  return `osv:${ecosystem}:updated`;
}

export interface ModifiedIndexRow {
  modified: string;
  id: string;
}

export interface ModifiedIndex {
  rows: ModifiedIndexRow[];
  /** Lines that were neither a header nor `<timestamp>,<id>` (1-based). */
  badLines: number[];
}

function unquoteCsvField(field: string): string {
  const trimmed = field.trim();
  if (trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')) return trimmed.slice(1, -1).replaceAll('""', '"');
  return trimmed;
}

/** Parses modified_id.csv. CRLF, a header line and blank lines are tolerated. */
export function parseModifiedIndex(text: string): ModifiedIndex {
  const rows: ModifiedIndexRow[] = [];
  const badLines: number[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.replace(/\r$/, '');
    if (line.trim() === '') continue;
    const comma = line.indexOf(',');
    const modified = comma === -1 ? '' : unquoteCsvField(line.slice(0, comma));
    const id = comma === -1 ? '' : unquoteCsvField(line.slice(comma + 1));
    if (timestampKey(modified) === null || id === '' || id.includes('/') || id.includes(',')) {
      if (rows.length === 0 && badLines.length === 0 && /^\s*"?modified"?\s*,/i.test(line)) continue; // header
      badLines.push(index + 1);
      continue;
    }
    rows.push({ modified, id });
  }
  return { rows, badLines };
}

type Download = { status: 200; body: Uint8Array } | { status: 404 };

interface HttpContext {
  /** The HTTP layer, without its cache: redirects, retries, deadlines, size limits and redaction are its. */
  client: HttpClient;
  /** Overrides every download's deadline (`UpdateOptions.deadlineMs`). */
  deadlineMs: number | undefined;
  clock: Clock;
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  sleep: (milliseconds: number) => Promise<void>;
  events: EventSink;
}

const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

/** What each kind of download may weigh and take: all.zip is big, a record small. */
const DOWNLOAD_LIMITS = {
  archive: { maxBytes: 1024 * 1024 * 1024, deadlineMs: 30 * 60_000 },
  index: { maxBytes: 256 * 1024 * 1024, deadlineMs: 10 * 60_000 },
  record: { maxBytes: 16 * 1024 * 1024, deadlineMs: 120_000 },
} as const;

function downloadLimitsFor(url: string): { maxBytes: number; deadlineMs: number } {
  const path = new URL(url).pathname;
  if (path.endsWith('.zip')) return DOWNLOAD_LIMITS.archive;
  if (path.endsWith('.csv')) return DOWNLOAD_LIMITS.index;
  return DOWNLOAD_LIMITS.record;
}

/** The HTTP client `db update` downloads with: no cache (the store is the cache), retries as configured. */
function createUpdateClient(options: UpdateOptions, http: Omit<HttpContext, 'client' | 'deadlineMs'>): HttpClient {
  return createHttpClient({
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    clock: http.clock,
    events: http.events,
    sleep: http.sleep,
    // No jitter: the wait doubles from baseDelayMs, as it always has here.
    random: () => 1,
    retry: { retries: http.attempts - 1, baseDelayMs: http.baseDelayMs, maxDelayMs: http.maxDelayMs },
    // Failing to connect at all (offline, DNS) is not retried: that only makes an offline run slow.
    retryNetworkError: (code) => code !== undefined && TRANSIENT_NETWORK_CODES.has(code),
    perHostConcurrency: Math.max(1, options.concurrency ?? 8),
  });
}

/**
 * GET through the HTTP layer (src/http): redirects are followed, 429 and 5xx
 * retried with doubling back-off or the server's Retry-After, connection
 * resets and timeouts retried too, failures to connect at all not (see
 * createUpdateClient); every download has a size limit and a deadline for
 * its kind (DOWNLOAD_LIMITS); URLs in messages are redacted. 404 is an
 * answer ("absent"), not an error; any other status is a HostError.
 */
async function download(url: string, source: string, http: HttpContext): Promise<Download> {
  const limits = downloadLimitsFor(url);
  const response = await http.client.get({ url, source, cache: 'no-store', maxBytes: limits.maxBytes, deadlineMs: http.deadlineMs ?? limits.deadlineMs });
  if (response.status === 200) return { status: 200, body: new Uint8Array(response.body.buffer, response.body.byteOffset, response.body.length) };
  if (response.status === 404) return { status: 404 };
  throw new HostError(source, `${redactUrl(response.url)} answered HTTP ${response.status}`, { status: response.status });
}

/** `<base>/<segment>/<segment>`, keeping the base's query (a mirror may need one). */
function joinUrl(baseUrl: string, ...segments: string[]): string {
  const url = new URL(baseUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${segments.map((segment) => encodeURIComponent(segment)).join('/')}`;
  return url.toString();
}

/** What the download phase hands to the apply phase for one ecosystem. */
type Plan =
  | { kind: 'full'; zip: Uint8Array; entries: number }
  | {
      kind: 'incremental';
      records: OsvRecord[];
      /** Ids the index no longer lists; empty when the index was incomplete. */
      removed: string[];
      newest: string | null;
      downloaded: number;
    };

async function planFull(ecosystem: string, baseUrl: string, http: HttpContext, source: string, hadRecords: boolean): Promise<Plan> {
  const url = joinUrl(baseUrl, ecosystem, 'all.zip');
  http.events.emit({ type: 'log', level: 'info', message: `${ecosystem}: downloading all.zip` });
  const answer = await download(url, source, http);
  if (answer.status === 404) throw new HostError(source, `${redactUrl(url)} does not exist (no OSV export for ${ecosystem}?)`, { status: 404 });
  const listing = listZipEntries(answer.body, `${ecosystem}/all.zip`);
  if (!listing.ok) throw new HostError(source, `${ecosystem}/all.zip is not a readable zip (truncated download?): ${listing.error.message}`, { cause: listing.error });
  const entries = listing.value.filter((entry) => entry.name.toLowerCase().endsWith('.json')).length;
  // An empty export would delete every record of the source: more likely a broken export than a fixed world.
  if (entries === 0 && hadRecords) throw new HostError(source, `${ecosystem}/all.zip holds no records`);
  return { kind: 'full', zip: answer.body, entries };
}

async function planIncremental(
  ecosystem: string,
  baseUrl: string,
  http: HttpContext,
  source: string,
  stored: Map<string, string>,
  cursor: string,
  options: { concurrency: number; fullDownloadThreshold: number },
  errors: ChainwatchError[],
): Promise<Plan | 'needs-full'> {
  const indexUrl = joinUrl(baseUrl, ecosystem, 'modified_id.csv');
  const answer = await download(indexUrl, source, http);
  if (answer.status === 404) return 'needs-full';
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(answer.body);
  } catch {
    throw new HostError(source, `${ecosystem}/modified_id.csv is not UTF-8 text`);
  }
  const index = parseModifiedIndex(text);
  // Deletions need the whole list: a damaged or empty index deletes nothing.
  const complete = index.badLines.length === 0 && index.rows.length > 0;
  if (!complete) {
    http.events.emit({
      type: 'log',
      level: 'warn',
      message: `${ecosystem}: modified_id.csv is incomplete (${index.badLines.length} bad lines); nothing will be deleted`,
    });
  }
  const changed: string[] = [];
  const listed = new Set<string>();
  let newest: string | null = null;
  for (const row of index.rows) {
    listed.add(row.id);
    if (newest === null || compareTimestamps(row.modified, newest) > 0) newest = row.modified;
    const storedModified = stored.get(row.id);
    if (storedModified === undefined || compareTimestamps(row.modified, cursor) > 0 || compareTimestamps(storedModified, row.modified) < 0) {
      changed.push(row.id);
    }
  }
  if (changed.length > options.fullDownloadThreshold) return 'needs-full';
  const removed = complete ? [...stored.keys()].filter((id) => !listed.has(id)) : [];
  http.events.emit({ type: 'log', level: 'info', message: `${ecosystem}: ${changed.length} changed, ${removed.length} removed since ${cursor}` });

  const records: OsvRecord[] = [];
  let next = 0;
  let done = 0;
  let failure: unknown = null;
  async function runner(): Promise<void> {
    while (failure === null && next < changed.length) {
      const id = changed[next++]!;
      const label = `${ecosystem}/${id}.json`;
      try {
        const record = await download(joinUrl(baseUrl, ecosystem, `${id}.json`), source, http);
        if (record.status === 404) {
          // Withdrawn from the export between index and fetch: retried next time, as it is still missing or stale.
          errors.push(new ChainwatchError('invalid-advisory', 'listed in modified_id.csv but not downloadable (HTTP 404)', { location: { path: label } }));
        } else {
          const parsed = parseDownloadedRecord(record.body, label);
          if (!parsed.ok) errors.push(parsed.error);
          else if (parsed.value.id !== id) {
            errors.push(new ChainwatchError('invalid-advisory', `record id ${parsed.value.id} does not match its file name`, { location: { path: label } }));
          } else records.push(parsed.value);
        }
      } catch (error) {
        failure ??= error;
      }
      done++;
      http.events.emit({ type: 'progress', task: `osv:${ecosystem}`, done, total: changed.length });
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, changed.length)) }, runner));
  if (failure !== null) throw failure;
  return { kind: 'incremental', records, removed, newest, downloaded: changed.length };
}

/** One `<ID>.json` as downloaded: strict UTF-8 (as a file or zip entry would be), at most INPUT_LIMITS.advisory bytes, then parsed. */
function parseDownloadedRecord(body: Uint8Array, label: string): Result<OsvRecord> {
  if (body.length > INPUT_LIMITS.advisory) {
    return fail(new ChainwatchError('input-too-large', `is larger than ${INPUT_LIMITS.advisory} bytes, the limit for one record`, { location: { path: label } }));
  }
  let text: string;
  try {
    text = decodeUtf8(body, label);
  } catch (error) {
    if (error instanceof ChainwatchError) return fail(error);
    throw error;
  }
  return parseAdvisoryText(text, 'json', label);
}

/** `ID.json` → `ID` for zip entry names. */
function idOfEntry(label: string): string | null {
  const match = /!\/(?:.*\/)?([^/]+)\.json$/i.exec(label);
  return match ? match[1]! : null;
}

function applyPlan(store: AdvisoryUpdateStore, ecosystem: string, plan: Plan, result: EcosystemUpdateResult, clock: Clock): void {
  const source = sourceNameFor(ecosystem);
  const before = store.sourceRecords(source);
  let newest: string | null = null;
  if (plan.kind === 'full') {
    const seen = new Set<string>();
    const errors: ChainwatchError[] = [];
    const zip = plan.zip;
    function* records(): Generator<OsvRecord> {
      for (const entry of iterateAdvisoryZipBytes(zip, `${ecosystem}/all.zip`)) {
        result.downloaded++;
        if (entry.ok) {
          seen.add(entry.value.id);
          if (newest === null || compareTimestamps(entry.value.modified, newest) > 0) newest = entry.value.modified;
          yield entry.value;
          continue;
        }
        // A damaged archive entry means a damaged download: roll this ecosystem back.
        if (entry.error.code === 'unreadable-file') throw entry.error;
        // A bad record stays out, but so does its deletion: keep whatever copy we had.
        const id = entry.error.location ? idOfEntry(entry.error.location.path) : null;
        if (id !== null) seen.add(id);
        errors.push(entry.error);
      }
    }
    const stats = store.importRecords(records(), { source });
    result.imported = stats.imported;
    result.skipped = stats.skipped;
    for (const error of errors) result.errors.push(error);
    result.deleted = store.detachFromSource(
      source,
      [...before.keys()].filter((id) => !seen.has(id)),
    );
  } else {
    const stats = store.importRecords(plan.records, { source });
    result.imported = stats.imported;
    result.skipped = stats.skipped;
    result.downloaded = plan.downloaded;
    result.deleted = store.detachFromSource(source, plan.removed);
    newest = plan.newest;
  }
  const previous = store.getMeta(cursorKeyFor(ecosystem));
  if (newest !== null && (previous === null || compareTimestamps(newest, previous) > 0)) store.setMeta(cursorKeyFor(ecosystem), newest);
  else if (previous === null) store.setMeta(cursorKeyFor(ecosystem), '1970-01-01T00:00:00Z');
  store.setMeta(updatedAtKeyFor(ecosystem), clock.now().toISOString());
  result.records = store.sourceRecords(source).size;
}

function describeFailure(error: unknown): string {
  if (error instanceof ChainwatchError) return error.message;
  return `unexpected failure: ${(error as Error).message ?? String(error)}`;
}

/**
 * Brings `options.store` up to date with OSV's exports. Never throws
 * for network trouble: an unreachable or broken source is reported as
 * `{ ecosystem, reachable: false, error }` and left exactly as it was.
 */
export async function updateAdvisoryDatabase(options: UpdateOptions): Promise<UpdateResult> {
  const clock = options.clock ?? systemClock;
  const events = options.events ?? silentSink;
  const baseUrl = options.baseUrl ?? DEFAULT_OSV_BASE_URL;
  const retry = {
    clock,
    events,
    attempts: Math.max(1, options.retry?.attempts ?? 4),
    baseDelayMs: options.retry?.baseDelayMs ?? 1000,
    maxDelayMs: options.retry?.maxDelayMs ?? 60_000,
    sleep: options.retry?.sleep ?? ((milliseconds: number) => delay(milliseconds)),
  };
  const http: HttpContext = { ...retry, client: createUpdateClient(options, retry), deadlineMs: options.deadlineMs };
  const store = options.store;
  try {
    const results: EcosystemUpdateResult[] = [];
    const plans = new Map<string, Plan>();
    for (const ecosystem of options.ecosystems) {
      const source = sourceNameFor(ecosystem);
      const result: EcosystemUpdateResult = {
        ecosystem,
        name: source,
        reachable: true,
        mode: 'none',
        downloaded: 0,
        imported: 0,
        skipped: 0,
        deleted: 0,
        errors: [],
      };
      results.push(result);
      try {
        const cursor = store.getMeta(cursorKeyFor(ecosystem));
        const stored = store.sourceRecords(source);
        let plan: Plan | 'needs-full' = 'needs-full';
        if (cursor !== null && !options.full) {
          plan = await planIncremental(
            ecosystem,
            baseUrl,
            http,
            source,
            stored,
            cursor,
            { concurrency: options.concurrency ?? 8, fullDownloadThreshold: options.fullDownloadThreshold ?? 2000 },
            result.errors,
          );
        }
        if (plan === 'needs-full') plan = await planFull(ecosystem, baseUrl, http, source, stored.size > 0);
        result.mode = plan.kind;
        plans.set(ecosystem, plan);
      } catch (error) {
        result.reachable = false;
        result.mode = 'none';
        result.error = describeFailure(error);
        result.errors = [];
        events.emit({ type: 'log', level: 'warn', message: `${ecosystem}: not updated: ${result.error}` });
      }
    }

    if (plans.size > 0) {
      store.transaction(() => {
        for (const result of results) {
          const plan = plans.get(result.ecosystem);
          if (!plan) continue;
          const snapshot = { ...result, errors: [...result.errors] };
          try {
            store.transaction(() => applyPlan(store, result.ecosystem, plan, result, clock));
          } catch (error) {
            // This ecosystem's savepoint is rolled back; the others stand.
            Object.assign(result, snapshot, { reachable: false, mode: 'none', error: describeFailure(error), downloaded: 0 });
            events.emit({ type: 'log', level: 'warn', message: `${result.ecosystem}: not updated: ${result.error}` });
          }
        }
      });
    }
    return { ecosystems: results, records: store.count() };
  } finally {
    await http.client.close();
  }
}

/**
 * When each ecosystem was last updated, and up to which record modification.
 * @internal A test seam: the tests read back the cursor an update wrote.
 */
export function readUpdateState(
  store: Pick<AdvisoryReader, 'getMeta'>,
  ecosystem: string,
): { modified: string; updatedAt: string | null } | null {
  const modified = store.getMeta(cursorKeyFor(ecosystem));
  return modified === null ? null : { modified, updatedAt: store.getMeta(updatedAtKeyFor(ecosystem)) };
}
