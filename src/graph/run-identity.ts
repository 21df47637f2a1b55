import { createHash } from 'node:crypto';
import { ChainwatchError, fail, ok, type Result } from '../core/errors.js';
import { toPurl } from '../core/package.js';
import { parseEnvironmentName, type TargetEnvironment } from '../ecosystems/pypi/environment.js';
import type { GraphInputs } from './inputs.js';
import type { RootRequest } from './resolver.js';
import { parseRoot } from './roots.js';

/**
 * The identity of what a run was asked: the roots, target environments and
 * GitHub organisations of its config, normalised and hashed. Runs are
 * compared only with earlier runs of the same identity, so a one-package
 * experiment never becomes the preset's "latest". A named profile
 * (`--profile weekly`) is an identity of its own that survives edits of the
 * config: the council's weekly history stays one history when a package is
 * added. Used by graph/run.ts, the coming audit, and store/ (migrating the
 * snapshots saved before runs had identities).
 */

/** What the hash covers, each list normalised, deduplicated and sorted. */
export interface IdentityInputs {
  /** Canonical PURLs: names as the ecosystem normalises them, qualifiers sorted, the version as asked (none = the newest). */
  roots: string[];
  /** `cpython<full version>-<sys.platform>-<machine>`: `py3.12-linux` and `py312-Linux` are the same. */
  environments: string[];
  /** GitHub organisations, lower case (GitHub's names are case-insensitive). */
  orgs: string[];
}

export interface RunIdentity {
  /** What runs are grouped and compared by: `profile:<name>` for a named profile, else `hash`. */
  key: string;
  /** SHA-256 (hex) of the normalised inputs; recorded for profiles too, to tell when a profile's inputs changed. */
  hash: string;
  profile: string | null;
  /** Where the inputs came from, for people: `preset:jupyter`, the config file, `command line`. */
  label: string;
  /**
   * Roots given on the command line (an experiment, `graph pkg:pypi/x`, or
   * a preset plus extra PURLs) and no profile: saved under its own identity,
   * and never the identity commands fall back to when none is named.
   */
  adHoc: boolean;
  inputs: IdentityInputs;
}

/** Bumped when the normalisation changes, so old and new hashes never collide by accident. */
const IDENTITY_VERSION = 1;
const PROFILE_KEY_PREFIX = 'profile:';

/** `[a-z0-9][a-z0-9._-]*`, at most 64 characters, lower-cased: a profile name fits in a file name and a table cell. */
export function parseProfileName(text: string): Result<string> {
  const name = text.trim().toLowerCase();
  if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(name)) {
    return fail(new ChainwatchError('invalid-argument', `not a profile name: ${JSON.stringify(text)} (letters, digits, . _ -, at most 64, e.g. weekly or jupyter-council)`));
  }
  return ok(name);
}

