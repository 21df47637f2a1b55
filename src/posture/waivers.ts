import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import type { Clock } from '../core/clock.js';
import { ChainwatchError, fail, ok, type Result } from '../core/errors.js';
import { readConfigText } from '../inventory/read-input.js';
import { yamlToJs, yamlTooDeep } from './parse-text.js';
import { CHECK_IDS, ORG_CHECK_IDS, type CheckResult, type FindingSelector, type PostureFinding, type PostureReport, type WaivedFinding, type WaiverNote } from './types.js';

/**
 * Waivers replace the bare ignore lists: each one names a repository (or
 * `org/*`, or an org for org checks), a check, why the risk is accepted, who
 * approved it and until when; and, optionally, which findings of that check
 * it covers: those in a `file`, about an `action` or about a `package`.
 *
 * ```yaml
 * waivers:
 *   - repo: jupyter/nbconvert
 *     check: trusted-publishing
 *     reason: npm token still needed until the release tool supports OIDC
 *     approved-by: security council (2026-08-01 meeting)
 *     expires: 2026-12-31
 *   - repo: jupyter/*
 *     check: pinned-actions
 *     action: jupyterlab/maintainer-tools/*   # our own actions; actions/checkout@v4 still counts
 *     reason: maintained by the same people
 *     approved-by: security council
 *     expires: 2026-12-31
 * ```
 * A bare list (without `waivers:`) is read the same way. A waiver applies
 * through the whole of its `expires` day (UTC); after that it is reported as
 * expired and no longer applied.
 */

const REPO_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\/(?:\*|[A-Za-z0-9._-]+))?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** `owner/repo`, `owner/repo/path`, with `*` (one segment; a trailing `/*`: anything below) and no `@ref`. */
const ACTION_PATTERN = /^[A-Za-z0-9*][A-Za-z0-9*-]*\/[A-Za-z0-9._*-]+(?:\/[A-Za-z0-9._*-]+)*$/;

const SELECTOR_KEYS = ['file', 'action', 'package'] as const satisfies readonly (keyof FindingSelector)[];

/** A repository-relative path or glob: no leading `/`, no `..`, no backslashes. */
const FilePattern = z
  .string()
  .trim()
  .min(1, 'expected a repository-relative path or glob')
  .refine((value) => !value.startsWith('/') && !value.includes('\\') && !value.split('/').includes('..'), 'expected a repository-relative path or glob (no leading /, no ..)');

export const WaiverSchema = z
  .strictObject({
    repo: z.string().regex(REPO_PATTERN, 'expected owner/name, owner/* or an org name'),
    check: z.enum([...CHECK_IDS, ...ORG_CHECK_IDS], { error: `expected one of ${[...CHECK_IDS, ...ORG_CHECK_IDS].join(', ')}` }),
    file: FilePattern.optional(),
    action: z
      .string()
      .trim()
      .regex(ACTION_PATTERN, 'expected owner/repo, owner/repo/path or a pattern such as owner/repo/* (without @ref)')
      .optional(),
    package: z.string().trim().min(1, 'expected a package name or glob').optional(),
    reason: z.string().trim().min(1, 'a waiver needs a reason'),
    'approved-by': z.string().trim().min(1, 'a waiver needs approved-by'),
    expires: z
      .string()
      .regex(DATE, 'expected a date as YYYY-MM-DD')
      .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value), 'not a real date'),
  })
  // Organisation checks have no files, actions or packages to name.
  .refine((waiver) => !(ORG_CHECK_IDS as readonly string[]).includes(waiver.check) || SELECTOR_KEYS.every((key) => waiver[key] === undefined), {
    message: 'an organisation check has no files, actions or packages: waive the whole check',
    path: ['check'],
  });

export const WaiverFileSchema = z.union([z.strictObject({ waivers: z.array(z.unknown()) }), z.array(z.unknown())]);

