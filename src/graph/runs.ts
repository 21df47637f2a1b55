import type { BuiltGraph } from './build.js';
import type { RunIdentity } from './run-identity.js';

/**
 * The run record: one saved run of `graph`, `concerns` (with inputs) or the
 * coming `audit`, with its identity (run-identity.ts), its status and its
 * parts. The graph part is kept in tables (history.ts reads it back as a
 * snapshot); every other part (the audit's scan findings, posture report,
 * desk report, concerns) is a JSON document named by the part, with the
 * schema version of that document. Declared here, below every area that
 * saves runs; implemented by store/ (src/store/run-store.ts).
 */

export const RUN_STATUSES = ['complete', 'partial'] as const;
/** `partial`: a source could not be reached, or a step failed; the run holds what it could do. */
export type RunStatus = (typeof RUN_STATUSES)[number];

/** The part `graph` saves, kept in the snapshot tables rather than as JSON. */
export const GRAPH_PART = 'graph';

/** A JSON part: `body` is stored as JSON text and read back parsed; `schemaVersion` is the body's own. */
export interface RunPart {
  name: string;
  schemaVersion: number;
  body: unknown;
}

export interface RunPartInfo {
  name: string;
  schemaVersion: number;
  /** The stored JSON's length (for the graph part: 0, it is in tables). */
  bytes: number;
}

export interface RunInfo {
  id: number;
  /** ISO time the run started (its clock). */
  startedAt: string;
  toolVersion: string;
  /** The command that made it: `graph`, `concerns`, `audit`. */
  command: string;
  status: RunStatus;
  identity: RunIdentity;
  offline: boolean;
  /** Its parts, by name; the graph part when it has one. */
  parts: RunPartInfo[];
  /** The graph part's size, null without one. */
  graph: { nodes: number; edges: number } | null;
  /** Made from a snapshot saved before runs existed (its orgs were not recorded). */
  migrated: boolean;
}

export interface NewRun {
  startedAt: Date;
  toolVersion: string;
  command: string;
  status: RunStatus;
  identity: RunIdentity;
  offline: boolean;
  /** The graph part, saved as a snapshot (history.ts reads it), with its inputs as given (PURLs, environment names, the config, the --exclude-newer instant). */
  graph?: { graph: BuiltGraph; asGiven: { roots: string[]; environments: string[]; config: string; excludeNewer?: string } };
  parts?: readonly RunPart[];
}

/**
 * What is kept when runs are pruned, per identity: the last `keepLast` runs,
 * and the newest run of each calendar month (UTC; a complete one when the
 * month has one) for the `keepMonths` months up to the identity's newest run.
 * Ad-hoc identities keep only their last runs.
 */
export interface RetentionPolicy {
  keepLast: number;
  keepMonths: number;
}

/** Ten runs (ten weeks of a weekly audit) and two years of monthly trend points, per identity. */
export const DEFAULT_RETENTION: RetentionPolicy = { keepLast: 10, keepMonths: 24 };

export interface SavedRun {
  id: number;
  /** Runs removed by the retention policy after this one was saved. */
  pruned: number[];
}

/** Where runs are saved. */
export interface RunWriter {
  /**
   * Saves a run with its parts in one transaction, then (same transaction)
   * prunes its identity by `retention` when given. Snapshots migrated from
   * before identities existed, with the same roots and environments, are
   * adopted by the first identity that asks for them (their orgs were not recorded).
   */
  saveRun(run: NewRun, options?: { retention?: RetentionPolicy }): SavedRun;
  /** Adds or replaces JSON parts of an existing run (the audit's report, rendered after the run). */
  attachParts(id: number, parts: readonly RunPart[]): void;
  /** Removes what `policy` does not keep (every identity, or one); `dryRun` only says which. */
  pruneRuns(policy: RetentionPolicy, options?: { identity?: string; dryRun?: boolean }): number[];
}

/** Where runs are read from. */
export interface RunReader {
  /** Runs, oldest first; one identity's when given. */
  listRuns(filter?: { identity?: string }): RunInfo[];
  getRun(id: number): RunInfo | null;
  /** A JSON part, parsed; null when the run has no such part. */
  readPart(id: number, name: string): RunPart | null;
  /** The newest run of the same identity before `id`, optionally only one with `withPart` or of `status`. */
  previousRun(id: number, filter?: { withPart?: string; status?: RunStatus }): RunInfo | null;
}

/**
 * Which runs `policy` removes (ids ascending): a pure function over the
 * runs of any number of identities (`runs` oldest first per identity).
 */
export function runsToPrune(runs: readonly Pick<RunInfo, 'id' | 'startedAt' | 'status' | 'identity'>[], policy: RetentionPolicy): number[] {
  const byIdentity = new Map<string, Pick<RunInfo, 'id' | 'startedAt' | 'status' | 'identity'>[]>();
  for (const run of runs) {
    const group = byIdentity.get(run.identity.key) ?? [];
    group.push(run);
    byIdentity.set(run.identity.key, group);
  }
  const removed: number[] = [];
  for (const group of byIdentity.values()) {
    const ordered = [...group].sort((a, b) => a.id - b.id);
    const kept = new Set(ordered.slice(Math.max(0, ordered.length - policy.keepLast)).map((run) => run.id));
    const newest = ordered[ordered.length - 1];
    // An identity is ad hoc when its newest run says so (a profile or a config never is).
    if (newest && !newest.identity.adHoc && policy.keepMonths > 0) {
      const newestMonth = monthIndex(newest.startedAt);
      const keeperOfMonth = new Map<number, Pick<RunInfo, 'id' | 'status'>>();
      for (const run of ordered) {
        const month = monthIndex(run.startedAt);
        if (newestMonth - month >= policy.keepMonths) continue;
        const current = keeperOfMonth.get(month);
        // The newest complete run of the month, else the newest run of it.
        if (!current || run.status === 'complete' || current.status !== 'complete') keeperOfMonth.set(month, run);
      }
      for (const run of keeperOfMonth.values()) kept.add(run.id);
    }
    for (const run of ordered) if (!kept.has(run.id)) removed.push(run.id);
  }
  return removed.sort((a, b) => a - b);
}

function monthIndex(iso: string): number {
  const date = new Date(iso);
  return date.getUTCFullYear() * 12 + date.getUTCMonth();
}
