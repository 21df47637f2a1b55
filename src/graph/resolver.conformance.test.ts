/**
 * One behavioural suite for every resolver in graph/modules.ts (as hono runs
 * every router through src/router/common.case.test.ts): the same cases, each
 * resolver over its recorded registry (test/record/ made the recordings; no
 * network). A resolver added to the typed map without a case here fails the
 * first test.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayClient } from '../../test/http-replay.js';
import { ChainwatchError } from '../core/errors.js';
import { createCondaChannel } from '../ecosystems/conda/registry.js';
import { createNpmRegistry } from '../ecosystems/npm/registry.js';
import { createPypiRegistry } from '../ecosystems/pypi/registry.js';
import { createHttpClient } from '../http/client.js';
import type { HttpClient } from '../http/types.js';
import { openHttpCache } from '../store/http-cache.js';
import { buildGraph } from './build.js';
import { createCondaResolver } from './conda/adapter.js';
import { graphModules } from './modules.js';
import { createNpmResolver } from './npm/adapter.js';
import { createPypiResolver } from './pypi/adapter.js';
import type { EcosystemResolution, EcosystemResolver } from './resolver.js';
import { clock, context, root, serveCondaFixtureChannel } from './resolver-testing.fixture.js';
import type { GraphEcosystem } from './roots.js';

/** A registry as a test reaches it: an HTTP client and what to release afterwards. */
interface RecordedRegistry {
  http: HttpClient;
  close(): Promise<void>;
}

interface ResolverCase {
  ecosystem: GraphEcosystem;
  /** A root the recording resolves, and a name its registry does not have. */
  root: string;
  missing: string;
  /** The recorded registry, answering 404 for `missing`. */
  recorded(): Promise<RecordedRegistry>;
  /** The resolver over any HTTP client (the recorded registry, or an offline client with nothing cached). */
  resolver(http: HttpClient): EcosystemResolver;
}

const NPM_FIXTURES = new URL('../ecosystems/npm/fixtures/', import.meta.url);
const NPM_BEFORE = new Date((JSON.parse(readFileSync(new URL('lumino-widgets.expected.json', NPM_FIXTURES), 'utf8')) as { before: string }).before);
const NPM_REGISTRY = 'https://registry.npm.test';
const PYPI_INDEX = 'https://pypi.test/simple/';

/** A replayed cassette whose host also answers 404 for one path (a package the registry does not have). */
function replayWithMissing(cassette: URL, origin: string, missingPath: string): RecordedRegistry {
  const { client, agent } = replayClient(cassette, { persist: true });
  agent.get(origin).intercept({ path: missingPath, method: 'GET' }).reply(404, 'Not Found').persist();
  return {
    http: client,
    close: async () => {
      await client.close();
      await agent.close();
    },
  };
}

let condaChannel: { origin: string; close(): Promise<void> };
beforeAll(async () => {
  condaChannel = await serveCondaFixtureChannel();
});
afterAll(() => condaChannel.close());

const CASES: readonly ResolverCase[] = [
  {
    ecosystem: 'npm',
    root: 'pkg:npm/%40lumino/widgets',
    missing: 'pkg:npm/chainwatch-no-such-package-0',
    recorded: async () => replayWithMissing(new URL('lumino-widgets.cassette.json.gz', NPM_FIXTURES), NPM_REGISTRY, '/chainwatch-no-such-package-0'),
    resolver: (http) => createNpmResolver({ registry: createNpmRegistry({ http, resolveRegistry: () => ({ url: `${NPM_REGISTRY}/` }) }), before: NPM_BEFORE }),
  },
  {
    ecosystem: 'PyPI',
    root: 'pkg:pypi/jupyter-client',
    missing: 'pkg:pypi/chainwatch-no-such-project-0',
    // A resolution of jupyter-client at uv's --exclude-newer 2026-01-01 (see src/graph/pypi/fixtures/readme.md).
    recorded: async () => replayWithMissing(new URL('./pypi/fixtures/jupyter-client.json.gz', import.meta.url), 'https://pypi.test', '/simple/chainwatch-no-such-project-0/'),
    resolver: (http) => createPypiResolver({ registry: createPypiRegistry({ http, indexUrl: PYPI_INDEX }), excludeNewer: '2026-01-01T00:00:00Z' }),
  },
  {
    ecosystem: 'conda',
    root: 'pkg:conda/jupyterlab',
    missing: 'pkg:conda/chainwatch-no-such-package-0',
    // conda-forge's recorded repodata, served on 127.0.0.1: a package it lacks is absent from the repodata.
    recorded: async () => {
      const http = createHttpClient({ retry: { retries: 0 }, sleep: async () => {} });
      return { http, close: () => http.close() };
    },
    resolver: (http) =>
      createCondaResolver({
        channelFor: (name) => (name === 'conda-forge' ? createCondaChannel({ http, channelUrl: `${condaChannel.origin}/conda-forge/`, subdirs: ['noarch', 'linux-64'], formats: ['json'] }) : null),
      }),
  },
];