const FIELDS = 'repo, check, file, action, package, reason, approved-by, expires';

export interface Waiver extends FindingSelector {
  /** `owner/name`, `owner/*`, or an org name (for org checks). */
  repo: string;
  check: CheckResult['id'];
  reason: string;
  approvedBy: string;
  /** YYYY-MM-DD, inclusive. */
  expires: string;
  /** Where it was written, for messages. */
  location: { path: string; line: number };
}

export function loadWaivers(path: string): Result<Waiver[]> {
  // Bounded, regular files only, strict UTF-8: a FIFO or /dev/zero named as the waivers file is an error, not a hang.
  const text = readConfigText(path, 'waivers');
  return text.ok ? parseWaivers(text.value, path) : text;
}

/** Parses a waivers file; every error names the file and the line. */
export function parseWaivers(text: string, path: string): Result<Waiver[]> {
  const tooDeep = yamlTooDeep(text);
  if (tooDeep) return invalid(`invalid YAML: ${tooDeep.message}`, path, tooDeep.line, 'parse-error');
  const lineCounter = new LineCounter();
  // YAML 1.2 core schema: `expires: 2026-12-31` stays a string (no timestamp guessing).
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, schema: 'core' });
  const syntaxError = document.errors[0];
  if (syntaxError) {
    const message = (syntaxError.message.split('\n')[0] ?? syntaxError.message).replace(/:$/, '');
    return invalid(`invalid YAML: ${message}`, path, lineCounter.linePos(syntaxError.pos[0]).line, 'parse-error');
  }
  const converted = yamlToJs(document);
  if (!converted) return invalid('nested deeper than can be read', path, 1, 'parse-error');
  const value: unknown = converted.value ?? { waivers: [] };
  const file = WaiverFileSchema.safeParse(value);
  if (!file.success) {
    const where = isMap(document.contents) && document.has('waivers') ? ['waivers'] : [];
    return invalid('expected a `waivers:` list (or a bare list of waivers)', path, lineOf(document, lineCounter, where));
  }
  const bare = Array.isArray(file.data);
  const entries = Array.isArray(file.data) ? file.data : file.data.waivers;
  const prefix = bare ? [] : ['waivers'];
  const waivers: Waiver[] = [];
  for (const [index, entry] of entries.entries()) {
    const parsed = WaiverSchema.safeParse(entry);
    const at = [...prefix, index];
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.code === 'unrecognized_keys' ? issue.keys[0] : issue.path[0];
      const fieldPath = field === undefined ? at : [...at, String(field)];
      const label = field === undefined ? `waiver ${index + 1}` : `waiver ${index + 1}: ${String(field)}`;
      const message = issue.code === 'unrecognized_keys' ? `unknown field (expected ${FIELDS})` : issue.message;
      return invalid(`${label}: ${message}`, path, lineOf(document, lineCounter, fieldPath, issue.code === 'unrecognized_keys'));
    }
    const waiver = parsed.data;
    waivers.push({
      repo: waiver.repo,
      check: waiver.check,
      ...selectorOf(waiver),
      reason: waiver.reason,
      approvedBy: waiver['approved-by'],
      expires: waiver.expires,
      location: { path, line: lineOf(document, lineCounter, at) },
    });
  }
  return ok(waivers);
}

function invalid(message: string, path: string, line: number, code: 'invalid-config' | 'parse-error' = 'invalid-config') {
  return fail(new ChainwatchError(code, message, { location: { path, line } }));
}

