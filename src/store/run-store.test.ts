/**
 * Migrating a graph history written by schema version 1 (snapshots only,
 * before runs existed): the file is made here with version 1's SQL, frozen
 * below as that chainwatch wrote it, and rows as its saveSnapshot inserted them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { identityHash, legacyIdentity } from '../graph/run-identity.js';
import { newRun } from '../graph/runs.fixture.js';
import { openGraphStore } from './graph-store.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'chainwatch-run-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const VERSION_1_SCHEMA = `
  CREATE TABLE snapshots (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL, tool_version TEXT NOT NULL, inputs TEXT NOT NULL, node_count INTEGER NOT NULL, edge_count INTEGER NOT NULL);
  CREATE TABLE snapshot_nodes (snapshot_id INTEGER NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE, purl TEXT NOT NULL, ecosystem TEXT NOT NULL, name TEXT NOT NULL, version TEXT NOT NULL, root INTEGER NOT NULL, signals TEXT NOT NULL, PRIMARY KEY (snapshot_id, purl)) WITHOUT ROWID;
  CREATE TABLE snapshot_edges (snapshot_id INTEGER NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE, from_purl TEXT NOT NULL, to_purl TEXT NOT NULL, kind TEXT NOT NULL, condition TEXT NOT NULL, requirement TEXT NOT NULL, PRIMARY KEY (snapshot_id, from_purl, to_purl, kind, condition)) WITHOUT ROWID;
  CREATE TABLE snapshot_sources (snapshot_id INTEGER NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE, name TEXT NOT NULL, reachable INTEGER NOT NULL, error TEXT, PRIMARY KEY (snapshot_id, name)) WITHOUT ROWID;
  CREATE TABLE snapshot_problems (snapshot_id INTEGER NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE, position INTEGER NOT NULL, purl TEXT NOT NULL, message TEXT NOT NULL, PRIMARY KEY (snapshot_id, position)) WITHOUT ROWID;
`;

const PRESET_ROOTS = ['pkg:pypi/jupyterlab', 'pkg:npm/%40jupyterlab/services', 'pkg:conda/notebook?channel=conda-forge'];

interface OldSnapshot {
  createdAt: string;
  inputs: { roots: string[]; environments: string[]; config?: string; offline: boolean };
  version: string;
  condaReachable: boolean;
}

/** A version-1 file holding `snapshots`, then the last one deleted (its id is not to be given again). */
function writeVersion1(path: string, snapshots: OldSnapshot[]): void {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec(VERSION_1_SCHEMA);
  db.pragma('user_version = 1');
  for (const snapshot of snapshots) {
    const root = `pkg:pypi/jupyterlab@${snapshot.version}`;
    const id = Number(
      db.prepare('INSERT INTO snapshots (created_at, tool_version, inputs, node_count, edge_count) VALUES (?, ?, ?, ?, ?)').run(snapshot.createdAt, '0.1.0', JSON.stringify(snapshot.inputs), 2, 1).lastInsertRowid,
    );
    db.prepare('INSERT INTO snapshot_nodes VALUES (?, ?, ?, ?, ?, ?, ?)').run(id, root, 'PyPI', 'jupyterlab', snapshot.version, 1, '{"yanked":{"known":true,"value":false}}');
    db.prepare('INSERT INTO snapshot_nodes VALUES (?, ?, ?, ?, ?, ?, ?)').run(id, 'pkg:pypi/traitlets@5.14.3', 'PyPI', 'traitlets', '5.14.3', 0, '{}');
    db.prepare('INSERT INTO snapshot_edges VALUES (?, ?, ?, ?, ?, ?)').run(id, root, 'pkg:pypi/traitlets@5.14.3', 'runtime', '', '>=5');
    db.prepare('INSERT INTO snapshot_sources VALUES (?, ?, ?, ?)').run(id, 'pypi', 1, null);
    db.prepare('INSERT INTO snapshot_sources VALUES (?, ?, ?, ?)').run(id, 'conda-forge', snapshot.condaReachable ? 1 : 0, snapshot.condaReachable ? null : 'connect ECONNREFUSED');
  }
  db.prepare('DELETE FROM snapshots WHERE id = (SELECT max(id) FROM snapshots)').run();
  db.close();
}

const preset = (createdAt: string, version: string, condaReachable = true): OldSnapshot => ({
  createdAt,
  version,
  condaReachable,
  inputs: { roots: PRESET_ROOTS, environments: ['py3.12-linux'], config: 'preset:jupyter', offline: false },
});

const OLD_HISTORY: OldSnapshot[] = [
  preset('2025-01-01T00:00:00.000Z', '4.2.5'),
  // An experiment between two preset runs, saved like any run before identities existed.
  { createdAt: '2025-01-02T00:00:00.000Z', version: '4.2.6', condaReachable: true, inputs: { roots: ['pkg:pypi/JupyterLab'], environments: ['py3.12-linux'], config: 'command line', offline: true } },
  preset('2025-01-08T00:00:00.000Z', '4.3.0', false),
  preset('2025-01-15T00:00:00.000Z', '4.3.1'),
];

