import type { Ecosystem } from '../../core/package.js';
import { computeReach } from '../../graph/concerns.js';
import { normalizeRepositoryUrl } from '../../core/repository-url.js';
import type { DependencyGraph } from '../../graph/types.js';
import type { RepoImportance } from './types.js';

/**
 * Which repositories matter most, so the policy report starts with them.
 * Three sources, each normalised to a score in [0, 1] and merged by taking
 * the highest score a repository gets:
 *   - an explicit list (most important first);
 *   - the config's top packages (`packages:` in chainwatch.yaml, in the order
 *     written) matched to repositories by name;
 *   - a dependency graph snapshot: the reach (src/graph/concerns.ts) of the
 *     packages whose repository URL points at the repository.
 * Repositories no source mentions get no entry and come last, by name.
 */

/** Most important first: the first gets 1, the last 1/n. */
export function importanceFromList(repos: readonly string[], reason = 'listed as important'): RepoImportance[] {
  const unique = [...new Set(repos.map((repo) => repo.toLowerCase()))];
  return unique.map((repo, index) => ({ repo, score: (unique.length - index) / unique.length, reason: `${ordinal(index + 1)} ${reason}` }));
}

export interface NamedPackage {
  ecosystem: Ecosystem | string;
  name: string;
}

/**
 * The config's packages, in the order written, matched to repositories: a
 * repository matches a package with the same normalised name (`jupyter_server`
 * ↔ `jupyter-server`), or an npm scope with its name (`@lumino/widgets` ↔
 * `jupyterlab/lumino`). A repository takes the position of its first match.
 */
export function importanceFromPackages(packages: readonly NamedPackage[], repos: readonly string[]): RepoImportance[] {
  const result: RepoImportance[] = [];
  const total = packages.length;
  for (const repo of repos) {
    const repoName = normalizeName(repo.split('/')[1] ?? repo);
    const index = packages.findIndex((entry) => packageKeys(entry.name).includes(repoName));
    if (index === -1) continue;
    const entry = packages[index]!;
    result.push({ repo: repo.toLowerCase(), score: (total - index) / total, reason: `${ordinal(index + 1)} of the config's packages: ${entry.name}` });
  }
  return result;
}

/**
 * Reach from a graph snapshot: a repository scores the highest reach of the
 * packages whose (confirmed or claimed) repository URL names it.
 */
export function importanceFromGraph(graph: DependencyGraph, repos: readonly string[]): RepoImportance[] {
  const wanted = new Map(repos.map((repo) => [`github.com/${repo.toLowerCase()}`, repo.toLowerCase()]));
  const reach = computeReach(graph);
  const best = new Map<string, { score: number; purl: string }>();
  for (const node of graph.nodes) {
    const repository = node.signals.repository;
    if (!repository?.known) continue;
    const id = normalizeRepositoryUrl(repository.value.url);
    const repo = id === null ? undefined : wanted.get(id);
    if (repo === undefined) continue;
    const score = reach.get(node.purl)?.score ?? 0;
    const current = best.get(repo);
    if (!current || score > current.score || (score === current.score && node.purl < current.purl)) best.set(repo, { score, purl: node.purl });
  }
  return [...best].map(([repo, { score, purl }]) => ({ repo, score: Math.max(0, Math.min(1, score)), reason: `reach ${score.toFixed(2)} of ${purl}` }));
}

/** One entry per repository: the highest score any source gave it (ties: the first source's reason). */
export function mergeImportance(...sources: readonly (readonly RepoImportance[])[]): RepoImportance[] {
  const merged = new Map<string, RepoImportance>();
  for (const source of sources) {
    for (const entry of source) {
      const key = entry.repo.toLowerCase();
      const current = merged.get(key);
      if (!current || entry.score > current.score) merged.set(key, { ...entry, repo: key });
    }
  }
  return [...merged.values()].sort((a, b) => b.score - a.score || compareText(a.repo, b.repo));
}

/** Orders items by importance (highest first), then by repository name; unknown repositories last. */
export function orderByImportance<T extends { repo: string }>(items: readonly T[], importance: readonly RepoImportance[] = []): T[] {
  const scores = new Map(importance.map((entry) => [entry.repo.toLowerCase(), entry.score]));
  return [...items].sort((a, b) => {
    const scoreA = scores.get(a.repo.toLowerCase());
    const scoreB = scores.get(b.repo.toLowerCase());
    if (scoreA !== scoreB) {
      if (scoreA === undefined) return 1;
      if (scoreB === undefined) return -1;
      if (scoreA !== scoreB) return scoreB - scoreA;
    }
    return compareText(a.repo.toLowerCase(), b.repo.toLowerCase()) || compareText(a.repo, b.repo);
  });
}

/** Code-point order, never locale order: the same report always gives the same string. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/**
 * `@lumino/widgets` → [`lumino`] (the scope names the project; `@jupyterlab/notebook`
 * must not match the `notebook` repository); `jupyter_server` → [`jupyter-server`].
 */
function packageKeys(name: string): string[] {
  const scoped = /^@([^/]+)\/.+$/.exec(name);
  return scoped ? [normalizeName(scoped[1]!)] : [normalizeName(name)];
}

function ordinal(value: number): string {
  const tens = value % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[value % 10] ?? 'th';
  return `${value}${suffix}`;
}
