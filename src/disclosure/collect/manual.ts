/**
 * Reports that arrived by e-mail: the same lifecycle, dates and people as a
 * GitHub advisory, written down by hand, so they get the same clocks.
 *
 * Two ways in:
 *   - a manual YAML file (kept in a private repository): a list of records,
 *     read with the bounded reader, its nesting checked before the YAML
 *     parser sees it; every error names `file:line`;
 *   - `advisories add`: `manualAdvisoryFromOptions(record)` builds the same
 *     DeskAdvisory from the command's options, for the store.
 * Both go through one schema (`ManualRecordSchema`) and the same checks: the
 * id's form, `owner/name`, ISO dates with a time zone (or a bare date,
 * midnight UTC), a state with the date it needs, no date before `created_at`.
 * The file format is documented in readme.md.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { z } from 'zod';
import type { Clock } from '../../core/clock.js';
import { ChainwatchError, fail, ok, type Result } from '../../core/errors.js';
import { yamlNestingExceeds } from '../../core/nesting.js';
import { INPUT_LIMITS, readInputText } from '../../inventory/read-input.js';
import { ADVISORY_STATES, CREDIT_TYPES, type AdvisoryCredit, type CreditState, type CreditType, type DeskAdvisory, type DeskSource, type ManualAcknowledgement } from '../types.js';
import { CVE_ID, GHSA_ID, utcDateTime } from './schema.js';

/** Far deeper than a manual file nests (4 levels); deeper text never reaches the YAML parser (core/nesting.ts says why). */
const MAX_MANUAL_NESTING = 32;

/** A manual record's id: what the team calls the report (`MAIL-2026-003`); GHSA and CVE ids have their own fields. */
export const MANUAL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/;
const SLUG = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
/** GitHub's advisory ecosystems (`security-advisory-ecosystems`). */
const ECOSYSTEMS = ['rubygems', 'npm', 'pip', 'maven', 'nuget', 'composer', 'go', 'rust', 'erlang', 'actions', 'pub', 'other', 'swift'] as const;
const CREDIT_STATES = ['accepted', 'declined', 'pending'] as const;

const dateField = z.string().transform((text, context) => {
  const utc = utcDateTime(text, { dateOnly: true });
  if (utc === null) context.addIssue({ code: 'custom', message: `${JSON.stringify(text)} is not an ISO 8601 date-time with a time zone (2026-08-01T09:15:00Z) or a date (2026-08-01)` });
  return utc ?? '';
});
const login = z.string().regex(LOGIN, 'is not a GitHub login');

const CreditObjectSchema = z.strictObject({ login, type: z.enum(CREDIT_TYPES).default('reporter'), state: z.enum(CREDIT_STATES).default('pending') });

/**
 * `alice`, `alice:reporter`, `alice:reporter:accepted`, or `{ login, type, state }`; type defaults to reporter, state to pending.
 * Not a z.union: a union's failure says only "Invalid input", not which part is wrong.
 */
const CreditSchema = z.union([z.string(), z.record(z.string(), z.unknown())]).transform((value, context): AdvisoryCredit => {
  if (typeof value === 'string') {
    const [name = '', type = 'reporter', state = 'pending', ...rest] = value.split(':').map((part) => part.trim());
    if (!LOGIN.test(name) || !(CREDIT_TYPES as readonly string[]).includes(type) || !(CREDIT_STATES as readonly string[]).includes(state) || rest.length > 0) {
      context.addIssue({ code: 'custom', message: `${JSON.stringify(value)} is not login[:type[:state]] (types: ${CREDIT_TYPES.join(', ')}; states: ${CREDIT_STATES.join(', ')})` });
    }
    return { login: name, type: type as CreditType, state: state as CreditState };
  }
  const parsed = CreditObjectSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    const unknownKeys = issue.code === 'unrecognized_keys';
    context.addIssue({ code: 'custom', message: unknownKeys ? `unknown field ${issue.keys.join(', ')}` : issue.message, path: unknownKeys ? [...issue.path, issue.keys[0] ?? ''] : issue.path });
  }
  return z.NEVER;
});

