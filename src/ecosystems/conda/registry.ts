import { createHash } from 'node:crypto';
import { decode as decodeMessagePack } from '@msgpack/msgpack';
import { Decompress as ZstdDecompress } from 'fzstd';
import { ChainwatchError, HostError } from '../../core/errors.js';
import { redactUrl } from '../../http/redact.js';
import type { HttpClient, HttpResponse } from '../../http/types.js';
import type { z } from 'zod';
import {
  RepodataRecordSchema,
  RepodataSchema,
  ShardIndexSchema,
  ShardSchema,
  type RepodataRecordFields,
  type ShardIndex,
} from './schema.js';

/**
 * A conda channel read over HTTP: `<channel>/<subdir>/repodata.json`, its
 * zstd-compressed twin `repodata.json.zst`, or CEP 16 sharded repodata
 * (`repodata_shards.msgpack.zst` + one shard per package name). Like conda
 * and rattler, each subdir tries sharded first, then `.zst`, then plain JSON;
 * a format the channel does not offer answers 404 and the next one is tried.
 *
 * Failures are kept apart (STYLE rule 7): a host that cannot be reached (or
 * keeps failing) raises the HttpClient's HostError, which the client also
 * records in its failure list; a body that does not decode is a HostError
 * too (the channel answered, but not with repodata); one record that does
 * not parse is a problem value and the rest of the channel is still used.
 */

export const REPODATA_FORMATS = ['sharded', 'zst', 'json'] as const;
export type RepodataFormat = (typeof REPODATA_FORMATS)[number];

/** One package file of the channel, with the repodata fields chainwatch uses. */
export interface CondaPackageRecord {
  readonly name: string;
  readonly version: string;
  readonly build: string;
  readonly buildNumber: number;
  /** MatchSpec strings. */
  readonly depends: readonly string[];
  /** MatchSpec strings that restrict other packages if they are installed. */
  readonly constrains: readonly string[];
  readonly subdir: string;
  /** `name-version-build.conda` or `.tar.bz2`. */
  readonly fileName: string;
  /** Where the package file is, from the subdir URL or the repodata's `base_url`. */
  readonly url: string;
  /** Milliseconds since the epoch; absent when the record has none. */
  readonly timestamp?: number;
  readonly license?: string;
  readonly noarch?: 'python' | 'generic';
  /** Lower-case hex. */
  readonly md5?: string;
  readonly sha256?: string;
  readonly size?: number;
  readonly trackFeatures: readonly string[];
  readonly pythonSitePackagesPath?: string;
  /** Upstream package URLs, when the channel publishes them. */
  readonly purls: readonly string[];
}

/** A record that was dropped, and why. */
export interface RepodataProblem {
  readonly url: string;
  readonly fileName: string;
  readonly message: string;
}

export interface SubdirStatus {
  readonly subdir: string;
  /** The form the subdir was read from; `missing` when the channel has no repodata for it. */
  readonly format: RepodataFormat | 'missing';
  /** The index that answered (or the last URL tried). */
  readonly url: string;
}

export interface CondaChannel {
  /** The channel URL, ending in `/`. */
  readonly url: string;
  /** The source name used in requests and failure lists (`conda-forge`). */
  readonly source: string;
  readonly subdirs: readonly string[];
  /**
   * Every record of one package name across the subdirs, `.conda` preferred
   * over `.tar.bz2` for the same name-version-build. An unknown name gives an
   * empty list. Raises HostError when the channel cannot be read.
   */
  records(name: string): Promise<CondaPackageRecord[]>;
  /** Loads each subdir's index (not the shards) and says which form answered. */
  status(): Promise<SubdirStatus[]>;
  /** Records dropped so far because they did not parse. */
  problems(): readonly RepodataProblem[];
}

export interface CondaChannelOptions {
  http: HttpClient;
  /** The channel's base URL, from the configuration (never a literal host in code). */
  channelUrl: string;
  /** e.g. `['noarch', 'linux-64']`. */
  subdirs: readonly string[];
  /** Name for the failure list; defaults to the channel URL's last path segment (`conda-forge`). */
  source?: string;
  /** Forms to try, in order; defaults to sharded, zst, json. */
  formats?: readonly RepodataFormat[];
}

type SubdirIndex =
  | { kind: 'monolithic'; format: 'zst' | 'json'; url: string; byName: Map<string, CondaPackageRecord[]> }
  | {
      kind: 'sharded';
      url: string;
      index: ShardIndex;
      shardsBase: URL;
      packagesBase: URL;
      shards: Map<string, Promise<CondaPackageRecord[]>>;
    }
  | { kind: 'missing'; url: string };

