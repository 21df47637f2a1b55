import type { CondaPackageRecord } from '../../ecosystems/conda/registry.js';
import { parseCondaVersion, parseMatchSpec, type CondaMatchSpec, type CondaVersion } from '../../ecosystems/conda/version.js';
import { virtualPackagesFor, type CondaPlatform, type VirtualPackage } from './virtual-packages.js';

/**
 * MatchSpec resolution over a channel's repodata: which records one would get
 * from `conda create -n x <roots>` on a target platform.
 *
 * Not a SAT solver (libmamba uses libsolv, rattler/pixi use resolvo; both turn
 * the whole problem into clauses and learn from conflicts). This is a
 * depth-first search with three ingredients that make it behave on real
 * channels:
 *   - the next package decided is the pending one with the fewest candidates
 *     left (most-constrained first), so pins such as `python 3.12.*` and
 *     single-version requirements are fixed before the choices they limit;
 *   - candidates are tried best first: fewer track_features, then highest
 *     version, highest build number, newest timestamp (conda's order);
 *   - a candidate is only viable if its own `depends` and `constrains` agree
 *     with the packages already chosen, and every pending package keeps at
 *     least one viable candidate (forward checking); on a dead end the search
 *     jumps back to the most recent decision that took part in the conflict
 *     (conflict-directed backjumping), not merely to the previous one.
 * What it does not do: it returns the first solution in that order, it does
 * not optimise globally (conda and resolvo minimise version downgrades across
 * all packages; the two answers agree when no trade-off between packages
 * exists, and the fixture tests check that against rattler's answers), and it
 * gives up after `maxSteps` tried candidates instead of proving
 * unsatisfiability on very hard problems.
 */

/** Where records come from: a CondaChannel, or anything with the same `records`. */
export interface CondaRecordSource {
  records(name: string): Promise<readonly CondaPackageRecord[]>;
}

export interface CondaResolveRequest {
  /** MatchSpecs as a user writes them: `jupyterlab`, `jupyterlab >=4`, `notebook=7.4`. */
  roots: readonly string[];
  platform: CondaPlatform;
  /** The target environment's Python `major.minor`: adds the root `python <version>.*`. */
  python?: string;
  /** Replaces the platform's virtual packages (see virtual-packages.ts). */
  virtualPackages?: readonly VirtualPackage[];
  /** Candidates tried before giving up; default 50,000. */
  maxSteps?: number;
}

export interface ResolvedCondaPackage {
  readonly record: CondaPackageRecord;
  /** Named by one of the root MatchSpecs (the Python pin does not count). */
  readonly root: boolean;
}

/** `from` depends on `to` through the MatchSpec `spec` (names, not records). */
export interface CondaDependencyEdge {
  readonly from: string;
  readonly to: string;
  readonly spec: string;
}

export interface SkippedRecord {
  readonly fileName: string;
  readonly reason: string;
}

export interface CondaResolution {
  /** Sorted by name. */
  readonly packages: readonly ResolvedCondaPackage[];
  readonly dependencies: readonly CondaDependencyEdge[];
  /** The virtual packages the chosen records depend on. */
  readonly virtualPackages: readonly VirtualPackage[];
  /** Records that could not take part (unparsable version or MatchSpec). */
  readonly skipped: readonly SkippedRecord[];
  readonly steps: number;
}

export type CondaResolveFailure =
  | { code: 'invalid-spec'; message: string; spec: string }
  | { code: 'unsatisfiable'; message: string; package: string; requirements: readonly string[] }
  | { code: 'too-many-steps'; message: string; steps: number };

export type CondaResolveResult = { ok: true; value: CondaResolution } | { ok: false; error: CondaResolveFailure };

interface Candidate {
  readonly record: CondaPackageRecord;
  readonly version: CondaVersion;
  readonly depends: readonly CondaMatchSpec[];
  readonly constrains: readonly CondaMatchSpec[];
  readonly virtual: boolean;
}

/** A MatchSpec on a package and who asked for it (null: a root). */
interface Requirement {
  readonly spec: CondaMatchSpec;
  readonly from: string | null;
}

interface State {
  readonly assigned: ReadonlyMap<string, Candidate>;
  readonly requirements: ReadonlyMap<string, readonly Requirement[]>;
  readonly constraints: ReadonlyMap<string, readonly Requirement[]>;
  /** Required, not yet chosen, in the order they were first required. */
  readonly pending: readonly string[];
}

type Outcome = { ok: true; state: State } | { ok: false; conflict: Set<string> };

