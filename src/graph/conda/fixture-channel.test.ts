import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostError } from '../../core/errors.js';
import { createCondaChannel, type CondaChannel, type RepodataFormat } from '../../ecosystems/conda/registry.js';
import { createHttpClient } from '../../http/client.js';
import type { HttpClient, SourceFailure } from '../../http/types.js';
import { context, root } from '../resolver-testing.fixture.js';
import { createCondaResolver } from './adapter.js';
import { resolveConda } from './resolve.js';
import { openHttpCache } from '../../store/http-cache.js';
import { itWithSharedData, sharedDataPath } from '../../../test/shared-data.js';

/**
 * The conda path end to end on the fixture channel
 * (src/ecosystems/conda/fixtures/repodata, conda-forge records for
 * jupyterlab and notebook on linux-64 + noarch), served over real HTTP from
 * 127.0.0.1 in each of the three forms a channel may offer. Expected
 * resolutions are rattler's (testdata/rattler-solutions.json, written by
 * testdata/solve-with-rattler.py); a few are also derived by hand below.
 */

const FIXTURES = fileURLToPath(new URL('../../ecosystems/conda/fixtures/repodata/channel/', import.meta.url));

interface RattlerCase {
  case: string;
  roots: string[];
  python: string | null;
  packages: string[];
}
const rattler = JSON.parse(readFileSync(new URL('./testdata/rattler-solutions.json', import.meta.url), 'utf8')) as RattlerCase[];

/** Which files each form serves; everything else is a 404, so a fallback to another form would show. */
const SERVED: Record<RepodataFormat, RegExp> = {
  json: /^(noarch|linux-64)\/repodata\.json$/,
  zst: /^(noarch|linux-64)\/repodata\.json\.zst$/,
  sharded: /^(noarch|linux-64)\/(repodata_shards\.msgpack\.zst|shards\/[0-9a-f]{64}\.msgpack\.zst)$/,
};

let server: Server;
let origin: string;
const served: string[] = [];

