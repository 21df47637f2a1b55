import { Feed, type Author, type Item } from 'feed';
import { compareText } from '../../core/compare.js';
import { ChainwatchError } from '../../core/errors.js';
import type { DeskAdvisory } from '../../disclosure/types.js';
import { safeHttpUrl } from './links.js';

/**
 * `advisories feed`: the organisations' published advisories as an Atom feed
 * and a JSON Feed 1.1, built with the `feed` library, so users can subscribe
 * to the page where the org publishes them (jupyter/security #9).
 *
 * Each entry: the GHSA id, the advisory's page as link, "GHSA…: summary" as
 * title, `updated_at` as its date, `published_at`, and a content summary
 * (severity, CVE, each package with its vulnerable range and patched
 * versions). Newest first by `published_at`. Pure and deterministic: the
 * feed's own `updated` is its newest entry's, or `now` when it has none.
 */

export type FeedFormat = 'atom' | 'json';

export interface AdvisoryFeedOptions {
  /** The feed's own id (Atom requires an IRI): e.g. the page URL where the org publishes it. */
  id: string;
  /** That page (http or https). */
  link: string;
  title: string;
  description?: string;
  /** Where this feed file itself is served (Atom `rel="self"`, JSON Feed `feed_url`). */
  feedUrl?: string;
  /** Who publishes the feed (Atom needs an author); default: the title as a name. */
  author?: { name: string; link?: string };
  /** The feed's `updated` when it has no entries (the run's clock, ISO 8601). */
  now: string;
  /** At most this many entries, the newest (default: all). */
  limit?: number;
}

/** The published advisories of `advisories` as an Atom or JSON Feed 1.1 document. */
export function renderAdvisoryFeed(advisories: readonly DeskAdvisory[], format: FeedFormat, options: AdvisoryFeedOptions): string {
  const checked = checkOptions(options);
  const entries = feedEntries(advisories, options.limit);
  const updated = entries.reduce<Date | null>((newest, entry) => (newest === null || entry.updated > newest ? entry.updated : newest), null) ?? checked.now;
  return format === 'atom' ? renderAtom(entries, options, checked, updated) : renderJsonFeed(entries, options, checked, updated);
}

interface CheckedOptions {
  link: string;
  feedUrl: string | undefined;
  authorLink: string | undefined;
  now: Date;
}

function checkOptions(options: AdvisoryFeedOptions): CheckedOptions {
  const link = safeHttpUrl(options.link);
  if (link === null) throw new ChainwatchError('invalid-argument', `the feed's link must be an http(s) URL, not ${JSON.stringify(options.link)}`);
  const feedUrl = options.feedUrl === undefined ? undefined : safeHttpUrl(options.feedUrl);
  if (feedUrl === null) throw new ChainwatchError('invalid-argument', `the feed's own URL must be an http(s) URL, not ${JSON.stringify(options.feedUrl)}`);
  const authorLink = options.author?.link === undefined ? undefined : safeHttpUrl(options.author.link);
  if (authorLink === null) throw new ChainwatchError('invalid-argument', `the feed author's link must be an http(s) URL, not ${JSON.stringify(options.author?.link)}`);
  if (options.id.trim() === '') throw new ChainwatchError('invalid-argument', "the feed's id must not be empty");
  const now = new Date(options.now);
  if (Number.isNaN(now.getTime())) throw new ChainwatchError('invalid-argument', `now must be an ISO 8601 date, not ${JSON.stringify(options.now)}`);
  return { link, feedUrl, authorLink, now };
}

/** What one entry shows, in plain text (each renderer escapes it its own way). */
interface FeedEntry {
  /** The GHSA id, or the desk's id for a manual record without one. */
  id: string;
  /** The advisory's page, or null (the entry then links to the feed's page). */
  url: string | null;
  title: string;
  summary: string;
  severity: string;
  cveId: string | null;
  packages: { name: string; ecosystem: string | null; vulnerable: string | null; patched: string | null }[];
  repository: string;
  updated: Date;
  published: Date | null;
}

