import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BuiltGraph } from '../graph/build.js';
import { newRun } from '../graph/runs.fixture.js';
import { defaultGraphStorePath, openGraphStore } from './graph-store.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'chainwatch-graph-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function sampleGraph(version = '4.2.5'): BuiltGraph {
  return {
    nodes: [
      {
        purl: `pkg:pypi/jupyterlab@${version}`,
        ecosystem: 'PyPI',
        name: 'jupyterlab',
        version,
        root: true,
        signals: { yanked: { known: true, value: false }, maintainers: { known: false, reason: 'not shown' }, advisories: { known: true, value: ['GHSA-x'] } },
      },
      { purl: 'pkg:pypi/traitlets@5.14.3', ecosystem: 'PyPI', name: 'traitlets', version: '5.14.3', root: false, signals: {} },
    ],
    // In buildGraph's order: from, to, kind, condition by code point.
    edges: [
      { from: `pkg:pypi/jupyterlab@${version}`, to: 'pkg:pypi/traitlets@5.14.3', requirement: '>=5', kind: 'optional', condition: 'extra == "test"' },
      { from: `pkg:pypi/jupyterlab@${version}`, to: 'pkg:pypi/traitlets@5.14.3', requirement: '>=5', kind: 'runtime' },
    ],
    sources: [
      { name: 'conda-forge', reachable: false, error: 'connect ECONNREFUSED' },
      { name: 'pypi', reachable: true },
    ],
    problems: [{ purl: 'pkg:conda/jupyterlab?channel=conda-forge', message: 'connect ECONNREFUSED' }],
  };
}

const at = (iso: string) => ({ at: iso, label: 'preset:jupyter' });

