import path from 'node:path';
import envPaths from 'env-paths';
import type { Ecosystem } from '../core/package.js';
import type { BuiltGraph, GraphNodeWithSignals } from '../graph/build.js';
import { resolveReference, type GraphHistoryReader, type GraphHistoryWriter, type GraphSnapshot, type SnapshotInfo, type SnapshotInputs } from '../graph/history.js';
import type { ResolveProblem } from '../graph/resolver.js';
import { describeIdentity, shortIdentity } from '../graph/run-identity.js';
import type { NewRun, RunReader, RunStatus, RunWriter } from '../graph/runs.js';
import type { GraphSignals } from '../graph/signals.js';
import type { EdgeKind, GraphEdge, SourceStatus } from '../graph/types.js';
import { openDatabase, type DatabaseSchema, type OpenDatabaseOptions, type StoreDatabase } from './open-database.js';
import { ADD_PART_SIZES, createRunStore, identityOf, migrateSnapshotsToRuns, type RunRow } from './run-store.js';

/**
 * Graph history: every run that built a graph (`chainwatch graph`,
 * `concerns` with inputs, the coming audit) is a run (run-store.ts) whose
 * graph part is one snapshot here (nodes with their signals, edges, sources,
 * problems, and the inputs as given), written in the run's transaction so a
 * crash never leaves half a snapshot. A snapshot's id is its run's.
 *
 * Tables (schema version 3, in `PRAGMA user_version`):
 *   snapshots(id, created_at, tool_version, inputs json, node_count, edge_count)
 *   snapshot_nodes(snapshot_id, purl, ecosystem, name, version, root, signals json)
 *   snapshot_edges(snapshot_id, from_purl, to_purl, kind, condition, requirement)
 *   snapshot_sources(snapshot_id, name, reachable, error)
 *   snapshot_problems(snapshot_id, position, purl, message)
 *   runs, run_parts (version 2: run-store.ts; version 3 adds run_parts.bytes)
 * A separate file from the advisory database: history grows with every run
 * and is worth keeping when the advisories are re-downloaded.
 */
const MIGRATIONS: DatabaseSchema['migrations'] = [
  `
  CREATE TABLE snapshots (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    tool_version TEXT NOT NULL,
    inputs TEXT NOT NULL,
    node_count INTEGER NOT NULL,
    edge_count INTEGER NOT NULL
  );
  CREATE TABLE snapshot_nodes (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
    purl TEXT NOT NULL,
    ecosystem TEXT NOT NULL,
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    root INTEGER NOT NULL,
    signals TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, purl)
  ) WITHOUT ROWID;
  CREATE TABLE snapshot_edges (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
    from_purl TEXT NOT NULL,
    to_purl TEXT NOT NULL,
    kind TEXT NOT NULL,
    condition TEXT NOT NULL,
    requirement TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, from_purl, to_purl, kind, condition)
  ) WITHOUT ROWID;
  CREATE TABLE snapshot_sources (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    reachable INTEGER NOT NULL,
    error TEXT,
    PRIMARY KEY (snapshot_id, name)
  ) WITHOUT ROWID;
  CREATE TABLE snapshot_problems (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    purl TEXT NOT NULL,
    message TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, position)
  ) WITHOUT ROWID;
  `,
  // Version 2: runs with identities; every snapshot becomes a run.
  migrateSnapshotsToRuns,
  // Version 3: each run part's size, stored with it.
  ADD_PART_SIZES,
];

const SCHEMA: DatabaseSchema = {
  name: 'graph history',
  migrations: MIGRATIONS,
  // Deleting a snapshot deletes its rows; deleting a run its parts.
  pragmas: ['foreign_keys = ON'],
  advice: { notWritable: 'commands that only read it open it read-only' },
  migrateOnReadonlyOpen: true,
};

/** The graph history in SQLite: the writer and reader graph/history.ts declares, the runs graph/runs.ts declares, and the list of snapshots. */
export interface GraphStore extends GraphHistoryWriter, GraphHistoryReader, RunWriter, RunReader {
  readonly path: string;
  /** Every snapshot, oldest first. */
  listSnapshots(): SnapshotInfo[];
}

/** `$CHAINWATCH_GRAPH_DB`, else `graph.sqlite` in the user cache directory (beside the advisory database). */
export function defaultGraphStorePath(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.CHAINWATCH_GRAPH_DB?.trim();
  if (override) return override;
  return path.join(envPaths('chainwatch', { suffix: '' }).cache, 'graph.sqlite');
}

