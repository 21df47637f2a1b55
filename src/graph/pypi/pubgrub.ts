/**
 * The PubGrub version-solving core (Natalie Weizenbaum's algorithm, as
 * described in the Dart pub `solver.md`), written to behave step for step like
 * the Rust `pubgrub` crate that uv drives: the same unit propagation order
 * (newest incompatibility first), conflict resolution with learned
 * incompatibilities, backjumping, merging of dependency incompatibilities that
 * share a dependency range, the "no backtrack yet" fast path for decisions and
 * a priority queue whose priorities are computed when a package's derivations
 * change. The policy (which package and which version next, what the
 * dependencies are) lives in resolve.ts.
 *
 * Packages are small integers; a package's versions are indices into its
 * version list (see version-set.ts). Index 0 of the root package is the root.
 */
import {
  intersectTerms,
  isAnyTerm,
  isDisjoint,
  isSubset,
  negate,
  negative,
  positive,
  termContains,
  termsEqual,
  unionTerms,
  VersionSet,
  type Term,
} from './version-set.js';

export type IncompatibilityKind =
  | { readonly type: 'not-root' }
  | { readonly type: 'no-versions' }
  | { readonly type: 'dependency'; readonly dependent: number; readonly dependency: number }
  | { readonly type: 'derived'; readonly causes: readonly [number, number] }
  | { readonly type: 'unavailable'; readonly reason: string };

export interface Incompatibility {
  /** Package → term, in insertion order (the order PubGrub evaluates them in). */
  readonly terms: ReadonlyArray<readonly [number, Term]>;
  readonly kind: IncompatibilityKind;
  /** Contradiction cache: the incompatibility stays contradicted until a backtrack below `level`. */
  contradictedLevel: number;
  contradictedGeneration: number;
}

type Relation =
  | { type: 'satisfied' }
  | { type: 'contradicted'; package: number }
  | { type: 'almost-satisfied'; package: number }
  | { type: 'inconclusive' };

interface DatedDerivation {
  readonly globalIndex: number;
  readonly decisionLevel: number;
  readonly cause: number;
  /** Intersection of all terms up to and including this one. */
  readonly accumulated: Term;
}

interface PackageAssignment {
  readonly package: number;
  /** The decision, once made: the version index and its global index. */
  decision: { readonly version: number; readonly globalIndex: number; readonly term: Term } | null;
  /** Intersection of the derivations while there is no decision. */
  derived: Term;
  derivations: DatedDerivation[];
  smallestLevel: number;
  highestLevel: number;
}

/** A package's priority: compared element by element, greater first. */
export type Priority = readonly number[];

function comparePriority(a: Priority, b: Priority): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

export class NoSolutionError extends Error {
  readonly incompatibility: number;
  constructor(incompatibility: number) {
    super('no solution');
    this.incompatibility = incompatibility;
  }
}

const MAX_LEVEL = Number.MAX_SAFE_INTEGER;

export class PubGrubState {
  readonly rootPackage: number;
  readonly store: Incompatibility[] = [];
  readonly #byPackage = new Map<number, number[]>();
  readonly #mergedDependencies = new Map<string, number[]>();
  readonly #sizes: (packageId: number) => number;

  // The partial solution: decided packages first, in decision order, then undecided ones.
  #entries: PackageAssignment[] = [];
  #position = new Map<number, number>();
  #nextGlobalIndex = 0;
  #currentLevel = 0;
  /** Undecided packages with a positive term, and the priority computed when they were queued. */
  #queue = new Map<number, Priority>();
  /** Packages whose derivations changed since they were last queued (an ordered set, popped from the end). */
  #outdated: number[] = [];
  /** For each finished backtrack generation, the highest decision level that stayed valid. */
  #lastValidLevels: number[] = [0];

  constructor(rootPackage: number, sizes: (packageId: number) => number) {
    this.rootPackage = rootPackage;
    this.#sizes = sizes;
    const size = sizes(rootPackage);
    this.#allocate({ terms: [[rootPackage, negative(VersionSet.singleton(size, 0))]], kind: { type: 'not-root' } }, true);
  }

  get currentLevel(): number {
    return this.#currentLevel;
  }

  /** Conflicts resolved so far, and backjumps (each resolution ends in one; package backtracks count too). */
  readonly counts = { conflicts: 0, backtracks: 0 };

  // ---- incompatibilities -------------------------------------------------