export const ManualRecordSchema = z.strictObject({
  id: z
    .string()
    .regex(MANUAL_ID, 'is not an id (letters, digits, ".", "_" and "-", at most 64, e.g. MAIL-2026-003)')
    .refine((id) => !GHSA_ID.test(id) && !CVE_ID.test(id), 'is a GHSA or CVE id: give the record its own id and put that one under ghsa: or cve:'),
  repo: z.string().regex(REPOSITORY, 'is not owner/name'),
  summary: z.string().trim().min(1, 'is empty').max(1024),
  description: z.string().optional(),
  state: z.enum(ADVISORY_STATES).default('triage'),
  created_at: dateField,
  updated_at: dateField.optional(),
  published_at: dateField.optional(),
  closed_at: dateField.optional(),
  withdrawn_at: dateField.optional(),
  cve: z.string().regex(CVE_ID, 'is not a CVE id (CVE-YYYY-NNNN)').optional(),
  ghsa: z.string().regex(GHSA_ID, 'is not a GHSA id (GHSA-xxxx-xxxx-xxxx)').optional(),
  severity: z.enum(['critical', 'high', 'medium', 'low']).optional(),
  /** Whether the repository is public (a draft in a public repository needs a CVE before it is published). */
  public: z.boolean().optional(),
  /** The advisory's or tracking issue's page, if there is one. */
  url: z.url().optional(),
  credits: z.array(CreditSchema).default([]),
  collaborators: z.array(login).default([]),
  teams: z.array(z.string().regex(SLUG, 'is not a team slug')).default([]),
  vulnerabilities: z
    .array(
      z.strictObject({
        ecosystem: z.enum(ECOSYSTEMS),
        package: z.string().min(1),
        vulnerable_version_range: z.string().optional(),
        patched_versions: z.string().optional(),
        vulnerable_functions: z.array(z.string()).default([]),
      }),
    )
    .default([]),
  acknowledged_at: dateField.optional(),
  acknowledged_by: z.string().min(1).optional(),
  acknowledged_note: z.string().optional(),
});
/** One record as written (in the file, or as `advisories add` options). */
export type ManualRecordInput = z.input<typeof ManualRecordSchema>;
type ManualRecord = z.output<typeof ManualRecordSchema>;

/** Which date each state needs. */
const STATE_DATE: Partial<Record<(typeof ADVISORY_STATES)[number], 'published_at' | 'closed_at' | 'withdrawn_at'>> = {
  published: 'published_at',
  closed: 'closed_at',
  withdrawn: 'withdrawn_at',
};

export interface ManualFile {
  advisories: DeskAdvisory[];
  /** From records with `acknowledged_at`. */
  acknowledgements: ManualAcknowledgement[];
}

/** A record's problem: the message and the field it is about (for the line). */
interface RecordProblem {
  message: string;
  path: (string | number)[];
}

/** The checks a schema cannot make alone: each state has its date, no date before created_at, an acknowledger only with a date. */
function recordProblem(record: ManualRecord): RecordProblem | null {
  const needed = STATE_DATE[record.state];
  if (needed && !record[needed]) return { message: `state ${record.state} needs ${needed}`, path: ['state'] };
  for (const field of ['updated_at', 'published_at', 'closed_at', 'withdrawn_at', 'acknowledged_at'] as const) {
    const value = record[field];
    if (value && value < record.created_at) return { message: `${field} ${value} is before created_at ${record.created_at}`, path: [field] };
  }
  if ((record.acknowledged_by !== undefined || record.acknowledged_note !== undefined) && !record.acknowledged_at) {
    return { message: 'acknowledged_by and acknowledged_note need acknowledged_at', path: [record.acknowledged_by !== undefined ? 'acknowledged_by' : 'acknowledged_note'] };
  }
  return null;
}

