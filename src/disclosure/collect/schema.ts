/**
 * GitHub's repository security advisory (the REST object of
 * `GET /orgs/{org}/security-advisories`, `GET /repos/{owner}/{repo}/security-advisories`
 * and `GET|PATCH …/security-advisories/{ghsa_id}`; `repository-advisory` in
 * GitHub's OpenAPI description) as a zod schema of the fields the desk reads,
 * and its normalisation into a DeskAdvisory.
 *
 * Extra fields are ignored (GitHub adds fields), and fields the description
 * marks nullable may be null or absent. Inside one advisory the fields are
 * strict: a collaborator without a login fails the advisory instead of being
 * dropped, because enforce PATCHes the merged list and a dropped entry would
 * remove a person. Tolerance is per list: the collector skips one odd advisory
 * and says so, not the page (STYLE rule 2).
 */
import { z } from 'zod';
import { ChainwatchError, fail, ok, type Result } from '../../core/errors.js';
import { ADVISORY_STATES, CREDIT_TYPES, type AdvisoryOrigin, type DeskAdvisory } from '../types.js';

/** GitHub's alphabet for GHSA ids (lower case as GitHub writes them; upper case accepted). */
export const GHSA_ID = /^GHSA(-[23456789cfghjmpqrvwx]{4}){3}$/i;
export const CVE_ID = /^CVE-\d{4}-\d{4,}$/;

const LoginSchema = z.object({ login: z.string().min(1) });
const CvssSchema = z.object({ vector_string: z.string().nullish(), score: z.number().nullish() });

export const RepositoryAdvisoryVulnerabilitySchema = z.object({
  package: z.object({ ecosystem: z.string().nullish(), name: z.string().nullish() }).nullish(),
  vulnerable_version_range: z.string().nullish(),
  patched_versions: z.string().nullish(),
  vulnerable_functions: z.array(z.string()).nullish(),
});

export const RepositoryAdvisorySchema = z.object({
  ghsa_id: z.string().regex(GHSA_ID, 'is not a GHSA id (GHSA-xxxx-xxxx-xxxx)'),
  cve_id: z.string().regex(CVE_ID, 'is not a CVE id (CVE-YYYY-NNNN)').nullish(),
  url: z.string().min(1),
  html_url: z.string().nullish(),
  summary: z.string(),
  description: z.string().nullish(),
  state: z.enum(ADVISORY_STATES),
  created_at: z.string().nullish(),
  updated_at: z.string().nullish(),
  published_at: z.string().nullish(),
  closed_at: z.string().nullish(),
  withdrawn_at: z.string().nullish(),
  submission: z.object({ accepted: z.boolean() }).nullish(),
  credits_detailed: z
    .array(z.object({ user: LoginSchema, type: z.enum(CREDIT_TYPES), state: z.enum(['accepted', 'declined', 'pending']) }))
    .nullish(),
  collaborating_users: z.array(LoginSchema).nullish(),
  collaborating_teams: z.array(z.object({ slug: z.string().min(1) })).nullish(),
  author: LoginSchema.nullish(),
  publisher: LoginSchema.nullish(),
  severity: z.enum(['critical', 'high', 'medium', 'low']).nullish(),
  cvss_severities: z.object({ cvss_v3: CvssSchema.nullish(), cvss_v4: CvssSchema.nullish() }).nullish(),
  /** Deprecated by GitHub (API version 2026-03-10) in favour of `cvss_severities`; read when those are absent. */
  cvss: CvssSchema.nullish(),
  cwe_ids: z.array(z.string()).nullish(),
  cwes: z.array(z.object({ cwe_id: z.string() })).nullish(),
  vulnerabilities: z.array(RepositoryAdvisoryVulnerabilitySchema).nullish(),
  private_fork: z.object({ full_name: z.string() }).nullish(),
  /** Not in the repository advisory object (the global advisories have it); read when a file carries it. */
  references: z.array(z.union([z.string(), z.object({ url: z.string() })])).nullish(),
});
export type RepositoryAdvisory = z.output<typeof RepositoryAdvisorySchema>;