const FILE_NAMES: Record<RepodataFormat, string> = {
  sharded: 'repodata_shards.msgpack.zst',
  zst: 'repodata.json.zst',
  json: 'repodata.json',
};

/** conda-forge's largest monolithic repodata.json is a few hundred megabytes: room for it, and a bound (also on zstd output). */
const MAX_REPODATA_BYTES = 768 * 1024 * 1024;
const REPODATA_DEADLINE_MS = 600_000;

type Reading<T> = { ok: true; value: T } | { ok: false; problem: string; cause?: unknown };
type Repodata = z.output<typeof RepodataSchema>;
type Shard = z.output<typeof ShardSchema>;

/**
 * zstd with a bound on the output: fzstd's one-shot decompress() allocates
 * whatever size a frame claims, so a few bytes could ask for gigabytes.
 * The streaming decoder hands out blocks (at most 128 KiB each); the count
 * stops at `maxBytes`.
 */
export function decompressZstdCapped(input: Uint8Array, maxBytes: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const decoder = new ZstdDecompress((chunk) => {
    total += chunk.length;
    if (total > maxBytes) throw new ChainwatchError('input-too-large', `zstd data inflates to more than ${maxBytes} bytes (a compression bomb?)`);
    chunks.push(chunk);
  });
  decoder.push(input, true);
  const output = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    output.set(chunk, offset);
    offset += chunk.length;
  }
  return output;
}

/** Statuses that mean "this form is not offered here": try the next one. */
const NOT_OFFERED = new Set([403, 404, 410]);