function toAdvisory(record: ManualRecord, source: string): DeskAdvisory {
  const slash = record.repo.indexOf('/');
  const dates = [record.updated_at, record.published_at, record.closed_at, record.withdrawn_at, record.acknowledged_at].filter((date): date is string => Boolean(date));
  return {
    id: record.id,
    ghsaId: record.ghsa ?? null,
    cveId: record.cve ?? null,
    owner: record.repo.slice(0, slash),
    repo: record.repo.slice(slash + 1),
    repositoryPublic: record.public ?? null,
    htmlUrl: record.url ?? null,
    summary: record.summary,
    description: record.description ?? null,
    state: record.state,
    createdAt: record.created_at,
    // Left out: the latest date the record gives.
    updatedAt: record.updated_at ?? [record.created_at, ...dates].sort().at(-1)!,
    publishedAt: record.published_at ?? null,
    closedAt: record.closed_at ?? null,
    withdrawnAt: record.withdrawn_at ?? null,
    submissionAccepted: null,
    credits: record.credits,
    collaboratingUsers: record.collaborators,
    collaboratingTeams: record.teams,
    author: null,
    publisher: null,
    severity: record.severity ?? null,
    cvss: [],
    cweIds: [],
    vulnerabilities: record.vulnerabilities.map((vulnerability) => ({
      ecosystem: vulnerability.ecosystem,
      name: vulnerability.package,
      vulnerableVersionRange: vulnerability.vulnerable_version_range ?? null,
      patchedVersions: vulnerability.patched_versions ?? null,
      vulnerableFunctions: vulnerability.vulnerable_functions,
    })),
    privateFork: null,
    references: [],
    origin: 'manual',
    source,
  };
}

function acknowledgementOf(record: ManualRecord): ManualAcknowledgement | null {
  return record.acknowledged_at ? { advisoryId: record.id, at: record.acknowledged_at, by: record.acknowledged_by ?? null, note: record.acknowledged_note ?? null } : null;
}

/**
 * `advisories add`: one record from the command's options (the file's keys;
 * `created_at` defaults to now, `state` to triage), validated as the file's
 * records are. Errors are `invalid-argument`, naming the field.
 */
export function manualAdvisoryFromOptions(
  input: Omit<ManualRecordInput, 'created_at'> & { created_at?: string },
  options: { clock: Clock; source?: string },
): Result<{ advisory: DeskAdvisory; acknowledgement: ManualAcknowledgement | null }> {
  // Options left undefined take the defaults, as keys left out of the file do.
  const given = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
  const parsed = ManualRecordSchema.safeParse({ created_at: options.clock.now().toISOString().replace(/\.\d{3}Z$/, 'Z'), ...given });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
    return fail(new ChainwatchError('invalid-argument', `${where}${issue.message}`));
  }
  const problem = recordProblem(parsed.data);
  if (problem) return fail(new ChainwatchError('invalid-argument', problem.message));
  return ok({ advisory: toAdvisory(parsed.data, options.source ?? 'advisories add'), acknowledgement: acknowledgementOf(parsed.data) });
}

/** Reads a manual file (bounded, strict UTF-8) and parses it; every error names the file and, where there is one, the line. */
export async function loadManualFile(path: string): Promise<Result<ManualFile>> {
  let text: string;
  try {
    text = await readInputText(path, { maxBytes: INPUT_LIMITS.config });
  } catch (error) {
    if (error instanceof ChainwatchError) return fail(new ChainwatchError(error.code, `cannot read the manual advisories file: ${error.message}`, { location: error.location ?? { path }, cause: error }));
    throw error;
  }
  return parseManualFile(text, path);
}