/** The API URL's path: `…/repos/{owner}/{repo}/security-advisories/{ghsa_id}` (GitHub Enterprise Server adds `/api/v3` before it). */
const ADVISORY_URL_PATH = /\/repos\/([^/]+)\/([^/]+)\/security-advisories\/([^/]+)\/?$/;

/**
 * `{ owner, repo }` from an advisory's API `url`: the object has no
 * `repository` field. A URL of another shape, or naming another advisory, is
 * an `invalid-advisory` error.
 */
export function repositoryOfAdvisoryUrl(url: string, ghsaId: string): Result<{ owner: string; repo: string }> {
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    return fail(new ChainwatchError('invalid-advisory', `${ghsaId}: its url ${JSON.stringify(url)} is not a URL`));
  }
  const match = ADVISORY_URL_PATH.exec(pathname);
  if (!match) {
    return fail(new ChainwatchError('invalid-advisory', `${ghsaId}: its url ${JSON.stringify(url)} does not have the form …/repos/{owner}/{repo}/security-advisories/{ghsa_id}`));
  }
  const [owner, repo, id] = [match[1]!, match[2]!, match[3]!].map((part) => safeDecode(part));
  if (!owner || !repo || !id) return fail(new ChainwatchError('invalid-advisory', `${ghsaId}: its url ${JSON.stringify(url)} is not a valid advisory URL`));
  if (id.toUpperCase() !== ghsaId.toUpperCase()) {
    return fail(new ChainwatchError('invalid-advisory', `${ghsaId}: its url names another advisory (${id})`));
  }
  return ok({ owner, repo });
}