export function openGraphStore(databasePath: string | ':memory:', options: OpenDatabaseOptions = {}): GraphStore {
  return createGraphStore(openDatabase(databasePath, SCHEMA, options));
}

interface SnapshotRow extends Pick<RunRow, 'status' | 'identity' | 'identity_hash' | 'profile' | 'label' | 'ad_hoc' | 'identity_inputs'> {
  id: number;
  created_at: string;
  tool_version: string;
  inputs: string;
  node_count: number;
  edge_count: number;
}

function toInfo(row: SnapshotRow): SnapshotInfo {
  return {
    id: row.id,
    createdAt: row.created_at,
    toolVersion: row.tool_version,
    inputs: JSON.parse(row.inputs) as SnapshotInputs,
    identity: identityOf(row),
    status: row.status as RunStatus,
    nodeCount: row.node_count,
    edgeCount: row.edge_count,
  };
}

const SNAPSHOT_COLUMNS = 'snapshots.*, runs.status, runs.identity, runs.identity_hash, runs.profile, runs.label, runs.ad_hoc, runs.identity_inputs';
const SNAPSHOTS_OF_RUNS = 'snapshots JOIN runs ON runs.id = snapshots.id';

function createGraphStore(database: StoreDatabase): GraphStore {
  const { db, guard } = database;
  const selectSnapshots = db.prepare<[], SnapshotRow>(`SELECT ${SNAPSHOT_COLUMNS} FROM ${SNAPSHOTS_OF_RUNS} ORDER BY snapshots.id`);
  const selectSnapshot = db.prepare<[number], SnapshotRow>(`SELECT ${SNAPSHOT_COLUMNS} FROM ${SNAPSHOTS_OF_RUNS} WHERE snapshots.id = ?`);
  const selectGraphIds = db.prepare<[], { id: number }>('SELECT id FROM snapshots ORDER BY id');
  const selectIdentityGraphIds = db.prepare<[string], { id: number }>(`SELECT snapshots.id FROM ${SNAPSHOTS_OF_RUNS} WHERE runs.identity = ? ORDER BY snapshots.id`);
  const selectDefaultIdentity = db.prepare<[], { identity: string }>(`SELECT runs.identity FROM ${SNAPSHOTS_OF_RUNS} ORDER BY runs.ad_hoc, runs.id DESC LIMIT 1`);
  const selectIdentities = db.prepare<[], { identity: string }>(`SELECT DISTINCT runs.identity FROM ${SNAPSHOTS_OF_RUNS} ORDER BY runs.identity`);
  const selectLatestOf = db.prepare<[string], Pick<RunRow, 'identity' | 'identity_hash' | 'profile' | 'label' | 'ad_hoc' | 'identity_inputs'>>(
    'SELECT identity, identity_hash, profile, label, ad_hoc, identity_inputs FROM runs WHERE identity = ? ORDER BY id DESC LIMIT 1',
  );
  const selectNodes = db.prepare<[number], { purl: string; ecosystem: string; name: string; version: string; root: number; signals: string }>(
    'SELECT purl, ecosystem, name, version, root, signals FROM snapshot_nodes WHERE snapshot_id = ? ORDER BY purl',
  );
  const selectEdges = db.prepare<[number], { from_purl: string; to_purl: string; kind: string; condition: string; requirement: string }>(
    'SELECT from_purl, to_purl, kind, condition, requirement FROM snapshot_edges WHERE snapshot_id = ? ORDER BY from_purl, to_purl, kind, condition',
  );
  const selectSources = db.prepare<[number], { name: string; reachable: number; error: string | null }>(
    'SELECT name, reachable, error FROM snapshot_sources WHERE snapshot_id = ? ORDER BY name',
  );
  const selectProblems = db.prepare<[number], { purl: string; message: string }>('SELECT purl, message FROM snapshot_problems WHERE snapshot_id = ? ORDER BY position');

  // Runs inside the run's transaction (run-store.ts), with the run's id.
  const saveGraph = (id: number, run: NewRun): void => {
    const { graph, asGiven } = run.graph!;
    const inputs: SnapshotInputs = { ...asGiven, offline: run.offline };
    save(id, graph, { createdAt: run.startedAt, toolVersion: run.toolVersion, inputs });
  };

  const save = (id: number, graph: BuiltGraph, meta: { createdAt: Date; toolVersion: string; inputs: SnapshotInputs }): void => {
    const insertSnapshot = db.prepare('INSERT INTO snapshots (id, created_at, tool_version, inputs, node_count, edge_count) VALUES (?, ?, ?, ?, ?, ?)');
    const insertNode = db.prepare('INSERT INTO snapshot_nodes (snapshot_id, purl, ecosystem, name, version, root, signals) VALUES (?, ?, ?, ?, ?, ?, ?)');
    // OR IGNORE: two edges differing only in requirement text are one edge in the history.
    const insertEdge = db.prepare('INSERT OR IGNORE INTO snapshot_edges (snapshot_id, from_purl, to_purl, kind, condition, requirement) VALUES (?, ?, ?, ?, ?, ?)');
    const insertSource = db.prepare('INSERT OR REPLACE INTO snapshot_sources (snapshot_id, name, reachable, error) VALUES (?, ?, ?, ?)');
    const insertProblem = db.prepare('INSERT INTO snapshot_problems (snapshot_id, position, purl, message) VALUES (?, ?, ?, ?)');
    insertSnapshot.run(id, meta.createdAt.toISOString(), meta.toolVersion, JSON.stringify(meta.inputs), graph.nodes.length, graph.edges.length);
    for (const node of graph.nodes) insertNode.run(id, node.purl, node.ecosystem, node.name, node.version, node.root ? 1 : 0, JSON.stringify(node.signals));
    for (const edge of graph.edges) insertEdge.run(id, edge.from, edge.to, edge.kind, edge.condition ?? '', edge.requirement);
    for (const source of graph.sources) insertSource.run(id, source.name, source.reachable ? 1 : 0, source.error ?? null);
    graph.problems.forEach((problem, position) => insertProblem.run(id, position, problem.purl, problem.message));
  };

  const load = (id: number): GraphSnapshot | null => {
    const row = selectSnapshot.get(id);
    if (!row) return null;
    const nodes: GraphNodeWithSignals[] = selectNodes.all(id).map((node) => ({
      purl: node.purl,
      ecosystem: node.ecosystem as Ecosystem,
      name: node.name,
      version: node.version,
      root: node.root === 1,
      signals: JSON.parse(node.signals) as GraphSignals,
    }));
    const edges: GraphEdge[] = selectEdges.all(id).map((edge) => ({
      from: edge.from_purl,
      to: edge.to_purl,
      requirement: edge.requirement,
      kind: edge.kind as EdgeKind,
      ...(edge.condition === '' ? {} : { condition: edge.condition }),
    }));
    const sources: SourceStatus[] = selectSources.all(id).map((source) => ({
      name: source.name,
      reachable: source.reachable === 1,
      ...(source.error === null ? {} : { error: source.error }),
    }));
    const problems: ResolveProblem[] = selectProblems.all(id).map((problem) => ({ purl: problem.purl, message: problem.message }));
    return { ...toInfo(row), graph: { nodes, edges, sources, problems } };
  };

  const defaultIdentity = (): string | null => selectDefaultIdentity.get()?.identity ?? null;

  const resolve = (reference: string, identity: string | undefined) => {
    // An id names any run with a graph; `latest` counts within one identity.
    if (/^[0-9]+$/.test(reference.trim())) return resolveReference(selectGraphIds.all().map((row) => row.id), reference);
    const scope = identity ?? defaultIdentity();
    if (scope === null) return resolveReference([], reference);
    const latest = selectLatestOf.get(scope);
    return resolveReference(
      selectIdentityGraphIds.all(scope).map((row) => row.id),
      reference,
      latest === undefined ? shortIdentity(scope) : describeIdentity(identityOf(latest)),
    );
  };

  return {
    path: database.path,
    ...createRunStore(database, saveGraph),
    listSnapshots: () => guard('listing snapshots', () => selectSnapshots.all().map(toInfo)),
    loadSnapshot: (id) => guard('reading a snapshot', () => load(id)),
    defaultIdentity: () => guard('finding a snapshot', defaultIdentity),
    identities: () => guard('listing identities', () => selectIdentities.all().map((row) => row.identity)),
    resolveReference: (reference, identity) => guard('finding a snapshot', () => resolve(reference, identity)),
    close: () => database.close(),
  };
}
