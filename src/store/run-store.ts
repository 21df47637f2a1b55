import type Database from 'better-sqlite3';
import { identityHash, legacyIdentity, type IdentityInputs, type RunIdentity } from '../graph/run-identity.js';
import { GRAPH_PART, runsToPrune, type NewRun, type RetentionPolicy, type RunInfo, type RunPart, type RunReader, type RunStatus, type RunWriter, type SavedRun } from '../graph/runs.js';
import type { StoreDatabase } from './open-database.js';

/**
 * The run records of the graph history file (graph.sqlite): the RunWriter
 * and RunReader graph/runs.ts declares. A run's graph part is its row in
 * `snapshots` (same id; graph-store.ts writes and reads it); its other parts
 * are JSON documents in `run_parts`. Deleting a run deletes its parts and its
 * snapshot (a foreign key and a trigger), so pruning is one DELETE.
 *
 * Tables (schema version 2 of graph.sqlite):
 *   runs(id, started_at, tool_version, command, status, identity, identity_hash,
 *        profile, label, ad_hoc, identity_inputs json, offline, migrated)
 *   run_parts(run_id, name, schema_version, body json)
 */

/**
 * Migration 1 → 2 of graph.sqlite: the tables above, and every snapshot
 * already saved becomes a run with the same id (references people noted keep
 * working), its identity computed from the inputs it stored
 * (legacyIdentity: no orgs were recorded), its status from its sources.
 */
/**
 * Migration 2 → 3: each part's size in bytes, stored when it is written.
 * Listing the runs read every part's length from its body, which for a
 * posture part of 30,000 repositories means reading its fifty megabytes.
 */
export const ADD_PART_SIZES = `
  ALTER TABLE run_parts ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0;
  UPDATE run_parts SET bytes = length(CAST(body AS BLOB));
`;

export function migrateSnapshotsToRuns(db: Database.Database): void {
  db.exec(`
  CREATE TABLE runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at TEXT NOT NULL,
    tool_version TEXT NOT NULL,
    command TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('complete', 'partial')),
    identity TEXT NOT NULL,
    identity_hash TEXT NOT NULL,
    profile TEXT,
    label TEXT NOT NULL,
    ad_hoc INTEGER NOT NULL,
    identity_inputs TEXT NOT NULL,
    offline INTEGER NOT NULL,
    migrated INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX runs_by_identity ON runs (identity, id);
  CREATE TABLE run_parts (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    schema_version INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (run_id, name)
  ) WITHOUT ROWID;
  CREATE TRIGGER runs_delete_snapshot AFTER DELETE ON runs BEGIN DELETE FROM snapshots WHERE id = OLD.id; END;
  `);
  const snapshots = db
    .prepare<[], { id: number; created_at: string; tool_version: string; inputs: string; node_count: number; unreachable: number }>(
      `SELECT id, created_at, tool_version, inputs, node_count,
              (SELECT count(*) FROM snapshot_sources WHERE snapshot_id = snapshots.id AND reachable = 0) AS unreachable
       FROM snapshots ORDER BY id`,
    )
    .all();
  const insert = db.prepare(
    `INSERT INTO runs (id, started_at, tool_version, command, status, identity, identity_hash, profile, label, ad_hoc, identity_inputs, offline, migrated)
     VALUES (?, ?, ?, 'graph', ?, ?, ?, NULL, ?, ?, ?, ?, 1)`,
  );
  for (const snapshot of snapshots) {
    const stored = storedInputs(snapshot.inputs);
    const identity = legacyIdentity(stored);
    const status: RunStatus = snapshot.node_count === 0 || snapshot.unreachable > 0 ? 'partial' : 'complete';
    insert.run(snapshot.id, snapshot.created_at, snapshot.tool_version, status, identity.key, identity.hash, identity.label, identity.adHoc ? 1 : 0, JSON.stringify(identity.inputs), stored.offline ? 1 : 0);
  }
  // New runs continue after every snapshot id ever given, deleted ones included.
  const sequence = db.prepare<[string], { seq: number }>('SELECT seq FROM sqlite_sequence WHERE name = ?');
  const snapshotSequence = sequence.get('snapshots')?.seq ?? 0;
  const runSequence = sequence.get('runs');
  if (runSequence === undefined) {
    if (snapshotSequence > 0) db.prepare("INSERT INTO sqlite_sequence (name, seq) VALUES ('runs', ?)").run(snapshotSequence);
  } else if (runSequence.seq < snapshotSequence) {
    db.prepare("UPDATE sqlite_sequence SET seq = ? WHERE name = 'runs'").run(snapshotSequence);
  }
}

