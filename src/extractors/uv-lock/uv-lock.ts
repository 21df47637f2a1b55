import { normalizeName } from '../../core/package.js';
import { lockedPypiPackage, readPackageTables } from '../common/read-package-tables.js';
import { addPackage } from '../common/result.js';
import type { ExtractedPackage, ExtractInput, ExtractResult } from '../types.js';
import { UvPackage, type UvDependency } from './schema.js';

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

  /**
   * Where an edge leads: every package of its name, or of its name and version. Work is linear
   * in the file: each group is expanded once, and for an extra only its members that define it
   * are visited (a hostile file with 50,000 same-name packages and 50,000 edges each asking for
   * another extra would otherwise cost 50,000 × 50,000 steps).
   */
  const groups = new Map<string, number[]>();
  const addToGroup = (key: string, index: number) => {
    const members = groups.get(key);
    if (members) members.push(index);
    else groups.set(key, [index]);
  };
  entries.forEach((entry, index) => {
    const name = normalizeName('PyPI', entry.name);
    addToGroup(`${name}\u0000`, index);
    if (entry.version !== undefined) addToGroup(`${name}\u0000${entry.version}`, index);
  });
  const groupKey = (edge: UvDependency) => `${normalizeName('PyPI', edge.name)}\u0000${edge.version ?? ''}`;

  /** The members of a group that define each extra, built once per group. */
  const extrasOfGroup = new Map<string, Map<string, number[]>>();
  function membersWithExtra(key: string, extra: string): number[] {
    let byExtra = extrasOfGroup.get(key);
    if (!byExtra) {
      byExtra = new Map();
      for (const index of groups.get(key) ?? []) {
        for (const defined of Object.keys(entries[index]!['optional-dependencies'] ?? {})) {
          const members = byExtra.get(defined);
          if (members) members.push(index);
          else byExtra.set(defined, [index]);
        }
      }
      extrasOfGroup.set(key, byExtra);
    }
    return byExtra.get(extra) ?? [];
  }

  /** Follows edges from `start`; an edge with `extra = [...]` also activates those extras of its target. */
  function reach(start: UvDependency[]): Set<number> {
    const reached = new Set<number>();
    const visited = new Set<string>();
    const queue: UvDependency[] = [...start];
    // Edges are pushed one at a time: spreading 200,000 of them into push() overflows the call stack.
    const follow = (edges: readonly UvDependency[] | undefined) => {
      for (const edge of edges ?? []) queue.push(edge);
    };
    while (queue.length > 0) {
      const edge = queue.pop()!;
      const key = groupKey(edge);
      for (const extra of ['', ...(edge.extra ?? [])]) {
        const state = `${key}\u0001${extra}`;
        if (visited.has(state)) continue;
        visited.add(state);
        if (extra === '') {
          for (const index of groups.get(key) ?? []) {
            reached.add(index);
            follow(entries[index]!.dependencies);
          }
        } else {
          for (const index of membersWithExtra(key, extra)) follow(entries[index]!['optional-dependencies']?.[extra]);
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
