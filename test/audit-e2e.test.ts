/**
 * The recorded registry answers of test/audit-e2e.fixture.ts, proven through
 * `chainwatch audit` in-process: each run resolves as of its own
 * --exclude-newer date from the cassette alone (network disabled), the graph
 * changes as AUDIT_E2E_CHANGES says, and the two runs together ask for every
 * recorded answer, no more and no fewer.
 *
 * Then issue 10's end-to-end test: two audits of the recorded packages and an
 * org on the fake GitHub, with changes between the runs (a repository loses
 * its Dependabot config, another gains SECURITY.md, desk advisories open,
 * close and turn overdue or due soon, an advisory hits a version of run 2),
 * and `chainwatch report` as JSON (item by item), Markdown (order and lines)
 * and HTML (self-contained, trend charts with both runs).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAuditCommand, type AuditCommandOptions } from '../src/cli/commands/audit.js';
import { captureIo, useTemporaryDirectory } from '../src/cli/commands/command-fakes.fixture.js';
import { openGraphStore } from '../src/store/graph-store.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import { AUDIT_E2E_CHANGES, auditE2eConfig, createAuditE2e, type AuditE2e } from './audit-e2e.fixture.js';
import { runCli } from './cli-harness.js';
import { DESK_BOT, syntheticAdvisory, syntheticRepo } from './fake-github/fixtures.js';
import { fakeFile, pushCommit, sha1, staticOrg, type FakeAdvisory, type FakeOrg, type FakeRepo } from './fake-github/model.js';
import { startFakeGithub, type FakeGithub } from './fake-github/server.js';

const dir = useTemporaryDirectory(beforeEach, afterEach);
let e2e: AuditE2e | null = null;
afterEach(async () => {
  await e2e?.close();
  e2e = null;
});

/** A config (with `orgs`), and an advisory database with one made-up record per ecosystem, each hitting run 1's version only. */
function setUp(orgs: readonly string[] = []): (run: 0 | 1) => AuditCommandOptions {
  const config = join(dir.path, 'chainwatch.yaml');
  writeFileSync(config, auditE2eConfig(orgs));
  const store = openSqliteStore(join(dir.path, 'advisories.sqlite'));
  store.importRecords([
    {
      id: 'GHSA-test-ref1',
      modified: '2024-12-01T00:00:00Z',
      summary: 'referencing resolves too much',
      affected: [{ package: { ecosystem: 'PyPI', name: 'referencing' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '0.36.0' }] }] }],
      database_specific: { severity: 'MODERATE' },
    },
    {
      id: 'GHSA-test-lum1',
      modified: '2024-12-01T00:00:00Z',
      summary: '@lumino/coreutils makes weak tokens',
      affected: [{ package: { ecosystem: 'npm', name: '@lumino/coreutils' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '2.2.1' }] }] }],
      database_specific: { severity: 'HIGH' },
    },
  ]);
  store.close();
  return (run) => ({
    config,
    env: [],
    local: [],
    format: 'json',
    excludeNewer: e2e!.runs[run].excludeNewer,
    db: join(dir.path, 'advisories.sqlite'),
    history: join(dir.path, 'graph.sqlite'),
  });
}

interface AuditDocument {
  run: { id: number; started_at: string; identity: string; status: string };
  sources: { name: string; reachable: boolean }[];
  graph: { nodes: number; edges: number };
  findings: { id: string; package: { name: string; version: string } }[];
}

