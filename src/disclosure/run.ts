/**
 * The desk's pipeline, for every front end (`advisories list`, `remind`,
 * `credits`, `feed`, `export`, later `audit` and `serve`): read the sources
 * (GitHub per organisation, `--from-dir` folders, manual files, the manual
 * records in the store), merge them by advisory id, read what earlier runs
 * observed, evaluate each advisory's lifecycle, clocks and problems at `now`,
 * and record this run's observations. A source that fails is a DeskSource
 * saying so; the others go on.
 */
import { compareText } from '../core/compare.js';
import { ChainwatchError } from '../core/errors.js';
import type { AdvisoryCollection, CollectAdvisoriesOptions, RepoReporting } from './collect/github.js';
import { readAdvisoryDirectory } from './collect/from-dir.js';
import { readManualSource } from './collect/manual.js';
import { observationFor } from './lifecycle.js';
import type { PypaAdvisoryIndex } from './problems.js';
import { advisoryStatus, sortStatuses, type DeskAdvisoryStatus } from './status.js';
import type { DisclosureStore } from './store.js';
import type { AdvisoryOrigin, AdvisoryState, DeskAdvisory, DeskPolicy, DeskSource, ManualAcknowledgement } from './types.js';

export interface DeskRequest {
  /** GitHub organisations to read (each through its org endpoint, else its repositories'). */
  orgs: readonly string[];
  /** Folders of REST advisory JSON files (`--from-dir`). */
  fromDirs: readonly string[];
  /** Manual YAML files of reports that arrived by e-mail. */
  manualFiles: readonly string[];
  policy: DeskPolicy;
  /** The run's clock (`--now`, else the system clock). */
  now: Date;
  /**
   * Whether this run's observations are stored. False for a replay at a fixed
   * `--now`: an observation dated in the past (or the future) would rewrite
   * when advisories left triage.
   */
  record: boolean;
  /** Only these states in the report (all when empty). */
  states?: readonly AdvisoryState[];
  /** Only advisories with an overdue clock. */
  overdueOnly?: boolean;
}

export interface DeskDependencies {
  /** Reads the organisations; null when there is no GitHub token (the run says so). */
  github: { collect(orgs: readonly string[], options?: CollectAdvisoriesOptions): Promise<AdvisoryCollection> } | null;
  /** Why `github` is null, said as the organisations' source note. */
  githubUnavailable?: string;
  collectOptions?: CollectAdvisoriesOptions;
  /** Observations, manual records and acknowledgements; null runs without history (clocks from the advisories alone). */
  store: DisclosureStore | null;
  /** A pypa/advisory-database checkout, for `not-in-pypa-db`; null leaves that problem unevaluated. */
  pypaIndex: PypaAdvisoryIndex | null;
}

export interface DeskRun {
  now: string;
  /** Every advisory read, merged by id (the report's rows are `statuses`). */
  advisories: DeskAdvisory[];
  /** The rows, filtered by the request's states and overdueOnly, in report order. */
  statuses: DeskAdvisoryStatus[];
  sources: DeskSource[];
  /** Private vulnerability reporting per repository, where the GitHub source knew it. */
  reporting: RepoReporting[];
  /** Advisories found in more than one source: the one kept and where the others came from. */
  duplicates: { id: string; kept: string; dropped: string[] }[];
  /** Observations written to the store by this run. */
  recorded: number;
}

/** Which source wins when one advisory comes from several: GitHub as it is now, then files, then manual records. */
const ORIGIN_RANK: Record<AdvisoryOrigin, number> = { 'github-org': 0, 'github-repo': 0, file: 1, manual: 2 };

