import { SEVERITY_ORDER, type SeverityLevel } from '../advisories/types.js';
import type { GraphSignals } from './signals.js';
import type { DependencyGraph, EdgeKind, GraphNode, Signal } from './types.js';
import { compareText } from '../core/compare.js';
import { normalizeRepositoryUrl } from '../core/repository-url.js';

/**
 * The packages of greatest concern: score = reach × weakness, both in [0, 1],
 * shown ×100.
 *
 * Reach (always known, from the graph itself):
 *   reach = (w.roots · rootsReaching / roots
 *          + w.paths · min(1, ln(1 + paths) / ln(1 + pathCap))
 *          + w.centrality · pageRank / max pageRank) / (w.roots + w.paths + w.centrality)
 *   - rootsReaching: how many of the run's roots have a path to the package (itself included);
 *   - paths: distinct dependency paths from the roots (cycles broken at the
 *     edge that closes them), log-scaled so ten thousand paths do not drown
 *     everything else;
 *   - centrality: PageRank over dependent → dependency edges (rank flows to
 *     what is depended on), damping 0.85, dangling rank spread evenly. PageRank
 *     rather than betweenness: betweenness is zero for every leaf, and a leaf
 *     everything depends on (a tiny utility) is exactly what we want to find.
 *   Dev edges are not followed: nobody installs them from a registry.
 *
 * Weakness (from the node's signals):
 *   weakness = Σ w_f · v_f / Σ w_f   over the factors f whose signal is KNOWN,
 *   each v_f in [0, 1]. An unknown factor is left out of both sums: it is
 *   counted neither as good nor as bad (criticality_score's denominator trap
 *   is to count a missing signal as 0 in the numerator while keeping its
 *   weight in the denominator, which makes "unknown" read as "fine"). Each row
 *   shows its coverage (known factors / all factors) so a weakness resting on
 *   two factors is visibly weaker evidence than one resting on seven. With no
 *   known factor the weakness, and the score, are unknown and rank last.
 *
 * What the run knows beyond the graph (ConcernContext, handed in by the audit):
 *   - its findings per package version replace the node's own advisories
 *     signals for the advisories factor (the same database, but the severity
 *     borrowed from aliased records where the matched ones had none, as the
 *     scan gate does);
 *   - the posture of the repository behind each package adds the
 *     `repositoryPosture` factor (RUN_FACTORS). Without that context the
 *     factor is not in the list at all, so a ranking from the graph alone is
 *     what it always was.
 */
export const CONCERN_WEIGHTS = {
  reach: {
    /** Share of the run's roots that reach the package: the most direct measure of who is exposed. */
    roots: 0.5,
    /** Distinct paths from the roots (log-scaled): many paths make a package hard to remove or pin around. */
    paths: 0.2,
    /** PageRank centrality relative to the most central package: what the whole graph leans on. */
    centrality: 0.3,
  },
  weakness: {
    /** Known advisories affecting this version, valued by their highest severity (see `severity`). */
    advisories: 3,
    /** No release of the package in `staleDays`: fixes may never come. */
    stale: 1,
    /** One maintainer (or none listed): one account, one person's availability. */
    singleMaintainer: 1.5,
    /** This version carries no provenance or attestations: its build cannot be traced to its source. */
    noProvenance: 1,
    /** The previous version had provenance and this one has none: a classic sign of a hijacked publish. */
    provenanceDropped: 2,
    /** npm preinstall/install/postinstall scripts: code that runs at install time. */
    installScripts: 1.5,
    /** The version is deprecated (npm) or yanked (PyPI): its own authors say not to use it. */
    deprecatedOrYanked: 2,
    /**
     * Share of the source repository's evaluated posture checks that do not
     * pass (pass 0, partial 0.5, fail 1). Unpinned actions, dangerous
     * workflows or an unprotected branch are ways into the next release, so
     * it weighs like a single maintainer or install scripts: more than
     * staleness or missing provenance (common, single facts), less than
     * provenance dropped or deprecated/yanked (evidence about this very
     * version), because it describes the repository, not the artefact, and the
     * repository is often only claimed by the package.
     */
    repositoryPosture: 1.5,
  },
  /** Value of the advisories factor by highest severity; `unknown` (no severity recorded) counts as medium: known bad, size unknown. */
  severity: { critical: 1, high: 0.8, medium: 0.5, unknown: 0.5, low: 0.25, none: 0.1 } satisfies Record<SeverityLevel, number>,
  /** Days without any release after which a package is stale. */
  staleDays: 365,
  /** Path counts at or above this reach the full paths component. */
  pathCap: 1000,
  /** PageRank damping factor and iteration bounds. */
  pageRank: { damping: 0.85, iterations: 100, tolerance: 1e-10 },
} as const;