/** The line of the node at `path` (or of its key), falling back to its nearest parent. */
function lineOf(document: Document, lineCounter: LineCounter, path: readonly (string | number)[], preferKey = false): number {
  for (let length = path.length; length >= 0; length--) {
    const prefix = path.slice(0, length);
    if (preferKey && length === path.length && length > 0) {
      const parent = length === 1 ? document.contents : document.getIn(prefix.slice(0, -1), true);
      const key = prefix[prefix.length - 1];
      if (isMap(parent)) {
        const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === key);
        const range = pair && isScalar(pair.key) ? pair.key.range : undefined;
        if (range) return lineCounter.linePos(range[0]).line;
      }
    }
    const node = length === 0 ? document.contents : document.getIn(prefix, true);
    const range = node && (isMap(node) || isSeq(node) || isScalar(node)) ? node.range : undefined;
    if (range) return lineCounter.linePos(range[0]).line;
  }
  return 1;
}

/** End of the expiry day, UTC. */
function expiresAt(waiver: Pick<Waiver, 'expires'>): number {
  return Date.parse(`${waiver.expires}T23:59:59.999Z`);
}

export function isExpired(waiver: Pick<Waiver, 'expires'>, clock: Clock): boolean {
  return clock.now().getTime() > expiresAt(waiver);
}

function matchesRepo(pattern: string, repo: string): boolean {
  if (pattern === repo) return true;
  if (pattern.endsWith('/*')) return repo.toLowerCase().startsWith(pattern.slice(0, -1).toLowerCase());
  return pattern.toLowerCase() === repo.toLowerCase();
}

function selectorOf(source: FindingSelector): FindingSelector {
  const selector: FindingSelector = {};
  for (const key of SELECTOR_KEYS) if (source[key] !== undefined) selector[key] = source[key];
  return selector;
}

/** A waiver that names a file, an action or a package covers only the findings it names. */
function namesFindings(waiver: FindingSelector): boolean {
  return SELECTOR_KEYS.some((key) => waiver[key] !== undefined);
}

/**
 * A glob as a regular expression: `*` is any text within one path segment,
 * `**` any text across segments (followed by a slash: any directories, none included); with `trailingAnyDepth`, a final `/*` also
 * matches the text before it and anything below (`owner/repo/*` covers
 * `owner/repo@v1` and `owner/repo/sub/action@v1`).
 */
