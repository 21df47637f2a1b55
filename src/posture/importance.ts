import { LineCounter, parseDocument } from 'yaml';
import { ChainwatchError, fail, ok, type Result } from '../core/errors.js';
import type { Ecosystem } from '../core/package.js';
import { computeReach } from '../graph/concerns.js';
import { compareText } from '../core/compare.js';
import { normalizeRepositoryUrl } from '../core/repository-url.js';
import type { DependencyGraph } from '../graph/types.js';
import { INPUT_LIMITS, readInputText } from '../inventory/read-input.js';
import { yamlToJs, yamlTooDeep } from './parse-text.js';
import { isRepositoryName } from './types.js';

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

/** How much a repository matters, for ordering reports: higher first. */
export interface RepoImportance {
  /** `owner/name`. */
  repo: string;
  /** In [0, 1]; sources are normalised to this range so they can be merged. */
  score: number;
  /** Where the score came from, for the report's reader (`2nd of the config's packages: notebook`). */
  reason: string;
}

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

/** What the graph history gave (the front end opens the store: posture sits below it). */
export type GraphHistoryAnswer =
  /** The latest snapshot's graph. */
  | { kind: 'graph'; graph: DependencyGraph }
  /** No history at the usual place, or no snapshot in it. */
  | { kind: 'none' }
  /** The history exists but could not be read: noted, and the ranking goes on without it. */
  | { kind: 'unusable'; error: unknown }
  /** The history asked for does not exist: bad input. */
  | { kind: 'missing'; error: ChainwatchError };

export interface ImportanceSources {
  /** A YAML (or JSON) list of `owner/name`, most important first (`chainwatch posture --importance`). */
  listPath?: string;
  /** The config's packages, in the order written. */
  packages: readonly NamedPackage[];
  /** Asked after the list was read, so a bad list is reported before the history is opened. */
  latestGraph?: () => Promise<GraphHistoryAnswer>;
}

export type ImportanceRanking =
  | {
      kind: 'ranked';
      importance: RepoImportance[];
      /** Where the importance came from, for the report (`importance from the list in x.yaml, ...`); '' when from nowhere. */
      note: string;
      /** Why the graph history was not used, when it could not be read. */
      historyError?: unknown;
      /** The latest snapshot was read but no package in it names any of the repositories (said, never silent). */
      historyNamesNone?: true;
    }
  | { kind: 'bad-input'; input: 'importance' | 'history'; error: ChainwatchError };

/**
 * Importance for ordering: the explicit list, the config's packages matched
 * to repositories, and the reach of their packages in the latest graph
 * snapshot, merged (highest score wins).
 */
export async function rankRepositories(repos: readonly string[], sources: ImportanceSources): Promise<ImportanceRanking> {
  const found: RepoImportance[][] = [];
  const used: string[] = [];
  if (sources.listPath !== undefined) {
    const list = await readImportanceList(sources.listPath);
    if (!list.ok) return { kind: 'bad-input', input: 'importance', error: list.error };
    found.push(importanceFromList(list.value, `in ${sources.listPath}`));
    used.push(`the list in ${sources.listPath}`);
  }
  if (sources.packages.length > 0) {
    const fromPackages = importanceFromPackages(sources.packages, repos);
    if (fromPackages.length > 0) {
      found.push(fromPackages);
      used.push("the order of the config's packages");
    }
  }
  const history = sources.latestGraph ? await sources.latestGraph() : ({ kind: 'none' } as const);
  if (history.kind === 'missing') return { kind: 'bad-input', input: 'history', error: history.error };
  let graphMatched = false;
  if (history.kind === 'graph') {
    const fromGraph = importanceFromGraph(history.graph, repos);
    graphMatched = fromGraph.length > 0;
    if (graphMatched) {
      found.push(fromGraph);
      used.push('the reach of their packages in the latest graph snapshot');
    }
  }
  return {
    kind: 'ranked',
    importance: mergeImportance(...found),
    note: used.length > 0 ? `importance from ${used.join(', ')}` : '',
    ...(history.kind === 'unusable' ? { historyError: history.error } : {}),
    ...(history.kind === 'graph' && !graphMatched ? { historyNamesNone: true as const } : {}),
  };
}

/** Reads an importance list through the bounded reader (regular files only, 8 MiB, strict UTF-8). */
export async function readImportanceList(path: string): Promise<Result<string[]>> {
  let text: string;
  try {
    text = await readInputText(path, { maxBytes: INPUT_LIMITS.config });
  } catch (error) {
    if (!(error instanceof ChainwatchError)) throw error;
    return fail(error);
  }
  return parseImportanceList(text, path);
}

/** A YAML (or JSON) list of `owner/name`, most important first; every error names the file (and the line when there is one). */
export function parseImportanceList(text: string, path: string): Result<string[]> {
  const tooDeep = yamlTooDeep(text);
  if (tooDeep) return fail(new ChainwatchError('parse-error', `invalid YAML: ${tooDeep.message}`, { location: { path, line: tooDeep.line } }));
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter });
  const syntaxError = document.errors[0];
  if (syntaxError) {
    const message = (syntaxError.message.split('\n')[0] ?? syntaxError.message).replace(/:$/, '');
    return fail(new ChainwatchError('parse-error', `invalid YAML: ${message}`, { location: { path, line: lineCounter.linePos(syntaxError.pos[0]).line } }));
  }
  const converted = yamlToJs(document);
  const value = converted?.value;
  if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'string' && isRepositoryName(entry))) {
    return fail(new ChainwatchError('invalid-config', 'expected a list of owner/name, most important first', { location: { path } }));
  }
  return ok(value as string[]);
}