  #allocate(incompatibility: Omit<Incompatibility, 'contradictedLevel' | 'contradictedGeneration'>, index = false): number {
    const id = this.store.length;
    this.store.push({ ...incompatibility, contradictedLevel: MAX_LEVEL, contradictedGeneration: 0 });
    if (index) for (const [package_] of incompatibility.terms) this.#listFor(package_).push(id);
    return id;
  }

  #listFor(package_: number): number[] {
    let list = this.#byPackage.get(package_);
    if (!list) this.#byPackage.set(package_, (list = []));
    return list;
  }

  /** {dependent ∈ versions, dependency ∉ range}; a dependency on nothing is just {dependent ∈ versions}. */
  #fromDependency(dependent: number, versions: VersionSet, dependency: number, range: VersionSet) {
    const terms: Array<readonly [number, Term]> = [[dependent, positive(versions)]];
    if (!range.isEmpty()) terms.push([dependency, negative(range)]);
    return { terms, kind: { type: 'dependency', dependent, dependency } as const };
  }

  #term(id: number, package_: number): Term | undefined {
    return this.store[id]!.terms.find(([candidate]) => candidate === package_)?.[1];
  }

  addIncompatibility(terms: Array<readonly [number, Term]>, kind: IncompatibilityKind): number {
    const id = this.#allocate({ terms, kind });
    this.#merge(id);
    return id;
  }

  /** Every version of a proxy (an extra, a marker) in `range` needs the base package in the same range. */
  addProxyIncompatibility(proxy: number, base: number, range: VersionSet): void {
    const id = this.#allocate(this.#fromDependency(proxy, range, base, range));
    this.#merge(id);
  }

  /**
   * Indexes an incompatibility by its packages. Dependency incompatibilities
   * with the same dependent, dependency and dependency range are merged into
   * one whose dependent range is the union ({foo 1 ∪ foo 2, not bar ≥1}).
   */
  #merge(id: number): void {
    const incompatibility = this.store[id]!;
    if (incompatibility.kind.type === 'dependency') {
      const { dependent, dependency } = incompatibility.kind;
      if (dependent !== dependency) {
        const dependencyTerm = this.#term(id, dependency);
        const key = `${dependent}:${dependency}:${dependencyTerm ? dependencyTerm.set.key() : '-'}`;
        let bucket = this.#mergedDependencies.get(key);
        if (!bucket) this.#mergedDependencies.set(key, (bucket = []));
        const pastIndex = bucket.findIndex((past) => this.#sameDependencyRange(id, past, dependency));
        if (pastIndex >= 0) {
          const past = bucket[pastIndex]!;
          const versions = this.#term(id, dependent)!.set.union(this.#term(past, dependent)!.set);
          const merged = this.#allocate(
            this.#fromDependency(dependent, versions, dependency, dependencyTerm ? dependencyTerm.set : VersionSet.empty(this.#sizes(dependency))),
          );
          for (const [package_] of this.store[merged]!.terms) {
            const list = this.#listFor(package_);
            this.#byPackage.set(
              package_,
              list.filter((other) => other !== past),
            );
          }
          bucket[pastIndex] = merged;
          for (const [package_] of this.store[merged]!.terms) this.#listFor(package_).push(merged);
          return;
        }
        bucket.push(id);
      }
    }
    for (const [package_] of incompatibility.terms) this.#listFor(package_).push(id);
  }

  #sameDependencyRange(a: number, b: number, dependency: number): boolean {
    const left = this.#term(a, dependency);
    const right = this.#term(b, dependency);
    if (!left || !right) return !left && !right;
    return termsEqual(left, right);
  }

  #isContradicted(incompatibility: Incompatibility): boolean {
    const level = this.#lastValidLevels[incompatibility.contradictedGeneration];
    return level === undefined ? true : incompatibility.contradictedLevel <= level;
  }

  #markContradicted(incompatibility: Incompatibility): void {
    incompatibility.contradictedLevel = this.#currentLevel;
    incompatibility.contradictedGeneration = this.#lastValidLevels.length;
  }

  #relation(incompatibility: Incompatibility, termOf: (package_: number) => Term | undefined): Relation {
    let relation: Relation = { type: 'satisfied' };
    for (const [package_, term] of incompatibility.terms) {
      const current = termOf(package_);
      // No assignment means "any", which only an `any` term would be satisfied by, and those are never stored.
      const outcome = current === undefined ? 'inconclusive' : isSubset(current, term) ? 'satisfied' : isDisjoint(term, current) ? 'contradicted' : 'inconclusive';
      if (outcome === 'satisfied') continue;
      if (outcome === 'contradicted') return { type: 'contradicted', package: package_ };
      if (relation.type === 'satisfied') relation = { type: 'almost-satisfied', package: package_ };
      else return { type: 'inconclusive' };
    }
    return relation;
  }

  // ---- partial solution --------------------------------------------------

  termFor(package_: number): Term | undefined {
    const index = this.#position.get(package_);
    if (index === undefined) return undefined;
    const entry = this.#entries[index]!;
    return entry.decision ? entry.decision.term : entry.derived;
  }

  decisionOf(package_: number): number | undefined {
    const index = this.#position.get(package_);
    return index === undefined ? undefined : this.#entries[index]!.decision?.version;
  }

  hasBacktracked(): boolean {
    return this.#lastValidLevels.length > 1;
  }

  #addToOutdated(package_: number): void {
    if (!this.#outdated.includes(package_)) this.#outdated.push(package_);
  }

  addDecision(package_: number, version: number): void {
    const oldIndex = this.#position.get(package_);
    if (oldIndex === undefined) throw new Error(`pubgrub: decision for package ${package_} without derivations`);
    const entry = this.#entries[oldIndex]!;
    if (entry.decision) throw new Error(`pubgrub: package ${package_} is already decided`);
    const newIndex = this.#currentLevel;
    this.#currentLevel += 1;
    entry.highestLevel = this.#currentLevel;
    entry.decision = {
      version,
      globalIndex: this.#nextGlobalIndex,
      term: positive(VersionSet.singleton(this.#sizes(package_), version)),
    };
    if (newIndex !== oldIndex) {
      const other = this.#entries[newIndex]!;
      this.#entries[newIndex] = entry;
      this.#entries[oldIndex] = other;
      this.#position.set(package_, newIndex);
      this.#position.set(other.package, oldIndex);
    }
    this.#nextGlobalIndex += 1;
  }

  #addDerivation(package_: number, cause: number): void {
    const term = negate(this.#term(cause, package_)!);
    const index = this.#position.get(package_);
    if (index === undefined) {
      this.#position.set(package_, this.#entries.length);
      this.#entries.push({
        package: package_,
        decision: null,
        derived: term,
        derivations: [{ globalIndex: this.#nextGlobalIndex, decisionLevel: this.#currentLevel, cause, accumulated: term }],
        smallestLevel: this.#currentLevel,
        highestLevel: this.#currentLevel,
      });
      if (term.positive) this.#addToOutdated(package_);
    } else {
      const entry = this.#entries[index]!;
      if (entry.decision) throw new Error(`pubgrub: derivation for decided package ${package_}`);
      entry.highestLevel = this.#currentLevel;
      entry.derived = intersectTerms(entry.derived, term);
      entry.derivations.push({ globalIndex: this.#nextGlobalIndex, decisionLevel: this.#currentLevel, cause, accumulated: entry.derived });
      if (entry.derived.positive) this.#addToOutdated(package_);
    }
    this.#nextGlobalIndex += 1;
  }

  /** The decided packages and their version indices, in decision order. */
  solution(): Array<[number, number]> {
    return this.#entries.slice(0, this.#currentLevel).map((entry) => [entry.package, entry.decision!.version]);
  }

  /** The next package to decide: the highest priority among undecided packages with a positive term. */
  pickHighestPriority(prioritize: (package_: number) => Priority): number | null {
    while (this.#outdated.length > 0) {
      const package_ = this.#outdated.pop()!;
      const index = this.#position.get(package_);
      if (index === undefined) continue;
      const entry = this.#entries[index]!;
      if (entry.decision || !entry.derived.positive) continue;
      this.#queue.set(package_, [...prioritize(package_), -package_]);
    }
    for (;;) {
      let best: number | null = null;
      let bestPriority: Priority = [];
      for (const [package_, priority] of this.#queue) {
        if (best === null || comparePriority(priority, bestPriority) > 0) {
          best = package_;
          bestPriority = priority;
        }
      }
      if (best === null) return null;
      this.#queue.delete(best);
      const index = this.#position.get(best);
      if (index === undefined) continue;
      const entry = this.#entries[index]!;
      if (!entry.decision && entry.derived.positive) return best;
    }
  }

  /** The packages in the partial solution that are undecided (for prefetching). */
  undecided(): number[] {
    return this.#entries.slice(this.#currentLevel).filter((entry) => entry.derived.positive).map((entry) => entry.package);
  }

  /**
   * Adds the dependencies of `package_` at `version` and, when none of them
   * conflicts with the partial solution, decides it. Before the first
   * backtrack the check is skipped (unit propagation finds any conflict).
   * Returns the dependency incompatibility that rejected the version, if any.
   */
  addVersionDependencies(package_: number, version: number, dependencies: ReadonlyArray<readonly [number, VersionSet]>): number | null {
    const versions = VersionSet.singleton(this.#sizes(package_), version);
    const ids: number[] = [];
    for (const [dependency, range] of dependencies) {
      const id = this.#allocate(this.#fromDependency(package_, versions, dependency, range));
      ids.push(id);
    }
    for (const id of ids) this.#merge(id);
    if (!this.hasBacktracked()) {
      this.addDecision(package_, version);
      return null;
    }
    const exact = positive(versions);
    const termOf = (candidate: number) => (candidate === package_ ? exact : this.termFor(candidate));
    const rejected = ids.find((id) => this.#relation(this.store[id]!, termOf).type === 'satisfied');
    if (rejected !== undefined) return rejected;
    this.addDecision(package_, version);
    return null;
  }

  // ---- propagation and conflicts ---------------------------------------

  /**
   * Unit propagation from `start`. Returns, for each conflict met, the package
   * and the incompatibility learned (for uv's conflict statistics). Throws
   * NoSolutionError when the root itself is ruled out.
   */
  unitPropagation(start: number): Array<[number, number]> {
    const causes: Array<[number, number]> = [];
    let buffer = [start];
    while (buffer.length > 0) {
      const current = buffer.pop()!;
      let conflict: number | null = null;
      const list = this.#byPackage.get(current) ?? [];
      for (let i = list.length - 1; i >= 0; i--) {
        const id = list[i]!;
        const incompatibility = this.store[id]!;
        if (this.#isContradicted(incompatibility)) continue;
        const relation = this.#relation(incompatibility, (package_) => this.termFor(package_));
        if (relation.type === 'satisfied') {
          conflict = id;
          break;
        }
        if (relation.type === 'almost-satisfied') {
          if (!buffer.includes(relation.package)) buffer.push(relation.package);
          this.#addDerivation(relation.package, id);
          this.#markContradicted(incompatibility);
        } else if (relation.type === 'contradicted') {
          this.#markContradicted(incompatibility);
        }
      }
      if (conflict !== null) {
        const [package_, rootCause] = this.#resolveConflict(conflict, causes);
        buffer = [package_];
        this.#addDerivation(package_, rootCause);
        this.#markContradicted(this.store[rootCause]!);
      }
    }
    return causes;
  }

  #isTerminal(incompatibility: Incompatibility): boolean {
    if (incompatibility.terms.length === 0) return true;
    if (incompatibility.terms.length > 1) return false;
    const [package_, term] = incompatibility.terms[0]!;
    return package_ === this.rootPackage && termContains(term, 0);
  }

  #resolveConflict(start: number, causes: Array<[number, number]>): [number, number] {
    this.counts.conflicts += 1;
    let current = start;
    let changed = false;
    for (;;) {
      const incompatibility = this.store[current]!;
      if (this.#isTerminal(incompatibility)) throw new NoSolutionError(current);
      const search = this.#satisfierSearch(incompatibility);
      if (search.type === 'different-levels') {
        this.#backtrack(search.previousLevel);
        if (changed) this.#merge(current);
        causes.push([search.package, current]);
        return [search.package, current];
      }
      const prior = this.#priorCause(current, search.cause, search.package);
      current = this.#allocate({ terms: prior, kind: { type: 'derived', causes: [current, search.cause] } });
      causes.push([search.package, current]);
      changed = true;
    }
  }

  #priorCause(incompatibilityId: number, causeId: number, package_: number): Array<readonly [number, Term]> {
    const incompatibility = this.store[incompatibilityId]!;
    const cause = this.store[causeId]!;
    const terms: Array<[number, Term]> = incompatibility.terms.filter(([p]) => p !== package_).map(([p, t]) => [p, t]);
    for (const [p, t] of cause.terms) {
      if (p === package_) continue;
      const existing = terms.find(([candidate]) => candidate === p);
      if (existing) existing[1] = intersectTerms(existing[1], t);
      else terms.push([p, t]);
    }
    const union = unionTerms(this.#term(incompatibilityId, package_)!, this.#term(causeId, package_)!);
    if (!isAnyTerm(union)) terms.push([package_, union]);
    return terms;
  }

  /** The assignment (cause, global index, level) that first made `entry` satisfy `start`'s negation... see pubgrub `satisfier`. */
  #satisfier(entry: PackageAssignment, startTerm: Term): { cause: number | null; globalIndex: number; level: number } {
    const index = entry.derivations.findIndex((derivation) => isDisjoint(derivation.accumulated, startTerm));
    if (index >= 0) {
      const derivation = entry.derivations[index]!;
      return { cause: derivation.cause, globalIndex: derivation.globalIndex, level: derivation.decisionLevel };
    }
    if (!entry.decision) throw new Error(`pubgrub: package ${entry.package} has no satisfier`);
    return { cause: null, globalIndex: entry.decision.globalIndex, level: entry.highestLevel };
  }

  #satisfierSearch(
    incompatibility: Incompatibility,
  ): { type: 'different-levels'; package: number; previousLevel: number } | { type: 'same-levels'; package: number; cause: number } {
    const satisfied = new Map<number, { cause: number | null; globalIndex: number; level: number }>();
    for (const [package_, term] of incompatibility.terms) {
      const entry = this.#entries[this.#position.get(package_)!]!;
      satisfied.set(package_, this.#satisfier(entry, negate(term)));
    }
    let satisfierPackage = -1;
    let satisfier = { cause: null as number | null, globalIndex: -1, level: 0 };
    for (const [package_, found] of satisfied) {
      if (found.globalIndex > satisfier.globalIndex) {
        satisfierPackage = package_;
        satisfier = found;
      }
    }
    // The previous satisfier: the satisfier package's own assignments before the satisfier, with it.
    const entry = this.#entries[this.#position.get(satisfierPackage)!]!;
    const accumulated = satisfier.cause !== null ? negate(this.#term(satisfier.cause, satisfierPackage)!) : entry.decision!.term;
    const incompatibilityTerm = incompatibility.terms.find(([p]) => p === satisfierPackage)![1];
    satisfied.set(satisfierPackage, this.#satisfier(entry, intersectTerms(accumulated, negate(incompatibilityTerm))));
    let previous = { globalIndex: -1, level: 0 };
    for (const found of satisfied.values()) if (found.globalIndex > previous.globalIndex) previous = found;
    const previousLevel = Math.max(previous.level, 1);
    if (previousLevel >= satisfier.level) return { type: 'same-levels', package: satisfierPackage, cause: satisfier.cause! };
    return { type: 'different-levels', package: satisfierPackage, previousLevel };
  }

  #backtrack(level: number): void {
    this.counts.backtracks += 1;
    this.#currentLevel = level;
    const kept: PackageAssignment[] = [];
    for (const entry of this.#entries) {
      if (entry.smallestLevel > level) continue;
      if (entry.highestLevel <= level) {
        if (!entry.decision && entry.derived.positive && !this.#queue.has(entry.package)) this.#addToOutdated(entry.package);
      } else {
        while (entry.derivations.length > 0 && entry.derivations[entry.derivations.length - 1]!.decisionLevel > level) entry.derivations.pop();
        const last = entry.derivations[entry.derivations.length - 1]!;
        entry.highestLevel = last.decisionLevel;
        entry.decision = null;
        entry.derived = last.accumulated;
        this.#queue.delete(entry.package);
        if (entry.derived.positive) this.#addToOutdated(entry.package);
      }
      kept.push(entry);
    }
    this.#entries = kept;
    this.#position = new Map(kept.map((entry, index) => [entry.package, index]));
    this.#lastValidLevels.push(MAX_LEVEL);
    const from = this.#lastValidLevels.findIndex((valid) => valid > level);
    for (let i = from; i < this.#lastValidLevels.length; i++) this.#lastValidLevels[i] = level;
  }

  /**
   * Undoes the decisions from `package_`'s own on (uv calls this when a
   * package turned out to be a frequent culprit and was deprioritized).
   * Returns the number of decisions undone, or null if it is not decided.
   */
  backtrackPackage(package_: number): number | null {
    const index = this.#position.get(package_);
    if (index === undefined || index > this.#currentLevel) return null;
    const before = this.#currentLevel;
    this.#backtrack(index);
    return before - index;
  }
}
