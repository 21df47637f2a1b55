import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { replayClient } from '../../../test/http-replay.js';
import { createNpmRegistry, type NpmRegistry } from '../../ecosystems/npm/registry.js';
import { NpmPackument } from '../../ecosystems/npm/schema.js';
import type { ScenarioExpectation } from './scenarios.fixture.js';
import { collectingSink } from '../../core/events.js';
import { HostError } from '../../core/errors.js';
import { installedSet, resolveNpm, toGraphEdges } from './resolve.js';
import { scenarioPackument, type Scenario } from './scenarios.fixture.js';

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

interface ScenarioFile {
  scenarios: Scenario[];
}

const scenarioFile = JSON.parse(readFileSync(new URL('./fixtures/scenarios.json', import.meta.url), 'utf8')) as ScenarioFile;
const scenarioExpectations = JSON.parse(readFileSync(new URL('./fixtures/scenarios.expected.json', import.meta.url), 'utf8')) as ScenarioExpectation[];

/** The scenario's packuments straight from memory (the registry client is tested on its own). */
function scenarioRegistry(scenario: Scenario): NpmRegistry & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async packument(name) {
      asked.push(name);
      const document = scenarioPackument(scenario, name, REGISTRY);
      return document ? NpmPackument.parse(document) : null;
    },
    packumentUrl: (name) => `${REGISTRY}${name}`,
  };
}

describe('resolveNpm on hand-written registries, against what npm did with them (scenarios.expected.json)', () => {
  it.each(scenarioFile.scenarios.map((scenario) => [scenario.name, scenario] as const))('%s', async (_name, scenario) => {
    const expected = scenarioExpectations.find((entry) => entry.name === scenario.name);
    expect(expected?.packages).toBeDefined();
    const resolution = await resolveNpm(
      Object.entries(scenario.roots).map(([name, range]) => ({ name, range })),
      { registry: scenarioRegistry(scenario), before: scenario.before ? new Date(scenario.before) : null, nodeVersion: expected!.nodeVersion, npmVersion: expected!.npmVersion },
    );
    expect(
      resolution.packages.map(({ location, packageName, version, peer, optional, dev, extraneous }) => ({ location, name: packageName, version, peer, optional, dev, extraneous })),
    ).toEqual([...expected!.packages!].sort(byLocation));
  });

  it('reports a dependency that cannot be loaded, and leaves a missing optional one out of the lockfile', async () => {
    const scenario = scenarioFile.scenarios.find((entry) => entry.name === 'optional-and-platform')!;
    const resolution = await resolveNpm([{ name: 'a', range: '1' }, { name: 'nope', range: '^1.0.0' }], { registry: scenarioRegistry(scenario) });
    expect(resolution.failures.map(({ name, optional, requiredBy }) => ({ name, optional, requiredBy }))).toEqual([
      { name: 'nope', optional: false, requiredBy: '' },
      { name: 'missing-optional', optional: true, requiredBy: 'node_modules/a' },
    ]);
    expect(resolution.packages.map((entry) => entry.location)).not.toContain('node_modules/missing-optional');
  });

  it('asks for each packument once, in the abbreviated form without a cut-off', async () => {
    const scenario = scenarioFile.scenarios.find((entry) => entry.name === 'deep-nesting')!;
    const forms: string[] = [];
    const registry = scenarioRegistry(scenario);
    const counting: NpmRegistry = { packument: (name, form) => (forms.push(form ?? 'abbreviated'), registry.packument(name, form)), packumentUrl: registry.packumentUrl };
    const resolution = await resolveNpm([{ name: 'a', range: '1' }, { name: 'x', range: '1' }], { registry: counting });
    expect([...registry.asked].sort()).toEqual(['a', 'b', 'c', 's', 'x']);
    expect(new Set(forms)).toEqual(new Set(['abbreviated']));
    expect(resolution.packumentRequests).toBe(5);
  });
});

describe('resolveNpm outputs', () => {
  const scenario = scenarioFile.scenarios.find((entry) => entry.name === 'peers')!;

  it('gives graph edges between purls with npm edge kinds, the roots as targets of the project', async () => {
    const resolution = await resolveNpm([{ name: 'ui', range: '1' }, { name: 'plugin', range: '1' }], { registry: scenarioRegistry(scenario) });
    const edges = toGraphEdges(resolution, 'pkg:npm/project');
    expect(edges).toContainEqual({ from: 'pkg:npm/project', to: 'pkg:npm/ui@1.0.0', requirement: '1', kind: 'runtime' });
    expect(edges).toContainEqual({ from: 'pkg:npm/ui@1.0.0', to: 'pkg:npm/react@18.2.0', requirement: '^17.0.0 || ^18.0.0', kind: 'peer' });
    expect(edges).toContainEqual({ from: 'pkg:npm/react-dom@18.2.0', to: 'pkg:npm/scheduler@0.23.0', requirement: '^0.23.0', kind: 'runtime' });
    expect(edges).toHaveLength(8);
  });

  it('emits progress events while it resolves', async () => {
    const events = collectingSink();
    await resolveNpm([{ name: 'ui', range: '1' }], { registry: scenarioRegistry(scenario), events });
    const progress = events.events.filter((event) => event.type === 'progress');
    expect(progress.length).toBeGreaterThan(1);
    expect(progress[0]).toMatchObject({ type: 'progress', task: 'npm-resolve', done: 1, detail: '(root)' });
  });

  it('lets a registry failure through as the HostError it is', async () => {
    const failing: NpmRegistry = {
      packument: async () => {
        throw new HostError('npm', 'the npm registry answered 503', { status: 503 });
      },
      packumentUrl: (name) => `${REGISTRY}${name}`,
    };
    await expect(resolveNpm([{ name: 'a' }], { registry: failing })).rejects.toBeInstanceOf(HostError);
  });
});
