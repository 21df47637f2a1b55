/**
 * The eight views of `chainwatch serve` in Chromium over the fixture store:
 * each opened, its key content checked against the numbers the API gives for
 * the same run (and the fixture's known packages), axe-core with zero serious
 * or critical violations, a screenshot in test-artifacts/screenshots/, and
 * no console error, failed request or request to another origin.
 */
import { expect, it } from 'vitest';
import { finishView, tableHeaders, tableRows, textOf, useFixtureDashboard, waitForView } from './dashboard.js';
import { describeInBrowser } from './harness.js';

interface Profiles {
  profiles: { identity: string; label: string; latest: { id: number }; runs: number }[];
}
interface Report {
  run: { id: number };
  since: { id: number } | null;
  standing: {
    vulnerabilities: { findings: number; packages: number; by_severity: Record<string, number> };
    concerns: { ranked: number; top: { name: string; version: string; score: number }[] };
    posture: { repos: number; checks: { check: string; percent: number | null }[] };
    advisories: { total: number; by_clock: Record<string, number> };
  };
  changes: unknown;
  trends: { id: number; packages: number | null; new_packages: number | null }[];
}
interface Concerns {
  ranked: number;
  rows: { rank: number; name: string; version: string; score: number | null; weakness: { known: number; total: number; factors: { name: string; value: number | null; detail: string }[] } }[];
}
interface PackageDetail {
  name: string;
  version: string;
  versions_in_graph: string[];
  findings: { id: string }[];
  concern: { rank: number } | null;
  paths: string[][];
  dependents: string[];
}
interface Graph {
  nodes: { id: string; ecosystem: string }[];
  /** [from, to, kind]: indexes into nodes and edge_kinds. */
  edges: [number, number, number][];
}
interface Findings {
  advisories: { id: string; severity: string; fixed: string[]; packages: { name: string; version: string }[] }[];
}
interface Posture {
  checks: string[];
  repos: { repo: string; archived: boolean | null; checks: Record<string, { outcome: string; summary: string; docs: string; waiver: { reason: string; expires: string | null } | null }> }[];
  orgs: { org: string; checks: { check: string; percent: number | null }[] }[];
}
interface Advisories {
  available: boolean;
  reason: string | null;
  advisories: { id: string; state: string }[];
}

const OUTCOME_TEXT = /\b(pass|partial|fail|unknown|n\/a|error)\b/;