export async function runDesk(request: DeskRequest, dependencies: DeskDependencies): Promise<DeskRun> {
  const sources: DeskSource[] = [];
  const gathered: DeskAdvisory[] = [];
  const acknowledgements: ManualAcknowledgement[] = [];
  let reporting: RepoReporting[] = [];

  if (request.orgs.length > 0) {
    if (dependencies.github) {
      const collection = await dependencies.github.collect(request.orgs, dependencies.collectOptions);
      gathered.push(...collection.advisories);
      sources.push(...collection.sources);
      reporting = collection.reporting;
    } else {
      const note = dependencies.githubUnavailable ?? 'no GitHub token: set GH_TOKEN (or GITHUB_TOKEN) to read the organisations\' advisories';
      for (const org of request.orgs) sources.push({ name: `github:org/${org}`, status: 'unreachable', advisories: 0, note });
    }
  }
  for (const directory of request.fromDirs) {
    const read = await readAdvisoryDirectory(directory);
    gathered.push(...read.advisories);
    sources.push(...read.sources);
  }
  for (const file of request.manualFiles) {
    const read = await readManualSource(file);
    gathered.push(...read.advisories);
    acknowledgements.push(...read.acknowledgements);
    sources.push(...read.sources);
  }
  const store = dependencies.store;
  if (store) {
    const stored = store.manualAdvisories();
    gathered.push(...stored);
    sources.push({ name: 'store:manual', status: 'read', advisories: stored.length, note: null });
  }

  const { advisories, duplicates } = mergeById(gathered);
  const ids = advisories.map((advisory) => advisory.id);
  const history = store ? store.observations(ids) : new Map();
  const storedAcknowledgements = store ? store.acknowledgements(ids) : new Map<string, ManualAcknowledgement>();
  const acknowledgementOf = (id: string): ManualAcknowledgement | null => earliest([storedAcknowledgements.get(id), ...acknowledgements.filter((entry) => entry.advisoryId === id)]);

  const statuses: DeskAdvisoryStatus[] = [];
  for (const advisory of advisories) {
    try {
      statuses.push(advisoryStatus(advisory, history.get(advisory.id) ?? [], acknowledgementOf(advisory.id), request.policy, request.now, dependencies.pypaIndex));
    } catch (error) {
      // One advisory whose dates do not parse, or whose org's clocks cannot run, does not stop the others.
      if (!(error instanceof ChainwatchError)) throw error;
      sources.push({ name: `advisory:${advisory.id}`, status: 'invalid', advisories: 0, note: `${advisory.source}: ${error.message}` });
    }
  }

  let recorded = 0;
  if (store && request.record) {
    // Only advisories GitHub (or a file) reported as they are now: a manual record's state is whatever was typed.
    const observations = advisories.filter((advisory) => advisory.origin !== 'manual').map((advisory) => observationFor(advisory, request.now));
    store.recordObservations(observations);
    recorded = observations.length;
  }

  const states = new Set(request.states ?? []);
  const shown = statuses.filter(
    (status) =>
      (states.size === 0 || states.has(status.advisory.state)) &&
      (!request.overdueOnly || status.clocks.acknowledge.status === 'overdue' || status.clocks.disclose.status === 'overdue'),
  );
  return { now: request.now.toISOString(), advisories, statuses: sortStatuses(shown), sources, reporting, duplicates, recorded };
}

function mergeById(advisories: readonly DeskAdvisory[]): { advisories: DeskAdvisory[]; duplicates: DeskRun['duplicates'] } {
  const byId = new Map<string, DeskAdvisory[]>();
  for (const advisory of advisories) {
    const key = advisory.id.toUpperCase();
    byId.set(key, [...(byId.get(key) ?? []), advisory]);
  }
  const kept: DeskAdvisory[] = [];
  const duplicates: DeskRun['duplicates'] = [];
  for (const group of byId.values()) {
    const ranked = [...group].sort((a, b) => ORIGIN_RANK[a.origin] - ORIGIN_RANK[b.origin] || compareText(b.updatedAt, a.updatedAt));
    kept.push(ranked[0]!);
    if (ranked.length > 1) duplicates.push({ id: ranked[0]!.id, kept: ranked[0]!.source, dropped: ranked.slice(1).map((advisory) => advisory.source) });
  }
  return { advisories: kept, duplicates };
}

function earliest(entries: readonly (ManualAcknowledgement | undefined)[]): ManualAcknowledgement | null {
  let found: ManualAcknowledgement | null = null;
  for (const entry of entries) if (entry && (!found || Date.parse(entry.at) < Date.parse(found.at))) found = entry;
  return found;
}
