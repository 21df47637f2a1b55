import type { PnpmImporter, PnpmSnapshot } from './schema.js';

/** Keys of `packages` (`name@1.2.3`, no peer suffix) that are dev-only or optional-only. */
export interface PackageGroups {
  dev: Set<string>;
  optional: Set<string>;
}

/**
 * Lockfile v9 dropped the `dev` flag that 5.x/6.x kept on each package, and
 * moved `optional` to `snapshots` (one snapshot per peer-dependency variant,
 * `a@1.0.0(b@2.0.0)`). Both are recovered the way pnpm computed them:
 * - dev: reachable from some importer's `devDependencies` and from no
 *   importer's `dependencies`/`optionalDependencies`;
 * - optional: every snapshot of the package says `optional: true`.
 */
export function groupsFromGraph(importers: readonly PnpmImporter[], snapshots: ReadonlyMap<string, PnpmSnapshot>): PackageGroups {
  const optionalByPackage = new Map<string, boolean>();
  for (const [snapshotKey, snapshot] of snapshots) {
    const packageKey = withoutPeers(snapshotKey);
    optionalByPackage.set(packageKey, (optionalByPackage.get(packageKey) ?? true) && snapshot.optional === 'true');
  }
  const optional = new Set([...optionalByPackage].filter(([, isOptional]) => isOptional).map(([packageKey]) => packageKey));

  const prodRoots = importers.flatMap((importer) => [...rootsOf(importer.dependencies), ...rootsOf(importer.optionalDependencies)]);
  const devRoots = importers.flatMap((importer) => rootsOf(importer.devDependencies));
  const prod = reachablePackages(prodRoots, snapshots);
  const dev = new Set([...reachablePackages(devRoots, snapshots)].filter((packageKey) => !prod.has(packageKey)));
  return { dev, optional };
}

function rootsOf(dependencies: PnpmImporter['dependencies']): string[] {
  const roots: string[] = [];
  for (const [name, resolved] of Object.entries(dependencies ?? {})) {
    const key = resolved ? snapshotKeyOf(name, resolved.version) : null;
    if (key !== null) roots.push(key);
  }
  return roots;
}

/** Walks `snapshots` edges from the given snapshot keys; returns the package keys met. */
function reachablePackages(roots: readonly string[], snapshots: ReadonlyMap<string, PnpmSnapshot>): Set<string> {
  const seen = new Set<string>(roots);
  const pending = [...roots];
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    const snapshot = snapshots.get(current);
    if (!snapshot) continue;
    for (const edges of [snapshot.dependencies, snapshot.optionalDependencies]) {
      for (const [name, version] of Object.entries(edges ?? {})) {
        const child = snapshotKeyOf(name, version);
        if (child !== null && !seen.has(child)) {
          seen.add(child);
          pending.push(child);
        }
      }
    }
  }
  return new Set([...seen].map(withoutPeers));
}

/**
 * The snapshot a dependency points at: `name@version(peers)`, or the version
 * itself for aliases (`string-width-cjs: string-width@4.2.3`); `link:` targets
 * are workspace folders, not snapshots.
 */
function snapshotKeyOf(name: string, version: string): string | null {
  if (version.startsWith('link:')) return null;
  return withoutPeers(version).indexOf('@', 1) > 0 ? version : `${name}@${version}`;
}

function withoutPeers(key: string): string {
  const open = key.indexOf('(');
  return open === -1 ? key : key.slice(0, open);
}
