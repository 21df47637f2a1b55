import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BuiltGraph } from '../graph/build.js';
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

const meta = (iso: string) => ({
  createdAt: new Date(iso),
  toolVersion: '0.1.0',
  inputs: { roots: ['pkg:pypi/jupyterlab'], environments: ['py3.12-linux'], config: 'preset:jupyter', offline: false },
});

describe('graph store', () => {
  it('saves a snapshot and reads back exactly the same graph', () => {
    const store = openGraphStore(join(dir, 'graph.sqlite'));
    const id = store.saveSnapshot(sampleGraph(), meta('2025-01-01T00:00:00Z'));
    const loaded = store.loadSnapshot(id)!;
    expect(loaded.graph).toEqual(sampleGraph());
    expect(loaded).toMatchObject({ id, createdAt: '2025-01-01T00:00:00.000Z', toolVersion: '0.1.0', nodeCount: 2, edgeCount: 2, inputs: meta('2025-01-01T00:00:00Z').inputs });
    expect(store.loadSnapshot(id + 1)).toBeNull();
    store.close();
  });

  it('keeps every run, oldest first, across reopening', () => {
    const path = join(dir, 'graph.sqlite');
    const store = openGraphStore(path);
    store.saveSnapshot(sampleGraph('4.2.5'), meta('2025-01-01T00:00:00Z'));
    store.saveSnapshot(sampleGraph('4.3.0'), meta('2025-02-01T00:00:00Z'));
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

  it('writes a snapshot in one transaction: a failure leaves no partial snapshot', () => {
    const store = openGraphStore(join(dir, 'graph.sqlite'));
    const broken = sampleGraph();
    // Two nodes with one purl violate the primary key halfway through the insert.
    broken.nodes.push({ ...broken.nodes[0]! });
    expect(() => store.saveSnapshot(broken, meta('2025-01-01T00:00:00Z'))).toThrow(/saving a snapshot failed/);
    expect(store.listSnapshots()).toEqual([]);
    const raw = new Database(join(dir, 'graph.sqlite'), { readonly: true });
    expect(raw.prepare('SELECT count(*) AS n FROM snapshot_nodes').get()).toEqual({ n: 0 });
    raw.close();
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