describeInBrowser('dashboard views in Chromium (axe, screenshots)', () => {
  const { dashboard, fixture, api } = useFixtureDashboard();

  it('Overview: the latest run per profile, the standing with links to the lists behind each number, trends and changes', async () => {
    const { runs } = fixture();
    const [profiles, report] = await Promise.all([api<Profiles>('/api/profiles'), api<Report>('/api/runs/latest/report')]);
    expect(report.run.id).toBe(runs.second);
    const session = await dashboard().open('/');
    const { page } = session;
    await waitForView(page, 'overview');

    const profileRows = await tableRows(page, 'overview-profiles');
    expect(profileRows.map((row) => [row[0], row[1]])).toEqual(profiles.profiles.map((profile) => [profile.label, `#${profile.latest.id}`]));
    expect(await textOf(page.getByTestId('overview-run'))).toContain(`Run #${runs.second} of preset:jupyter`);
    expect(await textOf(page.getByTestId('overview-run'))).toContain(`compared with run #${runs.first}`);

    const standing = page.getByTestId('overview-standing');
    const { vulnerabilities, concerns, posture, advisories } = report.standing;
    expect(await textOf(standing)).toContain(`${vulnerabilities.findings} findings in ${vulnerabilities.packages} packages`);
    expect(vulnerabilities.by_severity.critical).toBe(1);
    for (const [severity, count] of Object.entries(vulnerabilities.by_severity)) {
      await expect(standing.getByRole('link', { name: `${count} ${severity} findings`, exact: true }).count()).resolves.toBe(1);
    }
    for (const [clock, count] of Object.entries(advisories.by_clock)) {
      await expect(standing.getByRole('link', { name: `${count} advisories ${clock}`, exact: true }).count()).resolves.toBe(1);
    }
    const topConcerns = await standing.locator('.top-concerns li').allTextContents();
    expect(topConcerns.map((text) => text.replace(/\s+/g, ' ').trim())).toEqual(concerns.top.slice(0, 5).map((row) => `${row.name}@${row.version} score ${row.score.toFixed(1)}`));
    expect(await textOf(standing)).toContain(`${posture.repos} repositories`);
    const branchProtection = posture.checks.find((check) => check.check === 'branch-protection')!;
    expect(await textOf(standing)).toMatch(new RegExp(`branch-protection:? ${branchProtection.percent!.toFixed(1).replace('.', '\\.')} ?%`));

    for (const chart of ['trend-findings', 'trend-coverage', 'trend-advisories', 'trend-packages']) {
      await expect(page.getByTestId(chart).locator('svg').count(), chart).resolves.toBeGreaterThan(0);
    }
    // The new dependencies (right axis): the latest run's count links to the packages added since the run before.
    const [before, latest] = report.trends.slice(-2);
    expect(latest!.new_packages).toBeGreaterThan(0);
    const packagesChart = page.getByTestId('trend-packages');
    await packagesChart.locator('summary').click();
    const added = packagesChart.getByRole('link', { name: String(latest!.new_packages), exact: true }).last();
    expect(new URL(await added.getAttribute('href') ?? '', 'http://x').search).toContain(`from=${before!.id}&to=${latest!.id}`);
    const changes = await textOf(page.getByTestId('overview-changes'));
    expect(changes).toContain('core-js'); // added in the second run
    expect(changes).toContain('six'); // removed

    const shot = await finishView(session, 'overview');
    expect(shot).toMatch(/test-artifacts\/screenshots\/overview\.png$/);
  });

  it('Overview numbers link to the list behind them: the critical count opens the Vulnerabilities filtered to critical', async () => {
    const findings = await api<Findings>('/api/runs/latest/findings');
    const critical = findings.advisories.filter((advisory) => advisory.severity === 'critical');
    expect(critical.length).toBeGreaterThan(0);
    const session = await dashboard().open('/');
    const { page } = session;
    await waitForView(page, 'overview');
    await page.getByRole('link', { name: `${critical.length} critical findings`, exact: true }).click();
    await waitForView(page, 'vulnerabilities');
    const url = new URL(page.url());
    expect(url.pathname).toBe('/vulnerabilities');
    expect(url.searchParams.get('severity')).toBe('critical');
    const rows = await tableRows(page, 'vulnerabilities-table');
    expect(rows.map((row) => row[0]!.split(' ')[0])).toEqual(critical.map((advisory) => advisory.id));
    session.assertClean();
    await session.close();
  });

  it('Concerns: the ranked packages with every factor, and why an unknown one is unknown', async () => {
    const concerns = await api<Concerns>('/api/runs/latest/concerns');
    const session = await dashboard().open('/concerns');
    const { page } = session;
    await waitForView(page, 'concerns');
    const rows = await tableRows(page, 'concerns-table');
    expect(rows).toHaveLength(Math.min(concerns.rows.length, 100));
    expect(await textOf(page.getByTestId('concerns-table').locator('.row-count'))).toBe(`${concerns.rows.length} rows`);
    const first = concerns.rows[0]!;
    expect(first.name).toBe('tornado'); // the fixture's release that lost its provenance
    expect(rows[0]![0]).toBe('1');
    expect(rows[0]![1]).toContain(`${first.name}@${first.version}`);
    expect(rows[0]![3]).toBe(first.score!.toFixed(1));
    expect(rows[0]![6]).toBe(`${first.weakness.known}/${first.weakness.total}`);

    const headers = await tableHeaders(page, 'concerns-table');
    const factorNames = first.weakness.factors.map((factor) => factor.name);
    expect(factorNames.length).toBe(8);
    expect(headers.length).toBe(7 + factorNames.length);
    // Every factor's cell: its value, or "unknown" with why.
    const factorCells = rows[0]!.slice(7);
    first.weakness.factors.forEach((factor, index) => {
      if (factor.value === null) expect(factorCells[index]).toBe(`unknown why: ${factor.detail}`);
      else expect(factorCells[index]).toContain(factor.value.toFixed(2));
    });
    const unknownRow = concerns.rows.findIndex((row) => row.weakness.factors.some((factor) => factor.value === null));
    expect(unknownRow).toBeGreaterThanOrEqual(0);
    const unknownFactor = concerns.rows[unknownRow]!.weakness.factors.find((factor) => factor.value === null)!;
    expect(rows[unknownRow]!.join(' | ')).toContain(`unknown why: ${unknownFactor.detail}`);
    await finishView(session, 'concerns');
  });

  it('Package: versions, findings, concern and the paths from the top packages down to it', async () => {
    const { packages } = fixture();
    const detail = await api<PackageDetail>(`/api/runs/latest/packages/${encodeURIComponent(packages.deep)}`);
    expect(detail.paths.length).toBeGreaterThan(1);
    const session = await dashboard().open(`/package?purl=${encodeURIComponent(packages.deep)}`);
    const { page } = session;
    await waitForView(page, 'package');
    expect(await textOf(page.locator('h1'))).toBe(`${detail.name} ${detail.version}`);
    const paths = page.getByTestId('package-paths');
    expect(await textOf(paths)).toContain(`${detail.paths.length} shortest paths`);
    const shownPaths = await paths.locator('ol > li, ul > li').count();
    expect(shownPaths).toBeGreaterThanOrEqual(detail.paths.length);
    const pathsText = await textOf(paths);
    for (const path of detail.paths) for (const purl of path) expect(pathsText).toContain(purl.split('/').at(-1)!.replace('%40', '@'));
    const main = await textOf(page.locator('main'));
    for (const finding of detail.findings) expect(main).toContain(finding.id);
    expect(main).toContain(`Rank ${detail.concern!.rank}`);
    for (const dependent of detail.dependents) expect(main).toContain(dependent.split('/').at(-1)!);
    await finishView(session, 'package');
  });

  it('Graph explorer: the WebGL canvas and its counts, cross-ecosystem edges included', async () => {
    const graph = await api<Graph>('/api/runs/latest/graph');
    const cross = graph.edges.filter(([from, to]) => graph.nodes[from]!.ecosystem !== graph.nodes[to]!.ecosystem).length;
    expect(cross).toBeGreaterThan(0);
    const session = await dashboard().open('/graph');
    const { page } = session;
    await waitForView(page, 'graph');
    expect(await textOf(page.getByTestId('graph-status'))).toBe(
      `${graph.nodes.length} packages of ${graph.nodes.length} shown, ${graph.edges.length} edges (${cross} cross-ecosystem edges).`,
    );
    const canvas = page.getByTestId('graph-canvas').locator('canvas').first();
    await canvas.waitFor();
    expect(await canvas.evaluate((element) => (element as unknown as { getContext(kind: string): unknown }).getContext('webgl2') !== null)).toBe(true);
    const rows = await tableRows(page, 'graph-table');
    expect(rows).toHaveLength(Math.min(graph.nodes.length, 100));
    await finishView(session, 'graph');
  });

  it('Vulnerabilities: every finding grouped by advisory, worst first, with fixed versions and where it comes from', async () => {
    const findings = await api<Findings>('/api/runs/latest/findings');
    const session = await dashboard().open('/vulnerabilities');
    const { page } = session;
    await waitForView(page, 'vulnerabilities');
    const rows = await tableRows(page, 'vulnerabilities-table');
    expect(rows).toHaveLength(findings.advisories.length);
    findings.advisories.forEach((advisory, index) => {
      const row = rows[index]!;
      expect(row[0]!.startsWith(advisory.id)).toBe(true);
      expect(row[1]).toContain(advisory.severity);
      expect(row[3]).toBe(advisory.fixed.length === 0 ? 'no fix known' : advisory.fixed.join(', '));
      for (const affected of advisory.packages) expect(row[4]).toContain(`${affected.name}@${affected.version}`);
    });
    expect(rows[0]![1]).toContain('critical');
    await finishView(session, 'vulnerabilities');
  });

  it('Posture: repositories × checks by text and colour, reasons, docs links, waivers with expiry, archived separable, coverage per org', async () => {
    const posture = await api<Posture>('/api/runs/latest/posture');
    const { archivedRepo } = fixture();
    const session = await dashboard().open('/posture');
    const { page } = session;
    await waitForView(page, 'posture');
    const rows = await tableRows(page, 'posture-matrix');
    expect(rows).toHaveLength(posture.repos.length);
    const matrix = page.getByTestId('posture-matrix');
    posture.repos.forEach((repo, index) => {
      expect(rows[index]![0]).toContain(repo.repo);
      posture.checks.forEach((id, column) => {
        const cell = rows[index]![4 + column]!;
        // Never colour alone: the outcome is written in every cell, with its reason.
        expect(cell, `${repo.repo} ${id}`).toMatch(OUTCOME_TEXT);
        expect(cell).toContain(repo.checks[id]!.summary);
      });
    });
    const docsLinks = await matrix.locator('a[href*="/docs/checks#check-"]').count();
    // Soft: the rest of the view is still checked and its screenshot taken when this fails.
    expect.soft(docsLinks, 'a docs link in every cell').toBe(posture.repos.length * posture.checks.length);

    const waived = posture.repos.find((repo) => repo.repo === 'jupyterlab/jupyterlab-desktop')!.checks['branch-protection']!.waiver!;
    const waivedRow = rows.find((row) => row[0]!.includes('jupyterlab/jupyterlab-desktop'))!;
    expect(waivedRow.join(' ')).toContain(waived.reason);
    expect(waivedRow.join(' ')).toMatch(/waive(d until|r expired on) 2027-03-01/);

    const coverage = await textOf(page.getByTestId('posture-coverage'));
    for (const org of posture.orgs) {
      const percent = org.checks.find((check) => check.check === 'branch-protection')!.percent!;
      expect(coverage).toContain(org.org);
      expect(coverage).toContain(`${percent.toFixed(1)} %`.replace(' %', ''));
    }
    const archivedCount = posture.repos.filter((repo) => repo.archived === true).length;
    expect(archivedCount).toBe(1);
    await page.getByLabel(`Archived (${archivedCount})`).selectOption('only');
    await page.waitForURL(/archived=only/);
    const archivedRows = await tableRows(page, 'posture-matrix');
    expect(archivedRows).toHaveLength(1);
    expect(archivedRows[0]![0]!.startsWith(archivedRepo)).toBe(true);
    expect(archivedRows[0]![0]).toContain('archived'); // its tag
    expect(archivedRows[0]![2]).toBe('yes');
    await page.getByLabel(`Archived (${archivedCount})`).selectOption('hide');
    await page.waitForURL(/archived=hide/);
    expect(await tableRows(page, 'posture-matrix')).toHaveLength(posture.repos.length - archivedCount);
    await page.getByLabel(`Archived (${archivedCount})`).selectOption('');
    await page.waitForURL((url) => !url.search.includes('archived'));
    await finishView(session, 'posture');
  });

  it('Disclosure board: advisories by state with their clocks and problems', async () => {
    const advisories = await api<Advisories>('/api/runs/latest/advisories');
    expect(advisories.available).toBe(true);
    const session = await dashboard().open('/disclosure');
    const { page } = session;
    await waitForView(page, 'disclosure');
    const board = page.getByTestId('disclosure-board');
    expect(await textOf(board.locator('h2').first())).toBe(`${advisories.advisories.length} advisories by state`);
    const byState = new Map<string, string[]>();
    for (const advisory of advisories.advisories) byState.set(advisory.state, [...(byState.get(advisory.state) ?? []), advisory.id]);
    for (const [state, ids] of byState) {
      const column = board.locator(`section.state-${state}`);
      // (The heading is capitalised by CSS.)
      expect((await textOf(column.locator(`h3#state-${state}`))).toLowerCase()).toBe(`${state} ${ids.length}`);
      expect((await column.locator('article.advisory-card > h4').allInnerTexts()).sort()).toEqual([...ids].sort());
    }
    const text = await textOf(board);
    expect(text).toMatch(/overdue \d+ days? \(due 2026-11-0\d\)/);
    expect(text).toContain('acknowledge-overdue');
    expect(await tableRows(page, 'disclosure-table')).toHaveLength(advisories.advisories.length);
    await expect(page.getByTestId('disclosure-no-source').count()).resolves.toBe(0);
    await finishView(session, 'disclosure');
  });

  it('Disclosure board of a run without the desk says it has no data source, not an empty board', async () => {
    const { otherIdentity, runs } = fixture();
    const advisories = await api<Advisories>(`/api/runs/${runs.other}/advisories`);
    expect(advisories.available).toBe(false);
    const session = await dashboard().open(`/disclosure?identity=${encodeURIComponent(otherIdentity)}`);
    const { page } = session;
    await waitForView(page, 'disclosure');
    const note = page.getByTestId('disclosure-no-source');
    expect(await textOf(note)).toContain('No data source');
    expect(await textOf(note)).toContain(advisories.reason!);
    await expect(page.getByTestId('disclosure-board').count()).resolves.toBe(0);
    await finishView(session, 'disclosure-no-source');
  });

  it('History: two runs picked, their diff', async () => {
    const { runs } = fixture();
    const session = await dashboard().open(`/history?from=${runs.first}&to=${runs.second}`);
    const { page } = session;
    await waitForView(page, 'history');
    const diff = await textOf(page.getByTestId('history-diff'));
    expect(diff).toContain(`What changed from run #${runs.first} to run #${runs.second}`);
    expect(diff).toContain('1 packages added');
    expect(diff).toContain('1 packages removed');
    expect(diff).toContain('core-js@3.38.0');
    expect(diff).toContain('six@1.16.0');
    expect(diff).toMatch(/tornado PyPI 6\.4\.0 6\.4\.1/);
    const runRows = await tableRows(page, 'history-runs');
    expect(runRows.map((row) => row[0])).toEqual(expect.arrayContaining([`${runs.first}`, `${runs.second}`].map((id) => expect.stringContaining(id))));
    await finishView(session, 'history');
  });
});