describe('the recorded audit (test/fixtures/audit-e2e.json.gz)', () => {
  it('resolves each run as of its date from the cassette alone, the graph changes as recorded, and every recorded answer is asked for', async () => {
    e2e = createAuditE2e();
    const options = setUp();
    const documents: AuditDocument[] = [];
    for (const run of [0, 1] as const) {
      const io = captureIo(dir.path);
      // A fresh cache directory per run, as on a new machine: the cassette holds each run's requests.
      const cacheDirectory = join(dir.path, `cache-${run}`);
      mkdirSync(cacheDirectory);
      const code = await runAuditCommand(io, options(run), e2e.dependencies(run, { cacheDirectory }));
      expect(io.err()).not.toMatch(/not reachable|problem|unresolved/i);
      expect(code).toBe(0);
      documents.push(JSON.parse(io.out()) as AuditDocument);
    }
    e2e.assertAllUsed();

    const [first, second] = documents as [AuditDocument, AuditDocument];
    expect([first.run.status, second.run.status]).toEqual(['complete', 'complete']);
    expect([first.run.started_at, second.run.started_at]).toEqual([e2e.runs[0].now, e2e.runs[1].now]);
    expect(first.sources.filter((source) => ['pypi', 'npm'].includes(source.name))).toEqual([
      { name: 'npm', reachable: true, error: null },
      { name: 'pypi', reachable: true, error: null },
    ]);
    // One identity: --exclude-newer is a time point, so the runs are comparable.
    expect(second.run.identity).toBe(first.run.identity);
    expect(first.findings.map((finding) => [finding.id, finding.package.name, finding.package.version]).sort()).toEqual([
      ['GHSA-test-lum1', '@lumino/coreutils', '2.2.0'],
      ['GHSA-test-ref1', 'referencing', '0.35.1'],
    ]);
    expect(second.findings).toEqual([]);

    const history = openGraphStore(join(dir.path, 'graph.sqlite'), { readonly: true });
    const [before, after] = [history.loadSnapshot(first.run.id)!, history.loadSnapshot(second.run.id)!];
    history.close();
    expect([before.inputs.excludeNewer, after.inputs.excludeNewer]).toEqual(['2024-12-16T00:00:00.000Z', '2025-09-02T00:00:00.000Z']);
    const purls = (snapshot: typeof before) => snapshot.graph.nodes.map((node) => node.purl).sort();
    expect(purls(before)).toEqual([...AUDIT_E2E_CHANGES.first].sort());
    const versions = new Map(before.graph.nodes.map((node) => [node.name, node.version]));
    for (const [name, [old, current]] of Object.entries(AUDIT_E2E_CHANGES.changed)) {
      expect(versions.get(name)).toBe(old);
      versions.set(name, current);
    }
    const expected = before.graph.nodes
      .filter((node) => !(AUDIT_E2E_CHANGES.removed as readonly string[]).includes(node.purl))
      .map((node) => node.purl.replace(`@${node.version}`, `@${versions.get(node.name)}`));
    expect(purls(after)).toEqual([...expected, ...AUDIT_E2E_CHANGES.added].sort());
    // comm 0.2.3 dropped its only dependency; referencing 0.36 gained one.
    const edgesFrom = (snapshot: typeof before, name: string) => snapshot.graph.edges.filter((edge) => edge.from.startsWith(`pkg:pypi/${name}@`)).map((edge) => edge.to);
    expect([edgesFrom(before, 'comm'), edgesFrom(after, 'comm')]).toEqual([['pkg:pypi/traitlets@5.14.3'], []]);
    expect(edgesFrom(after, 'referencing')).toContain('pkg:pypi/typing-extensions@4.15.0');
    expect([first.graph.nodes, second.graph.nodes]).toEqual([8, 8]);
  });

  it('the replay is exact: after run 1 alone, run 2\'s answers are still unused', async () => {
    e2e = createAuditE2e();
    const options = setUp();
    expect(await runAuditCommand(captureIo(dir.path), { ...options(0), save: false }, e2e.dependencies(0))).toBe(0);
    expect(() => e2e!.assertAllUsed()).toThrow(/recorded interaction\(s\) were never requested:[^]*typing-extensions/);
  });
});

// ---------------------------------------------------------------- two audits and the council's report

const TOKEN = 'ghp_AuditE2e0Token1Value2Abcdefghijklmno';
const ORG = 'e2e-lab';
const PYPROJECT = (name: string) => fakeFile('pyproject.toml', `[project]\nname = "${name}"\nversion = "1.0.0"\n`);
const DEPENDABOT = fakeFile('.github/dependabot.yml', 'version: 2\nupdates:\n  - package-ecosystem: pip\n    directory: /\n    schedule:\n      interval: weekly\n');
const SECURITY = fakeFile('SECURITY.md', '# Security policy\n\nReport vulnerabilities privately through GitHub\'s "Report a vulnerability" button or by email to security@example.test.\n');
/** Between the runs: both repositories see a push, so neither looks unmaintained at run 2 for want of one. */
const PUSHED_AT = '2025-08-20T10:00:00Z';

