import semver from 'semver';
import type { NpmManifest, NpmPackument } from '../../ecosystems/npm/schema.js';
import { satisfiesLoose, type NpmSpec } from './spec.js';

/**
 * npm's choice of a version for a spec (the rules of npm-pick-manifest, as
 * pacote applies them during `npm install`):
 *   - a dist-tag means exactly that version (or, when it was published after
 *     `before`, the highest version at or below it published by then);
 *   - a version means exactly that version;
 *   - a range takes the `latest` dist-tag when it satisfies the range, was
 *     published by `before`, is not deprecated and its `engines` accept the
 *     running node/npm; otherwise the versions in range are sorted by: not
 *     deprecated and engine-compatible, then engine-compatible, then not
 *     deprecated, then highest version. So a deprecated version is taken only
 *     when nothing else satisfies, and pre-releases only when the range names
 *     one (semver's default).
 */
export interface PickOptions {
  /** Versions published after this instant are invisible (npm's `--before`). */
  before: Date | null;
  /** The node version npm checks `engines.node` against. */
  nodeVersion: string;
  /** The npm version checked against `engines.npm`; null skips that check. */
  npmVersion: string | null;
}

export type PickResult = { ok: true; manifest: NpmManifest } | { ok: false; reason: string };

function engineOk(manifest: NpmManifest, options: PickOptions): boolean {
  const engines = manifest.engines;
  if (!engines) return true;
  const inclusive = { includePrerelease: true };
  const node = engines.node;
  if (node && !semver.satisfies(options.nodeVersion, node as string, inclusive)) return false;
  const npm = engines.npm;
  if (options.npmVersion && npm && !semver.satisfies(options.npmVersion, npm as string, inclusive)) return false;
  return true;
}

function isDeprecated(manifest: NpmManifest): boolean {
  return Boolean(manifest.deprecated);
}

function publishedBy(packument: NpmPackument, version: string | undefined, cutoff: number): boolean {
  const times = packument.time;
  if (!times || version === undefined || !times[version]) return true;
  return Date.parse(times[version]!) <= cutoff;
}

export function pickManifest(packument: NpmPackument, spec: NpmSpec, options: PickOptions): PickResult {
  const versions = packument.versions;
  const cutoff = options.before && packument.time ? options.before.getTime() : Number.POSITIVE_INFINITY;
  const distTags = packument['dist-tags'];

  if (spec.type === 'alias') return pickManifest(packument, spec.target, options);
  if (spec.type === 'unsupported') return { ok: false, reason: `unsupported spec ${spec.raw}` };

  if (spec.type === 'tag' && spec.fetchSpec !== '') {
    const version = distTags[spec.fetchSpec];
    if (publishedBy(packument, version, cutoff)) {
      const manifest = version === undefined ? undefined : versions[version];
      return manifest ? { ok: true, manifest } : { ok: false, reason: `no dist-tag ${spec.fetchSpec}` };
    }
    return pickManifest(packument, { type: 'range', fetchSpec: `<=${version}` }, options);
  }

  if (spec.type === 'version') {
    const version = semver.clean(spec.fetchSpec, { loose: true });
    const manifest = version === null ? undefined : versions[version];
    if (manifest && publishedBy(packument, version!, cutoff)) return { ok: true, manifest };
    return { ok: false, reason: `no version ${spec.fetchSpec}` };
  }

  const range = spec.type === 'range' ? spec.fetchSpec : '*';
  const latest = distTags.latest;
  if (latest !== undefined && (range === '*' || satisfiesLoose(latest, range))) {
    const manifest = versions[latest];
    if (manifest && publishedBy(packument, latest, cutoff) && engineOk(manifest, options) && !isDeprecated(manifest)) {
      return { ok: true, manifest };
    }
  }

  // Read only the manifests in range: the rest are never parsed (see schema.ts).
  const candidates = Object.keys(versions).filter((version) => publishedBy(packument, version, cutoff));
  if (candidates.length === 0) return { ok: false, reason: 'no versions' };
  // Highest first (a stable sort: equal versions keep the document's order). The first one that is
  // neither deprecated nor refused by `engines` is the answer the full ordering below would give,
  // so usually one manifest is read instead of every one in range.
  // Each version parsed once for the sort (semver.rcompare would parse both sides on every comparison).
  const byVersion = candidates
    .filter((version) => satisfiesLoose(version, range))
    .map((version) => ({ version, parsed: new semver.SemVer(version, { loose: true }) }))
    .sort((a, b) => b.parsed.compare(a.parsed))
    .map((entry) => entry.version);
  for (const version of byVersion) {
    const manifest = versions[version]!;
    if (!isDeprecated(manifest) && engineOk(manifest, options)) return { ok: true, manifest };
  }
  const inRange = byVersion.map((version) => {
    const manifest = versions[version]!;
    const engine = engineOk(manifest, options);
    const notDeprecated = !isDeprecated(manifest);
    return { version, manifest, engine, notDeprecated };
  });
  inRange.sort(
    (a, b) =>
      Number(b.notDeprecated && b.engine) - Number(a.notDeprecated && a.engine) ||
      Number(b.engine) - Number(a.engine) ||
      Number(b.notDeprecated) - Number(a.notDeprecated) ||
      semver.rcompare(a.version, b.version, true),
  );
  const best = inRange[0];
  return best ? { ok: true, manifest: best.manifest } : { ok: false, reason: `no version matching ${range}` };
}