function feedEntries(advisories: readonly DeskAdvisory[], limit: number | undefined): FeedEntry[] {
  const entries: FeedEntry[] = [];
  for (const advisory of advisories) {
    if (advisory.state !== 'published') continue;
    const published = dateOrNull(advisory.publishedAt);
    const updated = dateOrNull(advisory.updatedAt) ?? published ?? dateOrNull(advisory.createdAt);
    // The collector gives ISO dates; an advisory with none has no place in a dated feed.
    if (updated === null) continue;
    const id = xmlText(advisory.ghsaId ?? advisory.id);
    const summary = xmlText(advisory.summary.replace(/\s+/g, ' ').trim());
    entries.push({
      id,
      url: advisory.htmlUrl === null ? null : safeHttpUrl(advisory.htmlUrl),
      title: summary === '' ? id : `${id}: ${summary}`,
      summary,
      severity: severityText(advisory),
      cveId: advisory.cveId === null ? null : xmlText(advisory.cveId),
      packages: advisory.vulnerabilities
        .filter((vulnerability) => vulnerability.name !== null && vulnerability.name.trim() !== '')
        .map((vulnerability) => ({
          name: xmlText(vulnerability.name!.trim()),
          ecosystem: vulnerability.ecosystem === null ? null : xmlText(vulnerability.ecosystem),
          vulnerable: blankToNull(vulnerability.vulnerableVersionRange),
          patched: blankToNull(vulnerability.patchedVersions),
        })),
      repository: xmlText(`${advisory.owner}/${advisory.repo}`),
      updated,
      published,
    });
  }
  entries.sort(
    (a, b) =>
      (b.published?.getTime() ?? -Infinity) - (a.published?.getTime() ?? -Infinity) ||
      b.updated.getTime() - a.updated.getTime() ||
      compareText(a.id, b.id),
  );
  return limit === undefined ? entries : entries.slice(0, Math.max(0, limit));
}

function severityText(advisory: DeskAdvisory): string {
  const scored = advisory.cvss.find((entry) => entry.score !== null);
  const score = scored === undefined ? '' : ` (CVSS ${scored.version}: ${scored.score!.toFixed(1)})`;
  return advisory.severity === null ? `not rated${score}` : `${advisory.severity}${score}`;
}

function blankToNull(text: string | null): string | null {
  return text === null || text.trim() === '' ? null : xmlText(text.trim());
}

function dateOrNull(text: string | null): Date | null {
  if (text === null) return null;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * Text XML 1.0 can carry: control characters other than tab and line breaks,
 * lone surrogates and U+FFFE/U+FFFF cannot appear in an XML document even
 * escaped, so they become U+FFFD (the JSON Feed gets the same text).
 */
function xmlText(text: string): string {
  return text.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD');
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]!);
}

/** The entry's content as HTML, every piece of advisory text escaped. */
function contentHtml(entry: FeedEntry): string {
  const items = [`<li>Severity: ${escapeHtml(entry.severity)}</li>`, `<li>CVE: ${entry.cveId === null ? 'none assigned' : escapeHtml(entry.cveId)}</li>`];
  if (entry.packages.length > 0) {
    const packages = entry.packages.map((item) => `<li>${packageHtml(item)}</li>`).join('');
    items.push(`<li>Packages: <ul>${packages}</ul></li>`);
  }
  items.push(`<li>Repository: ${escapeHtml(entry.repository)}</li>`);
  return `<p>${escapeHtml(entry.summary)}</p><ul>${items.join('')}</ul>`;
}

function packageHtml(item: FeedEntry['packages'][number]): string {
  const ecosystem = item.ecosystem === null ? '' : ` (${escapeHtml(item.ecosystem)})`;
  const vulnerable = item.vulnerable === null ? '' : `: vulnerable ${escapeHtml(item.vulnerable)}`;
  const patched = item.patched === null ? '; no patched version yet' : `; patched in ${escapeHtml(item.patched)}`;
  return `<code>${escapeHtml(item.name)}</code>${ecosystem}${vulnerable}${patched}`;
}