/** The factors from the node's own signals: in every row. */
export const WEAKNESS_FACTORS = ['advisories', 'stale', 'singleMaintainer', 'noProvenance', 'provenanceDropped', 'installScripts', 'deprecatedOrYanked'] as const;
/** The factors from the run's context: in the rows only when the context has them (ConcernContext). */
export const RUN_FACTORS = ['repositoryPosture'] as const;
export type WeaknessFactorName = (typeof WEAKNESS_FACTORS)[number] | (typeof RUN_FACTORS)[number];

/** One finding of the run on a package version, as the ranking needs it. */
export interface ConcernFinding {
  /** The finding's representative advisory id. */
  id: string;
  severity: SeverityLevel;
  /** Set when the severity was taken from an aliased record (the matched records had none): that record's id. */
  borrowedFrom?: string;
}

/** A repository's posture as the ranking needs it: each check's outcome (posture's CheckOutcome). */
export interface RepositoryPostureInput {
  checks: readonly { id: string; outcome: string }[];
}

/**
 * What the run knows beyond the graph. graph/ sits below posture/ and audit/,
 * so this is plain data: the audit builds it (src/audit/concern-context.ts).
 */
export interface ConcernContext {
  /** The run's findings: they replace the nodes' advisories signals for the advisories factor. */
  findings?: {
    /** Findings by package purl; a purl absent here has none (when its ecosystem was checked). */
    byPurl: ReadonlyMap<string, readonly ConcernFinding[]>;
    /** Ecosystems the findings could not check, with why: their packages' advisories are unknown. */
    notChecked: ReadonlyMap<string, string>;
  };
  /** The posture run's repositories, keyed `owner/repo` in lower case (GitHub names are case-insensitive). */
  repositoryPosture?: ReadonlyMap<string, RepositoryPostureInput>;
}

/** Edges reach follows (everything a registry install brings along). */
const REACH_KINDS: ReadonlySet<EdgeKind> = new Set(['runtime', 'optional', 'peer', 'bundles', 'twin']);

export interface WeaknessFactor {
  name: WeaknessFactorName;
  weight: number;
  /** In [0, 1]; null when the signal is unknown (then it counts in neither sum). */
  value: number | null;
  /** What the signal said, or why it is unknown. */
  detail: string;
}

export interface ReachFactors {
  rootsReaching: number;
  rootsTotal: number;
  paths: number;
  centrality: number;
  score: number;
}

export interface ConcernRow {
  rank: number;
  purl: string;
  ecosystem: GraphNode['ecosystem'];
  name: string;
  version: string;
  root: boolean;
  reach: ReachFactors;
  weakness: { factors: WeaknessFactor[]; score: number | null; known: number; total: number };
  /** reach × weakness × 100; null when no weakness factor is known. */
  score: number | null;
}

export interface ConcernReport {
  rows: ConcernRow[];
  /** Packages ranked (before `top`). */
  ranked: number;
  rootsTotal: number;
  weights: typeof CONCERN_WEIGHTS;
}

/**
 * Ranks every package of the graph; `top` keeps the first N rows; `context`
 * adds what the run knows beyond the graph (the audit's findings and posture).
 */