/** Parses manual file text; `path` names it in sources and errors. */
export function parseManualFile(text: string, path: string): Result<ManualFile> {
  const tooDeep = yamlNestingExceeds(text, MAX_MANUAL_NESTING);
  if (tooDeep !== null) return located('parse-error', `invalid YAML: nested deeper than ${MAX_MANUAL_NESTING} levels`, path, tooDeep);
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const syntaxError = document.errors[0];
  if (syntaxError) {
    return located('parse-error', `invalid YAML: ${(syntaxError.message.split('\n')[0] ?? syntaxError.message).replace(/:$/, '')}`, path, syntaxError.linePos?.[0].line);
  }
  const lineOf = (segments: readonly PropertyKey[]): number | undefined => yamlLine(document, lineCounter, segments);
  const value: unknown = document.toJS() ?? [];
  if (!Array.isArray(value)) return located('invalid-config', 'expected a list of advisory records (each starting with "- id:")', path, lineOf([]));
  const advisories: DeskAdvisory[] = [];
  const acknowledgements: ManualAcknowledgement[] = [];
  const seen = new Map<string, number>();
  for (const [index, item] of value.entries()) {
    const parsed = ManualRecordSchema.safeParse(item);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const segments = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path;
      const field = segments.map(String).join('.');
      const message = issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.join(', ')}` : issue.message;
      return located('invalid-config', `record ${index + 1}${recordName(item)}: ${field && issue.code !== 'unrecognized_keys' ? `${field}: ` : ''}${message}`, path, lineOf([index, ...segments]));
    }
    const record = parsed.data;
    const problem = recordProblem(record);
    if (problem) return located('invalid-config', `record ${index + 1} (${record.id}): ${problem.message}`, path, lineOf([index, ...problem.path]));
    const line = lineOf([index]) ?? 1;
    const earlier = seen.get(record.id.toLowerCase());
    if (earlier !== undefined) return located('invalid-config', `record ${index + 1}: id ${record.id} is also the id of the record at line ${earlier}`, path, lineOf([index, 'id']));
    seen.set(record.id.toLowerCase(), line);
    advisories.push(toAdvisory(record, `${path}:${line}`));
    const acknowledgement = acknowledgementOf(record);
    if (acknowledgement) acknowledgements.push(acknowledgement);
  }
  return ok({ advisories, acknowledgements });
}

/**
 * A manual file as the desk's sources see it: its advisories and
 * acknowledgements, and one source `manual:<path>` that is `read`, or
 * `invalid`/`not-found` with the error (`file:line: …`). Never throws for a
 * file it cannot use: the other sources go on.
 */
export async function readManualSource(path: string): Promise<ManualFile & { sources: DeskSource[] }> {
  const loaded = await loadManualFile(path);
  const name = `manual:${path}`;
  if (!loaded.ok) {
    const status = /does not exist$/.test(loaded.error.message) ? 'not-found' : 'invalid';
    return { advisories: [], acknowledgements: [], sources: [{ name, status, advisories: 0, note: loaded.error.describe() }] };
  }
  return { ...loaded.value, sources: [{ name, status: 'read', advisories: loaded.value.advisories.length, note: null }] };
}

function recordName(item: unknown): string {
  const id = (item as { id?: unknown } | null)?.id;
  return typeof id === 'string' && id.length <= 64 ? ` (${id})` : '';
}

function located(code: 'invalid-config' | 'parse-error', message: string, path: string, line: number | undefined): { ok: false; error: ChainwatchError } {
  return fail(new ChainwatchError(code, message, { location: line === undefined ? { path } : { path, line } }));
}

/** The line of the deepest node on `segments` that exists (the failing value, else its parent); an unknown key's own line. */
function yamlLine(document: Document, lineCounter: LineCounter, segments: readonly PropertyKey[]): number | undefined {
  const path = segments.filter((segment): segment is string | number => typeof segment !== 'symbol');
  for (let length = path.length; length >= 0; length--) {
    const prefix = path.slice(0, length);
    const parent = length === 0 ? null : length === 1 ? document.contents : document.getIn(prefix.slice(0, -1), true);
    const last = prefix[prefix.length - 1];
    let node: unknown = length === 0 ? document.contents : document.getIn(prefix, true);
    if (isMap(parent) && typeof last === 'string') {
      const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === last);
      if (pair && isScalar(pair.key)) node = pair.key;
    } else if (isSeq(parent) && typeof last === 'number') {
      node = parent.items[last];
    }
    const range = (node as YamlNode | null | undefined)?.range;
    if (range) return lineCounter.linePos(range[0]).line;
  }
  return undefined;
}