class TooManySteps extends Error {}

const DEFAULT_MAX_STEPS = 50_000;
const FETCH_BATCH = 16;

/**
 * conda's order, best first: fewer track_features, higher version, higher
 * build number. Between builds still tied (the same version built for two
 * Pythons, say), the one whose dependencies allow the higher versions comes
 * first, as rattler does; then the newer timestamp.
 */
function candidateOrder(pool: ReadonlyMap<string, readonly Candidate[]>): (a: Candidate, b: Candidate) => number {
  const highest = new Map<CondaMatchSpec, CondaVersion | null>();
  function highestMatch(spec: CondaMatchSpec): CondaVersion | null {
    if (!highest.has(spec)) {
      let best: CondaVersion | null = null;
      for (const candidate of pool.get(spec.name) ?? []) {
        if (matches(spec, candidate) && (best === null || candidate.version.compare(best) > 0)) best = candidate.version;
      }
      highest.set(spec, best);
    }
    return highest.get(spec)!;
  }
  function byDependencies(a: Candidate, b: Candidate): number {
    let score = 0;
    for (const spec of a.depends) {
      const other = b.depends.find((item) => item.name === spec.name);
      if (!other) continue;
      const mine = highestMatch(spec);
      const theirs = highestMatch(other);
      if (mine && theirs) score += Math.sign(theirs.compare(mine));
    }
    return score;
  }
  return (a, b) =>
    a.record.trackFeatures.length - b.record.trackFeatures.length ||
    b.version.compare(a.version) ||
    b.record.buildNumber - a.record.buildNumber ||
    byDependencies(a, b) ||
    (b.record.timestamp ?? -1) - (a.record.timestamp ?? -1) ||
    (a.record.fileName < b.record.fileName ? -1 : a.record.fileName > b.record.fileName ? 1 : 0);
}

const buildMatchers = new Map<string, RegExp>();

/** Build strings are globs (`py*`, `*_cp312`), matched against the whole build string. */
function buildMatches(glob: string, build: string): boolean {
  let matcher = buildMatchers.get(glob);
  if (!matcher) {
    const pattern = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*');
    matcher = new RegExp(`^${pattern}$`);
    buildMatchers.set(glob, matcher);
  }
  return matcher.test(build);
}

function matches(spec: CondaMatchSpec, candidate: Candidate): boolean {
  if (spec.version && !spec.version.contains(candidate.version)) return false;
  if (spec.build !== undefined && !buildMatches(spec.build, candidate.record.build)) return false;
  if (spec.subdir !== undefined && !candidate.virtual && spec.subdir !== candidate.record.subdir) return false;
  return true;
}

function virtualCandidate(item: VirtualPackage): Candidate | null {
  const version = parseCondaVersion(item.version);
  if (!version.ok) return null;
  const record: CondaPackageRecord = {
    name: item.name,
    version: item.version,
    build: item.build,
    buildNumber: 0,
    depends: [],
    constrains: [],
    subdir: '',
    fileName: '',
    url: '',
    trackFeatures: [],
    purls: [],
  };
  return { record, version: version.value, depends: [], constrains: [], virtual: true };
}

function parseSpecs(texts: readonly string[]): { specs: CondaMatchSpec[] } | { error: string } {
  const specs: CondaMatchSpec[] = [];
  for (const text of texts) {
    const parsed = parseMatchSpec(text);
    if (!parsed.ok) return { error: parsed.error.message };
    if (parsed.value.name === '*' || parsed.value.name.includes('*')) return { error: `"${text}" names no single package` };
    specs.push(parsed.value);
  }
  return { specs };
}

/**
 * Fetches the records of every name reachable from the roots through any
 * record's `depends` (CEP 16's fetch loop), parsing each record once.
 */