function globPattern(glob: string, options: { ignoreCase: boolean; trailingAnyDepth: boolean }): RegExp {
  const anyBelow = options.trailingAnyDepth && glob.endsWith('/*');
  const body = anyBelow ? glob.slice(0, -2) : glob;
  let source = '';
  for (let index = 0; index < body.length; index++) {
    const char = body[index]!;
    if (char === '*' && body[index + 1] === '*') {
      // `**/` is any number of directories, none included; a bare `**` any text.
      if (body[index + 2] === '/') {
        source += '(?:.*/)?';
        index += 2;
      } else {
        source += '.*';
        index++;
      }
    } else if (char === '*') source += '[^/]*';
    else source += char.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}${anyBelow ? '(?:/.*)?' : ''}$`, options.ignoreCase ? 'i' : '');
}

/** Whether every part a waiver names matches the finding (a finding without an action is never covered by an `action:` waiver). */
function coversFinding(waiver: FindingSelector, finding: PostureFinding): boolean {
  if (waiver.file !== undefined && (finding.file === undefined || !globPattern(waiver.file, { ignoreCase: false, trailingAnyDepth: false }).test(finding.file))) return false;
  if (waiver.action !== undefined && (finding.action === undefined || !globPattern(waiver.action, { ignoreCase: true, trailingAnyDepth: true }).test(finding.action))) return false;
  if (waiver.package !== undefined && (finding.package === undefined || !globPattern(waiver.package, { ignoreCase: true, trailingAnyDepth: false }).test(finding.package))) return false;
  return true;
}

function noteOf(waiver: Waiver): WaiverNote {
  return { reason: waiver.reason, approvedBy: waiver.approvedBy, expires: waiver.expires, ...selectorOf(waiver) };
}

/** Only results that need accepting carry a waiver; a pass or a not-applicable has nothing to waive. */
const WAIVABLE: ReadonlySet<CheckResult['outcome']> = new Set(['fail', 'partial', 'error', 'not-available']);

/** When several waivers match, the one that lasts longest is the one in force (ties: the one naming the subject exactly). */
function longestLasting(waivers: readonly Waiver[], subject: string): Waiver | undefined {
  return [...waivers].sort((a, b) => expiresAt(b) - expiresAt(a) || (a.repo === subject ? -1 : b.repo === subject ? 1 : 0))[0];
}

/**
 * Marks the results an unexpired waiver covers (the real outcome is kept; a
 * `waiver` is added), and lists every expired waiver in `expiredWaivers`
 * (expired waivers are never applied). A waiver of the whole check covers the
 * result; waivers that name a file, an action or a package cover the findings
 * they name, which move to `waivedFindings` (each with its waiver): when they
 * cover every finding the result is waived (until the first of them expires),
 * otherwise it keeps its outcome with only the findings left. Returns a new
 * report.
 */
export function applyWaivers(report: PostureReport, waivers: readonly Waiver[], clock: Clock): PostureReport {
  const active = waivers.filter((waiver) => !isExpired(waiver, clock));
  const expired = waivers.filter((waiver) => isExpired(waiver, clock));
  const waive = (subject: string, result: CheckResult): CheckResult => {
    if (!WAIVABLE.has(result.outcome)) return result;
    const matching = active.filter((waiver) => waiver.check === result.id && matchesRepo(waiver.repo, subject));
    const whole = longestLasting(
      matching.filter((waiver) => !namesFindings(waiver)),
      subject,
    );
    if (whole) return { ...result, waiver: noteOf(whole) };
    const selective = matching.filter(namesFindings);
    if (selective.length === 0) return result;
    const remaining: PostureFinding[] = [];
    const waived: WaivedFinding[] = [];
    const used: Waiver[] = [];
    for (const finding of result.findings) {
      const covering = longestLasting(
        selective.filter((waiver) => coversFinding(waiver, finding)),
        subject,
      );
      if (!covering) {
        remaining.push(finding);
        continue;
      }
      waived.push({ ...finding, waiver: noteOf(covering) });
      if (!used.includes(covering)) used.push(covering);
    }
    if (waived.length === 0) return result;
    const waivedResult: CheckResult = { ...result, findings: remaining, waivedFindings: waived };
    if (remaining.length > 0) return waivedResult;
    // Every finding is covered: the check is waived for as long as all of those waivers last.
    const first = [...used].sort((a, b) => expiresAt(a) - expiresAt(b))[0]!;
    return { ...waivedResult, waiver: noteOf(first) };
  };
  return {
    ...report,
    repos: report.repos.map((repo) => ({ ...repo, checks: repo.checks.map((result) => waive(repo.repo, result)) })),
    orgs: report.orgs.map((org) => ({ ...org, checks: org.checks.map((result) => waive(org.org, result)) })),
    expiredWaivers: [
      ...report.expiredWaivers,
      ...expired.map((waiver) => ({ repo: waiver.repo, check: waiver.check, ...selectorOf(waiver), expires: waiver.expires, reason: waiver.reason })),
    ],
  };
}

/**
 * Waivers that matched nothing in the report: candidates for deletion. A
 * waiver of a whole check matches a repository that has that check; one that
 * names a file, an action or a package must also match one of its findings.
 */
export function unusedWaivers(report: PostureReport, waivers: readonly Waiver[]): Waiver[] {
  const subjects = [...report.repos.map((repo) => ({ name: repo.repo, checks: repo.checks })), ...report.orgs.map((org) => ({ name: org.org, checks: org.checks }))];
  return waivers.filter(
    (waiver) =>
      !subjects.some(
        (subject) =>
          matchesRepo(waiver.repo, subject.name) &&
          subject.checks.some((result) => result.id === waiver.check && (!namesFindings(waiver) || result.findings.some((finding) => coversFinding(waiver, finding)))),
      ),
  );
}
