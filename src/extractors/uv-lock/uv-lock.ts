import { normalizeName } from '../../core/package.js';
import { lockedPypiPackage, readPackageTables } from '../common/read-package-tables.js';
import { addPackage } from '../common/result.js';
import type { ExtractedPackage, ExtractInput, ExtractResult } from '../types.js';
import { UvPackage, type UvDependency } from './schema.js';

export function detectUvLock(path: string): boolean {
  return path.split(/[\\/]/).pop() === 'uv.lock';
}

/** Reads every `[[package]]` of a uv.lock except the project's own (workspace) packages; never throws on bad input. */
export function extractUvLock(input: ExtractInput): ExtractResult {
  const { tables: locked, errors } = readPackageTables(input, { key: 'package', fileLabel: 'uv.lock', schema: UvPackage, markers: ['version', 'requires-python'] });
  const result: ExtractResult = { packages: [], notScannable: [], errors };

  const roles = dependencyRoles(locked.map((item) => item.entry));
  locked.forEach(({ entry, location }, index) => {
    if (isProjectItself(entry)) return;
    const extracted = lockedPypiPackage(entry, location, sourceOf(entry));
    const role = roles[index];
    if (role === 'optional') extracted.optional = true;
    if (role === 'dev') extracted.dev = true;
    addPackage(result, extracted, 'no version in the lock entry (dynamic version)');
  });
  return result;
}

/**
 * The project and its workspace members: `virtual` (no build system) and
 * `editable` sources, and a plain `directory = "."`. They are the code being
 * scanned, not dependencies, so they are not reported.
 */
function isProjectItself(entry: UvPackage): boolean {
  const source = entry.source;
  if (!source) return false;
  return source.virtual !== undefined || source.editable !== undefined || source.directory === '.';
}

function sourceOf(entry: UvPackage): Pick<ExtractedPackage, 'source' | 'commit' | 'qualifiers'> {
  const source = entry.source;
  if (!source || source.registry !== undefined) return { source: 'registry' };
  if (source.git !== undefined) {
    // `git+https://host/repo?rev=main#<full commit>`: the fragment is the resolved commit.
    const hash = source.git.indexOf('#');
    const repository = (hash === -1 ? source.git : source.git.slice(0, hash)).replace(/\?.*$/, '');
    const commit = hash === -1 ? '' : source.git.slice(hash + 1);
    return { source: 'git', ...(commit ? { commit } : {}), qualifiers: { vcs_url: repository } };
  }
  if (source.url !== undefined) return { source: 'url', qualifiers: { download_url: source.url } };
  if (source.path !== undefined || source.directory !== undefined) return { source: 'path' };
  return { source: 'unknown' };
}

type Role = 'main' | 'optional' | 'dev' | 'unknown';

/**
 * uv.lock has no per-package group; it records the project's own edges:
 * `dependencies`, `optional-dependencies` (extras) and `dev-dependencies`
 * (dependency groups). A package reachable from the project's dependencies is
 * main; otherwise from an extra, optional; otherwise from a group, dev.
 */
function dependencyRoles(entries: UvPackage[]): Role[] {
  const roots = entries.flatMap((entry, index) => (isProjectItself(entry) ? [index] : []));
  if (roots.length === 0) return entries.map(() => 'unknown');

  const byName = new Map<string, number[]>();
  entries.forEach((entry, index) => {
    const key = normalizeName('PyPI', entry.name);
    byName.set(key, [...(byName.get(key) ?? []), index]);
  });

  function targets(edge: UvDependency): number[] {
    const candidates = byName.get(normalizeName('PyPI', edge.name)) ?? [];
    if (edge.version === undefined) return candidates;
    return candidates.filter((index) => entries[index]!.version === edge.version);
  }

  /** Follows edges from `start`; an edge with `extra = [...]` also activates those extras of its target. */
  function reach(start: UvDependency[]): Set<number> {
    const reached = new Set<number>();
    const visited = new Set<string>();
    const queue: UvDependency[] = [...start];
    while (queue.length > 0) {
      const edge = queue.pop()!;
      for (const index of targets(edge)) {
        const target = entries[index]!;
        reached.add(index);
        for (const extra of ['', ...(edge.extra ?? [])]) {
          const state = `${index}\u0000${extra}`;
          if (visited.has(state)) continue;
          visited.add(state);
          queue.push(...(extra === '' ? (target.dependencies ?? []) : (target['optional-dependencies']?.[extra] ?? [])));
        }
      }
    }
    return reached;
  }

  const rootEdges = (pick: (entry: UvPackage) => UvDependency[]) => roots.flatMap((index) => pick(entries[index]!));
  const allOf = (groups: Record<string, UvDependency[] | undefined> | undefined) => Object.values(groups ?? {}).flatMap((edges) => edges ?? []);
  const main = reach(rootEdges((entry) => entry.dependencies ?? []));
  const optional = reach(rootEdges((entry) => allOf(entry['optional-dependencies'])));
  const dev = reach(rootEdges((entry) => allOf(entry['dev-dependencies'])));

  return entries.map((_entry, index) => {
    if (main.has(index)) return 'main';
    if (optional.has(index)) return 'optional';
    if (dev.has(index)) return 'dev';
    return 'unknown';
  });
}