async function collectPool(
  source: CondaRecordSource,
  names: readonly string[],
  virtualPackages: readonly VirtualPackage[],
): Promise<{ pool: Map<string, Candidate[]>; skipped: SkippedRecord[] }> {
  const pool = new Map<string, Candidate[]>();
  const skipped: SkippedRecord[] = [];
  for (const item of virtualPackages) {
    const candidate = virtualCandidate(item);
    if (!candidate) continue;
    const list = pool.get(item.name) ?? [];
    list.push(candidate);
    pool.set(item.name, list);
  }
  const queued = new Set<string>(names);
  let frontier = [...queued].filter((name) => !name.startsWith('__'));
  while (frontier.length > 0) {
    const next: string[] = [];
    for (let start = 0; start < frontier.length; start += FETCH_BATCH) {
      const batch = frontier.slice(start, start + FETCH_BATCH);
      const lists = await Promise.all(batch.map((name) => source.records(name)));
      batch.forEach((name, i) => {
        const candidates: Candidate[] = [];
        for (const record of lists[i]!) {
          const version = parseCondaVersion(record.version);
          if (!version.ok) {
            skipped.push({ fileName: record.fileName, reason: version.error.message });
            continue;
          }
          const depends = parseSpecs(record.depends);
          const constrains = parseSpecs(record.constrains);
          if ('error' in depends || 'error' in constrains) {
            skipped.push({ fileName: record.fileName, reason: 'error' in depends ? depends.error : (constrains as { error: string }).error });
            continue;
          }
          candidates.push({ record, version: version.value, depends: depends.specs, constrains: constrains.specs, virtual: false });
          for (const spec of depends.specs) {
            if (!queued.has(spec.name)) {
              queued.add(spec.name);
              if (!spec.name.startsWith('__')) next.push(spec.name);
            }
          }
        }
        pool.set(name, candidates);
      });
    }
    frontier = next;
  }
  const order = candidateOrder(pool);
  for (const list of pool.values()) list.sort(order);
  return { pool, skipped };
}

