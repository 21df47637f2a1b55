/**
 * The desk's pipeline, for every front end (`advisories list`, `remind`,
 * `credits`, `feed`, `export`, later `audit` and `serve`): read the sources
 * (GitHub per organisation, `--from-dir` folders, manual files, the manual
 * records in the store), merge them by advisory id (a manual record that
 * names its GHSA id joins that advisory), read what earlier runs
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

  const { advisories, duplicates, aliases } = mergeById(gathered);
  const ids = advisories.map((advisory) => advisory.id);
  const history = store ? store.observations(ids) : new Map();
  const storedAcknowledgements = store ? store.acknowledgements(advisories.flatMap((advisory) => aliases.get(advisory.id)!)) : new Map<string, ManualAcknowledgement>();
  // An acknowledgement recorded under any id of the merged group (a manual record's own id, its GHSA id) counts for the advisory kept.
  const acknowledgementOf = (id: string): ManualAcknowledgement | null => {
    const group = aliases.get(id)!;
    const found = earliest([...group.map((alias) => storedAcknowledgements.get(alias)), ...acknowledgements.filter((entry) => group.includes(entry.advisoryId))]);
    return found === null ? null : { ...found, advisoryId: id };
  };

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

/**
 * One advisory per id, GHSA ids compared without regard to case. A manual
 * record that names its GHSA id (an e-mailed report later drafted on GitHub)
 * is the same advisory as the one GitHub or a file gives with that id.
 * `aliases`: every id of each kept advisory's group (ids and GHSA ids of all
 * its copies), by the kept id.
 */
function mergeById(advisories: readonly DeskAdvisory[]): { advisories: DeskAdvisory[]; duplicates: DeskRun['duplicates']; aliases: Map<string, string[]> } {
  const groups: DeskAdvisory[][] = [];
  const groupOf = new Map<string, DeskAdvisory[]>();
  for (const advisory of advisories) {
    const keys = [advisory.id, ...(advisory.ghsaId === null ? [] : [advisory.ghsaId])].map((id) => id.toUpperCase());
    let group = keys.map((key) => groupOf.get(key)).find((found) => found !== undefined);
    if (group === undefined) {
      group = [];
      groups.push(group);
    }
    group.push(advisory);
    for (const key of keys) if (!groupOf.has(key)) groupOf.set(key, group);
  }
  const kept: DeskAdvisory[] = [];
  const duplicates: DeskRun['duplicates'] = [];
  const aliases = new Map<string, string[]>();
  for (const group of groups) {
    const ranked = [...group].sort((a, b) => ORIGIN_RANK[a.origin] - ORIGIN_RANK[b.origin] || compareText(b.updatedAt, a.updatedAt));
    const winner = ranked[0]!;
    kept.push(winner);
    const ids = new Set([winner.id, ...group.flatMap((advisory) => [advisory.id, ...(advisory.ghsaId === null ? [] : [advisory.ghsaId])])]);
    aliases.set(winner.id, [...ids]);
    if (ranked.length > 1) duplicates.push({ id: winner.id, kept: winner.source, dropped: ranked.slice(1).map((advisory) => advisory.source) });
  }
  return { advisories: kept, duplicates, aliases };
}

function earliest(entries: readonly (ManualAcknowledgement | undefined)[]): ManualAcknowledgement | null {
  let found: ManualAcknowledgement | null = null;
  for (const entry of entries) if (entry && (!found || Date.parse(entry.at) < Date.parse(found.at))) found = entry;
  return found;
}