function listen(target: Server): Promise<string> {
  return new Promise((resolve) => {
    target.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(target.address() as AddressInfo).port}`));
  });
}

beforeAll(async () => {
  server = createServer((request, response) => {
    // /<form>/conda-forge/<subdir>/<file>
    const match = /^\/(json|zst|sharded)\/conda-forge\/(.+)$/.exec(request.url ?? '');
    const form = match?.[1] as RepodataFormat | undefined;
    const path = match?.[2] ?? '';
    if (!form || !SERVED[form].test(path)) {
      response.writeHead(404).end();
      return;
    }
    served.push(`${form}/${path}`);
    let body: Buffer;
    try {
      body = readFileSync(`${FIXTURES}${path}`);
    } catch {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body);
  });
  origin = await listen(server);
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/**
 * A small HttpClient over Node's fetch (no cache, no retries): a connection
 * that fails is a HostError, recorded in failures() as the real client does.
 * The last block below runs the same path through the real createHttpClient.
 */
function localHttpClient(): HttpClient {
  const failures: SourceFailure[] = [];
  let requests = 0;
  let bytes = 0;
  return {
    async get(request) {
      requests += 1;
      let response: Response;
      try {
        response = await fetch(request.url, { ...(request.headers ? { headers: request.headers } : {}) });
      } catch (cause) {
        failures.push({ source: request.source, error: 'could not connect', url: request.url });
        throw new HostError(request.source, `could not connect to ${new URL(request.url).host}`, { cause, retryable: true });
      }
      const body = Buffer.from(await response.arrayBuffer());
      bytes += body.length;
      return { status: response.status, headers: Object.fromEntries(response.headers), body, url: response.url, fromCache: false };
    },
    failures: () => failures,
    stats: () => ({ requests, cacheHits: 0, notModified: 0, retries: 0, bytes }),
    close: async () => {},
  };
}

function channelFor(form: RepodataFormat): CondaChannel {
  return createCondaChannel({ http: localHttpClient(), channelUrl: `${origin}/${form}/conda-forge/`, subdirs: ['noarch', 'linux-64'] });
}

const FORMS: RepodataFormat[] = ['sharded', 'zst', 'json'];

describe.each(FORMS)('the fixture channel served as %s', (form) => {
  it('is read in that form, for both subdirs', async () => {
    const channel = channelFor(form);
    expect((await channel.status()).map((status) => [status.subdir, status.format])).toEqual([
      ['noarch', form],
      ['linux-64', form],
    ]);
  });

  // One channel for all cases, as one chainwatch run would use it: records read once are reused.
  let shared: CondaChannel;
  beforeAll(() => {
    shared = channelFor(form);
  });

  it.each(rattler)('resolves $case exactly as rattler does', async ({ roots, python, packages }) => {
    const result = await resolveConda(shared, { roots, platform: 'linux-64', ...(python === null ? {} : { python }) });
    if (!result.ok) throw new Error(result.error.message);
    const installed = result.value.packages.map(({ record }) => `${record.name} ${record.version} ${record.build}`);
    expect(installed).toEqual(packages);
    expect(result.value.skipped).toEqual([]);
  });
});

describe('the three forms hold the same records', () => {
  it('every package name gives the same records from sharded, .zst and plain JSON', async () => {
    const names = new Set<string>();
    for (const subdir of ['noarch', 'linux-64']) {
      const repodata = JSON.parse(readFileSync(`${FIXTURES}${subdir}/repodata.json`, 'utf8')) as {
        packages: Record<string, { name: string }>;
        'packages.conda': Record<string, { name: string }>;
      };
      for (const record of [...Object.values(repodata.packages), ...Object.values(repodata['packages.conda'])]) names.add(record.name);
    }
    const channels = FORMS.map((form) => ({ form, channel: channelFor(form) }));
    for (const name of names) {
      const [first, ...others] = await Promise.all(
        channels.map(async ({ form, channel }) =>
          (await channel.records(name)).map((record) => ({ ...record, url: record.url.replace(`/${form}/`, '/<form>/') })),
        ),
      );
      expect(first!.length).toBeGreaterThan(0);
      for (const other of others) expect(other).toEqual(first);
    }
    // 107 names in noarch, 45 in linux-64; ca-certificates, jsonpointer and python_abi are in both.
    expect(names.size).toBe(149);
    for (const { channel } of channels) expect(channel.problems()).toEqual([]);
  });

  it('sharded: only the index and the shards of names the resolution reached are fetched', async () => {
    served.length = 0;
    const channel = channelFor('sharded');
    const result = await resolveConda(channel, { roots: ['jupyter_server'], platform: 'linux-64', python: '3.11' });
    expect(result.ok).toBe(true);
    const shards = served.filter((path) => path.includes('/shards/'));
    expect(served.filter((path) => path.endsWith('repodata_shards.msgpack.zst')).sort()).toEqual([
      'sharded/linux-64/repodata_shards.msgpack.zst',
      'sharded/noarch/repodata_shards.msgpack.zst',
    ]);
    // jupyterlab and notebook are not reachable from jupyter_server, so their shards stay unread.
    expect(shards.length).toBeGreaterThan(90);
    expect(shards.length).toBeLessThan(152);
    expect(new Set(shards).size).toBe(shards.length);
  });
});

describe('facts read from the fixture and the feedstock recipe', () => {
  itWithSharedData('jupyterlab 4.5.6 depends on what the feedstock recipe lists, with python_min = 3.10', async () => {
    const recipe = readFileSync(sharedDataPath('projects', 'conda-forge', 'jupyterlab-feedstock', 'recipe', 'meta.yaml'), 'utf8');
    expect(recipe).toContain('{% set version = "4.5.6" %}');
    const run = /\n {2}run:\n((?: {4}- .+\n)+)/.exec(recipe)![1]!;
    const fromRecipe = run
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => line.trim().slice(2).replace('{{ python_min }}', '3.10'));
    const records = await channelFor('json').records('jupyterlab');
    const record = records.find((item) => item.version === '4.5.6')!;
    expect(record.build).toBe('pyhd8ed1ab_0');
    expect(record.noarch).toBe('python');
    expect([...record.depends].sort()).toEqual([...fromRecipe].sort());
    expect(records.map((item) => item.version).sort()).toEqual(['4.4.3', '4.5.6']);
  });

  it('Python 3.12: urllib3 falls back to 2.5.0, since 2.6.3 needs backports.zstd and brotli-python >=1.2.0, built here only for 3.11', async () => {
    const result = await resolveConda(channelFor('json'), { roots: ['jupyterlab'], platform: 'linux-64', python: '3.12' });
    if (!result.ok) throw new Error(result.error.message);
    const version = (name: string) => result.value.packages.find((item) => item.record.name === name)?.record.version;
    expect([version('jupyterlab'), version('python'), version('urllib3'), version('brotli-python'), version('backports.zstd')]).toEqual([
      '4.5.6',
      '3.12.11',
      '2.5.0',
      '1.1.0',
      undefined,
    ]);
  });

  it('jupyterlab with notebook: notebook 7.4.3 asks for jupyterlab >=4.4.3,<4.5, so jupyterlab 4.4.3', async () => {
    const result = await resolveConda(channelFor('json'), { roots: ['jupyterlab', 'notebook'], platform: 'linux-64', python: '3.12' });
    if (!result.ok) throw new Error(result.error.message);
    const chosen = result.value.packages.filter((item) => item.root).map(({ record }) => `${record.name} ${record.version}`);
    expect(chosen).toEqual(['jupyterlab 4.4.3', 'notebook 7.4.3']);
    expect(result.value.dependencies).toContainEqual({ from: 'notebook', to: 'jupyterlab', spec: 'jupyterlab >=4.4.3,<4.5' });
    // python and the compiled packages ask for __glibc, terminado for __unix, ipython for __linux.
    expect(result.value.virtualPackages.map((item) => item.name).sort()).toEqual(['__glibc', '__linux', '__unix']);
  });
});

describe('through the real HTTP client (src/http/client.ts)', () => {
  function realClient(): HttpClient {
    return createHttpClient({ openCache: () => openHttpCache(':memory:'), retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1 }, sleep: async () => {} });
  }

  it('resolves the sharded channel, and a second run takes the content-addressed shards from the cache', async () => {
    const http = realClient();
    const expected = rattler.find((item) => item.case === 'jupyterlab-py3.12')!.packages;
    const requests: number[] = [];
    for (const run of [1, 2]) {
      served.length = 0;
      const channel = createCondaChannel({ http, channelUrl: `${origin}/sharded/conda-forge/`, subdirs: ['noarch', 'linux-64'] });
      const result = await resolveConda(channel, { roots: ['jupyterlab'], platform: 'linux-64', python: '3.12' });
      if (!result.ok) throw new Error(result.error.message);
      expect(result.value.packages.map(({ record }) => `${record.name} ${record.version} ${record.build}`), `run ${run}`).toEqual(expected);
      requests.push(served.length);
    }
    // Run 2 asks the server again only for the two shard indexes (revalidation); every shard comes from the cache.
    expect(requests[0]).toBeGreaterThan(expected.length);
    expect(requests[1]).toBe(2);
    expect(http.failures()).toEqual([]);
    await http.close();
  });

  it('a closed port: conda-forge is in the failure list and the resolver says unreachable', async () => {
    const closed = createServer();
    const address = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    const http = realClient();
    const channel = createCondaChannel({ http, channelUrl: `${address}/conda-forge/`, subdirs: ['noarch', 'linux-64'] });
    const resolution = await createCondaResolver({ channelFor: () => channel }).resolve([root('pkg:conda/jupyterlab')], context);
    expect(resolution.packages).toEqual([]);
    expect(resolution.sources).toMatchObject([{ name: 'conda-forge', reachable: false }]);
    expect(http.failures().map((failure) => failure.source)).toEqual(['conda-forge']);
    await expect(channel.records('jupyterlab')).rejects.toBeInstanceOf(HostError);
    await http.close();
  });
});
