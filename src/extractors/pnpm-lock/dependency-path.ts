import semver from 'semver';

/** A `packages` key of pnpm-lock.yaml read as a package name and the version written in it. */
export interface DependencyPath {
  name: string;
  /** As written, peer suffix removed; not always a version (`name@https://…` in v9). */
  version: string;
  /** True when `version` is a valid semver version, i.e. the key names a registry package. */
  isVersion: boolean;
}

/** A scoped or plain npm package name: nothing else may come out of a key. */
const PACKAGE_NAME = /^(?:@[^/@\s]+\/)?[^/@\s]+$/;

/**
 * Reads a `packages` key in the syntax of its lockfile version:
 *   5.x  `/name/1.2.3`, `/@scope/name/1.2.3_peer@2.0.0`, `registry.host/name/1.2.3`
 *   6.x  `/name@1.2.3(peer@2.0.0)`, `/@scope/name@1.2.3`
 *   9.x  `name@1.2.3`, `@scope/name@1.2.3`, `name@https://…`
 * Peer-dependency suffixes (`_…` in 5.x, `(…)` from 6.0) are dropped. Returns null
 * when the key does not name a package (git and tarball keys such as
 * `github.com/owner/repo/<sha>` carry `name` and `version` fields instead);
 * `isVersion` is false when the name is certain but the rest is not a version.
 */
export function parseDependencyPath(key: string, lockfileMajor: number): DependencyPath | null {
  const major = Number.isFinite(lockfileMajor) ? lockfileMajor : guessMajor(key);
  if (major >= 9) return named(splitAtVersion(withoutPeers(key)));
  // Before 9.0, keys start with `/` for the default registry and with a host otherwise.
  const path = key.startsWith('/') ? key.slice(1) : withoutHost(key);
  if (path === null) return null;
  if (major >= 6) return named(splitAtVersion(withoutPeers(path)));
  // 5.x git keys look like `github.com/owner/repo`: without a version in place, the name is not one either.
  const v5 = named(splitV5(path));
  return v5?.isVersion ? v5 : null;
}

/** Keys without lockfileVersion: v9 keys have no leading `/`; v6 separates the version with `@`. */
function guessMajor(key: string): number {
  if (!key.startsWith('/')) return 9;
  const asV6 = splitAtVersion(withoutPeers(key.slice(1)));
  return asV6 !== null && PACKAGE_NAME.test(asV6.name) && semver.valid(asV6.version) !== null ? 6 : 5;
}

function withoutPeers(path: string): string {
  const open = path.indexOf('(');
  return open === -1 ? path : path.slice(0, open);
}

function withoutHost(key: string): string | null {
  const slash = key.indexOf('/');
  return slash <= 0 ? null : key.slice(slash + 1);
}

function splitAtVersion(path: string): { name: string; version: string } | null {
  const at = path.indexOf('@', 1);
  if (at <= 0 || at === path.length - 1) return null;
  return { name: path.slice(0, at), version: path.slice(at + 1) };
}

/** 5.x: `name/version` or `@scope/name/version`, the version followed by `_peers` when there are any. */
function splitV5(path: string): { name: string; version: string } | null {
  const segments = path.split('/');
  const nameLength = path.startsWith('@') ? 2 : 1;
  if (segments.length !== nameLength + 1) return null;
  const version = segments[nameLength]!.split('_')[0]!;
  if (version === '') return null;
  return { name: segments.slice(0, nameLength).join('/'), version };
}

function named(split: { name: string; version: string } | null): DependencyPath | null {
  if (split === null || !PACKAGE_NAME.test(split.name)) return null;
  return { ...split, isVersion: semver.valid(split.version) !== null };
}
