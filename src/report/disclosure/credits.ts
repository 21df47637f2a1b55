import { compareText } from '../../core/compare.js';
import { CREDIT_ORDER } from '../../disclosure/export-pypa.js';
import type { CreditType, DeskAdvisory } from '../../disclosure/types.js';
import { escapeMarkdown, markdownCode, markdownTable } from '../markdown-text.js';
import { githubProfileUrl, markdownLink, safeHttpUrl } from './links.js';

/**
 * `advisories credits`: the hall of fame. Every accepted credit of every
 * published advisory, grouped by credit type (finder and reporter first,
 * CREDIT_ORDER), as a Markdown page or a JSON document. Pending and declined
 * credits never appear: a person who declined credit asked not to be named.
 * Pure and deterministic: the same advisories in any order give the same text.
 */

export type CreditsFormat = 'markdown' | 'json';

export interface CreditsOptions {
  /** The Markdown page's heading (default "Hall of fame"). */
  title?: string;
}

/** The JSON document's version; a new field is additive, a changed one a new version. */
export const CREDITS_SCHEMA = 'chainwatch.credits/1';

/** One accepted credit on one published advisory. */
export interface CreditEntry {
  type: CreditType;
  login: string;
  /** `https://github.com/<login>` when the login is a valid GitHub login (a manual record may name a person instead). */
  profile_url: string | null;
  advisory: {
    /** The GHSA id, or the desk's id for a manual record without one. */
    id: string;
    ghsa_id: string | null;
    /** The advisory's page, when it has an http(s) one. */
    url: string | null;
    summary: string;
    /** `owner/repo` */
    repository: string;
  };
  cve_id: string | null;
  /** The affected packages as the advisory names them (GitHub's ecosystem names: `pip`, `npm`), unique, sorted. */
  packages: { ecosystem: string | null; name: string }[];
  /** The advisory's `published_at`. */
  published_at: string | null;
}

export interface CreditsDocument {
  schema: typeof CREDITS_SCHEMA;
  /** In CREDIT_ORDER by type, then by login (case-insensitive, then exact), date, advisory id. */
  credits: CreditEntry[];
}

/** The hall of fame as data: what both renderings show. */
export function buildCredits(advisories: readonly DeskAdvisory[]): CreditsDocument {
  const entries: CreditEntry[] = [];
  const seen = new Set<string>();
  for (const advisory of advisories) {
    if (advisory.state !== 'published') continue;
    for (const credit of advisory.credits) {
      const login = credit.login.trim();
      if (credit.state !== 'accepted' || login === '') continue;
      const key = JSON.stringify([advisory.id, credit.type, login.toLowerCase()]);
      if (seen.has(key)) continue;
      seen.add(key);
      entries.push({
        type: credit.type,
        login,
        profile_url: githubProfileUrl(login),
        advisory: {
          id: advisory.id,
          ghsa_id: advisory.ghsaId,
          url: advisory.htmlUrl === null ? null : safeHttpUrl(advisory.htmlUrl),
          summary: advisory.summary,
          repository: `${advisory.owner}/${advisory.repo}`,
        },
        cve_id: advisory.cveId,
        packages: packagesOf(advisory),
        published_at: advisory.publishedAt,
      });
    }
  }
  entries.sort(compareEntries);
  return { schema: CREDITS_SCHEMA, credits: entries };
}

/** The hall of fame as Markdown for a docs page, or as the JSON document. */
export function renderCredits(advisories: readonly DeskAdvisory[], format: CreditsFormat, options: CreditsOptions = {}): string {
  const document = buildCredits(advisories);
  if (format === 'json') return `${JSON.stringify(document, null, 2)}\n`;
  return renderCreditsMarkdown(document, options);
}

const SECTION_TITLES: Record<CreditType, string> = {
  finder: 'Found by',
  reporter: 'Reported by',
  analyst: 'Analysis',
  coordinator: 'Coordination',
  remediation_developer: 'Fix developed by',
  remediation_reviewer: 'Fix reviewed by',
  remediation_verifier: 'Fix verified by',
  tool: 'Tools',
  sponsor: 'Sponsors',
  other: 'Other contributions',
};

function renderCreditsMarkdown(document: CreditsDocument, options: CreditsOptions): string {
  const out: string[] = [`# ${escapeMarkdown(options.title ?? 'Hall of fame')}`, ''];
  if (document.credits.length === 0) {
    out.push('No published advisory credits anyone yet.');
    return `${out.join('\n')}\n`;
  }
  const advisories = new Set(document.credits.map((entry) => entry.advisory.id)).size;
  const people = new Set(document.credits.map((entry) => entry.login.toLowerCase())).size;
  out.push(
    `Thank you to everyone credited on our published security advisories: ${people} ${people === 1 ? 'person' : 'people'}, ${advisories} ${advisories === 1 ? 'advisory' : 'advisories'}.`,
  );
  for (const type of CREDIT_ORDER) {
    const rows = document.credits.filter((entry) => entry.type === type);
    if (rows.length === 0) continue;
    out.push(
      '',
      `## ${SECTION_TITLES[type]}`,
      '',
      markdownTable(
        ['Who', 'Advisory', 'CVE', 'Packages', 'Published'],
        rows.map((entry) => [
          person(entry),
          `${markdownLink(entry.advisory.id, entry.advisory.url)}: ${escapeMarkdown(entry.advisory.summary)}`,
          entry.cve_id === null ? '' : markdownCode(entry.cve_id),
          entry.packages.map((item) => `${markdownCode(item.name)}${item.ecosystem === null ? '' : ` (${escapeMarkdown(item.ecosystem)})`}`).join(', '),
          entry.published_at === null ? '' : escapeMarkdown(dayOf(entry.published_at)),
        ]),
      ),
    );
  }
  return `${out.join('\n')}\n`;
}

function person(entry: CreditEntry): string {
  return entry.profile_url === null ? escapeMarkdown(entry.login) : markdownLink(`@${entry.login}`, entry.profile_url);
}

/** `2026-02-20` from an ISO date-time; anything else as given. */
function dayOf(timestamp: string): string {
  return /^\d{4}-\d{2}-\d{2}T/.test(timestamp) ? timestamp.slice(0, 10) : timestamp;
}

function packagesOf(advisory: DeskAdvisory): { ecosystem: string | null; name: string }[] {
  const unique = new Map<string, { ecosystem: string | null; name: string }>();
  for (const vulnerability of advisory.vulnerabilities) {
    if (vulnerability.name === null || vulnerability.name.trim() === '') continue;
    const item = { ecosystem: vulnerability.ecosystem, name: vulnerability.name.trim() };
    unique.set(JSON.stringify([item.ecosystem, item.name]), item);
  }
  return [...unique.values()].sort((a, b) => compareText(a.name, b.name) || compareText(a.ecosystem ?? '', b.ecosystem ?? ''));
}

function compareEntries(a: CreditEntry, b: CreditEntry): number {
  return (
    CREDIT_ORDER.indexOf(a.type) - CREDIT_ORDER.indexOf(b.type) ||
    compareText(a.login.toLowerCase(), b.login.toLowerCase()) ||
    compareText(a.login, b.login) ||
    compareNullsLast(a.published_at, b.published_at) ||
    compareText(a.advisory.id, b.advisory.id)
  );
}

function compareNullsLast(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return compareText(a, b);
}
