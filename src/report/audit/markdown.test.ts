import { describe, expect, it } from 'vitest';
import type { AuditReportModel } from '../../audit/report-types.js';
import { ChainwatchError } from '../../core/errors.js';
import { renderAuditMarkdown } from './markdown.js';
import { sampleAuditModel } from './sample-model.fixture.js';

const markdown = renderAuditMarkdown(sampleAuditModel());

function headings(text: string): string[] {
  return text.split('\n').filter((line) => /^#{1,6} /.test(line));
}

/** The text between a heading and the next heading of any level. */
function sectionText(text: string, heading: string): string {
  const lines = text.split('\n');
  const start = lines.indexOf(heading);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const end = lines.findIndex((line, index) => index > start && /^#{1,6} /.test(line));
  return lines.slice(start + 1, end === -1 ? undefined : end).join('\n');
}

/** The text with fenced blocks and code spans (of any backtick length) taken out. */
function outsideCode(text: string): string {
  return text.replace(/^( *)(`{3,})\n[\s\S]*?\n\1\2$/gm, '').replace(/(?<!`)(`+)(?!`)[^\n]*?(?<!`)\1(?!`)/g, '');
}

function withModel(change: (model: AuditReportModel) => void): AuditReportModel {
  const model = sampleAuditModel();
  change(model);
  return model;
}

describe('renderAuditMarkdown: order', () => {
  it('gives the header, notes, what changed, actions, the standing picture, then steps and sources', () => {
    expect(headings(markdown)).toEqual([
      '# chainwatch audit report: jupyter preset',
      '## Notes',
      '## What changed since run 41 of 2026-05-04',
      '### Vulnerabilities in what we ship',
      '### Packages',
      '### Provenance lost',
      '### New install scripts',
      '### Maintainer changes',
      '### Repository posture',
      '### Disclosure desk advisories',
      '## Actions',
      '## Standing picture',
      '### Top concerns',
      '### Repository posture coverage',
      '### Vulnerabilities by severity',
      '### Container images',
      '### Disclosure desk advisories by clock',
      '### Ecosystems not checked',
      '### Trends across runs',
      '## Steps and sources',
    ]);
  });

  it('says in the header which run, its status, the identity and the run compared with', () => {
    const header = markdown.slice(0, markdown.indexOf('## Notes'));
    expect(header).toContain('- Run **42**, started 2026-05-11 08:00 UTC, status partial, chainwatch 0.1.0');
    expect(header).toContain('- Identity: jupyter preset (`config:3f2a9c1e`)');
    expect(header).toContain('- Compared with run **41** of 2026-05-04 08:00 UTC (complete)');
    expect(header).toContain('- Partial: findings partial, 1 source not reached;');
  });

  it('leaves the notes out when there are none', () => {
    const text = renderAuditMarkdown(withModel((model) => (model.notes = [])));
    expect(headings(text)).not.toContain('## Notes');
  });
});

describe('renderAuditMarkdown: what changed', () => {
  it('lists findings that appeared and were resolved, worst first, with severity, other ids and fixed versions', () => {
    const text = sectionText(markdown, '### Vulnerabilities in what we ship');
    const appeared = text.split('\n').filter((line) => line.startsWith('- '));
    expect(appeared.map((line) => line.split(' ')[1])).toEqual(['critical', 'high', 'medium', 'low']);
    expect(text).toContain('Appeared (3):');
    expect(text).toContain('- high `GHSA-aaaa-bbbb-cccc` (also `CVE-2026-1111`, `PYSEC-2026-1`) in `jupyter-server 2.14.0` (PyPI); fixed in `2.14.1`: ');
    expect(text).toContain('- critical `GHSA-cccc-dddd-eeee` in `@jupyterlab/services 7.2.0` (npm); no fixed version: Long: ');
    expect(text).toContain('- medium `PYSEC-2026-7` in `notebook 7.1.0` (PyPI); fixed in `7.1.3`, `7.2.0`: ');
    expect(text).toContain('Resolved (1):\n\n- low `GHSA-rrrr-ssss-tttt` in `tornado 6.4.0` (PyPI); fixed in `6.4.1`: Open redirect in the static handler');
  });

  it('lists packages added (the first 20, then how many more), removed and version changes', () => {
    const text = sectionText(markdown, '### Packages');
    expect(text).toContain('Added (23):');
    const added = text.split('\n').filter((line) => line.startsWith('- `pkg:pypi/example-plugin-'));
    expect(added).toHaveLength(20);
    expect(added[0]).toBe('- `pkg:pypi/example-plugin-01@1.0.0`');
    expect(text).toContain('… and 3 more (all of them: `chainwatch report --run 42 --format json`).');
    expect(text).toContain('Removed (1):\n\n- `pkg:npm/left-pad@1.3.0`');
    // By ecosystem then name, in code-point order: `PyPI` before `npm`.
    expect(text).toContain('Version changes (2):\n\n- `jupyter-server` (PyPI): `2.13.0` → `2.14.0`\n- `@jupyterlab/services` (npm): `7.1.0` → `7.2.0`');
  });

  it('takes the list limit from the options', () => {
    const text = renderAuditMarkdown(sampleAuditModel(), { limit: 5 });
    expect(sectionText(text, '### Packages').split('\n').filter((line) => line.startsWith('- `pkg:pypi/example-plugin-'))).toHaveLength(5);
    expect(text).toContain('… and 18 more');
    expect(() => renderAuditMarkdown(sampleAuditModel(), { limit: 0 })).toThrow(ChainwatchError);
    expect(() => renderAuditMarkdown(sampleAuditModel(), { limit: 2.5 })).toThrow(/at least 1/);
  });

  it('lists lost provenance, new install scripts and maintainer changes', () => {
    expect(sectionText(markdown, '### Provenance lost')).toContain('- `pkg:npm/@jupyterlab/services@7.2.0` (`pkg:npm/@jupyterlab/services@7.1.0` had provenance)');
    const scripts = sectionText(markdown, '### New install scripts');
    expect(scripts).toContain('- `pkg:npm/esbuild@0.28.2`: `postinstall` (before: none)');
    expect(scripts).toContain('- `pkg:npm/evil-package@1.0.0`: `preinstall`, `postinstall` (new package)');
    const maintainers = sectionText(markdown, '### Maintainer changes');
    expect(maintainers).toContain('- `pkg:pypi/ipywidgets@8.1.9`: 3 → 4 maintainers (+\\<b\\>mallory\\</b\\>); before: `pkg:pypi/ipywidgets@8.1.8`');
    expect(maintainers).toContain('- `pkg:npm/tiny-lib@2.0.0`: 2 → 1 maintainers (the registry shows no names); before: `pkg:npm/tiny-lib@1.9.0`');
  });

  it('lists posture regressions and fixes, and desk advisories opened, closed and whose clocks turned', () => {
    const posture = sectionText(markdown, '### Repository posture');
    expect(posture).toContain('Regressions (2):');
    expect(posture).toContain('- `jupyter/notebook` `pinned-actions`: partial → fail: 3 actions referenced by tag');
    expect(posture).toContain('Fixes (1):\n\n- `jupyter/jupyter_server` `dependency-update-tool`: fail → pass: Dependabot covers pip and npm');
    const desk = sectionText(markdown, '### Disclosure desk advisories');
    expect(desk).toContain('Opened (2):');
    expect(desk).toContain('- [GHSA-good-0000-0002](<https://github.com/jupyter/jupyter_server/security/advisories/GHSA-good-0000-0002>) (`jupyter/jupyter_server`, draft): Token leak in logs');
    expect(desk).toContain('Published, closed or withdrawn (0): none.');
    expect(desk).toContain('Turned due soon (1):\n\n- [GHSA-soon-0000-0003](<https://github.com/jupyterlab/jupyterlab/security/advisories/GHSA-soon-0000-0003>) (`jupyterlab/jupyterlab`): acknowledge clock due → due soon, due 2026-05-14: Path confusion');
    expect(desk).toContain('Turned overdue (1):\n\n- `GHSA-late-0000-0004` (`jupyter/nbconvert`): disclose clock due soon → overdue, due 2026-05-10: Template injection; address not linked (not https): `http://insecure.example.test/advisory`');
  });

  it('says "not compared" with the reason for a part it did not compare, never "none"', () => {
    const given = renderAuditMarkdown(
      withModel((model) => {
        model.changes!.advisories = null;
        model.changes!.notCompared = { advisories: 'run 41 saved no desk advisories: its advisories step failed' };
      }),
    );
    expect(sectionText(given, '### Disclosure desk advisories').trim()).toBe('Not compared: run 41 saved no desk advisories: its advisories step failed.');

    const skipped = renderAuditMarkdown(
      withModel((model) => {
        model.changes!.posture = null;
        model.steps.find((step) => step.name === 'posture')!.status = 'skipped';
        model.steps.find((step) => step.name === 'posture')!.note = 'no GitHub token and no --local checkouts';
      }),
    );
    expect(sectionText(skipped, '### Repository posture').trim()).toBe("Not compared: this run's posture step was skipped: no GitHub token and no --local checkouts.");

    const otherRun = renderAuditMarkdown(withModel((model) => (model.changes!.packages = null)));
    expect(sectionText(otherRun, '### Packages').trim()).toBe('Not compared: run 41 has no comparable package graph (see the notes).');
    expect(otherRun).not.toMatch(/no changes/i);
  });

  it('says the first run of an identity is not compared', () => {
    const first = renderAuditMarkdown(
      withModel((model) => {
        model.since = null;
        model.changes = null;
        model.trends = model.trends.filter((point) => point.id === 42);
      }),
    );
    expect(first).toContain('- Compared with: nothing, this is the first run of this identity');
    expect(headings(first)).toContain('## What changed');
    expect(sectionText(first, '## What changed').trim()).toBe('Not compared: this is the first run of this identity; the next run will be compared with it.');
    expect(sectionText(first, '### Trends across runs').trim()).toBe('One run so far: trends start with the next.');
    expect(first).not.toContain('new since run');
  });
});

describe('renderAuditMarkdown: actions', () => {
  const text = sectionText(markdown, '## Actions');

  it('numbers the actions in priority order, each with why, command, patch and what it is about', () => {
    const titles = text.split('\n').filter((line) => /^\d+\. /.test(line));
    expect(titles).toEqual([
      '1. **Upgrade jupyter-server to 2.14.1** (upgrade, new since run 41)',
      '2. **Publish GHSA-late-0000-0004, overdue since 2026-05-10** (advisory)',
      '3. **Upgrade @jupyterlab/services in jupyterlab/jupyterlab** (upgrade, new since run 41)',
      '4. **Pin actions to full commit SHAs in jupyter/notebook** (posture, new since run 41)',
      '5. **Renew or drop the expired waiver of jupyter/docker-stacks token-permissions** (waiver)',
      '6. **Review \\*markdown\\* \\| pipes \\| in evil-package** (review, new since run 41)',
    ]);
    expect(text).toContain("   - Command: `pip install 'jupyter-server>=2.14.1'`\n   - Patch: `jupyter-server>=2.14.1`\n   - About: `GHSA-aaaa-bbbb-cccc`, `pkg:pypi/jupyter-server@2.14.0`");
  });

  it('keeps a command exact (a backtick inside widens the code span) and fences a patch of several lines', () => {
    expect(text).toContain('   - Command: `` npm view evil-package scripts `whoami` ``');
    // The patch ends with three backticks: the fence is four.
    expect(text).toContain('   - Patch:\n\n     ````\n     --- a/package.json\n');
    expect(text).toContain('+    "@jupyterlab/services": "~7.1.0"\n     ```\n     ````\n');
  });

  it('says when nothing calls for action', () => {
    const none = renderAuditMarkdown(withModel((model) => (model.actions = [])));
    expect(sectionText(none, '## Actions').trim()).toBe('None: nothing in this run calls for action.');
  });
});

describe('renderAuditMarkdown: the standing picture', () => {
  it('shows the top concerns with their factors', () => {
    const text = sectionText(markdown, '### Top concerns');
    expect(text).toContain('812 packages ranked by reach × weakness; the top 3:');
    expect(text).toContain('| 1 | `jupyter-server 2.14.0` | PyPI | 57.50 | 0.93 | 7/7 | advisories: 1 high; maintainers: 2 \\| \\*bus factor\\* |');
    expect(text).toContain('| 3 | `tiny 0.1.0` | PyPI | not scored | 0.1 | 0/7 | none |');
  });

  it('shows the posture coverage per check across the orgs and per org, as percentages', () => {
    const text = sectionText(markdown, '### Repository posture coverage');
    expect(text).toContain('15 repositories checked in 2 organisations; 1 expired waiver (not applied).');
    expect(text).toContain('| `dependency-update-tool` | 64.3% | 9 | 2 | 3 | 1 | 0 |');
    expect(text).toContain('| `pinned-actions` | 26.7% | 4 | 3 | 8 | 0 | 0 |');
    expect(text).toContain('| `token-permissions` | not evaluated | 0 | 0 | 0 | 15 | 0 |');
    expect(text).toContain('| Check | jupyter | jupyterlab |');
    expect(text).toContain('| `pinned-actions` | 25.0% (3/12) | 33.3% (1/3) |');
    expect(text).toContain('| `security-policy` | 100.0% (12/12) | not run |');
  });

  it('shows the vulnerabilities by severity, the desk clocks and the ecosystems not checked', () => {
    const vulnerabilities = sectionText(markdown, '### Vulnerabilities by severity');
    expect(vulnerabilities).toContain('7 findings in 5 packages of the graph, in the ecosystems that could be checked.');
    expect(vulnerabilities).toContain('| critical | 1 |\n| high | 2 |\n| medium | 3 |\n| low | 1 |\n| unknown | 0 |\n| none | 0 |');
    expect(sectionText(markdown, '### Disclosure desk advisories by clock')).toContain('| overdue | 1 |\n| due soon | 2 |\n| due | 1 |\n| met | 2 |');
    expect(sectionText(markdown, '### Ecosystems not checked')).toContain('- `conda`');
  });

  it('says "not available" and why for a part the run lacks', () => {
    const text = renderAuditMarkdown(
      withModel((model) => {
        model.standing.posture = null;
        model.standing.concerns = null;
        const posture = model.steps.find((step) => step.name === 'posture')!;
        posture.status = 'failed';
        posture.note = 'HTTP 401 from the GitHub API';
      }),
    );
    expect(sectionText(text, '### Repository posture coverage').trim()).toBe("Not available: this run's posture step failed: HTTP 401 from the GitHub API.");
    expect(sectionText(text, '### Top concerns').trim()).toBe('Not available: this run saved no concerns ranking.');
  });

  it('gives the trend tables oldest first, a run without the part as "no data"', () => {
    const text = sectionText(markdown, '### Trends across runs');
    expect(text).toContain('| 40 | 2026-04-27 | complete | 0 | 1 | 3 | 1 | 0 | 0 | 5 |\n| 41 | 2026-05-04 | complete | 0 | 1 | 2 | 2 | 0 | 0 | 5 |\n| 42 | 2026-05-11 | partial | 1 | 2 | 3 | 1 | 0 | 0 | 7 |');
    expect(text).toContain('| 40 | 2026-04-27 | complete | no data | no data | no data | no data |');
    expect(text).toContain('| 42 | 2026-05-11 | partial | 64.3% | 26.7% | 100.0% | not evaluated |');
    expect(text).toContain('Run 40 has no posture results: a gap, not a zero.');
    expect(text).toContain('<details>\n<summary>Findings by severity per run</summary>');
  });
});

describe('renderAuditMarkdown: steps, escaping, determinism', () => {
  it('gives every step with its duration, and the sources not reached', () => {
    const text = sectionText(markdown, '## Steps and sources');
    expect(text).toContain('| graph | done | 12.3 s |  |\n| findings | partial | 2.1 s | conda: the advisory database holds no conda advisories |\n| posture | done | 31.3 s |  |\n| advisories | done | 850 ms |  |\n| concerns | done | 95 ms |  |');
    expect(text).toContain('Sources not reached (1 of 5):\n\n- `conda.mirror.example`: connection refused (ECONNREFUSED)\uFFFD\\[31m');
  });

  it('escapes every text from outside', () => {
    // Outside code spans, no raw HTML tag, emphasis or table pipe survives from the model.
    const prose = outsideCode(markdown)
      .replace(/<\/?(details|summary)>/g, '')
      .replace(/\]\(<https:\/\/[^>\s]+>\)/g, '](link)');
    expect(prose).toContain('\\<script\\>');
    expect(prose).not.toMatch(/(?<!\\)<[a-z/]/i);
    expect(prose).not.toMatch(/(?<!\\)\|[^\n]*(pipes|markdown)/);
    expect(markdown).toContain('\\<script\\>alert(1)\\</script\\> path traversal \\| pipes \\| \\*markdown\\* \\_x\\_');
    expect(markdown).not.toContain('\u202E');
    expect(markdown).not.toContain('\u001b');
    expect(markdown).toContain('Ünïcödé: 危険な入力 😀 ☃ in the file browser\uFFFDgnp.exe');
    // The 5,000-character summary is cut at 300 characters.
    const long = markdown.split('\n').find((line) => line.includes('GHSA-cccc-dddd-eeee') && line.includes('Long:'))!;
    expect([...long.slice(long.indexOf('Long:'))]).toHaveLength(300);
    expect(long.endsWith('…')).toBe(true);
    // The javascript: address is text in a code span, never a link.
    expect(markdown).toContain('address not linked (not https): `javascript:alert(1)`');
    expect(markdown).not.toMatch(/\]\(<?javascript:/);
  });

  it('gives the same bytes for the same model, whatever the order of its lists', () => {
    const shuffled = withModel((model) => {
      model.actions.reverse();
      model.trends.reverse();
      model.steps.reverse();
      model.sources.reverse();
      model.changes!.packages!.added.reverse();
      model.changes!.findings!.appeared.reverse();
      model.standing.posture!.checks.reverse();
      model.standing.posture!.orgs.reverse();
      model.standing.concerns!.top.reverse();
    });
    expect(renderAuditMarkdown(shuffled)).toBe(markdown);
    expect(renderAuditMarkdown(sampleAuditModel())).toBe(markdown);
  });
});