function safeDecode(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * An ISO 8601 date-time with a zone (`Z` or an offset) as UTC
 * `YYYY-MM-DDTHH:MM:SSZ` (fractions of a second dropped), or null when the
 * text is not one. `dateOnly`: `YYYY-MM-DD` is also accepted, as midnight UTC
 * (manual records of e-mailed reports). A date-time without a zone is refused:
 * the day it falls on would depend on the machine.
 */
export function utcDateTime(text: string, options: { dateOnly?: boolean } = {}): string | null {
  const trimmed = text.trim();
  const dateOnly = options.dateOnly ? ISO_DATE.exec(trimmed) : null;
  const match = dateOnly ?? ISO_DATE_TIME.exec(trimmed);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // Date.parse rolls 2026-02-30 over to March: check the calendar first.
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return null;
  if (!dateOnly && (Number(match[4]) > 23 || Number(match[5]) > 59 || Number(match[6] ?? 0) > 59)) return null;
  const milliseconds = Date.parse(dateOnly ? `${trimmed}T00:00:00Z` : trimmed.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  if (!Number.isFinite(milliseconds)) return null;
  return new Date(Math.floor(milliseconds / 1000) * 1000).toISOString().replace(/\.000Z$/, 'Z');
}

/**
 * A DeskAdvisory from GitHub's object: owner/repo from its `url`, dates in
 * UTC, people as logins, CVSS from `cvss_severities` (the deprecated `cvss`
 * when those are absent), CWE ids from `cwe_ids` (else `cwes`). Throws an
 * `invalid-advisory` ChainwatchError when the url is not an advisory URL or a
 * date is missing or not a date.
 */
export function toDeskAdvisory(raw: RepositoryAdvisory, origin: AdvisoryOrigin, source: string, repositoryPublic: boolean | null): DeskAdvisory {
  const where = repositoryOfAdvisoryUrl(raw.url, raw.ghsa_id);
  if (!where.ok) throw where.error;
  const date = (field: 'created_at' | 'updated_at' | 'published_at' | 'closed_at' | 'withdrawn_at'): string | null => {
    const value = raw[field];
    if (value === null || value === undefined) return null;
    const utc = utcDateTime(value);
    if (utc === null) throw new ChainwatchError('invalid-advisory', `${raw.ghsa_id}: ${field} ${JSON.stringify(value)} is not an ISO 8601 date-time with a time zone`);
    return utc;
  };
  const createdAt = date('created_at');
  if (createdAt === null) throw new ChainwatchError('invalid-advisory', `${raw.ghsa_id}: it has no created_at, which every clock counts from`);
  const cvss: DeskAdvisory['cvss'] = [];
  const v3 = raw.cvss_severities?.cvss_v3 ?? (raw.cvss?.vector_string?.startsWith('CVSS:3') ? raw.cvss : null);
  const v4 = raw.cvss_severities?.cvss_v4 ?? (raw.cvss?.vector_string?.startsWith('CVSS:4') ? raw.cvss : null);
  if (v3?.vector_string) cvss.push({ version: '3', vector: v3.vector_string, score: v3.score ?? null });
  if (v4?.vector_string) cvss.push({ version: '4', vector: v4.vector_string, score: v4.score ?? null });
  return {
    id: raw.ghsa_id,
    ghsaId: raw.ghsa_id,
    cveId: raw.cve_id ?? null,
    owner: where.value.owner,
    repo: where.value.repo,
    repositoryPublic,
    htmlUrl: raw.html_url ?? null,
    summary: raw.summary,
    description: raw.description ?? null,
    state: raw.state,
    createdAt,
    updatedAt: date('updated_at') ?? createdAt,
    publishedAt: date('published_at'),
    closedAt: date('closed_at'),
    withdrawnAt: date('withdrawn_at'),
    submissionAccepted: raw.submission ? raw.submission.accepted : null,
    credits: (raw.credits_detailed ?? []).map((credit) => ({ login: credit.user.login, type: credit.type, state: credit.state })),
    collaboratingUsers: (raw.collaborating_users ?? []).map((user) => user.login),
    collaboratingTeams: (raw.collaborating_teams ?? []).map((team) => team.slug),
    author: raw.author?.login ?? null,
    publisher: raw.publisher?.login ?? null,
    severity: raw.severity ?? null,
    cvss,
    cweIds: raw.cwe_ids ?? (raw.cwes ?? []).map((cwe) => cwe.cwe_id),
    vulnerabilities: (raw.vulnerabilities ?? []).map((vulnerability) => ({
      ecosystem: vulnerability.package?.ecosystem ?? null,
      name: vulnerability.package?.name ?? null,
      vulnerableVersionRange: vulnerability.vulnerable_version_range ?? null,
      patchedVersions: vulnerability.patched_versions ?? null,
      vulnerableFunctions: vulnerability.vulnerable_functions ?? [],
    })),
    privateFork: raw.private_fork?.full_name ?? null,
    references: (raw.references ?? []).map((reference) => (typeof reference === 'string' ? reference : reference.url)),
    origin,
    source,
  };
}

/**
 * Any JSON value as a DeskAdvisory, or an `invalid-advisory` error saying
 * which field is wrong (`state: Invalid option…`); never throws.
 */
export function parseRepositoryAdvisory(value: unknown, origin: AdvisoryOrigin, source: string, repositoryPublic: boolean | null): Result<DeskAdvisory> {
  const parsed = RepositoryAdvisorySchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const id = typeof (value as { ghsa_id?: unknown } | null)?.ghsa_id === 'string' ? `${(value as { ghsa_id: string }).ghsa_id}: ` : '';
    const where = issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
    return fail(new ChainwatchError('invalid-advisory', `${id}not a repository advisory: ${where}${issue.message}`));
  }
  try {
    return ok(toDeskAdvisory(parsed.data, origin, source, repositoryPublic));
  } catch (error) {
    if (error instanceof ChainwatchError) return fail(error);
    throw error;
  }
}