/** The same content as plain text, for JSON Feed's `content_text`. */
function contentText(entry: FeedEntry): string {
  const lines = [entry.summary, '', `Severity: ${entry.severity}`, `CVE: ${entry.cveId ?? 'none assigned'}`];
  for (const item of entry.packages) {
    const ecosystem = item.ecosystem === null ? '' : ` (${item.ecosystem})`;
    const vulnerable = item.vulnerable === null ? '' : `: vulnerable ${item.vulnerable}`;
    const patched = item.patched === null ? '; no patched version yet' : `; patched in ${item.patched}`;
    lines.push(`Package: ${item.name}${ecosystem}${vulnerable}${patched}`);
  }
  lines.push(`Repository: ${entry.repository}`);
  return lines.join('\n');
}

function feedAuthor(options: AdvisoryFeedOptions, checked: CheckedOptions): Author {
  const name = xmlText(options.author?.name ?? options.title);
  return checked.authorLink === undefined ? { name } : { name, link: checked.authorLink };
}

/**
 * Atom (RFC 4287). The library writes titles and content as `type="html"`
 * inside CDATA, so both are HTML-escaped here: a summary with `<script>`
 * arrives as text, never as markup, and no `]]>` can end the CDATA early.
 * Entry ids must be IRIs: the advisory's global page
 * `https://github.com/advisories/GHSA-…` (stable when the repository is
 * renamed), or `urn:chainwatch:advisory:<id>` for a manual record without a
 * GHSA id.
 */
function renderAtom(entries: readonly FeedEntry[], options: AdvisoryFeedOptions, checked: CheckedOptions, updated: Date): string {
  const feed = new Feed({
    id: xmlText(options.id),
    title: xmlText(options.title),
    ...(options.description === undefined ? {} : { description: xmlText(options.description) }),
    link: checked.link,
    ...(checked.feedUrl === undefined ? {} : { feedLinks: { atom: checked.feedUrl } }),
    author: feedAuthor(options, checked),
    updated,
    generator: 'chainwatch',
  });
  for (const entry of entries) {
    const item: Item = {
      id: /^GHSA(-[0-9a-z]{4}){3}$/i.test(entry.id) ? `https://github.com/advisories/${entry.id}` : `urn:chainwatch:advisory:${encodeURIComponent(entry.id)}`,
      title: escapeHtml(entry.title),
      link: entry.url ?? checked.link,
      date: entry.updated,
      content: contentHtml(entry),
    };
    if (entry.published !== null) item.published = entry.published;
    feed.addItem(item);
  }
  return `${feed.atom1()}\n`;
}

const JSON_FEED_VERSION = 'https://jsonfeed.org/version/1.1';

/**
 * JSON Feed 1.1. The library writes version 1 (`author` instead of 1.1's
 * `authors`), so its output is brought to 1.1 here; the item id is the GHSA
 * id itself (JSON Feed ids are any string), the title plain text, `summary`
 * the advisory's summary and `content_text` beside `content_html`.
 */
function renderJsonFeed(entries: readonly FeedEntry[], options: AdvisoryFeedOptions, checked: CheckedOptions, updated: Date): string {
  const feed = new Feed({
    title: options.title,
    ...(options.description === undefined ? {} : { description: options.description }),
    link: checked.link,
    ...(checked.feedUrl === undefined ? {} : { feedLinks: { json: checked.feedUrl } }),
    author: feedAuthor(options, checked),
    updated,
  });
  for (const entry of entries) {
    const item: Item = {
      id: entry.id,
      title: entry.title,
      link: entry.url ?? checked.link,
      date: entry.updated,
      description: entry.summary,
      content: contentHtml(entry),
    };
    if (entry.published !== null) item.published = entry.published;
    feed.addItem(item);
  }
  const document = JSON.parse(feed.json1()) as Record<string, unknown> & { author?: unknown; items: Record<string, unknown>[] };
  const { version: _version, author, items, ...rest } = document;
  const upgraded = {
    version: JSON_FEED_VERSION,
    ...rest,
    ...(author === undefined ? {} : { authors: [author] }),
    items: items.map((item, index) => {
      const { author: itemAuthor, ...fields } = item;
      return { ...fields, content_text: contentText(entries[index]!), ...(itemAuthor === undefined ? {} : { authors: [itemAuthor] }) };
    }),
  };
  return `${JSON.stringify(upgraded, null, 2)}\n`;
}
