import { describe, expect, it } from 'vitest';
import { CREDIT_ORDER } from '../../disclosure/export-pypa.js';
import { deskAdvisory } from '../../disclosure/publishing-samples.fixture.js';
import { CREDIT_TYPES, type DeskAdvisory } from '../../disclosure/types.js';
import { buildCredits, renderCredits } from './credits.js';
import { markdownLink } from './links.js';

const first = deskAdvisory({
  id: 'GHSA-aaaa-bbbb-cccc',
  ghsaId: 'GHSA-aaaa-bbbb-cccc',
  publishedAt: '2026-02-20T12:00:00Z',
  credits: [
    { login: 'zed', type: 'reporter', state: 'accepted' },
    { login: 'Alice', type: 'finder', state: 'accepted' },
    { login: 'tool-bot', type: 'tool', state: 'accepted' },
    { login: 'declines', type: 'finder', state: 'declined' },
    { login: 'waits', type: 'finder', state: 'pending' },
  ],
});
const second = deskAdvisory({
  id: 'GHSA-dddd-eeee-ffff',
  ghsaId: 'GHSA-dddd-eeee-ffff',
  cveId: null,
  summary: 'XSS via <script> & a `pipe | in` the *summary* [x](javascript:alert(1))',
  htmlUrl: 'https://github.com/example-org/example-server/security/advisories/GHSA-dddd-eeee-ffff',
  publishedAt: '2026-01-10T08:00:00Z',
  vulnerabilities: [
    { ecosystem: 'pip', name: 'jupyter_server', vulnerableVersionRange: '< 2', patchedVersions: '2', vulnerableFunctions: [] },
    { ecosystem: 'npm', name: '@jupyterlab/services', vulnerableVersionRange: '< 7', patchedVersions: '7', vulnerableFunctions: [] },
    { ecosystem: 'pip', name: 'jupyter_server', vulnerableVersionRange: '>= 3, < 3.1', patchedVersions: '3.1', vulnerableFunctions: [] },
  ],
  credits: [
    { login: 'alice', type: 'finder', state: 'accepted' },
    { login: 'alice', type: 'finder', state: 'accepted' },
    { login: 'Jane Doe](javascript:alert(1))', type: 'reporter', state: 'accepted' },
  ],
});
const draft = deskAdvisory({ id: 'GHSA-draf-tttt-aaaa', ghsaId: 'GHSA-draf-tttt-aaaa', state: 'draft', credits: [{ login: 'early', type: 'finder', state: 'accepted' }] });
const withdrawn = deskAdvisory({ id: 'GHSA-with-draw-nnnn', ghsaId: 'GHSA-with-draw-nnnn', state: 'withdrawn', credits: [{ login: 'gone', type: 'finder', state: 'accepted' }] });
const manual = deskAdvisory({ id: 'MAIL-2026-003', ghsaId: null, htmlUrl: 'javascript:alert(1)', cveId: 'CVE-2026-30003', publishedAt: null, credits: [{ login: 'Mail Reporter', type: 'finder', state: 'accepted' }] });

const all: DeskAdvisory[] = [first, second, draft, withdrawn, manual];

describe('buildCredits', () => {
  it('lists accepted credits of published advisories: finders first, then by login, date and advisory', () => {
    const document = buildCredits(all);
    expect(document.schema).toBe('chainwatch.credits/1');
    expect(document.credits.map((entry) => [entry.type, entry.login, entry.advisory.id])).toEqual([
      ['finder', 'Alice', 'GHSA-aaaa-bbbb-cccc'],
      ['finder', 'alice', 'GHSA-dddd-eeee-ffff'],
      ['finder', 'Mail Reporter', 'MAIL-2026-003'],
      ['reporter', 'Jane Doe](javascript:alert(1))', 'GHSA-dddd-eeee-ffff'],
      ['reporter', 'zed', 'GHSA-aaaa-bbbb-cccc'],
      ['tool', 'tool-bot', 'GHSA-aaaa-bbbb-cccc'],
    ]);
    const names = JSON.stringify(document);
    for (const hidden of ['declines', 'waits', 'early', 'gone']) expect(names).not.toContain(hidden);
  });

  it('has the documented shape, and the same output whatever the input order', () => {
    const document = buildCredits(all);
    expect(document.credits[1]).toEqual({
      type: 'finder',
      login: 'alice',
      profile_url: 'https://github.com/alice',
      advisory: {
        id: 'GHSA-dddd-eeee-ffff',
        ghsa_id: 'GHSA-dddd-eeee-ffff',
        url: 'https://github.com/example-org/example-server/security/advisories/GHSA-dddd-eeee-ffff',
        summary: second.summary,
        repository: 'example-org/example-server',
      },
      cve_id: null,
      packages: [
        { ecosystem: 'npm', name: '@jupyterlab/services' },
        { ecosystem: 'pip', name: 'jupyter_server' },
      ],
      published_at: '2026-01-10T08:00:00Z',
    });
    const manualEntry = document.credits.find((entry) => entry.login === 'Mail Reporter')!;
    expect(manualEntry.advisory.url).toBeNull();
    expect(manualEntry.profile_url).toBeNull();
    expect(document.credits.find((entry) => entry.login.startsWith('Jane'))!.profile_url).toBeNull();
    for (const format of ['json', 'markdown'] as const) {
      expect(renderCredits([...all].reverse(), format)).toBe(renderCredits(all, format));
    }
    expect(JSON.parse(renderCredits(all, 'json'))).toEqual(document);
  });

  it('orders credit types with finder and reporter first and knows every GitHub type', () => {
    expect(CREDIT_ORDER.slice(0, 2)).toEqual(['finder', 'reporter']);
    expect([...CREDIT_ORDER].sort()).toEqual([...CREDIT_TYPES].sort());
  });
});

