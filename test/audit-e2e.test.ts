/**
 * The recorded registry answers of test/audit-e2e.fixture.ts, proven through
 * `chainwatch audit` in-process: each run resolves as of its own
 * --exclude-newer date from the cassette alone (network disabled), the graph
 * changes as AUDIT_E2E_CHANGES says, and the two runs together ask for every
 * recorded answer, no more and no fewer.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAuditCommand, type AuditCommandOptions } from '../src/cli/commands/audit.js';
import { captureIo, useTemporaryDirectory } from '../src/cli/commands/command-fakes.fixture.js';
import { openGraphStore } from '../src/store/graph-store.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import { AUDIT_E2E_CHANGES, auditE2eConfig, createAuditE2e, type AuditE2e } from './audit-e2e.fixture.js';

const dir = useTemporaryDirectory(beforeEach, afterEach);
let e2e: AuditE2e | null = null;
afterEach(async () => {
  await e2e?.close();
  e2e = null;
});

/** A config, and an advisory database with one made-up record per ecosystem, each hitting run 1's version only. */
function setUp(): (run: 0 | 1) => AuditCommandOptions {
  const config = join(dir.path, 'chainwatch.yaml');
  writeFileSync(config, auditE2eConfig());
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