export function rankConcerns(graph: DependencyGraph, options: { top?: number; context?: ConcernContext } = {}): ConcernReport {
  const reach = computeReach(graph);
  const rows: Omit<ConcernRow, 'rank'>[] = graph.nodes.map((node) => {
    const nodeReach = reach.get(node.purl)!;
    const factors = weaknessFactors(node.signals as GraphSignals, options.context === undefined ? undefined : { ...options.context, node });
    const knownFactors = factors.filter((factor) => factor.value !== null);
    const weightSum = knownFactors.reduce((sum, factor) => sum + factor.weight, 0);
    const weakness = weightSum === 0 ? null : knownFactors.reduce((sum, factor) => sum + factor.weight * factor.value!, 0) / weightSum;
    return {
      purl: node.purl,
      ecosystem: node.ecosystem,
      name: node.name,
      version: node.version,
      root: node.root,
      reach: nodeReach,
      weakness: { factors, score: weakness, known: knownFactors.length, total: factors.length },
      score: weakness === null ? null : round(nodeReach.score * weakness * 100),
    };
  });
  rows.sort(
    (a, b) =>
      (b.score ?? -1) - (a.score ?? -1) ||
      b.reach.score - a.reach.score ||
      b.weakness.known - a.weakness.known ||
      compareText(a.purl, b.purl),
  );
  const limited = options.top === undefined ? rows : rows.slice(0, Math.max(0, options.top));
  return {
    rows: limited.map((row, index) => ({ ...row, rank: index + 1 })),
    ranked: rows.length,
    rootsTotal: graph.nodes.filter((node) => node.root).length,
    weights: CONCERN_WEIGHTS,
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/**
 * The weakness factors of one node, each from its signal or unknown with the
 * signal's reason; with the run's context (and the node it is for), the
 * advisories from the run's findings and the repository's posture.
 */
export function weaknessFactors(signals: GraphSignals, run?: ConcernContext & { node: Pick<GraphNode, 'purl' | 'ecosystem'> }): WeaknessFactor[] {
  const w = CONCERN_WEIGHTS.weakness;
  const factor = (name: WeaknessFactorName, value: number | null, detail: string): WeaknessFactor => ({ name, weight: w[name], value, detail });
  const fromSignal = <T>(name: WeaknessFactorName, signal: Signal<T> | undefined, judge: (value: T) => [number, string]): WeaknessFactor => {
    if (!signal) return factor(name, null, 'not collected');
    if (!signal.known) return factor(name, null, signal.reason);
    const [value, detail] = judge(signal.value);
    return factor(name, value, detail);
  };
  return [
    run?.findings
      ? advisoriesFromFindings(run.findings, run.node, signals.advisories)
      : fromSignal('advisories', signals.advisories, (ids) => {
          if (ids.length === 0) return [0, 'none known'];
          const level = signals.advisorySeverity?.known ? signals.advisorySeverity.value : 'unknown';
          return [CONCERN_WEIGHTS.severity[level], `${ids.length} (${level}): ${ids.join(', ')}`];
        }),
    fromSignal('stale', signals.daysSinceLastRelease, (days) =>
      days >= CONCERN_WEIGHTS.staleDays ? [1, `last release ${days} days ago`] : [0, `last release ${days} days ago`],
    ),
    fromSignal('singleMaintainer', signals.maintainers, (count) => [count <= 1 ? 1 : 0, `${count} maintainer${count === 1 ? '' : 's'}`]),
    fromSignal('noProvenance', signals.provenance, (present) => (present ? [0, 'provenance present'] : [1, 'no provenance'])),
    fromSignal('provenanceDropped', signals.provenanceDropped, (dropped) => (dropped ? [1, 'the previous version had provenance'] : [0, 'not dropped'])),
    fromSignal('installScripts', signals.installScripts, (scripts) => (scripts.length > 0 ? [1, scripts.join(', ')] : [0, 'none'])),
    deprecatedOrYanked(signals),
    ...(run?.repositoryPosture ? [repositoryPosture(signals.repository, run.repositoryPosture)] : []),
  ];
}

/**
 * The advisories factor from the run's findings: the highest severity, saying
 * when it was borrowed from an alias. An ecosystem the findings could not
 * check is unknown, with the node's own reason when it has one (conda: OSV
 * publishes none), never "none known".
 */
function advisoriesFromFindings(findings: NonNullable<ConcernContext['findings']>, node: Pick<GraphNode, 'purl' | 'ecosystem'>, signal: GraphSignals['advisories']): WeaknessFactor {
  const weight = CONCERN_WEIGHTS.weakness.advisories;
  const notChecked = findings.notChecked.get(node.ecosystem);
  if (notChecked !== undefined) return { name: 'advisories', weight, value: null, detail: signal !== undefined && !signal.known ? signal.reason : notChecked };
  const found = findings.byPurl.get(node.purl) ?? [];
  if (found.length === 0) return { name: 'advisories', weight, value: 0, detail: 'none known' };
  const rank = (level: SeverityLevel) => SEVERITY_ORDER.indexOf(level);
  // The highest level; among equals, one whose own record gave it.
  const highest = found.reduce((best, finding) =>
    rank(finding.severity) > rank(best.severity) || (rank(finding.severity) === rank(best.severity) && best.borrowedFrom !== undefined && finding.borrowedFrom === undefined) ? finding : best,
  );
  const ids = [...new Set(found.map((finding) => finding.id))].sort(compareText);
  const borrowed = highest.borrowedFrom === undefined ? '' : `, severity from the alias ${highest.borrowedFrom}`;
  return { name: 'advisories', weight, value: CONCERN_WEIGHTS.severity[highest.severity], detail: `${ids.length} (${highest.severity}${borrowed}): ${ids.join(', ')}` };
}

/** Posture check outcomes that were evaluated, and how much each counts against the repository. */
const OUTCOME_WEAKNESS: Readonly<Record<string, number>> = { pass: 0, partial: 0.5, fail: 1 };

/**
 * The repositoryPosture factor: the share of the repository's evaluated
 * checks that do not pass. not-available, not-applicable and error are left
 * out (could not tell is never bad). A waived check counts by its outcome: a
 * waiver accepts a risk, it does not remove it. Only GitHub repositories can
 * be in a posture run; the graph's `github.com/owner/repo` is matched to
 * posture's `owner/repo` through core's normalisation.
 */
function repositoryPosture(signal: GraphSignals['repository'], postures: ReadonlyMap<string, RepositoryPostureInput>): WeaknessFactor {
  const factor = (value: number | null, detail: string): WeaknessFactor => ({ name: 'repositoryPosture', weight: CONCERN_WEIGHTS.weakness.repositoryPosture, value, detail });
  if (!signal) return factor(null, 'no repository known');
  if (!signal.known) return factor(null, `no repository known: ${signal.reason}`);
  const id = normalizeRepositoryUrl(signal.value.url);
  if (id === null) return factor(null, `no repository known: ${signal.value.url} is not a repository on a known code host`);
  const key = id.startsWith('github.com/') ? id.slice('github.com/'.length) : null;
  const posture = key === null ? undefined : postures.get(key);
  if (key === null || posture === undefined) return factor(null, `repository not in the posture run: ${id}`);
  const claimed = signal.value.confidence === 'claimed' ? ' (claimed)' : '';
  const evaluated = posture.checks.filter((check) => OUTCOME_WEAKNESS[check.outcome] !== undefined);
  if (evaluated.length === 0) return factor(null, `${key}${claimed}: none of its ${posture.checks.length} checks could be evaluated`);
  const value = evaluated.reduce((sum, check) => sum + OUTCOME_WEAKNESS[check.outcome]!, 0) / evaluated.length;
  const named = (outcome: string) => evaluated.filter((check) => check.outcome === outcome).map((check) => check.id);
  const parts = [
    ...(named('fail').length > 0 ? [`fail: ${named('fail').join(', ')}`] : []),
    ...(named('partial').length > 0 ? [`partial: ${named('partial').join(', ')}`] : []),
    `${named('pass').length} pass`,
    ...(posture.checks.length > evaluated.length ? [`${posture.checks.length - evaluated.length} not evaluated`] : []),
  ];
  return factor(Math.round(value * 1000) / 1000, `${key}${claimed}: ${parts.join('; ')}`);
}

/**
 * A PyPI release cannot be deprecated and an npm version cannot be yanked, so
 * either known `true` decides; both must be known to say "neither" — unless
 * the other is unknown only because the ecosystem has no such flag.
 */
function deprecatedOrYanked(signals: GraphSignals): WeaknessFactor {
  const weight = CONCERN_WEIGHTS.weakness.deprecatedOrYanked;
  const deprecated = signals.deprecated;
  const yanked = signals.yanked;
  if (deprecated?.known && deprecated.value !== false) return { name: 'deprecatedOrYanked', weight, value: 1, detail: `deprecated: ${deprecated.value}` };
  if (yanked?.known && yanked.value) return { name: 'deprecatedOrYanked', weight, value: 1, detail: 'yanked' };
  const knownFalse = [deprecated, yanked].filter((signal) => signal?.known).length;
  if (knownFalse > 0) return { name: 'deprecatedOrYanked', weight, value: 0, detail: [deprecated?.known ? 'not deprecated' : null, yanked?.known ? 'not yanked' : null].filter(Boolean).join(', ') };
  const reasons = [deprecated, yanked].map((signal) => (signal && !signal.known ? signal.reason : 'not collected'));
  return { name: 'deprecatedOrYanked', weight, value: null, detail: [...new Set(reasons)].join('; ') };
}

/** Reach of every node: roots reaching it, distinct paths, PageRank centrality, and the combined score. */
export function computeReach(graph: DependencyGraph): Map<string, ReachFactors> {
  const purls = graph.nodes.map((node) => node.purl);
  const index = new Map(purls.map((purl, position) => [purl, position]));
  const successors: number[][] = purls.map(() => []);
  for (const edge of graph.edges) {
    if (!REACH_KINDS.has(edge.kind)) continue;
    const from = index.get(edge.from);
    const to = index.get(edge.to);
    if (from === undefined || to === undefined || from === to) continue;
    if (!successors[from]!.includes(to)) successors[from]!.push(to);
  }
  const roots = graph.nodes.flatMap((node, position) => (node.root ? [position] : []));

  const rootsReaching = new Array<number>(purls.length).fill(0);
  for (const root of roots) {
    const seen = new Uint8Array(purls.length);
    const stack = [root];
    seen[root] = 1;
    while (stack.length > 0) {
      const current = stack.pop()!;
      rootsReaching[current]!++;
      for (const next of successors[current]!) {
        if (!seen[next]) {
          seen[next] = 1;
          stack.push(next);
        }
      }
    }
  }

  const paths = countPaths(successors, roots);
  const rank = pageRank(successors);
  let maxRank = 0;
  for (const value of rank) if (value > maxRank) maxRank = value;
  const w = CONCERN_WEIGHTS.reach;
  const total = w.roots + w.paths + w.centrality;
  const result = new Map<string, ReachFactors>();
  purls.forEach((purl, position) => {
    const rootsShare = roots.length === 0 ? 0 : rootsReaching[position]! / roots.length;
    const pathShare = Math.min(1, Math.log1p(paths[position]!) / Math.log1p(CONCERN_WEIGHTS.pathCap));
    const centrality = maxRank === 0 ? 0 : rank[position]! / maxRank;
    result.set(purl, {
      rootsReaching: rootsReaching[position]!,
      rootsTotal: roots.length,
      paths: paths[position]!,
      centrality: Math.round(centrality * 1000) / 1000,
      score: (w.roots * rootsShare + w.paths * pathShare + w.centrality * centrality) / total,
    });
  });
  return result;
}

/** Path counts stop growing here: the score is log-capped far below, and floats stay exact. */
const PATH_COUNT_LIMIT = Number.MAX_SAFE_INTEGER;

/**
 * Distinct paths from the roots to every node. Cycles (PyPI extras, npm peer
 * loops) are broken at the edge that closes them in a depth-first walk from
 * the roots; then paths flow in topological order.
 */
function countPaths(successors: readonly number[][], roots: readonly number[]): number[] {
  const count = successors.length;
  const state = new Uint8Array(count); // 0 new, 1 on the stack, 2 done
  const kept: number[][] = successors.map(() => []);
  const order: number[] = [];
  for (const root of roots) {
    if (state[root] !== 0) continue;
    const stack: { node: number; next: number }[] = [{ node: root, next: 0 }];
    state[root] = 1;
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const children = successors[frame.node]!;
      if (frame.next < children.length) {
        const child = children[frame.next++]!;
        if (state[child] === 1) continue; // closes a cycle: not followed
        kept[frame.node]!.push(child);
        if (state[child] === 0) {
          state[child] = 1;
          stack.push({ node: child, next: 0 });
        }
      } else {
        state[frame.node] = 2;
        order.push(frame.node);
        stack.pop();
      }
    }
  }
  const paths = new Array<number>(count).fill(0);
  for (const root of roots) paths[root] = 1;
  // Reverse post-order is a topological order of the kept edges.
  for (let position = order.length - 1; position >= 0; position--) {
    const node = order[position]!;
    for (const child of kept[node]!) paths[child] = Math.min(PATH_COUNT_LIMIT, paths[child]! + paths[node]!);
  }
  return paths;
}

/** PageRank over dependent → dependency edges. */
function pageRank(successors: readonly number[][]): number[] {
  const count = successors.length;
  if (count === 0) return [];
  const { damping, iterations, tolerance } = CONCERN_WEIGHTS.pageRank;
  let rank = new Array<number>(count).fill(1 / count);
  for (let iteration = 0; iteration < iterations; iteration++) {
    const next = new Array<number>(count).fill((1 - damping) / count);
    let dangling = 0;
    for (let node = 0; node < count; node++) {
      const out = successors[node]!;
      if (out.length === 0) {
        dangling += rank[node]!;
        continue;
      }
      const share = (damping * rank[node]!) / out.length;
      for (const child of out) next[child]! += share;
    }
    const spread = (damping * dangling) / count;
    let change = 0;
    for (let node = 0; node < count; node++) {
      next[node]! += spread;
      change += Math.abs(next[node]! - rank[node]!);
    }
    rank = next;
    if (change < tolerance) break;
  }
  return rank;
}