describe('renderCredits markdown', () => {
  it('renders one table per credit type, with links only to http(s) pages, everything escaped', () => {
    const text = renderCredits(all, 'markdown', { title: 'Security hall of fame' });
    expect(text).toBe(
      [
        '# Security hall of fame',
        '',
        'Thank you to everyone credited on our published security advisories: 5 people, 3 advisories.',
        '',
        '## Found by',
        '',
        '| Who | Advisory | CVE | Packages | Published |',
        '| --- | --- | --- | --- | --- |',
        '| [@Alice](https://github.com/Alice) | [GHSA-aaaa-bbbb-cccc](https://github.com/example-org/example-server/security/advisories/GHSA-aaaa-bbbb-cccc): Open redirect in the login handler | `CVE-2026-10001` | `example_server` (pip) | 2026-02-20 |',
        '| [@alice](https://github.com/alice) | [GHSA-dddd-eeee-ffff](https://github.com/example-org/example-server/security/advisories/GHSA-dddd-eeee-ffff): XSS via \\<script\\> & a \\`pipe \\| in\\` the \\*summary\\* \\[x\\](javascript:alert(1)) |  | `@jupyterlab/services` (npm), `jupyter_server` (pip) | 2026-01-10 |',
        '| Mail Reporter | MAIL-2026-003: Open redirect in the login handler | `CVE-2026-30003` | `example_server` (pip) |  |',
        '',
        '## Reported by',
        '',
        '| Who | Advisory | CVE | Packages | Published |',
        '| --- | --- | --- | --- | --- |',
        '| Jane Doe\\](javascript:alert(1)) | [GHSA-dddd-eeee-ffff](https://github.com/example-org/example-server/security/advisories/GHSA-dddd-eeee-ffff): XSS via \\<script\\> & a \\`pipe \\| in\\` the \\*summary\\* \\[x\\](javascript:alert(1)) |  | `@jupyterlab/services` (npm), `jupyter_server` (pip) | 2026-01-10 |',
        '| [@zed](https://github.com/zed) | [GHSA-aaaa-bbbb-cccc](https://github.com/example-org/example-server/security/advisories/GHSA-aaaa-bbbb-cccc): Open redirect in the login handler | `CVE-2026-10001` | `example_server` (pip) | 2026-02-20 |',
        '',
        '## Tools',
        '',
        '| Who | Advisory | CVE | Packages | Published |',
        '| --- | --- | --- | --- | --- |',
        '| [@tool-bot](https://github.com/tool-bot) | [GHSA-aaaa-bbbb-cccc](https://github.com/example-org/example-server/security/advisories/GHSA-aaaa-bbbb-cccc): Open redirect in the login handler | `CVE-2026-10001` | `example_server` (pip) | 2026-02-20 |',
        '',
      ].join('\n'),
    );
  });

  it('says so when nobody is credited yet', () => {
    expect(renderCredits([draft], 'markdown')).toBe('# Hall of fame\n\nNo published advisory credits anyone yet.\n');
    expect(JSON.parse(renderCredits([], 'json'))).toEqual({ schema: 'chainwatch.credits/1', credits: [] });
  });
});

describe('markdownLink', () => {
  it.each([
    ['a', 'https://example.test/x', '[a](https://example.test/x)'],
    ['a', 'https://example.test/x_(y)|z', '[a](https://example.test/x_%28y%29%7Cz)'],
    ['a b', 'https://example.test/a b', '[a b](https://example.test/a%20b)'],
    ['x', 'javascript:alert(1)', 'x'],
    ['x', 'data:text/html,<b>', 'x'],
    ['[x]', null, '\\[x\\]'],
  ])('%j %j', (text, url, expected) => {
    expect(markdownLink(text, url)).toBe(expected);
  });
});