/**
 * The org both runs audit. At run 1 (2024-12-16): `widgets` has a Dependabot
 * config (dependency-update-tool passes), `server` has no security policy
 * (and the org no `.github` repository: security-policy fails) and one report
 * in triage since 2024-12-10 (its acknowledge clock overdue, its disclose
 * clock due 2025-03-10).
 */
function e2eOrg(): FakeOrg & { repos: FakeRepo[] } {
  const commits = (repo: string) => [{ sha: sha1(`${ORG}/${repo} initial`), date: '2024-12-02T10:00:00Z', author: `${ORG}-dev`, login: `${ORG}-dev`, verified: true }];
  return staticOrg(
    { login: ORG, databaseId: 7_700_001, twoFactorRequired: true, defaultWorkflowPermissions: 'read', members: [], outsideCollaborators: [], securityManagers: [DESK_BOT], teams: ['security'] },
    [
      syntheticRepo(ORG, 'widgets', { files: [PYPROJECT('e2e-widgets'), DEPENDABOT], commits: commits('widgets') }),
      syntheticRepo(ORG, 'server', {
        files: [PYPROJECT('e2e-server')],
        commits: commits('server'),
        advisories: [
          syntheticAdvisory('e2e-lab/server traversal', {
            summary: 'Path traversal in the upload handler',
            state: 'triage',
            severity: 'high',
            createdAt: '2024-12-10T09:00:00Z',
            submission: { accepted: false },
            author: 'reporter-one',
          }),
        ],
      }),
    ],
  );
}

/**
 * What happens between the runs, as on GitHub: `widgets` drops its
 * Dependabot config (a regression), `server` gains SECURITY.md (a fix); the
 * report in triage is published; a new report arrives on 2025-08-27 (its
 * acknowledge clock, 3 days, is overdue at run 2), and a draft accepted on
 * 2025-06-10 has its disclose clock (90 days: 2025-09-08) due within the
 * week at run 2.
 */
function changeBetweenRuns(org: FakeOrg): { traversal: FakeAdvisory; overdue: FakeAdvisory; dueSoon: FakeAdvisory } {
  const widgets = org.repo('widgets')!;
  const server = org.repo('server')!;
  pushCommit(widgets, { files: [], removed: ['.github/dependabot.yml'], date: PUSHED_AT, author: `${ORG}-dev` });
  pushCommit(server, { files: [SECURITY], date: PUSHED_AT, author: `${ORG}-dev` });
  const traversal = server.advisories![0]!;
  Object.assign(traversal, { state: 'published', updatedAt: '2025-01-20T12:00:00Z', publishedAt: '2025-01-20T12:00:00Z', publisher: `${ORG}-dev` });
  const overdue = syntheticAdvisory('e2e-lab/server overdue', {
    summary: 'Token leak in the debug endpoint',
    state: 'triage',
    severity: 'medium',
    createdAt: '2025-08-27T15:00:00Z',
    submission: { accepted: false },
    author: 'reporter-two',
  });
  const dueSoon = syntheticAdvisory('e2e-lab/server due soon', {
    summary: 'Stored XSS in widget names',
    state: 'draft',
    severity: 'low',
    createdAt: '2025-06-10T08:00:00Z',
    updatedAt: '2025-06-12T08:00:00Z',
    submission: { accepted: true },
    author: 'reporter-three',
  });
  server.advisories = [traversal, overdue, dueSoon];
  return { traversal, overdue, dueSoon };
}

