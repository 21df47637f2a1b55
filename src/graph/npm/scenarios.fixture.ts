import { createHash } from 'node:crypto';
import semver from 'semver';

/**
 * Hand-written registries (fixtures/scenarios.json) turned into packuments:
 * the same documents are served to npm on 127.0.0.1 by test/record/npm-scenarios.ts
 * (to learn what npm does) and handed to the resolver in resolve.test.ts.
 */
export interface ScenarioVersion {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional: boolean }>;
  deprecated?: string;
  engines?: Record<string, string>;
  os?: string[];
  cpu?: string[];
  /** Publish time; default DEFAULT_PUBLISH_TIME. */
  time?: string;
}

export interface Scenario {
  name: string;
  why: string;
  before?: string;
  roots: Record<string, string>;
  packages: Record<string, { 'dist-tags'?: Record<string, string>; versions: Record<string, ScenarioVersion> }>;
}

/** What npm did with one scenario, as test/record/npm-scenarios.ts records it in fixtures/scenarios.expected.json. */
export interface ScenarioExpectation {
  name: string;
  npmVersion: string;
  nodeVersion: string;
  /** npm's exit: the lockfile when it succeeded, the error code (ERESOLVE, ETARGET...) when it did not. */
  packages?: { location: string; name: string; version: string; peer: boolean; optional: boolean; dev: boolean; extraneous: boolean }[];
  error?: string;
}

export const DEFAULT_PUBLISH_TIME = '2026-01-01T00:00:00.000Z';

/** The full packument of one scenario package, tarball URLs under `baseUrl`. */
export function scenarioPackument(scenario: Scenario, name: string, baseUrl: string): Record<string, unknown> | null {
  const entry = scenario.packages[name];
  if (!entry) return null;
  const versions: Record<string, unknown> = {};
  const time: Record<string, string> = { created: DEFAULT_PUBLISH_TIME, modified: DEFAULT_PUBLISH_TIME };
  for (const [version, fields] of Object.entries(entry.versions)) {
    const { time: published, ...manifest } = fields;
    const integrity = `sha512-${createHash('sha512').update(`${name}@${version}`).digest('base64')}`;
    const unscoped = name.includes('/') ? name.split('/')[1] : name;
    versions[version] = { name, version, ...manifest, dist: { integrity, tarball: `${baseUrl.replace(/\/$/, '')}/${name}/-/${unscoped}-${version}.tgz` } };
    time[version] = published ?? DEFAULT_PUBLISH_TIME;
  }
  const releases = Object.keys(entry.versions).filter((version) => !semver.prerelease(version));
  const latest = releases.sort(semver.rcompare)[0];
  const distTags = entry['dist-tags'] ?? (latest ? { latest } : {});
  return { name, 'dist-tags': distTags, versions, time };
}
