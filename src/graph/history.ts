import { ChainwatchError, fail, ok, type Result } from '../core/errors.js';
import type { BuiltGraph } from './build.js';

/**
 * The graph history as the graph pipeline needs it: every run saved as a
 * snapshot, snapshots named by id, `latest` or `latest~N`. Declared here and
 * implemented by store/ (src/store/graph-store.ts); the front end opens it
 * and hands it in, so graph/ never imports store/.
 */

/** What a snapshot was made from, for the history list and the diff header. */
export interface SnapshotInputs {
  /** The roots as given (PURLs). */
  roots: string[];
  environments: string[];
  /** The config file or preset, when one was used. */
  config?: string;
  offline: boolean;
}

export interface SnapshotInfo {
  id: number;
  /** ISO time of the run (the run's clock). */
  createdAt: string;
  toolVersion: string;
  inputs: SnapshotInputs;
  nodeCount: number;
  edgeCount: number;
}

export interface GraphSnapshot extends SnapshotInfo {
  graph: BuiltGraph;
}

/** Where a run saves its snapshot. */
export interface GraphHistoryWriter {
  /** Saves a graph as a new snapshot in one transaction; returns its id. */
  saveSnapshot(graph: BuiltGraph, meta: { createdAt: Date; toolVersion: string; inputs: SnapshotInputs }): number;
  close(): void;
}

/** Where `concerns` and `diff` read snapshots from. */
export interface GraphHistoryReader {
  /** `latest`, `latest~N` or an id → the id (see resolveReference); an error naming what exists otherwise. */
  resolveReference(reference: string): Result<number>;
  loadSnapshot(id: number): GraphSnapshot | null;
  close(): void;
}

const NO_SNAPSHOTS_YET = 'no graph snapshots yet';

/** `latest`, `latest~N` (N runs before the latest), or an id, against the ids that exist (ascending). */
export function resolveReference(ids: readonly number[], reference: string): Result<number> {
  const text = reference.trim();
  const invalid = (message: string) => fail(new ChainwatchError('invalid-argument', message));
  const relative = /^latest(?:~([0-9]+))?$/.exec(text);
  if (relative) {
    const back = Number(relative[1] ?? 0);
    const id = ids[ids.length - 1 - back];
    if (id === undefined) {
      return invalid(ids.length === 0 ? `${NO_SNAPSHOTS_YET}: run \`chainwatch graph\` first` : `${text}: only ${ids.length === 1 ? '1 snapshot exists' : `${ids.length} snapshots exist`}`);
    }
    return ok(id);
  }
  if (!/^[0-9]+$/.test(text)) return invalid(`not a snapshot reference: ${JSON.stringify(reference)} (expected an id, latest or latest~N)`);
  const id = Number(text);
  if (!ids.includes(id)) return invalid(`no snapshot ${id}${ids.length > 0 ? ` (ids ${ids[0]}–${ids[ids.length - 1]})` : ''}`);
  return ok(id);
}

/** A snapshot found by reference, or why not: `empty` when the history holds no snapshot at all. */
export type SnapshotLookup = { ok: true; snapshot: GraphSnapshot } | { ok: false; error: ChainwatchError; empty: boolean };

export function findSnapshot(history: GraphHistoryReader, reference: string): SnapshotLookup {
  const id = history.resolveReference(reference);
  if (!id.ok) return { ok: false, error: id.error, empty: id.error.message.startsWith(NO_SNAPSHOTS_YET) };
  const snapshot = history.loadSnapshot(id.value);
  // resolveReference only names ids that exist; a snapshot vanishing in between is a bug.
  if (!snapshot) throw new Error(`graph history: snapshot ${id.value} disappeared`);
  return { ok: true, snapshot };
}