/** The report's JSON (chainwatch.report/1), as far as this test reads it. */
interface ReportJson {
  since: { id: number } | null;
  notes: string[];
  changes: {
    not_compared: Record<string, string>;
    findings: { appeared: ReportFinding[]; resolved: ReportFinding[] };
    packages: { added: { purl: string }[]; removed: { purl: string }[]; version_changes: { ecosystem: string; name: string; from: string[]; to: string[] }[] };
    provenance_lost: unknown[];
    new_install_scripts: unknown[];
    maintainer_changes: unknown[];
    posture: { regressions: ReportPostureChange[]; fixes: ReportPostureChange[] };
    advisories: { opened: ReportDeskAdvisory[]; closed: ReportDeskAdvisory[]; turned_due_soon: ReportClockChange[]; turned_overdue: ReportClockChange[] };
  };
  actions: { priority: number; kind: string; title: string; command: string | null; patch: string | null; refs: string[]; is_new: boolean }[];
  trends: { id: number; findings: Record<string, number>; coverage: Record<string, number | null>; advisories: Record<string, number> }[];
}
interface ReportFinding {
  id: string;
  package: { ecosystem: string; name: string; version: string; purl: string };
  severity: string;
  fixed: string[];
}
interface ReportPostureChange {
  repo: string;
  check: string;
  from: string;
  to: string;
}
interface ReportDeskAdvisory {
  id: string;
  repo: string;
  state: string;
}
interface ReportClockChange {
  id: string;
  clock: string;
  from: string | null;
  to: string;
  due: string;
}

/** `pkg:npm/%40lumino/coreutils@2.2.0` → ecosystem, name, version (the purl types of the recorded graph: npm and pypi). */
function fromPurl(purl: string): { ecosystem: string; name: string; version: string } {
  const match = /^pkg:(npm|pypi)\/(.+)@([^@]+)$/.exec(purl)!;
  return { ecosystem: match[1] === 'npm' ? 'npm' : 'PyPI', name: decodeURIComponent(match[2]!), version: match[3]! };
}

/** A stacked-bar chart's values per run: `{ run id: { series: value } }`, read from the SVG's `data-*` attributes. */
function barsPerRun(figure: string): Record<string, Record<string, number>> {
  const runs: Record<string, Record<string, number>> = {};
  for (const [, run, body] of figure.matchAll(/<g class="run[^"]*" data-run="(\d+)">([^]*?)<\/g>/g)) {
    runs[run!] = Object.fromEntries([...body!.matchAll(/data-series="([^"]+)" data-value="([^"]+)"/g)].map(([, series, value]) => [series!, Number(value)]));
  }
  return runs;
}

/** One figure of the HTML by its id. */
function figure(html: string, id: string): string {
  const match = new RegExp(`<figure id="${id}"[^>]*>([^]*?)</figure>`).exec(html);
  expect(match, `figure ${id}`).not.toBeNull();
  return match![1]!;
}

