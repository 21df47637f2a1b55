import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { MockAgent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toPurl } from '../../core/package.js';
import { CONDA_DEFAULT_CHANNEL_ALIAS } from '../../ecosystems/conda/config.js';
import { createCondaChannel } from '../../ecosystems/conda/registry.js';
import { fakeSources, NPM_DEFAULT, PIP_DEFAULT } from '../../ecosystems/config-sources.fixture.js';
import { defaultEnvironment } from '../../ecosystems/pypi/environment.js';
import { loadRegistryConfig } from '../../ecosystems/registry-config.js';
import { createHttpClient } from '../../http/client.js';
import { buildGraph } from '../build.js';
import { clock, context, root, serveCondaFixtureChannel } from '../resolver-testing.fixture.js';
import { condaGraphModule, createCondaResolver } from './adapter.js';

describe('createCondaResolver on the fixture channel (conda-forge records served from 127.0.0.1)', () => {
  let channel: { origin: string; close(): Promise<void> };
  let origin = '';
  beforeAll(async () => {
    channel = await serveCondaFixtureChannel();
    origin = channel.origin;
  });
  afterAll(() => channel.close());

  it('resolves jupyterlab, draws runtime edges and a twin to PyPI through buildGraph, and says which channel has no URL', async () => {
    const http = createHttpClient({ retry: { retries: 0 }, sleep: async () => {} });
    try {
      const resolver = createCondaResolver({
        channelFor: (name) => (name === 'conda-forge' ? createCondaChannel({ http, channelUrl: `${origin}/conda-forge/`, subdirs: ['noarch', 'linux-64'], formats: ['json'] }) : null),
      });
      const graph = await buildGraph({ roots: [root('pkg:conda/jupyterlab'), root('pkg:conda/x?channel=bioconda')], resolvers: { conda: resolver }, clock });
      const jupyterlab = graph.nodes.find((node) => node.ecosystem === 'conda' && node.name === 'jupyterlab')!;
      expect(jupyterlab.root).toBe(true);
      expect(jupyterlab.purl).toMatch(/^pkg:conda\/jupyterlab@[^?]+\?build=.*channel=conda-forge/);
      // twins.ts knows jupyterlab's PyPI twin (the feedstock builds the PyPI sdist).
      expect(graph.edges).toContainEqual({ from: jupyterlab.purl, to: toPurl('PyPI', 'jupyterlab', jupyterlab.version), requirement: `==${jupyterlab.version}`, kind: 'twin' });
      expect(graph.edges.filter((edge) => edge.kind === 'runtime' && edge.from === jupyterlab.purl).length).toBeGreaterThan(5);
      // nbconvert-core installs nbconvert; no guess without verified evidence (jinja2), and none for C libraries (openssl).
      const condaNode = (name: string) => graph.nodes.find((node) => node.ecosystem === 'conda' && node.name === name)!;
      const twinOf = (name: string) => graph.edges.filter((edge) => edge.kind === 'twin' && edge.from === condaNode(name).purl).map((edge) => edge.to);
      expect(twinOf('nbconvert-core')).toEqual([toPurl('PyPI', 'nbconvert', condaNode('nbconvert-core').version)]);
      expect(twinOf('jinja2')).toEqual([]);
      expect(twinOf('openssl')).toEqual([]);
      expect(jupyterlab.signals.repository).toEqual({ known: true, value: { url: 'github.com/conda-forge/jupyterlab-feedstock', confidence: 'claimed' } });
      expect(jupyterlab.signals.releasedAt).toMatchObject({ known: true });
      expect(graph.sources).toContainEqual({ name: 'conda-forge', reachable: true });
      expect(graph.sources).toContainEqual({ name: 'bioconda', reachable: false, error: expect.stringMatching(/no URL is configured for the conda channel bioconda/) });
    } finally {
      await http.close();
    }
  });

  it('roots the channel cannot satisfy are problems of those roots, with the channel reachable', async () => {
    const http = createHttpClient({ retry: { retries: 0 }, sleep: async () => {} });
    try {
      const resolver = createCondaResolver({ channelFor: () => createCondaChannel({ http, channelUrl: `${origin}/conda-forge/`, subdirs: ['noarch', 'linux-64'], formats: ['json'] }) });
      const resolution = await resolver.resolve([root('pkg:conda/jupyterlab@4.5.6'), root('pkg:conda/notebook')], context);
      expect(resolution.packages).toEqual([]);
      expect(resolution.sources).toEqual([{ name: 'conda-forge', reachable: true }]);
      expect(resolution.problems.map((problem) => problem.purl)).toEqual(['pkg:conda/jupyterlab@4.5.6', 'pkg:conda/notebook']);
      expect(resolution.problems[0]!.message).toMatch(/notebook/);
    } finally {
      await http.close();
    }
  });

  it('a channel that cannot be reached is an unreachable source, never an empty answer', async () => {
    const http = createHttpClient({ retry: { retries: 0 }, sleep: async () => {} });
    try {
      const closed = await new Promise<string>((resolve) => {
        const probe = createServer();
        probe.listen(0, '127.0.0.1', () => {
          const port = (probe.address() as AddressInfo).port;
          probe.close(() => resolve(`http://127.0.0.1:${port}/conda-forge/`));
        });
      });
      const resolver = createCondaResolver({ channelFor: () => createCondaChannel({ http, channelUrl: closed, subdirs: ['noarch', 'linux-64'], formats: ['json'] }) });
      const resolution = await resolver.resolve([root('pkg:conda/jupyterlab')], context);
      expect(resolution.packages).toEqual([]);
      expect(resolution.sources).toEqual([{ name: 'conda-forge', reachable: false, error: expect.any(String) }]);
      expect(resolution.problems).toHaveLength(1);
    } finally {
      await http.close();
    }
  });
});