/** A snapshot's stored inputs, tolerating what a hand-edited or damaged row may hold. */
function storedInputs(text: string): { roots: string[]; environments: string[]; config?: string; offline: boolean } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = {};
  }
  const record = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const strings = (list: unknown) => (Array.isArray(list) ? list.filter((entry): entry is string => typeof entry === 'string') : []);
  return {
    roots: strings(record.roots),
    environments: strings(record.environments),
    ...(typeof record.config === 'string' ? { config: record.config } : {}),
    offline: record.offline === true,
  };
}

export interface RunRow {
  id: number;
  started_at: string;
  tool_version: string;
  command: string;
  status: string;
  identity: string;
  identity_hash: string;
  profile: string | null;
  label: string;
  ad_hoc: number;
  identity_inputs: string;
  offline: number;
  migrated: number;
  node_count: number | null;
  edge_count: number | null;
}

const RUN_COLUMNS = 'runs.*, snapshots.node_count, snapshots.edge_count';
const RUNS_WITH_GRAPH = 'runs LEFT JOIN snapshots ON snapshots.id = runs.id';

/** The run store over an open graph.sqlite; `saveGraph` writes a run's graph part (graph-store.ts). */
export function createRunStore(database: StoreDatabase, saveGraph: (id: number, run: NewRun) => void): RunWriter & RunReader {
  const { db, guard } = database;
  const selectRun = db.prepare<[number], RunRow>(`SELECT ${RUN_COLUMNS} FROM ${RUNS_WITH_GRAPH} WHERE runs.id = ?`);
  const selectRuns = db.prepare<[], RunRow>(`SELECT ${RUN_COLUMNS} FROM ${RUNS_WITH_GRAPH} ORDER BY runs.id`);
  const selectIdentityRuns = db.prepare<[string], RunRow>(`SELECT ${RUN_COLUMNS} FROM ${RUNS_WITH_GRAPH} WHERE runs.identity = ? ORDER BY runs.id`);
  const selectParts = db.prepare<[], { run_id: number; name: string; schema_version: number; bytes: number }>(
    'SELECT run_id, name, schema_version, bytes FROM run_parts ORDER BY run_id, name',
  );
  const selectRunParts = db.prepare<[number], { run_id: number; name: string; schema_version: number; bytes: number }>(
    'SELECT run_id, name, schema_version, bytes FROM run_parts WHERE run_id = ? ORDER BY name',
  );
  const selectPart = db.prepare<[number, string], { schema_version: number; body: string }>('SELECT schema_version, body FROM run_parts WHERE run_id = ? AND name = ?');
  const insertRun = db.prepare(
    `INSERT INTO runs (started_at, tool_version, command, status, identity, identity_hash, profile, label, ad_hoc, identity_inputs, offline)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const upsertPart = db.prepare('INSERT OR REPLACE INTO run_parts (run_id, name, schema_version, body, bytes) VALUES (?, ?, ?, ?, ?)');
  const adoptLegacy = db.prepare('UPDATE runs SET identity = ? WHERE migrated = 1 AND ad_hoc = 0 AND identity = ?');
  const deleteRuns = db.prepare('DELETE FROM runs WHERE id IN (SELECT value FROM json_each(?))');

  const toInfo = (row: RunRow, parts: { name: string; schema_version: number; bytes: number }[]): RunInfo => {
    const graph = row.node_count === null ? null : { nodes: row.node_count, edges: row.edge_count ?? 0 };
    return {
      id: row.id,
      startedAt: row.started_at,
      toolVersion: row.tool_version,
      command: row.command,
      status: row.status as RunStatus,
      identity: identityOf(row),
      offline: row.offline === 1,
      parts: [
        ...(graph === null ? [] : [{ name: GRAPH_PART, schemaVersion: 1, bytes: 0 }]),
        ...parts.map((part) => ({ name: part.name, schemaVersion: part.schema_version, bytes: part.bytes })),
      ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
      graph,
      migrated: row.migrated === 1,
    };
  };

  const list = (identity?: string): RunInfo[] => {
    const rows = identity === undefined ? selectRuns.all() : selectIdentityRuns.all(identity);
    const parts = new Map<number, { name: string; schema_version: number; bytes: number }[]>();
    for (const part of selectParts.all()) {
      const group = parts.get(part.run_id) ?? [];
      group.push(part);
      parts.set(part.run_id, group);
    }
    return rows.map((row) => toInfo(row, parts.get(row.id) ?? []));
  };

  const get = (id: number): RunInfo | null => {
    const row = selectRun.get(id);
    return row ? toInfo(row, selectRunParts.all(id)) : null;
  };

  const writeParts = (id: number, parts: readonly RunPart[]): void => {
    for (const part of parts) {
      // The graph part lives in the snapshot tables; a JSON part of that name would shadow it.
      if (part.name === GRAPH_PART) throw new Error(`run ${id}: the ${GRAPH_PART} part is saved as a snapshot, not as JSON`);
      if (!Number.isInteger(part.schemaVersion) || part.schemaVersion < 1) throw new Error(`run ${id}: part ${part.name} has no schema version`);
      const body = JSON.stringify(part.body);
      upsertPart.run(id, part.name, part.schemaVersion, body, Buffer.byteLength(body));
    }
  };

  const prune = (policy: RetentionPolicy, options: { identity?: string; dryRun?: boolean }): number[] => {
    if (!Number.isInteger(policy.keepLast) || policy.keepLast < 1) throw new Error('retention must keep at least the last run');
    const removed = runsToPrune(list(options.identity), policy);
    if (!options.dryRun && removed.length > 0) deleteRuns.run(JSON.stringify(removed));
    return removed;
  };

  const save = (run: NewRun, retention: RetentionPolicy | undefined): SavedRun =>
    db.transaction(() => {
      const { identity } = run;
      if (!identity.adHoc) {
        // Snapshots saved before identities existed did not record orgs: the first identity with their roots and environments takes them.
        const legacyKey = identityHash({ ...identity.inputs, orgs: [] });
        if (legacyKey !== identity.key) adoptLegacy.run(identity.key, legacyKey);
      }
      const id = Number(
        insertRun.run(
          run.startedAt.toISOString(),
          run.toolVersion,
          run.command,
          run.status,
          identity.key,
          identity.hash,
          identity.profile,
          identity.label,
          identity.adHoc ? 1 : 0,
          JSON.stringify(identity.inputs),
          run.offline ? 1 : 0,
        ).lastInsertRowid,
      );
      if (run.graph) saveGraph(id, run);
      writeParts(id, run.parts ?? []);
      const pruned = retention ? prune(retention, { identity: identity.key }) : [];
      return { id, pruned };
    })();

  return {
    saveRun: (run, options = {}) => guard('saving a run', () => save(run, options.retention)),
    attachParts: (id, parts) =>
      guard('saving parts of a run', () =>
        db.transaction(() => {
          if (!selectRun.get(id)) throw database.error(`no run ${id} to attach parts to`);
          writeParts(id, parts);
        })(),
      ),
    pruneRuns: (policy, options = {}) => guard('pruning runs', () => db.transaction(() => prune(policy, options))()),
    listRuns: (filter = {}) => guard('listing runs', () => list(filter.identity)),
    getRun: (id) => guard('reading a run', () => get(id)),
    readPart: (id, name) =>
      guard('reading a part of a run', () => {
        const row = selectPart.get(id, name);
        return row ? { name, schemaVersion: row.schema_version, body: JSON.parse(row.body) as unknown } : null;
      }),
    previousRun: (id, filter = {}) =>
      guard('finding the previous run', () => {
        const run = selectRun.get(id);
        if (!run) return null;
        const candidates = list(run.identity).filter((other) => other.id < id);
        for (let index = candidates.length - 1; index >= 0; index--) {
          const candidate = candidates[index]!;
          if (filter.status !== undefined && candidate.status !== filter.status) continue;
          if (filter.withPart !== undefined && !candidate.parts.some((part) => part.name === filter.withPart)) continue;
          return candidate;
        }
        return null;
      }),
  };
}

/** A stored identity back as the object graph/run-identity.ts made. */
export function identityOf(row: Pick<RunRow, 'identity' | 'identity_hash' | 'profile' | 'label' | 'ad_hoc' | 'identity_inputs'>): RunIdentity {
  return {
    key: row.identity,
    hash: row.identity_hash,
    profile: row.profile,
    label: row.label,
    adHoc: row.ad_hoc === 1,
    inputs: JSON.parse(row.identity_inputs) as IdentityInputs,
  };
}
