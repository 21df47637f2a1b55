import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { deskAdvisory } from '../../disclosure/publishing-samples.fixture.js';
import type { DeskAdvisory } from '../../disclosure/types.js';
import { renderAdvisoryFeed, type AdvisoryFeedOptions } from './feed.js';

const HOSTILE = '<script>alert("x")</script> & Tom\'s ]]> end\u0007';

const older = deskAdvisory({
  id: 'GHSA-aaaa-bbbb-cccc',
  ghsaId: 'GHSA-aaaa-bbbb-cccc',
  publishedAt: '2026-01-10T08:00:00Z',
  updatedAt: '2026-03-01T09:00:00Z',
});
const newer = deskAdvisory({
  id: 'GHSA-dddd-eeee-ffff',
  ghsaId: 'GHSA-dddd-eeee-ffff',
  cveId: null,
  severity: null,
  cvss: [],
  summary: HOSTILE,
  htmlUrl: 'https://github.com/example-org/example-server/security/advisories/GHSA-dddd-eeee-ffff',
  publishedAt: '2026-02-20T12:00:00Z',
  updatedAt: '2026-02-21T12:00:00Z',
  vulnerabilities: [
    { ecosystem: 'pip', name: 'jupyter_server', vulnerableVersionRange: '>= 2.0, < 2.7.2', patchedVersions: '2.7.2', vulnerableFunctions: [] },
    { ecosystem: 'npm', name: '@jupyterlab/<b>', vulnerableVersionRange: '< 4.0.0', patchedVersions: null, vulnerableFunctions: [] },
  ],
});
const manual = deskAdvisory({ id: 'MAIL-2026-003', ghsaId: null, htmlUrl: null, publishedAt: '2026-02-01T00:00:00Z', updatedAt: '2026-02-01T00:00:00Z' });
const draft = deskAdvisory({ id: 'GHSA-draf-tttt-aaaa', ghsaId: 'GHSA-draf-tttt-aaaa', state: 'draft', publishedAt: null, updatedAt: '2026-04-01T00:00:00Z' });
const closed = deskAdvisory({ id: 'GHSA-clos-eddd-aaaa', ghsaId: 'GHSA-clos-eddd-aaaa', state: 'closed', updatedAt: '2026-04-01T00:00:00Z' });
const all: DeskAdvisory[] = [older, draft, manual, newer, closed];

const options: AdvisoryFeedOptions = {
  id: 'https://example.test/security/',
  link: 'https://example.test/security/',
  title: 'Example & Co security advisories',
  description: 'Every advisory we publish',
  feedUrl: 'https://example.test/security/advisories.atom',
  now: '2026-05-01T00:00:00Z',
};

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => ['entry', 'link'].includes(name) });