describe('two audits and the council\'s report (the cassette, the fake GitHub, a change between the runs)', () => {
  let fake: FakeGithub | null = null;
  afterEach(async () => {
    await fake?.close();
    fake = null;
  });

  it('says item by item what changed, puts the actions in the issue\'s priority order, and renders Markdown, JSON and self-contained HTML', async () => {
    e2e = createAuditE2e();
    fake = await startFakeGithub({ orgs: [e2eOrg()], tokens: { [TOKEN]: DESK_BOT } });
    const options = setUp([ORG]);
    // One machine's GitHub, HTTP and desk stores, kept between the runs as a weekly audit keeps them: the GitHub
    // cache revalidates by ETag and names trees and files by git id, so it must not hide what changed.
    const env = {
      GH_TOKEN: TOKEN,
      GITHUB_API_URL: fake.url,
      CHAINWATCH_DISCLOSURE_DB: join(dir.path, 'desk.sqlite'),
      CHAINWATCH_GITHUB_CACHE: join(dir.path, 'github.sqlite'),
      CHAINWATCH_HTTP_CACHE: join(dir.path, 'http.sqlite'),
    };
    const audit = async (run: 0 | 1) => {
      const io = captureIo(dir.path, env);
      // The registries' cache is fresh per run: the cassette holds each run's requests (see the first test).
      const cacheDirectory = join(dir.path, `cache-${run}`);
      mkdirSync(cacheDirectory);
      const code = await runAuditCommand(io, options(run), e2e!.dependencies(run, { cacheDirectory }));
      expect(io.err()).not.toMatch(/not reachable|problem|unresolved|failed/i);
      expect(code).toBe(0);
      return JSON.parse(io.out()) as AuditDocument & { compared_with: { id: number } | null; changes: unknown; actions: unknown[] };
    };

    const first = await audit(0);
    expect([first.compared_with, first.changes]).toEqual([null, null]);
    const { traversal, overdue, dueSoon } = changeBetweenRuns(fake.org(ORG)!);
    // A new record in the advisory database, hitting run 2's attrs only; setUp's two hit run 1's versions only.
    const attrsAfter = AUDIT_E2E_CHANGES.changed.attrs[1];
    const store = openSqliteStore(join(dir.path, 'advisories.sqlite'));
    store.importRecords([
      {
        id: 'GHSA-test-att1',
        modified: '2025-08-15T00:00:00Z',
        summary: 'attrs runs code from a crafted class name',
        affected: [{ package: { ecosystem: 'PyPI', name: 'attrs' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '25.0.0' }, { fixed: '25.4.0' }] }] }],
        database_specific: { severity: 'CRITICAL' },
      },
    ]);
    store.close();
    fake.resetStats();
    const second = await audit(1);
    // Run 2 did use the kept GitHub cache (answers revalidated, not charged), and it hid nothing (below).
    expect(fake.stats.notModified).toBeGreaterThan(0);
    e2e.assertAllUsed();
    expect([first.run.status, second.run.status]).toEqual(['complete', 'complete']);
    expect(second.run.identity).toBe(first.run.identity);
    expect(second.compared_with).toMatchObject({ id: first.run.id });

    const history = join(dir.path, 'graph.sqlite');
    const jsonRun = await runCli(['report', '--history', history, '--format', 'json'], { env });
    expect([jsonRun.code, jsonRun.stderr]).toEqual([0, '']);
    const report = JSON.parse(jsonRun.stdout) as ReportJson;
    // `audit --format json` carries the same comparison and actions as `chainwatch report`.
    expect(second.changes).toEqual(report.changes);
    expect(second.actions).toEqual(report.actions);
    expect(report.since).toMatchObject({ id: first.run.id });
    expect(report.notes).toEqual([]);
    const { changes } = report;
    expect(changes.not_compared).toEqual({});

    // Vulnerabilities: the new record's appears on run 2's attrs; setUp's two resolve with the upgrades (worst first).
    const finding = (entry: ReportFinding) => [entry.id, entry.package.ecosystem, entry.package.name, entry.package.version, entry.severity, entry.fixed];
    expect(changes.findings.appeared.map(finding)).toEqual([['GHSA-test-att1', 'PyPI', 'attrs', attrsAfter, 'critical', ['25.4.0']]]);
    expect(changes.findings.resolved.map(finding)).toEqual([
      ['GHSA-test-lum1', 'npm', '@lumino/coreutils', AUDIT_E2E_CHANGES.changed['@lumino/coreutils'][0], 'high', ['2.2.1']],
      ['GHSA-test-ref1', 'PyPI', 'referencing', AUDIT_E2E_CHANGES.changed.referencing[0], 'medium', ['0.36.0']],
    ]);

    // Packages: exactly the recorded graphs' differences.
    expect(changes.packages.added.map((entry) => entry.purl)).toEqual([...AUDIT_E2E_CHANGES.added]);
    expect(changes.packages.removed.map((entry) => entry.purl)).toEqual([...AUDIT_E2E_CHANGES.removed]);
    const ecosystemOf = new Map(AUDIT_E2E_CHANGES.first.map((purl) => [fromPurl(purl).name, fromPurl(purl).ecosystem]));
    const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    expect([...changes.packages.version_changes].sort(byName)).toEqual(
      Object.entries(AUDIT_E2E_CHANGES.changed)
        .map(([name, [from, to]]) => ({ ecosystem: ecosystemOf.get(name)!, name, from: [from], to: [to] }))
        .sort(byName),
    );
    // The recorded releases keep their provenance, scripts and maintainers: compared, and nothing to say.
    expect([changes.provenance_lost, changes.new_install_scripts, changes.maintainer_changes]).toEqual([[], [], []]);

    // Posture: the dropped Dependabot config is the one regression, the new SECURITY.md the one fix.
    const posture = (change: ReportPostureChange) => [change.repo, change.check, change.from, change.to];
    expect(changes.posture.regressions.map(posture)).toEqual([[`${ORG}/widgets`, 'dependency-update-tool', 'pass', 'fail']]);
    expect(changes.posture.fixes.map(posture)).toEqual([[`${ORG}/server`, 'security-policy', 'fail', 'pass']]);

    // The desk: two reports opened, the one in triage at run 1 published, one clock overdue, one due within the week.
    const desk = (advisory: ReportDeskAdvisory) => [advisory.id, advisory.repo, advisory.state];
    const byId = (a: string[], b: string[]) => (a[0]! < b[0]! ? -1 : 1);
    expect(changes.advisories.opened.map(desk)).toEqual(
      [
        [overdue.ghsaId, `${ORG}/server`, 'triage'],
        [dueSoon.ghsaId, `${ORG}/server`, 'draft'],
      ].sort(byId),
    );
    expect(changes.advisories.closed.map(desk)).toEqual([[traversal.ghsaId, `${ORG}/server`, 'published']]);
    const clock = (change: ReportClockChange) => [change.id, change.clock, change.from, change.to, change.due];
    expect(changes.advisories.turned_overdue.map(clock)).toEqual([[overdue.ghsaId, 'acknowledge', null, 'overdue', '2025-08-30']]);
    expect(changes.advisories.turned_due_soon.map(clock)).toEqual([[dueSoon.ghsaId, 'disclose', null, 'due-soon', '2025-09-08']]);

    // Actions in report-model.ts's tiers: a critical upgrade (1), an overdue clock (2), the posture regression with its fix
    // command (5), a clock due soon (6), then a check that fails and failed before (9).
    expect(report.actions.map((action) => [action.priority, action.kind, action.title, action.command ?? action.patch, action.is_new])).toEqual([
      [1, 'upgrade', `Upgrade attrs ${attrsAfter} to 25.4.0 or later`, 'attrs>=25.4.0', true],
      [2, 'advisory', `Acknowledge ${overdue.ghsaId} in ${ORG}/server`, null, true],
      [3, 'posture', `Restore dependency-update-tool in ${ORG}/widgets`, `chainwatch fix dependency-update-tool --repo ${ORG}/widgets --apply`, true],
      [4, 'advisory', `Publish ${dueSoon.ghsaId} in ${ORG}/server`, null, true],
      [5, 'posture', 'Fix dependency-update-tool in 1 repository', `chainwatch fix dependency-update-tool --repo ${ORG}/server --apply`, false],
    ]);

    // Trends: one point per run.
    expect(report.trends.map((point) => [point.id, point.findings.critical, point.findings.high, point.findings.medium])).toEqual([
      [first.run.id, 0, 1, 1],
      [second.run.id, 1, 0, 0],
    ]);
    expect(report.trends.map((point) => [point.coverage['dependency-update-tool'], point.coverage['security-policy']])).toEqual([
      [50, 0],
      [0, 50],
    ]);
    expect(report.trends.map((point) => point.advisories)).toEqual([
      { overdue: 1, 'due-soon': 0, due: 0, met: 0 },
      { overdue: 1, 'due-soon': 1, due: 0, met: 1 },
    ]);

    // Markdown: what changed, then the actions, then the standing picture; each change on its line.
    const markdownRun = await runCli(['report', '--history', history, '--format', 'markdown'], { env });
    expect([markdownRun.code, markdownRun.stderr]).toEqual([0, '']);
    const markdown = markdownRun.stdout;
    const headings = ['## What changed since run 1 of 2024-12-16', '## Actions', '## Standing picture', '## Steps and sources'].map((heading) => markdown.indexOf(`\n${heading}\n`));
    expect(headings.every((at, index) => at > 0 && (index === 0 || at > headings[index - 1]!)), markdown.match(/^## .*/gm)!.join('\n')).toBe(true);
    const whatChanged = markdown.slice(headings[0], headings[1]);
    for (const line of [
      `- critical \`GHSA-test-att1\` in \`attrs ${attrsAfter}\` (PyPI)`,
      `- high \`GHSA-test-lum1\` in \`@lumino/coreutils ${AUDIT_E2E_CHANGES.changed['@lumino/coreutils'][0]}\` (npm)`,
      `- medium \`GHSA-test-ref1\` in \`referencing ${AUDIT_E2E_CHANGES.changed.referencing[0]}\` (PyPI)`,
      ...AUDIT_E2E_CHANGES.added.map((purl) => `- \`${purl}\``),
      ...AUDIT_E2E_CHANGES.removed.map((purl) => `- \`${purl}\``),
      ...Object.entries(AUDIT_E2E_CHANGES.changed).map(([name, [from, to]]) => `- \`${name}\` (${ecosystemOf.get(name)}): \`${from}\` → \`${to}\``),
      `- \`${ORG}/widgets\` \`dependency-update-tool\`: pass → fail`,
      `- \`${ORG}/server\` \`security-policy\`: fail → pass`,
      `- [${traversal.ghsaId}](<https://github.test/${ORG}/server/security/advisories/${traversal.ghsaId}>) (\`${ORG}/server\`, published)`,
      `(\`${ORG}/server\`): acknowledge clock new → overdue, due 2025-08-30`,
      `(\`${ORG}/server\`): disclose clock new → due soon, due 2025-09-08`,
    ]) {
      expect(whatChanged).toContain(line);
    }
    const actions = markdown.slice(headings[1], headings[2]);
    expect(actions).toMatch(new RegExp(`^1\\. \\*\\*Upgrade attrs ${attrsAfter.replace(/\./g, '\\.')} to 25\\.4\\.0 or later\\*\\*`, 'm'));
    expect(actions).toContain(`   - Command: \`chainwatch fix dependency-update-tool --repo ${ORG}/widgets --apply\``);

    // HTML: one file, nothing fetched, the trend charts with both runs.
    const htmlFile = join(dir.path, 'report.html');
    const htmlRun = await runCli(['report', '--history', history, '--format', 'html', '-o', htmlFile], { env });
    expect([htmlRun.code, htmlRun.stdout, htmlRun.stderr]).toEqual([0, '', '']);
    const html = readFileSync(htmlFile, 'utf8');
    expect(`${jsonRun.stdout}${markdown}${html}`).not.toContain(TOKEN);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|url\(|@import/i);
    // The only links: the page's own anchors and the desk advisories' addresses.
    const hrefs = [...html.matchAll(/\shref="([^"]*)"/g)].map(([, href]) => href!);
    expect(hrefs).toContain('#changes');
    expect(hrefs).toContain(`https://github.test/${ORG}/server/security/advisories/${overdue.ghsaId}`);
    for (const href of hrefs) expect(href).toMatch(new RegExp(`^(#[\\w-]+|https://github\\.test/${ORG}/server/security/advisories/GHSA(-[2-9a-z]{4}){3})$`));
    expect(barsPerRun(figure(html, 'chart-findings'))).toEqual({ [first.run.id]: { high: 1, medium: 1 }, [second.run.id]: { critical: 1 } });
    expect(barsPerRun(figure(html, 'chart-advisories'))).toEqual({ [first.run.id]: { overdue: 1 }, [second.run.id]: { overdue: 1, 'due-soon': 1, met: 1 } });
    const coverage = figure(html, 'chart-coverage');
    for (const [check, values] of Object.entries({ 'dependency-update-tool': [50, 0], 'security-policy': [0, 50] })) {
      const panel = new RegExp(`<g class="check" data-check="${check}"[^>]*>([^]*?)</g>`).exec(coverage)![1]!;
      expect([...panel.matchAll(/<circle[^>]* data-run="(\d+)" data-value="([^"]+)"/g)].map(([, run, value]) => [Number(run), Number(value)])).toEqual([
        [first.run.id, values[0]],
        [second.run.id, values[1]],
      ]);
      expect(panel).toMatch(/<polyline points="[\d.]+,[\d.]+ [\d.]+,[\d.]+"/);
    }
  });
});