describe('condaGraphModule with no .condarc at all', () => {
  it("asks conda-forge at conda's own default channel alias, as conda does (served here by a MockAgent: no network)", async () => {
    const channelFiles = fileURLToPath(new URL('../../ecosystems/conda/fixtures/repodata/channel/', import.meta.url));
    const agent = new MockAgent();
    agent.disableNetConnect();
    const asked: string[] = [];
    agent
      .get(new URL(CONDA_DEFAULT_CHANNEL_ALIAS).origin)
      .intercept({ path: () => true, method: 'GET' })
      .reply((request) => {
        asked.push(request.path);
        const match = /^\/conda-forge\/((?:noarch|linux-64)\/repodata\.json)$/.exec(request.path);
        return match ? { statusCode: 200, data: readFileSync(`${channelFiles}${match[1]}`), responseOptions: { headers: { 'content-type': 'application/json' } } } : { statusCode: 404, data: '' };
      })
      .persist();
    const http = createHttpClient({ dispatcher: agent, retry: { retries: 0 }, sleep: async () => {} });
    try {
      const registries = await loadRegistryConfig(fakeSources({}, { commands: { ...NPM_DEFAULT, ...PIP_DEFAULT } }));
      expect(registries.conda.files).toEqual([]);
      const resolver = condaGraphModule.registryResolver({ http, registries, environment: defaultEnvironment });
      const resolution = await resolver.resolve([root('pkg:conda/jupyterlab')], context);
      expect(resolution.sources).toEqual([{ name: 'conda-forge', reachable: true }]);
      expect(resolution.packages.find((item) => item.name === 'jupyterlab')?.root).toBe(true);
      expect(asked).toContain('/conda-forge/noarch/repodata.json');

      // --exclude-newer at the newest jupyterlab's timestamp: the channel as it was just before it.
      const newest = resolution.packages.find((item) => item.name === 'jupyterlab')!;
      const cutoff = new Date(newest.facts.releasedAt!);
      const before = await condaGraphModule.registryResolver({ http, registries, environment: defaultEnvironment, excludeNewer: cutoff }).resolve([root('pkg:conda/jupyterlab')], context);
      const older = before.packages.find((item) => item.name === 'jupyterlab')!;
      expect(older.version).not.toBe(newest.version);
      expect(before.packages.length).toBeGreaterThan(5);
      for (const item of before.packages) {
        if (item.facts.releasedAt) expect(Date.parse(item.facts.releasedAt)).toBeLessThan(cutoff.getTime());
      }
    } finally {
      await http.close();
      await agent.close();
    }
  });
});
