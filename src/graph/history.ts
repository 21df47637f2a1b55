import { ChainwatchError, fail, ok, type Result } from '../core/errors.js';
import type { BuiltGraph } from './build.js';
import type { RunIdentity } from './run-identity.js';
import type { RunStatus, RunWriter } from './runs.js';

/**
 * The graph history as the graph pipeline needs it: every run that built a
 * graph is saved as a run (runs.ts) whose graph part is a snapshot.
 * Snapshots are named by id (any run), or `latest` / `latest~N` among the
 * runs of one identity (run-identity.ts): the identity named, else the
 * newest run's that was not ad hoc. Declared here and implemented by store/
 * (src/store/graph-store.ts); the front end opens it and hands it in, so
 * graph/ never imports store/.
 */

/** What a snapshot was made from, as given (the identity holds them normalised). */
export interface SnapshotInputs {
  /** The roots as given (PURLs). */
  roots: string[];
  environments: string[];
  /** The config file or preset, when one was used. */
  config?: string;
  offline: boolean;
  /** `--exclude-newer` (ISO): only releases uploaded before it were considered. */
  excludeNewer?: string;
}

export interface SnapshotInfo {
  /** The run's id. */
  id: number;
  /** ISO time of the run (the run's clock). */
  createdAt: string;
  toolVersion: string;
  inputs: SnapshotInputs;
  identity: RunIdentity;
  status: RunStatus;
  nodeCount: number;
  edgeCount: number;
}

export interface GraphSnapshot extends SnapshotInfo {
  graph: BuiltGraph;
}

/** Where a run saves its graph (and any other part): the run writer of runs.ts. */
export interface GraphHistoryWriter extends Pick<RunWriter, 'saveRun'> {
  close(): void;
}

/** Where `concerns`, `diff`, `posture --history` and `advisories watch` read snapshots from. */
export interface GraphHistoryReader {
  /**
   * The identity relative references use when none is named: the newest
   * graph run's that was not ad hoc, else the newest graph run's; null when
   * the history holds none.
   */
  defaultIdentity(): string | null;
  /** The identities that have graph runs (keys), for `--identity` prefixes. */
  identities(): string[];
  /**
   * An id (any run with a graph), or `latest` / `latest~N` among the graph
   * runs of `identity` (default: defaultIdentity()); an error naming what exists otherwise.
   */
  resolveReference(reference: string, identity?: string): Result<number>;
  loadSnapshot(id: number): GraphSnapshot | null;
  close(): void;
}

const NO_SNAPSHOTS_YET = 'no graph snapshots yet';

/**
 * `latest`, `latest~N` (N runs before the latest), or an id, against the ids
 * that exist (ascending). `scope` names the identity the ids belong to, for messages.
 */
export function resolveReference(ids: readonly number[], reference: string, scope?: string): Result<number> {
  const text = reference.trim();
  const invalid = (message: string) => fail(new ChainwatchError('invalid-argument', message));
  const relative = /^latest(?:~([0-9]+))?$/.exec(text);
  if (relative) {
    const back = Number(relative[1] ?? 0);
    const id = ids[ids.length - 1 - back];
    if (id === undefined) {
      if (ids.length === 0) return invalid(scope === undefined ? `${NO_SNAPSHOTS_YET}: run \`chainwatch graph\` first` : `no graph snapshots of ${scope}`);
      const of = scope === undefined ? '' : ` of ${scope}`;
      return invalid(`${text}: only ${ids.length === 1 ? `1 snapshot${of} exists` : `${ids.length} snapshots${of} exist`}`);
    }
    return ok(id);
  }
  if (!/^[0-9]+$/.test(text)) return invalid(`not a snapshot reference: ${JSON.stringify(reference)} (expected an id, latest or latest~N)`);
  const id = Number(text);
  if (!ids.includes(id)) return invalid(`no snapshot ${id}${ids.length > 0 ? ` (ids ${ids[0]}–${ids[ids.length - 1]})` : ''}`);
  return ok(id);
}

/** Whether a reference names a run by id rather than relative to an identity's latest. */
export function isIdReference(reference: string): boolean {
  return /^[0-9]+$/.test(reference.trim());
}

/** A snapshot found by reference, or why not: `empty` when the history holds no snapshot at all. */
export type SnapshotLookup = { ok: true; snapshot: GraphSnapshot } | { ok: false; error: ChainwatchError; empty: boolean };

export function findSnapshot(history: GraphHistoryReader, reference: string, identity?: string): SnapshotLookup {
  const id = history.resolveReference(reference, identity);
  if (!id.ok) return { ok: false, error: id.error, empty: id.error.message.startsWith(NO_SNAPSHOTS_YET) };
  const snapshot = history.loadSnapshot(id.value);
  // resolveReference only names ids that exist; a snapshot vanishing in between is a bug.
  if (!snapshot) throw new Error(`graph history: snapshot ${id.value} disappeared`);
  return { ok: true, snapshot };
}
