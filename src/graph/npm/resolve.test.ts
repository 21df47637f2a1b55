import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { replayClient } from '../../../test/http-replay.js';
import { createNpmRegistry } from '../../ecosystems/npm/registry.js';
import { installedSet, resolveNpm } from './resolve.js';

const REGISTRY = 'https://registry.npm.test/';

function byLocation(a: { location: string }, b: { location: string }): number {
  return a.location < b.location ? -1 : a.location > b.location ? 1 : 0;
}

interface ExpectedLock {
  roots: string[];
  before: string;
  npmVersion: string;
  nodeVersion: string;
  packages: { location: string; name: string; version: string; peer: boolean; optional: boolean; dev: boolean }[];
}

describe('resolveNpm on recorded registry data, against the lockfile npm wrote for the same root and cut-off', () => {
  it.each(['lumino-widgets', 'jupyter-widgets-base'])('%s', async (fixture) => {
    const expected = JSON.parse(readFileSync(new URL(`../../ecosystems/npm/fixtures/${fixture}.expected.json`, import.meta.url), 'utf8')) as ExpectedLock;
    const { client, agent } = replayClient(new URL(`../../ecosystems/npm/fixtures/${fixture}.cassette.json.gz`, import.meta.url), { persist: true });
    const registry = createNpmRegistry({ http: client, resolveRegistry: () => ({ url: REGISTRY }) });
    const resolution = await resolveNpm(
      expected.roots.map((name) => ({ name })),
      { registry, before: new Date(expected.before), nodeVersion: expected.nodeVersion, npmVersion: expected.npmVersion },
    );
    expect(resolution.failures).toEqual([]);
    expect(resolution.unsupported).toEqual([]);
    expect(
      resolution.packages.map(({ location, packageName, version, peer, optional, dev }) => ({ location, name: packageName, version, peer, optional, dev })),
    ).toEqual([...expected.packages].sort(byLocation));
    expect(installedSet(resolution)).toEqual([...new Set(expected.packages.map((entry) => `${entry.name}@${entry.version}`))].sort());
    await client.close();
    await agent.close();
  });
});