function unescapeHtml(text: string): string {
  return text.replace(/&(lt|gt|quot|#39|amp);/g, (_, name: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[name]!);
}

interface AtomEntry {
  id: string;
  title: { '#text': string; '@type': string };
  link: { '@href': string }[];
  updated: string;
  published?: string;
  content: { '#text': string; '@type': string };
}

describe('renderAdvisoryFeed atom', () => {
  const xml = renderAdvisoryFeed(all, 'atom', options);
  const feed = (parser.parse(xml) as { feed: Record<string, unknown> & { entry: AtomEntry[] } }).feed;

  it('is well-formed XML with the feed id, links, title and the newest entry date', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(feed.id).toBe('https://example.test/security/');
    expect(feed.title).toBe('Example & Co security advisories');
    expect(feed.subtitle).toBe('Every advisory we publish');
    expect(feed.updated).toBe('2026-03-01T09:00:00.000Z');
    expect(feed.link).toEqual([
      { '@rel': 'alternate', '@href': 'https://example.test/security/' },
      { '@rel': 'self', '@href': 'https://example.test/security/advisories.atom' },
    ]);
    expect(feed.author).toEqual({ name: 'Example & Co security advisories' });
    expect(feed.generator).toBe('chainwatch');
  });

  it('lists published advisories only, newest published first', () => {
    expect(feed.entry.map((entry) => entry.id)).toEqual([
      'https://github.com/advisories/GHSA-dddd-eeee-ffff',
      'urn:chainwatch:advisory:MAIL-2026-003',
      'https://github.com/advisories/GHSA-aaaa-bbbb-cccc',
    ]);
    const [first, second, third] = feed.entry;
    expect(first!.link).toEqual([{ '@href': 'https://github.com/example-org/example-server/security/advisories/GHSA-dddd-eeee-ffff' }]);
    expect(second!.link).toEqual([{ '@href': 'https://example.test/security/' }]);
    expect(third!.updated).toBe('2026-03-01T09:00:00.000Z');
    expect(third!.published).toBe('2026-01-10T08:00:00.000Z');
    expect(unescapeHtml(third!.title['#text'])).toBe('GHSA-aaaa-bbbb-cccc: Open redirect in the login handler');
    expect(third!.content['@type']).toBe('html');
    expect(third!.content['#text']).toBe(
      '<p>Open redirect in the login handler</p><ul><li>Severity: medium (CVSS 3: 6.1)</li><li>CVE: CVE-2026-10001</li><li>Packages: <ul><li><code>example_server</code> (pip): vulnerable &lt; 2.7.2; patched in 2.7.2</li></ul></li><li>Repository: example-org/example-server</li></ul>',
    );
  });

  it('escapes a hostile summary: text in the HTML title and content, never markup, and XML-safe', () => {
    expect(xml).not.toContain('<script>');
    expect(xml).not.toContain('\u0007');
    const first = feed.entry[0]!;
    expect(first.title['@type']).toBe('html');
    expect(first.title['#text']).toBe('GHSA-dddd-eeee-ffff: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Tom&#39;s ]]&gt; end\uFFFD');
    expect(unescapeHtml(first.title['#text'])).toBe(`GHSA-dddd-eeee-ffff: ${HOSTILE.replace('\u0007', '\uFFFD')}`);
    expect(first.content['#text']).toContain('<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Tom&#39;s ]]&gt; end\uFFFD</p>');
    expect(first.content['#text']).toContain('<li>Severity: not rated</li><li>CVE: none assigned</li>');
    expect(first.content['#text']).toContain('<li><code>@jupyterlab/&lt;b&gt;</code> (npm): vulnerable &lt; 4.0.0; no patched version yet</li>');
  });

  it('is the same whatever the input order, and uses now when nothing is published', () => {
    expect(renderAdvisoryFeed([...all].reverse(), 'atom', options)).toBe(xml);
    const empty = parser.parse(renderAdvisoryFeed([draft], 'atom', options)) as { feed: { updated: string; entry?: unknown } };
    expect(empty.feed.updated).toBe('2026-05-01T00:00:00.000Z');
    expect(empty.feed.entry).toBeUndefined();
    const limited = parser.parse(renderAdvisoryFeed(all, 'atom', { ...options, limit: 1 })) as { feed: { entry: AtomEntry[] } };
    expect(limited.feed.entry.map((entry) => entry.id)).toEqual(['https://github.com/advisories/GHSA-dddd-eeee-ffff']);
  });
});

describe('renderAdvisoryFeed json', () => {
  const text = renderAdvisoryFeed(all, 'json', { ...options, feedUrl: 'https://example.test/security/advisories.json', author: { name: 'Example security team', link: 'https://example.test/' } });
  const feed = JSON.parse(text) as Record<string, unknown> & { items: Record<string, unknown>[] };

  it('is a JSON Feed 1.1 document with the feed id, links and authors', () => {
    expect(Object.keys(feed)[0]).toBe('version');
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
    expect(feed.title).toBe('Example & Co security advisories');
    expect(feed.home_page_url).toBe('https://example.test/security/');
    expect(feed.feed_url).toBe('https://example.test/security/advisories.json');
    expect(feed.description).toBe('Every advisory we publish');
    expect(feed.authors).toEqual([{ name: 'Example security team', url: 'https://example.test/' }]);
    expect(feed).not.toHaveProperty('author');
  });

  it('has one item per published advisory, newest first, id the GHSA, plain-text title and summary', () => {
    expect(feed.items.map((item) => item.id)).toEqual(['GHSA-dddd-eeee-ffff', 'MAIL-2026-003', 'GHSA-aaaa-bbbb-cccc']);
    const first = feed.items[0]!;
    expect(first.url).toBe('https://github.com/example-org/example-server/security/advisories/GHSA-dddd-eeee-ffff');
    expect(first.title).toBe(`GHSA-dddd-eeee-ffff: ${HOSTILE.replace('\u0007', '\uFFFD')}`);
    expect(first.summary).toBe(HOSTILE.replace('\u0007', '\uFFFD'));
    expect(first.date_modified).toBe('2026-02-21T12:00:00.000Z');
    expect(first.date_published).toBe('2026-02-20T12:00:00.000Z');
    expect(first.content_html).not.toContain('<script>');
    expect(first.content_html).toContain('&lt;script&gt;');
    expect(first.content_text).toBe(
      [
        HOSTILE.replace('\u0007', '\uFFFD'),
        '',
        'Severity: not rated',
        'CVE: none assigned',
        'Package: jupyter_server (pip): vulnerable >= 2.0, < 2.7.2; patched in 2.7.2',
        'Package: @jupyterlab/<b> (npm): vulnerable < 4.0.0; no patched version yet',
        'Repository: example-org/example-server',
      ].join('\n'),
    );
    expect(renderAdvisoryFeed([...all].reverse(), 'json', { ...options, feedUrl: 'https://example.test/security/advisories.json', author: { name: 'Example security team', link: 'https://example.test/' } })).toBe(text);
  });
});

describe('renderAdvisoryFeed options', () => {
  it.each([
    [{ link: 'javascript:alert(1)' }, /link must be an http\(s\) URL/],
    [{ feedUrl: 'file:///etc/passwd' }, /own URL must be an http\(s\) URL/],
    [{ id: ' ' }, /id must not be empty/],
    [{ now: 'yesterday' }, /now must be an ISO 8601 date/],
    [{ author: { name: 'x', link: 'ftp://example.test/' } }, /author's link/],
  ])('%j is refused', (override, message) => {
    for (const format of ['atom', 'json'] as const) {
      expect(() => renderAdvisoryFeed(all, format, { ...options, ...override })).toThrow(message);
    }
  });
});