describe('graph store', () => {
  it('saves a run with its graph and reads back exactly the same graph', () => {
    const store = openGraphStore(join(dir, 'graph.sqlite'));
    const { id, pruned } = store.saveRun(newRun(sampleGraph(), { ...at('2025-01-01T00:00:00Z'), toolVersion: '0.1.0' }));
    expect(pruned).toEqual([]);
    const loaded = store.loadSnapshot(id)!;
    expect(loaded.graph).toEqual(sampleGraph());
    expect(loaded).toMatchObject({
      id,
      createdAt: '2025-01-01T00:00:00.000Z',
      toolVersion: '0.1.0',
      nodeCount: 2,
      edgeCount: 2,
      status: 'partial',
      inputs: { roots: ['pkg:pypi/jupyterlab'], environments: ['py3.12-linux'], config: 'preset:jupyter', offline: false },
      identity: { label: 'preset:jupyter', adHoc: false, inputs: { roots: ['pkg:pypi/jupyterlab'], environments: ['cpython3.12.0-linux-x86_64'], orgs: [] } },
    });
    expect(store.loadSnapshot(id + 1)).toBeNull();
    expect(store.getRun(id)).toMatchObject({ id, command: 'graph', status: 'partial', graph: { nodes: 2, edges: 2 }, parts: [{ name: 'graph', schemaVersion: 1 }], migrated: false });
    store.close();
  });

  it('keeps every run, oldest first, across reopening', () => {
    const path = join(dir, 'graph.sqlite');
    const store = openGraphStore(path);
    store.saveRun(newRun(sampleGraph('4.2.5'), at('2025-01-01T00:00:00Z')));
    store.saveRun(newRun(sampleGraph('4.3.0'), at('2025-02-01T00:00:00Z')));
    store.close();
    const reopened = openGraphStore(path, { readonly: true });
    expect(reopened.listSnapshots().map((info) => [info.id, info.createdAt])).toEqual([
      [1, '2025-01-01T00:00:00.000Z'],
      [2, '2025-02-01T00:00:00.000Z'],
    ]);
    expect(reopened.resolveReference('latest')).toEqual({ ok: true, value: 2 });
    expect(reopened.resolveReference('latest~1')).toEqual({ ok: true, value: 1 });
    expect(reopened.loadSnapshot(2)!.graph.nodes[0]!.version).toBe('4.3.0');
    reopened.close();
  });

  it('writes a run in one transaction: a failure leaves no run and no partial snapshot', () => {
    const store = openGraphStore(join(dir, 'graph.sqlite'));
    const broken = sampleGraph();
    // Two nodes with one purl violate the primary key halfway through the insert.
    broken.nodes.push({ ...broken.nodes[0]! });
    expect(() => store.saveRun(newRun(broken, at('2025-01-01T00:00:00Z')))).toThrow(/saving a run failed/);
    expect(store.listSnapshots()).toEqual([]);
    expect(store.listRuns()).toEqual([]);
    const raw = new Database(join(dir, 'graph.sqlite'), { readonly: true });
    expect(raw.prepare('SELECT count(*) AS n FROM snapshot_nodes').get()).toEqual({ n: 0 });
    raw.close();
    store.close();
  });

  it('holds JSON parts by name with their schema version, beside or instead of a graph', () => {
    const store = openGraphStore(join(dir, 'graph.sqlite'));
    const findings = { name: 'findings', schemaVersion: 1, body: [{ id: 'GHSA-x', purl: 'pkg:pypi/jupyterlab@4.2.5' }] };
    const { id } = store.saveRun(newRun(sampleGraph(), { ...at('2025-01-01T00:00:00Z'), parts: [findings] }));
    store.attachParts(id, [{ name: 'report', schemaVersion: 2, body: { markdown: '# Audit é' } }]);
    expect(store.readPart(id, 'findings')).toEqual(findings);
    expect(store.readPart(id, 'report')).toEqual({ name: 'report', schemaVersion: 2, body: { markdown: '# Audit é' } });
    // Sizes in bytes of UTF-8 JSON: {"markdown":"# Audit é"} is 24 characters, 25 bytes.
    expect(store.getRun(id)!.parts.find((part) => part.name === 'report')!.bytes).toBe(25);
    expect(store.readPart(id, 'posture')).toBeNull();
    expect(store.getRun(id)!.parts.map((part) => [part.name, part.schemaVersion])).toEqual([
      ['findings', 1],
      ['graph', 1],
      ['report', 2],
    ]);
    // A run without a graph is no snapshot: `latest` still names the graph run.
    const { id: withoutGraph } = store.saveRun(newRun(null, { ...at('2025-01-02T00:00:00Z'), parts: [findings] }));
    expect(store.getRun(withoutGraph)!.graph).toBeNull();
    expect(store.resolveReference('latest')).toEqual({ ok: true, value: id });
    expect(store.previousRun(withoutGraph)!.id).toBe(id);
    expect(store.previousRun(withoutGraph, { withPart: 'report' })!.id).toBe(id);
    expect(store.previousRun(withoutGraph, { withPart: 'posture' })).toBeNull();
    expect(store.previousRun(withoutGraph, { status: 'complete' })).toBeNull();
    expect(() => store.attachParts(99, [findings])).toThrow(/no run 99/);
    expect(() => store.attachParts(id, [{ name: 'graph', schemaVersion: 1, body: {} }])).toThrow(/saved as a snapshot/);
    store.close();
  });

  it('resolves latest within one identity: the newest not-ad-hoc by default, an ad-hoc one only when named', () => {
    const store = openGraphStore(join(dir, 'graph.sqlite'));
    const preset = { label: 'preset:jupyter', orgs: ['jupyter'] };
    store.saveRun(newRun(sampleGraph('4.2.5'), { ...preset, at: '2025-01-01T00:00:00Z' }));
    const experiment = store.saveRun(newRun(sampleGraph('4.3.0'), { at: '2025-01-02T00:00:00Z', roots: ['pkg:pypi/notebook'] }));
    store.saveRun(newRun(sampleGraph('4.3.1'), { ...preset, at: '2025-01-03T00:00:00Z' }));
    store.saveRun(newRun(sampleGraph('4.3.2'), { at: '2025-01-04T00:00:00Z', roots: ['pkg:pypi/notebook'] }));
    const presetKey = store.getRun(1)!.identity.key;
    expect(store.defaultIdentity()).toBe(presetKey);
    expect(store.resolveReference('latest')).toEqual({ ok: true, value: 3 });
    expect(store.resolveReference('latest~1')).toEqual({ ok: true, value: 1 });
    expect(store.resolveReference('latest~2')).toMatchObject({ ok: false, error: { message: 'latest~2: only 2 snapshots of preset:jupyter exist' } });
    const adHocKey = store.getRun(experiment.id)!.identity.key;
    expect(store.resolveReference('latest~1', adHocKey)).toEqual({ ok: true, value: 2 });
    // An id names any run.
    expect(store.resolveReference('4', presetKey)).toEqual({ ok: true, value: 4 });
    expect(store.identities().sort()).toEqual([adHocKey, presetKey].sort());
    expect(store.listRuns({ identity: presetKey }).map((run) => run.id)).toEqual([1, 3]);
    store.close();
  });

  it('prunes each identity by the retention policy after saving, and on demand (dry run first)', () => {
    const store = openGraphStore(join(dir, 'graph.sqlite'));
    const policy = { keepLast: 2, keepMonths: 12 };
    const saved = ['2025-01-05', '2025-01-20', '2025-02-03', '2025-02-17', '2025-03-03'].map((day) =>
      store.saveRun(newRun(sampleGraph(), { at: `${day}T00:00:00Z`, label: 'preset:jupyter' }), { retention: policy }),
    );
    // Run 1 is neither among the last two nor January's newest once run 3 is saved; run 3 goes when
    // run 5 takes the last two places with run 4, February's newest; run 2 stays as January's newest.
    expect(saved.map((run) => run.pruned)).toEqual([[], [], [1], [], [3]]);
    expect(store.listRuns().map((run) => run.id)).toEqual([2, 4, 5]);
    expect(store.loadSnapshot(1)).toBeNull();
    const raw = new Database(join(dir, 'graph.sqlite'), { readonly: true });
    expect(raw.prepare('SELECT count(*) AS n FROM snapshot_nodes WHERE snapshot_id IN (1, 3)').get()).toEqual({ n: 0 });
    raw.close();
    expect(store.pruneRuns({ keepLast: 1, keepMonths: 0 }, { dryRun: true })).toEqual([2, 4]);
    expect(store.listRuns()).toHaveLength(3);
    expect(store.pruneRuns({ keepLast: 1, keepMonths: 0 })).toEqual([2, 4]);
    expect(store.listRuns().map((run) => run.id)).toEqual([5]);
    expect(() => store.pruneRuns({ keepLast: 0, keepMonths: 0 })).toThrow(/at least the last run/);
    store.close();
  });

  it('refuses a read-only open of a file that does not exist, naming it', () => {
    const path = join(dir, 'absent.sqlite');
    expect(() => openGraphStore(path, { readonly: true })).toThrow(/cannot open graph history/);
  });

  it('refuses a history written by a newer chainwatch', () => {
    const path = join(dir, 'future.sqlite');
    const raw = new Database(path);
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => openGraphStore(path)).toThrow(/schema version 99/);
  });
});

describe('defaultGraphStorePath', () => {
  it('honours CHAINWATCH_GRAPH_DB, else graph.sqlite in the cache dir', () => {
    expect(defaultGraphStorePath({ CHAINWATCH_GRAPH_DB: '/tmp/x.sqlite' })).toBe('/tmp/x.sqlite');
    expect(defaultGraphStorePath({})).toMatch(/chainwatch[\\/]graph\.sqlite$/);
  });
});