export async function resolveConda(source: CondaRecordSource, request: CondaResolveRequest): Promise<CondaResolveResult> {
  const rootTexts = [...request.roots];
  const rootSpecs: CondaMatchSpec[] = [];
  for (const text of rootTexts) {
    const parsed = parseSpecs([text]);
    if ('error' in parsed) return { ok: false, error: { code: 'invalid-spec', message: parsed.error, spec: text } };
    rootSpecs.push(parsed.specs[0]!);
  }
  const rootNames = new Set(rootSpecs.map((spec) => spec.name));
  const allRoots = [...rootSpecs];
  if (request.python !== undefined) {
    if (!/^[0-9]+(\.[0-9]+)*$/.test(request.python)) {
      return { ok: false, error: { code: 'invalid-spec', message: `not a Python version: "${request.python}"`, spec: request.python } };
    }
    const pin = parseSpecs([`python ${request.python}.*`]);
    if ('error' in pin) return { ok: false, error: { code: 'invalid-spec', message: pin.error, spec: request.python } };
    allRoots.push(pin.specs[0]!);
  }

  const virtualPackages = request.virtualPackages ?? virtualPackagesFor(request.platform);
  const { pool, skipped } = await collectPool(
    source,
    allRoots.map((spec) => spec.name),
    virtualPackages,
  );
  const maxSteps = request.maxSteps ?? DEFAULT_MAX_STEPS;
  let steps = 0;
  let deadEnd: { name: string; requirements: readonly Requirement[]; conflicting: string[] } | null = null;

  function rejection(state: State, name: string, candidate: Candidate): string[] | null {
    for (const requirement of state.requirements.get(name) ?? []) {
      if (!matches(requirement.spec, candidate)) return requirement.from === null ? [] : [requirement.from];
    }
    for (const constraint of state.constraints.get(name) ?? []) {
      if (!matches(constraint.spec, candidate)) return constraint.from === null ? [] : [constraint.from];
    }
    for (const spec of candidate.depends) {
      const chosen = state.assigned.get(spec.name);
      if (chosen && !matches(spec, chosen)) return [spec.name];
      // A dependency no record or virtual package provides can never be met.
      if (!chosen && (pool.get(spec.name)?.length ?? 0) === 0) return [];
    }
    for (const spec of candidate.constrains) {
      const chosen = state.assigned.get(spec.name);
      if (chosen && !matches(spec, chosen)) return [spec.name];
    }
    return null;
  }

  function viable(state: State, name: string): { candidates: Candidate[]; culprits: Set<string> } {
    const candidates: Candidate[] = [];
    const culprits = new Set<string>();
    for (const candidate of pool.get(name) ?? []) {
      const reason = rejection(state, name, candidate);
      if (reason === null) candidates.push(candidate);
      else for (const culprit of reason) culprits.add(culprit);
    }
    return { candidates, culprits };
  }

  /** Everyone who made `name` required or restricted it: changing them may remove the conflict. */
  function askers(state: State, name: string, into: Set<string>): Set<string> {
    for (const list of [state.requirements.get(name), state.constraints.get(name)]) {
      for (const requirement of list ?? []) if (requirement.from !== null) into.add(requirement.from);
    }
    return into;
  }

  function assign(state: State, name: string, candidate: Candidate): State {
    const assigned = new Map(state.assigned).set(name, candidate);
    const requirements = new Map(state.requirements);
    const constraints = new Map(state.constraints);
    const pending = state.pending.filter((item) => item !== name);
    for (const spec of candidate.depends) {
      requirements.set(spec.name, [...(requirements.get(spec.name) ?? []), { spec, from: name }]);
      if (!assigned.has(spec.name) && !pending.includes(spec.name)) pending.push(spec.name);
    }
    for (const spec of candidate.constrains) {
      constraints.set(spec.name, [...(constraints.get(spec.name) ?? []), { spec, from: name }]);
    }
    return { assigned, requirements, constraints, pending };
  }

  function solve(state: State): Outcome {
    if (state.pending.length === 0) return { ok: true, state };
    let best: { name: string; candidates: Candidate[]; culprits: Set<string> } | null = null;
    for (const name of state.pending) {
      const found = viable(state, name);
      if (found.candidates.length === 0) {
        deadEnd ??= {
          name,
          requirements: state.requirements.get(name) ?? [],
          conflicting: [...found.culprits].flatMap((culprit) => {
            const chosen = state.assigned.get(culprit);
            return chosen ? [`${culprit} ${chosen.record.version} ${chosen.record.build}`] : [];
          }),
        };
        return { ok: false, conflict: askers(state, name, found.culprits) };
      }
      if (!best || found.candidates.length < best.candidates.length) best = { name, ...found };
    }
    const { name, candidates } = best!;
    const conflict = askers(state, name, new Set(best!.culprits));
    for (const candidate of candidates) {
      steps += 1;
      if (steps > maxSteps) throw new TooManySteps();
      const outcome = solve(assign(state, name, candidate));
      if (outcome.ok) return outcome;
      // The failure below did not involve this decision: another candidate cannot help.
      if (!outcome.conflict.has(name)) return outcome;
      for (const culprit of outcome.conflict) if (culprit !== name) conflict.add(culprit);
    }
    return { ok: false, conflict };
  }

  const initial: State = {
    assigned: new Map(),
    requirements: new Map(),
    constraints: new Map(),
    pending: [],
  };
  const requirements = new Map<string, Requirement[]>();
  const pending: string[] = [];
  for (const spec of allRoots) {
    requirements.set(spec.name, [...(requirements.get(spec.name) ?? []), { spec, from: null }]);
    if (!pending.includes(spec.name)) pending.push(spec.name);
  }

  let outcome: Outcome;
  try {
    outcome = solve({ ...initial, requirements, pending });
  } catch (error) {
    if (error instanceof TooManySteps) {
      return { ok: false, error: { code: 'too-many-steps', message: `gave up after trying ${maxSteps} candidates`, steps: maxSteps } };
    }
    throw error;
  }
  if (!outcome.ok) {
    const failed = deadEnd as { name: string; requirements: readonly Requirement[]; conflicting: string[] } | null;
    const name = failed?.name ?? rootSpecs[0]?.name ?? '';
    const asked = (failed?.requirements ?? []).map((item) => `${item.spec.text} (${item.from ?? 'root'})`);
    const message =
      (pool.get(name)?.length ?? 0) === 0
        ? `no package named ${name} in the channel${asked.length > 0 ? ` (required by ${asked.join(', ')})` : ''}`
        : `no record of ${name} fits together with the rest: ${asked.join(', ')}` +
          (failed && failed.conflicting.length > 0 ? `; its records conflict with ${failed.conflicting.join(', ')}` : '');
    return { ok: false, error: { code: 'unsatisfiable', message, package: name, requirements: asked } };
  }

  const packages: ResolvedCondaPackage[] = [];
  const dependencies: CondaDependencyEdge[] = [];
  const usedVirtual = new Map<string, VirtualPackage>();
  const names = [...outcome.state.assigned.keys()].sort();
  for (const name of names) {
    const candidate = outcome.state.assigned.get(name)!;
    if (candidate.virtual) {
      usedVirtual.set(name, { name, version: candidate.record.version, build: candidate.record.build });
      continue;
    }
    packages.push({ record: candidate.record, root: rootNames.has(name) });
    for (const spec of candidate.depends) {
      if (!outcome.state.assigned.get(spec.name)?.virtual) dependencies.push({ from: name, to: spec.name, spec: spec.text });
    }
  }
  return {
    ok: true,
    value: { packages, dependencies, virtualPackages: [...usedVirtual.values()], skipped, steps },
  };
}