describe('migrating a version-1 graph history', () => {
  it('turns every snapshot into a run with the same id, an identity from its stored inputs and a status from its sources', () => {
    const path = join(dir, 'graph.sqlite');
    writeVersion1(path, OLD_HISTORY);
    // A read-only open migrates a file this user may write (the first command after an upgrade may be `diff`).
    const store = openGraphStore(path, { readonly: true });
    const runs = store.listRuns();
    expect(runs.map((run) => [run.id, run.startedAt, run.command, run.status, run.identity.label, run.identity.adHoc, run.offline, run.migrated])).toEqual([
      [1, '2025-01-01T00:00:00.000Z', 'graph', 'complete', 'preset:jupyter', false, false, true],
      [2, '2025-01-02T00:00:00.000Z', 'graph', 'complete', 'command line', true, true, true],
      [3, '2025-01-08T00:00:00.000Z', 'graph', 'partial', 'preset:jupyter', false, false, true],
    ]);
    const presetIdentity = runs[0]!.identity;
    expect(presetIdentity.inputs).toEqual({
      roots: ['pkg:conda/notebook?channel=conda-forge', 'pkg:npm/%40jupyterlab/services', 'pkg:pypi/jupyterlab'],
      environments: ['cpython3.12.0-linux-x86_64'],
      orgs: [],
    });
    expect(runs[2]!.identity.key).toBe(presetIdentity.key);
    expect(presetIdentity.key).toBe(identityHash(presetIdentity.inputs));
    // The experiment's name is normalised like any root: it is the identity `graph pkg:pypi/jupyterlab` has today.
    expect(runs[1]!.identity.key).toBe(newRun(null, { at: '2025-01-01T00:00:00Z', roots: ['pkg:pypi/jupyterlab'] }).identity.key);
    // Graphs are untouched, and `latest` is the preset's, not the experiment's.
    expect(store.loadSnapshot(2)!.graph.nodes.map((node) => node.purl)).toEqual(['pkg:pypi/jupyterlab@4.2.6', 'pkg:pypi/traitlets@5.14.3']);
    expect(store.resolveReference('latest')).toEqual({ ok: true, value: 3 });
    expect(store.resolveReference('latest~1')).toEqual({ ok: true, value: 1 });
    store.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(3);
    raw.close();
  });

  it('gives new runs ids after every id the snapshots used, deleted ones included', () => {
    const path = join(dir, 'graph.sqlite');
    writeVersion1(path, OLD_HISTORY);
    const store = openGraphStore(path);
    expect(store.saveRun(newRun(null, { at: '2025-02-01T00:00:00Z' })).id).toBe(5);
    store.close();
  });

  it('lets the first run asked with orgs adopt the migrated runs with its roots and environments (their orgs were not recorded)', () => {
    const path = join(dir, 'graph.sqlite');
    writeVersion1(path, OLD_HISTORY);
    const store = openGraphStore(path);
    const graph = store.loadSnapshot(1)!.graph;
    const saved = store.saveRun(newRun(graph, { at: '2025-01-22T00:00:00Z', roots: PRESET_ROOTS, label: 'preset:jupyter', orgs: ['jupyter', 'jupyterlab'] }));
    const key = store.getRun(saved.id)!.identity.key;
    expect(store.listRuns({ identity: key }).map((run) => run.id)).toEqual([1, 3, saved.id]);
    // The experiment stays its own.
    expect(store.getRun(2)!.identity.key).not.toBe(key);
    expect(store.previousRun(saved.id)!.id).toBe(3);
    expect(store.previousRun(saved.id, { status: 'complete' })!.id).toBe(1);
    store.close();
  });

  it('a read-only open that may not write refuses a file that needs migrating, and leaves it as it was', () => {
    const path = join(dir, 'graph.sqlite');
    writeVersion1(path, OLD_HISTORY);
    expect(() => openGraphStore(path, { readonly: true, isWritable: () => false })).toThrow(/needs migrating \(version 1\)/);
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(1);
    raw.close();
  });

  it('a damaged inputs column still migrates, hashed as what it holds', () => {
    const path = join(dir, 'graph.sqlite');
    writeVersion1(path, [preset('2025-01-01T00:00:00.000Z', '4.2.5'), preset('2025-01-02T00:00:00.000Z', '4.2.6')]);
    const raw = new Database(path);
    raw.prepare("UPDATE snapshots SET inputs = 'not json' WHERE id = 1").run();
    raw.close();
    const store = openGraphStore(path);
    expect(store.getRun(1)!.identity).toEqual(legacyIdentity({ roots: [], environments: [] }));
    store.close();
  });
});

describe('migrating a version-2 runs history', () => {
  it('stores each part’s size: the sizes a version-2 file had computed from the bodies, then written with each new part', () => {
    const path = join(dir, 'graph.sqlite');
    const first = openGraphStore(path);
    const { id } = first.saveRun(newRun(null, { at: '2026-11-01T00:00:00Z', roots: ['pkg:pypi/jupyterlab'], parts: [{ name: 'posture', schemaVersion: 1, body: { text: 'é'.repeat(10) } }] }));
    first.close();
    // As chainwatch wrote it before version 3: no size column.
    const raw = new Database(path);
    raw.exec('ALTER TABLE run_parts DROP COLUMN bytes');
    raw.pragma('user_version = 2');
    raw.close();
    const store = openGraphStore(path, { readonly: true });
    const bytes = Buffer.byteLength(JSON.stringify({ text: 'é'.repeat(10) }));
    expect(store.getRun(id)!.parts.find((part) => part.name === 'posture')).toMatchObject({ bytes });
    store.close();
    const again = openGraphStore(path);
    const { id: next } = again.saveRun(newRun(null, { at: '2026-11-08T00:00:00Z', roots: ['pkg:pypi/jupyterlab'], parts: [{ name: 'posture', schemaVersion: 1, body: { text: 'ab' } }] }));
    expect(again.listRuns().find((run) => run.id === next)!.parts.find((part) => part.name === 'posture')).toMatchObject({ bytes: Buffer.byteLength('{"text":"ab"}') });
    again.close();
  });
});