export function canonicalRoot(root: Pick<RootRequest, 'ecosystem' | 'name' | 'version' | 'qualifiers'>): string {
  const qualifiers = Object.fromEntries(Object.entries(root.qualifiers).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const version = root.version?.trim() || null;
  return toPurl(root.ecosystem, root.name, version, Object.keys(qualifiers).length > 0 ? qualifiers : undefined);
}

export function canonicalEnvironment(environment: TargetEnvironment): string {
  return `cpython${environment.python_full_version}-${environment.sys_platform}-${environment.platform_machine.toLowerCase()}`;
}

function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export function identityInputs(request: { roots: readonly Pick<RootRequest, 'ecosystem' | 'name' | 'version' | 'qualifiers'>[]; environments: readonly TargetEnvironment[]; orgs: readonly string[] }): IdentityInputs {
  return {
    roots: sortedUnique(request.roots.map(canonicalRoot)),
    environments: sortedUnique(request.environments.map(canonicalEnvironment)),
    orgs: sortedUnique(request.orgs.map((org) => org.trim().toLowerCase()).filter((org) => org !== '')),
  };
}

export function identityHash(inputs: IdentityInputs): string {
  const canonical = JSON.stringify({ version: IDENTITY_VERSION, roots: sortedUnique(inputs.roots), environments: sortedUnique(inputs.environments), orgs: sortedUnique(inputs.orgs) });
  return createHash('sha256').update(canonical).digest('hex');
}

/** The identity of a request; `profile` (already parsed) names it instead of the hash. */
export function runIdentity(
  request: { roots: readonly Pick<RootRequest, 'ecosystem' | 'name' | 'version' | 'qualifiers'>[]; environments: readonly TargetEnvironment[]; orgs: readonly string[]; label: string; adHoc: boolean },
  profile: string | null = null,
): RunIdentity {
  const inputs = identityInputs(request);
  const hash = identityHash(inputs);
  return { key: profile === null ? hash : `${PROFILE_KEY_PREFIX}${profile}`, hash, profile, label: request.label, adHoc: profile === null && request.adHoc, inputs };
}

/** The identity of a graph run's inputs: the config's roots, environments and orgs; `profile` (parsed) names it instead. */
export function graphRunIdentity(inputs: GraphInputs, profile?: string): RunIdentity {
  return runIdentity(
    { roots: inputs.roots, environments: inputs.environments.map((entry) => entry.environment), orgs: inputs.orgs ?? [], label: inputs.source, adHoc: inputs.adHoc ?? false },
    profile ?? null,
  );
}

/** An identity as people read it: the profile's name, else the first 12 hex digits of the hash. */
export function shortIdentity(key: string): string {
  return key.startsWith(PROFILE_KEY_PREFIX) ? key : key.slice(0, 12);
}

/** An identity in a sentence: `profile weekly`, `preset:jupyter`, the config file, or an experiment's roots. */
export function describeIdentity(identity: Pick<RunIdentity, 'profile' | 'label' | 'adHoc' | 'inputs'>): string {
  if (identity.profile !== null) return `profile ${identity.profile}`;
  if (!identity.adHoc || identity.inputs.roots.length === 0) return identity.label;
  const [first, second, ...rest] = identity.inputs.roots;
  return [first, second].filter((root) => root !== undefined).join(' ') + (rest.length > 0 ? ` (+${rest.length} more)` : '');
}

/**
 * `--identity TEXT` against the identities a history holds: an exact key,
 * a profile's name (`weekly` or `profile:weekly`), or a unique prefix of at
 * least 6 hex digits of a hash.
 */
export function matchIdentity(keys: readonly string[], text: string): Result<string> {
  const wanted = text.trim().toLowerCase();
  const invalid = (message: string) => fail(new ChainwatchError('invalid-argument', message));
  if (keys.includes(wanted)) return ok(wanted);
  if (keys.includes(`${PROFILE_KEY_PREFIX}${wanted}`)) return ok(`${PROFILE_KEY_PREFIX}${wanted}`);
  if (/^[0-9a-f]{6,}$/.test(wanted)) {
    const matches = keys.filter((key) => key.startsWith(wanted));
    if (matches.length === 1) return ok(matches[0]!);
    if (matches.length > 1) return invalid(`identity ${JSON.stringify(text)} is ambiguous: ${matches.map(shortIdentity).join(', ')}`);
  }
  return invalid(`no runs of identity ${JSON.stringify(text)} in the history (chainwatch runs list shows them)`);
}

/**
 * The identity of a snapshot saved before runs had identities, from what it
 * stored: its roots (as given), environment names and config source. Those
 * snapshots did not record the config's orgs: they are hashed with none, and
 * the first run with the same roots and environments adopts them (store/).
 * A root or environment that no longer parses is hashed as written.
 */
export function legacyIdentity(stored: { roots: readonly string[]; environments: readonly string[]; config?: string }): RunIdentity {
  const label = stored.config ?? 'command line';
  const roots = stored.roots.map((text) => {
    const root = parseRoot(text);
    return root.ok ? canonicalRoot(root.value) : text.trim();
  });
  const environments = stored.environments.map((name) => {
    const environment = parseEnvironmentName(name);
    return environment.ok ? canonicalEnvironment(environment.value) : name.trim();
  });
  const inputs: IdentityInputs = { roots: sortedUnique(roots), environments: sortedUnique(environments), orgs: [] };
  const hash = identityHash(inputs);
  return { key: hash, hash, profile: null, label, adHoc: label === 'command line', inputs };
}