async function resolveRecorded(entry: ResolverCase, roots: readonly string[]): Promise<EcosystemResolution> {
  const registry = await entry.recorded();
  try {
    return await entry.resolver(registry.http).resolve(roots.map(root), context);
  } finally {
    await registry.close();
  }
}

it('every module in graph/modules.ts has a case in this suite, and says which ecosystem it is', () => {
  expect(CASES.map((entry) => entry.ecosystem).sort()).toEqual(Object.keys(graphModules).sort());
  for (const [ecosystem, module] of Object.entries(graphModules)) expect(module.ecosystem).toBe(ecosystem);
});

describe.each(CASES)('$ecosystem resolver', (entry) => {
  it('resolves the root: marked root, every package of its ecosystem, its sources reachable, no problem', async () => {
    const resolution = await resolveRecorded(entry, [entry.root]);
    const resolver = entry.resolver(createHttpClient({ offline: true }));
    const rootName = root(entry.root).name;
    expect(resolution.packages.filter((found) => found.root).map((found) => found.name)).toEqual([rootName]);
    expect(resolution.packages.length).toBeGreaterThan(1);
    for (const found of resolution.packages) expect(found.ecosystem).toBe(resolver.ecosystem);
    expect(resolution.problems).toEqual([]);
    expect(resolution.sources.length).toBeGreaterThan(0);
    for (const source of resolution.sources) {
      expect(source.reachable).toBe(true);
      expect(resolver.sourceNames).toContain(source.name);
    }
    expect(resolver.sourceNames).toEqual(graphModules[entry.ecosystem].sourceNames);
  });

  it('a package the registry does not have is a problem of that root, not a throw; the source stays reachable', async () => {
    const resolution = await resolveRecorded(entry, [entry.missing]);
    expect(resolution.packages).toEqual([]);
    expect(resolution.problems.map((problem) => problem.purl)).toEqual([root(entry.missing).purl]);
    expect(resolution.problems[0]!.message).not.toBe('');
    expect(resolution.sources.every((source) => source.reachable)).toBe(true);
  });

  it('offline with an empty cache: the source is unreachable and named, the root a problem, no package invented', async () => {
    const http = createHttpClient({ offline: true, openCache: () => openHttpCache(':memory:') });
    try {
      const resolver = entry.resolver(http);
      const graph = await buildGraph({ roots: [root(entry.root)], resolvers: { [entry.ecosystem]: resolver }, offline: true, clock });
      expect(graph.nodes).toEqual([]);
      const unreachable = graph.sources.filter((source) => !source.reachable && resolver.sourceNames.includes(source.name));
      expect(unreachable).toHaveLength(1);
      expect(unreachable[0]!.error).toMatch(/offline|cache/i);
      expect(graph.problems.map((problem) => problem.purl)).toContain(root(entry.root).purl);
      // Alone, the resolver either throws a ChainwatchError (buildGraph lists its sources) or reports the source itself.
      const alone = await resolver.resolve([root(entry.root)], context).catch((error: unknown) => error);
      if (alone instanceof Error) expect(alone).toBeInstanceOf(ChainwatchError);
      else expect((alone as EcosystemResolution).sources.some((source) => !source.reachable)).toBe(true);
    } finally {
      await http.close();
    }
  });

  it('gives the same output, in the same order, every time; purls unique; edges only between listed packages', async () => {
    const first = await resolveRecorded(entry, [entry.root]);
    const second = await resolveRecorded(entry, [entry.root]);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    const purls = first.packages.map((found) => found.purl);
    expect(new Set(purls).size).toBe(purls.length);
    expect(first.edges.length).toBeGreaterThan(0);
    for (const edge of first.edges) {
      expect(purls).toContain(edge.from);
      expect(purls).toContain(edge.to);
    }
  });

  it('describes an exact version it resolved without marking it a root (where it can describe at all)', async () => {
    const registry = await entry.recorded();
    try {
      const resolver = entry.resolver(registry.http);
      const resolved = (await resolver.resolve([root(entry.root)], context)).packages.find((found) => !found.root)!;
      if (!resolver.describe) {
        // conda: a PyPI twin is described by the PyPI resolver; nothing asks conda for an exact version.
        expect(entry.ecosystem).toBe('conda');
        return;
      }
      const described = await resolver.describe([{ name: resolved.name, version: resolved.version }], context);
      expect(described.map((found) => [found.purl, found.root])).toEqual([[resolved.purl, false]]);
    } finally {
      await registry.close();
    }
  });
});