export function channelSourceName(channelUrl: string): string {
  const url = new URL(channelUrl);
  const segments = url.pathname.split('/').filter((segment) => segment !== '');
  return segments[segments.length - 1] ?? url.hostname;
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function decodeText(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

export function createCondaChannel(options: CondaChannelOptions): CondaChannel {
  const channelUrl = withSlash(options.channelUrl);
  const source = options.source ?? channelSourceName(channelUrl);
  const formats = options.formats ?? REPODATA_FORMATS;
  const subdirs = [...options.subdirs];
  const indexes = new Map<string, Promise<SubdirIndex>>();
  const problems: RepodataProblem[] = [];

  function hostError(url: string, message: string, cause?: unknown, status?: number): HostError {
    // A channel URL may carry a token (`/t/<token>/`) or credentials: messages get the redacted form.
    return new HostError(source, `${message} (${redactUrl(url)})`, { ...(status === undefined ? {} : { status }), cause });
  }

  /**
   * GET with `read` run on a 200 answer before the HTTP layer may cache it:
   * only repodata that decoded and validated is ever kept. `value` is what
   * `read` made of a fresh or cached answer (undefined from a client that
   * does not validate, e.g. a test fake: read the response then).
   */
  async function get<T>(url: string, cache: 'revalidate' | 'prefer-cache', read: (response: HttpResponse) => Reading<T>): Promise<{ response: HttpResponse; value: T | undefined }> {
    let value: T | undefined;
    const response = await options.http.get({
      url,
      source,
      cache,
      maxBytes: MAX_REPODATA_BYTES,
      deadlineMs: REPODATA_DEADLINE_MS,
      validate: (answer) => {
        if (answer.status !== 200) return true;
        const reading = read(answer);
        if (!reading.ok) return `answered something unusable: ${reading.problem}`;
        value = reading.value;
        return true;
      },
    });
    return { response, value };
  }

  /** The value `get` checked, or the same reading of the response now; a HostError when it is unusable. */
  function valueOf<T>(fetched: { response: HttpResponse; value: T | undefined }, read: (response: HttpResponse) => Reading<T>): T {
    if (fetched.value !== undefined) return fetched.value;
    const reading = read(fetched.response);
    if (!reading.ok) throw hostError(fetched.response.url, reading.problem, reading.cause, fetched.response.status);
    return reading.value;
  }

  function decodeBody<T>(what: string, body: Buffer, decode: (body: Buffer) => T): Reading<T> {
    try {
      return { ok: true, value: decode(body) };
    } catch (cause) {
      return { ok: false, problem: `${what} could not be decoded (${(cause as Error).message})`, cause };
    }
  }

  function readShardIndex(response: HttpResponse): Reading<ShardIndex> {
    const decoded = decodeBody('the shard index', response.body, (body) => decodeMessagePack(decompressZstdCapped(body, MAX_REPODATA_BYTES)));
    if (!decoded.ok) return decoded;
    const parsed = ShardIndexSchema.safeParse(decoded.value);
    return parsed.success ? { ok: true, value: parsed.data } : { ok: false, problem: 'the shard index is not CEP 16 sharded repodata', cause: parsed.error };
  }

  function readRepodata(format: 'zst' | 'json'): (response: HttpResponse) => Reading<Repodata> {
    return (response) => {
      const decoded = decodeBody(format === 'zst' ? 'repodata.json.zst' : 'repodata.json', response.body, (body) =>
        JSON.parse(decodeText(format === 'zst' ? decompressZstdCapped(body, MAX_REPODATA_BYTES) : body)),
      );
      if (!decoded.ok) return decoded;
      const parsed = RepodataSchema.safeParse(decoded.value);
      return parsed.success ? { ok: true, value: parsed.data } : { ok: false, problem: 'the body is not conda repodata', cause: parsed.error };
    };
  }

  function readShard(name: string, hash: string): (response: HttpResponse) => Reading<Shard> {
    return (response) => {
      // Shards are content-addressed: the name is the sha256 of the compressed bytes.
      const actual = createHash('sha256').update(response.body).digest('hex');
      if (actual !== hash) return { ok: false, problem: `shard for ${name} does not match its sha256 (got ${actual})` };
      const decoded = decodeBody(`the shard for ${name}`, response.body, (body) => decodeMessagePack(decompressZstdCapped(body, MAX_REPODATA_BYTES)));
      if (!decoded.ok) return decoded;
      const parsed = ShardSchema.safeParse(decoded.value);
      return parsed.success ? { ok: true, value: parsed.data } : { ok: false, problem: `the shard for ${name} is not a CEP 16 shard`, cause: parsed.error };
    };
  }

  function toRecord(fileName: string, raw: unknown, subdir: string, packagesBase: URL, url: string): CondaPackageRecord | null {
    const parsed = RepodataRecordSchema.safeParse(raw);
    if (!parsed.success) {
      problems.push({ url: redactUrl(url), fileName, message: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ') });
      return null;
    }
    return fromFields(parsed.data, fileName, parsed.data.subdir ?? subdir, new URL(fileName, packagesBase).href);
  }

  /** `.conda` wins over `.tar.bz2` for the same name-version-build, as conda does by default. */
  function collect(
    sections: { packages: Record<string, unknown>; 'packages.conda': Record<string, unknown>; removed: string[] },
    subdir: string,
    packagesBase: URL,
    url: string,
  ): CondaPackageRecord[] {
    const removed = new Set(sections.removed);
    const byKey = new Map<string, CondaPackageRecord>();
    for (const section of ['packages.conda', 'packages'] as const) {
      for (const [fileName, raw] of Object.entries(sections[section])) {
        if (removed.has(fileName)) continue;
        const record = toRecord(fileName, raw, subdir, packagesBase, url);
        if (!record) continue;
        const key = `${record.name}-${record.version}-${record.build}`;
        if (!byKey.has(key)) byKey.set(key, record);
      }
    }
    return [...byKey.values()];
  }

  async function loadSubdir(subdir: string): Promise<SubdirIndex> {
    const subdirUrl = new URL(`${subdir}/`, channelUrl);
    let lastUrl = new URL(FILE_NAMES.json, subdirUrl).href;
    for (const format of formats) {
      const url = new URL(FILE_NAMES[format], subdirUrl).href;
      lastUrl = url;
      if (format === 'sharded') {
        const fetched = await get(url, 'revalidate', readShardIndex);
        const { response } = fetched;
        if (NOT_OFFERED.has(response.status)) continue;
        if (response.status !== 200) throw hostError(url, `unexpected HTTP status ${response.status}`, undefined, response.status);
        const index = valueOf(fetched, readShardIndex);
        // CEP 16: both base URLs are relative to the index; conda-index writes '' for "next to the index".
        return {
          kind: 'sharded',
          url: response.url,
          index,
          shardsBase: new URL(index.info.shards_base_url ?? '', response.url),
          packagesBase: new URL(index.info.base_url ?? '', response.url),
          shards: new Map(),
        };
      }

      const read = readRepodata(format);
      const fetched = await get(url, 'revalidate', read);
      const { response } = fetched;
      if (NOT_OFFERED.has(response.status)) continue;
      if (response.status !== 200) throw hostError(url, `unexpected HTTP status ${response.status}`, undefined, response.status);
      const repodata = valueOf(fetched, read);
      const packagesBase = new URL(repodata.info?.base_url ?? '', response.url);
      const byName = new Map<string, CondaPackageRecord[]>();
      for (const record of collect(repodata, subdir, packagesBase, response.url)) {
        const list = byName.get(record.name);
        if (list) list.push(record);
        else byName.set(record.name, [record]);
      }
      return { kind: 'monolithic', format, url: response.url, byName };
    }
    return { kind: 'missing', url: lastUrl };
  }

  function subdirIndex(subdir: string): Promise<SubdirIndex> {
    let index = indexes.get(subdir);
    if (!index) {
      index = loadSubdir(subdir);
      indexes.set(subdir, index);
    }
    return index;
  }

  async function loadShard(index: Extract<SubdirIndex, { kind: 'sharded' }>, subdir: string, name: string, hash: string): Promise<CondaPackageRecord[]> {
    const url = new URL(`${hash}.msgpack.zst`, index.shardsBase).href;
    const read = readShard(name, hash);
    const fetched = await get(url, 'prefer-cache', read);
    if (fetched.response.status !== 200) throw hostError(url, `shard for ${name}: HTTP status ${fetched.response.status}`, undefined, fetched.response.status);
    const shard = valueOf(fetched, read);
    const records: CondaPackageRecord[] = [];
    for (const record of collect(shard, subdir, index.packagesBase, url)) {
      if (record.name === name) records.push(record);
      else problems.push({ url: redactUrl(url), fileName: record.fileName, message: `record for ${record.name} in the shard of ${name}` });
    }
    return records;
  }

  async function recordsIn(subdir: string, name: string): Promise<CondaPackageRecord[]> {
    const index = await subdirIndex(subdir);
    if (index.kind === 'missing') return [];
    if (index.kind === 'monolithic') return index.byName.get(name) ?? [];
    const hash = index.index.shards.get(name);
    if (hash === undefined) return [];
    let shard = index.shards.get(name);
    if (!shard) {
      shard = loadShard(index, subdir, name, hash);
      index.shards.set(name, shard);
    }
    return shard;
  }

  async function status(): Promise<SubdirStatus[]> {
    const loaded = await allSettled(subdirs.map((subdir) => subdirIndex(subdir)));
    return loaded.map((index, i) => ({
      subdir: subdirs[i]!,
      format: index.kind === 'missing' ? 'missing' : index.kind === 'sharded' ? 'sharded' : index.format,
      url: index.url,
    }));
  }

  return {
    url: channelUrl,
    source,
    subdirs,
    async records(name) {
      const all = await status();
      if (all.every((subdir) => subdir.format === 'missing')) {
        throw hostError(channelUrl, `no repodata for ${subdirs.join(', ')}: not a conda channel`, undefined, 404);
      }
      const lists = await allSettled(subdirs.map((subdir) => recordsIn(subdir, name.toLowerCase())));
      return lists.flat();
    },
    status,
    problems: () => problems,
  };
}

/**
 * Promise.all that waits for every subdir before failing with the first error: a subdir still
 * being retried when another failed would otherwise outlive the channel's caller, who then
 * closes the HTTP client under it (a stray "The client is destroyed" warning).
 */
async function allSettled<T>(work: readonly Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(work);
  const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<T>).value);
}

function fromFields(fields: RepodataRecordFields, fileName: string, subdir: string, url: string): CondaPackageRecord {
  return {
    name: fields.name.toLowerCase(),
    version: fields.version,
    build: fields.build,
    // conda reads a missing build number as 0.
    buildNumber: fields.build_number ?? 0,
    depends: fields.depends,
    constrains: fields.constrains,
    subdir,
    fileName,
    url,
    trackFeatures: fields.track_features,
    purls: fields.purls,
    ...(fields.timestamp === undefined ? {} : { timestamp: fields.timestamp }),
    ...(fields.license === undefined ? {} : { license: fields.license }),
    ...(fields.noarch === undefined ? {} : { noarch: fields.noarch }),
    ...(fields.md5 === undefined ? {} : { md5: fields.md5 }),
    ...(fields.sha256 === undefined ? {} : { sha256: fields.sha256 }),
    ...(fields.size === undefined ? {} : { size: fields.size }),
    ...(fields.python_site_packages_path === undefined ? {} : { pythonSitePackagesPath: fields.python_site_packages_path }),
  };
}
