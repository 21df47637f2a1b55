import { createHash } from 'node:crypto';
import { encode } from '@msgpack/msgpack';
import { MockAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { HostError } from '../../core/errors.js';
import { createHttpClient } from '../../http/client.js';
import type { HttpClient, HttpRequest, HttpResponse, SourceFailure } from '../../http/types.js';
import { openHttpCache } from '../../store/http-cache.js';
import { channelSourceName, createCondaChannel, decompressZstdCapped, type RepodataFormat } from './registry.js';

const CHANNEL = 'https://conda.test/conda-forge/';

/**
 * A zstd frame made of raw (stored) blocks: enough to give the decoder real
 * zstd framing without a compressor in Node 20. The fixture channel's files
 * (fixture-channel test in src/graph/conda) carry real compressed frames.
 */
function zstdStored(data: Uint8Array): Buffer {
  const header = Buffer.alloc(9);
  header.writeUInt32LE(0xfd2fb528, 0);
  header[4] = 0xa0; // single segment, 4-byte frame content size
  header.writeUInt32LE(data.length, 5);
  const parts: Buffer[] = [header];
  const blockSize = 128 * 1024;
  for (let start = 0; start < data.length || start === 0; start += blockSize) {
    const chunk = data.subarray(start, start + blockSize);
    const last = start + blockSize >= data.length ? 1 : 0;
    const blockHeader = Buffer.alloc(3);
    blockHeader.writeUIntLE((chunk.length << 3) | last, 0, 3);
    parts.push(blockHeader, Buffer.from(chunk));
    if (data.length === 0) break;
  }
  return Buffer.concat(parts);
}

type Route = { status: number; body?: Buffer | string } | 'unreachable';

/** An in-memory HttpClient: routes by exact URL, 404 otherwise; records requests and failures like the real client. */
function fakeHttp(routes: Record<string, Route>): HttpClient & { requests: HttpRequest[] } {
  const requests: HttpRequest[] = [];
  const failures: SourceFailure[] = [];
  return {
    requests,
    async get(request): Promise<HttpResponse> {
      requests.push(request);
      const route = routes[request.url] ?? { status: 404 };
      if (route === 'unreachable') {
        failures.push({ source: request.source, error: 'connection refused', url: request.url });
        throw new HostError(request.source, 'connection refused');
      }
      const body = typeof route.body === 'string' ? Buffer.from(route.body) : (route.body ?? Buffer.alloc(0));
      return { status: route.status, headers: {}, body, url: request.url, fromCache: false };
    },
    failures: () => failures,
    stats: () => ({ requests: requests.length, cacheHits: 0, notModified: 0, retries: 0, bytes: 0 }),
    close: async () => {},
  };
}

const jupyterlab456 = {
  build: 'pyhd8ed1ab_0',
  build_number: 0,
  depends: ['jupyter_server >=2.4.0,<3', 'python >=3.10'],
  license: 'BSD-3-Clause',
  md5: 'bcbb401d6fa84e0cee34d4926b0e9e93',
  name: 'jupyterlab',
  noarch: 'python',
  sha256: '436a70259a9b4e13ce8b15faa8b37342835954d77a0a74d21dd24547e0871088',
  size: 8245973,
  subdir: 'noarch',
  timestamp: 1773240966438,
  version: '4.5.6',
};

function repodata(records: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  const packages: Record<string, unknown> = {};
  const conda: Record<string, unknown> = {};
  for (const [fileName, record] of Object.entries(records)) (fileName.endsWith('.conda') ? conda : packages)[fileName] = record;
  return JSON.stringify({ info: { subdir: 'noarch' }, packages, 'packages.conda': conda, repodata_version: 1, ...extra });
}

function shardedRoutes(subdir: string, byName: Record<string, Record<string, Record<string, unknown>>>, info: Record<string, unknown> = {}) {
  const routes: Record<string, Route> = {};
  const shards: Record<string, Uint8Array> = {};
  for (const [name, files] of Object.entries(byName)) {
    const packages: Record<string, unknown> = {};
    const conda: Record<string, unknown> = {};
    for (const [fileName, record] of Object.entries(files)) {
      const packed = { ...record } as Record<string, unknown>;
      for (const key of ['md5', 'sha256']) if (typeof packed[key] === 'string') packed[key] = Buffer.from(packed[key] as string, 'hex');
      (fileName.endsWith('.conda') ? conda : packages)[fileName] = packed;
    }
    const body = zstdStored(encode({ packages, 'packages.conda': conda, removed: [] }));
    const hash = createHash('sha256').update(body).digest();
    shards[name] = hash;
    routes[`${CHANNEL}${subdir}/shards/${hash.toString('hex')}.msgpack.zst`] = { status: 200, body };
  }
  const index = { version: 1, info: { base_url: '', shards_base_url: './shards/', subdir, ...info }, shards };
  routes[`${CHANNEL}${subdir}/repodata_shards.msgpack.zst`] = { status: 200, body: zstdStored(encode(index)) };
  return routes;
}

describe('createCondaChannel: which form is read', () => {
  const json = repodata({ 'jupyterlab-4.5.6-pyhd8ed1ab_0.conda': jupyterlab456 });
  const cases: { name: string; routes: Record<string, Route>; formats?: RepodataFormat[]; expected: RepodataFormat | 'missing'; fetched: string[] }[] = [
    {
      name: 'plain JSON only',
      routes: { [`${CHANNEL}noarch/repodata.json`]: { status: 200, body: json } },
      expected: 'json',
      fetched: ['repodata_shards.msgpack.zst', 'repodata.json.zst', 'repodata.json'],
    },
    {
      name: '.zst offered: plain JSON is never asked for',
      routes: {
        [`${CHANNEL}noarch/repodata.json.zst`]: { status: 200, body: zstdStored(Buffer.from(json)) },
        [`${CHANNEL}noarch/repodata.json`]: { status: 500 },
      },
      expected: 'zst',
      fetched: ['repodata_shards.msgpack.zst', 'repodata.json.zst'],
    },
    {
      name: 'sharded offered: only the index and the one shard asked for',
      routes: {
        ...shardedRoutes('noarch', { jupyterlab: { 'jupyterlab-4.5.6-pyhd8ed1ab_0.conda': jupyterlab456 } }),
        [`${CHANNEL}noarch/repodata.json`]: { status: 500 },
      },
      expected: 'sharded',
      fetched: ['repodata_shards.msgpack.zst', 'shards/'],
    },
    {
      name: 'a 403 (object stores answer so for missing files) also means "not offered"',
      routes: {
        [`${CHANNEL}noarch/repodata_shards.msgpack.zst`]: { status: 403 },
        [`${CHANNEL}noarch/repodata.json.zst`]: { status: 410 },
        [`${CHANNEL}noarch/repodata.json`]: { status: 200, body: json },
      },
      expected: 'json',
      fetched: ['repodata_shards.msgpack.zst', 'repodata.json.zst', 'repodata.json'],
    },
    {
      name: 'formats option: plain JSON only, even where shards exist',
      routes: {
        ...shardedRoutes('noarch', { jupyterlab: { 'jupyterlab-4.5.6-pyhd8ed1ab_0.conda': jupyterlab456 } }),
        [`${CHANNEL}noarch/repodata.json`]: { status: 200, body: json },
      },
      formats: ['json'],
      expected: 'json',
      fetched: ['repodata.json'],
    },
  ];
  it.each(cases)('$name', async ({ routes, formats, expected, fetched }) => {
    const http = fakeHttp(routes);
    const channel = createCondaChannel({ http, channelUrl: CHANNEL, subdirs: ['noarch'], ...(formats ? { formats } : {}) });
    const records = await channel.records('jupyterlab');
    expect(records.map((record) => `${record.name} ${record.version} ${record.build}`)).toEqual(['jupyterlab 4.5.6 pyhd8ed1ab_0']);
    expect((await channel.status()).map((status) => status.format)).toEqual([expected]);
    const asked = http.requests.map((request) => request.url.slice(`${CHANNEL}noarch/`.length).replace(/[0-9a-f]{64}\.msgpack\.zst$/, ''));
    expect(asked).toEqual(fetched);
    expect(http.requests.every((request) => request.source === 'conda-forge')).toBe(true);
  });
});

describe('createCondaChannel: records', () => {
  it('reads every field it keeps, in both plain and sharded form, with the same result', async () => {
    const files = { 'jupyterlab-4.5.6-pyhd8ed1ab_0.conda': jupyterlab456 };
    const plain = createCondaChannel({
      http: fakeHttp({ [`${CHANNEL}noarch/repodata.json`]: { status: 200, body: repodata(files) } }),
      channelUrl: CHANNEL,
      subdirs: ['noarch'],
    });
    const sharded = createCondaChannel({ http: fakeHttp(shardedRoutes('noarch', { jupyterlab: files })), channelUrl: CHANNEL, subdirs: ['noarch'] });
    const expected = {
      name: 'jupyterlab',
      version: '4.5.6',
      build: 'pyhd8ed1ab_0',
      buildNumber: 0,
      depends: ['jupyter_server >=2.4.0,<3', 'python >=3.10'],
      constrains: [],
      subdir: 'noarch',
      fileName: 'jupyterlab-4.5.6-pyhd8ed1ab_0.conda',
      url: `${CHANNEL}noarch/jupyterlab-4.5.6-pyhd8ed1ab_0.conda`,
      timestamp: 1773240966438,
      license: 'BSD-3-Clause',
      noarch: 'python',
      md5: 'bcbb401d6fa84e0cee34d4926b0e9e93',
      sha256: '436a70259a9b4e13ce8b15faa8b37342835954d77a0a74d21dd24547e0871088',
      size: 8245973,
      trackFeatures: [],
      purls: [],
    };
    expect(await plain.records('jupyterlab')).toEqual([expected]);
    expect(await sharded.records('jupyterlab')).toEqual([expected]);
  });

  it('prefers .conda over .tar.bz2 for the same name-version-build and keeps other builds', async () => {
    const old = { ...jupyterlab456, version: '4.5.5', build: 'pyhd8ed1ab_1', build_number: 1 };
    const channel = createCondaChannel({
      http: fakeHttp({
        [`${CHANNEL}noarch/repodata.json`]: {
          status: 200,
          body: repodata({
            'jupyterlab-4.5.6-pyhd8ed1ab_0.tar.bz2': { ...jupyterlab456, md5: '00000000000000000000000000000000' },
            'jupyterlab-4.5.6-pyhd8ed1ab_0.conda': jupyterlab456,
            'jupyterlab-4.5.5-pyhd8ed1ab_1.tar.bz2': old,
          }),
        },
      }),
      channelUrl: CHANNEL,
      subdirs: ['noarch'],
    });
    const records = await channel.records('jupyterlab');
    expect(records.map((record) => [record.fileName, record.md5])).toEqual([
      ['jupyterlab-4.5.6-pyhd8ed1ab_0.conda', 'bcbb401d6fa84e0cee34d4926b0e9e93'],
      ['jupyterlab-4.5.5-pyhd8ed1ab_1.tar.bz2', 'bcbb401d6fa84e0cee34d4926b0e9e93'],
    ]);
  });

  const tolerance: { name: string; record: Record<string, unknown>; expected: Record<string, unknown> | null; problem?: RegExp }[] = [
    { name: 'timestamp in seconds is read as milliseconds', record: { ...jupyterlab456, timestamp: 1_700_000_000 }, expected: { timestamp: 1_700_000_000_000 } },
    { name: 'a wrong-typed timestamp is absent, not 1970', record: { ...jupyterlab456, timestamp: 'yesterday' }, expected: { timestamp: undefined } },
    { name: 'missing build_number counts as 0', record: { ...jupyterlab456, build_number: undefined }, expected: { buildNumber: 0 } },
    { name: 'track_features as a string is split', record: { ...jupyterlab456, track_features: 'pypy debug' }, expected: { trackFeatures: ['pypy', 'debug'] } },
    { name: 'noarch: true is the legacy spelling of generic', record: { ...jupyterlab456, noarch: true }, expected: { noarch: 'generic' } },
    { name: 'non-string depends entries are dropped', record: { ...jupyterlab456, depends: ['python >=3.10', 7] }, expected: { depends: ['python >=3.10'] } },
    { name: 'purls are kept', record: { ...jupyterlab456, purls: ['pkg:pypi/jupyterlab'] }, expected: { purls: ['pkg:pypi/jupyterlab'] } },
    { name: 'upper-case hex digests are lower-cased', record: { ...jupyterlab456, md5: 'BCBB401D6FA84E0CEE34D4926B0E9E93' }, expected: { md5: 'bcbb401d6fa84e0cee34d4926b0e9e93' } },
    { name: 'a record without a version is dropped as a problem', record: { ...jupyterlab456, version: undefined }, expected: null, problem: /version/ },
  ];
  it.each(tolerance)('$name', async ({ record, expected, problem }) => {
    const channel = createCondaChannel({
      http: fakeHttp({
        [`${CHANNEL}noarch/repodata.json`]: {
          status: 200,
          body: repodata({ 'jupyterlab-4.5.6-pyhd8ed1ab_0.conda': record, 'jupyterlab-4.5.5-pyhd8ed1ab_0.conda': { ...jupyterlab456, version: '4.5.5' } }),
        },
      }),
      channelUrl: CHANNEL,
      subdirs: ['noarch'],
    });
    const records = await channel.records('jupyterlab');
    const kept = records.find((item) => item.fileName === 'jupyterlab-4.5.6-pyhd8ed1ab_0.conda');
    // The healthy neighbour survives whatever happens to the odd record.
    expect(records.some((item) => item.version === '4.5.5')).toBe(true);
    if (expected === null) {
      expect(kept).toBeUndefined();
      expect(channel.problems()).toHaveLength(1);
      expect(channel.problems()[0]!.fileName).toBe('jupyterlab-4.5.6-pyhd8ed1ab_0.conda');
      expect(channel.problems()[0]!.message).toMatch(problem!);
    } else {
      const picked = Object.fromEntries(Object.keys(expected).map((key) => [key, (kept as unknown as Record<string, unknown>)[key]]));
      expect(picked).toEqual(expected);
      expect(channel.problems()).toEqual([]);
    }
  });

  it('places package URLs by CEP 15 base_url, relative to the repodata file', async () => {
    const body = repodata({ 'jupyterlab-4.5.6-pyhd8ed1ab_0.conda': jupyterlab456 }, { info: { subdir: 'noarch', base_url: '../../files/noarch/' } });
    const channel = createCondaChannel({ http: fakeHttp({ [`${CHANNEL}noarch/repodata.json`]: { status: 200, body } }), channelUrl: CHANNEL, subdirs: ['noarch'] });
    expect((await channel.records('jupyterlab'))[0]!.url).toBe('https://conda.test/files/noarch/jupyterlab-4.5.6-pyhd8ed1ab_0.conda');
  });

  it('reads names case-insensitively and gives [] for a name the channel lacks', async () => {
    const channel = createCondaChannel({
      http: fakeHttp({ [`${CHANNEL}noarch/repodata.json`]: { status: 200, body: repodata({ 'jupyterlab-4.5.6-pyhd8ed1ab_0.conda': jupyterlab456 }) } }),
      channelUrl: 'https://conda.test/conda-forge',
      subdirs: ['noarch'],
    });
    expect(await channel.records('JupyterLab')).toHaveLength(1);
    expect(await channel.records('no-such-package')).toEqual([]);
    expect(channel.url).toBe(CHANNEL);
  });

  it('sharded: fetches each shard once, from the cache when it can, and only for names asked', async () => {
    const routes = shardedRoutes('noarch', {
      jupyterlab: { 'jupyterlab-4.5.6-pyhd8ed1ab_0.conda': jupyterlab456 },
      notebook: { 'notebook-7.4.3-pyhd8ed1ab_0.conda': { ...jupyterlab456, name: 'notebook', version: '7.4.3' } },
    });
    const http = fakeHttp(routes);
    const channel = createCondaChannel({ http, channelUrl: CHANNEL, subdirs: ['noarch'] });
    await Promise.all([channel.records('jupyterlab'), channel.records('jupyterlab')]);
    await channel.records('jupyterlab');
    expect(await channel.records('absent')).toEqual([]);
    const shardRequests = http.requests.filter((request) => request.url.includes('/shards/'));
    expect(shardRequests).toHaveLength(1);
    expect(shardRequests[0]!.cache).toBe('prefer-cache');
  });
});

describe('createCondaChannel: failures', () => {
  it('an unreachable channel raises HostError and is in the client failure list', async () => {
    const http = fakeHttp({ [`${CHANNEL}noarch/repodata_shards.msgpack.zst`]: 'unreachable' });
    const channel = createCondaChannel({ http, channelUrl: CHANNEL, subdirs: ['noarch'] });
    await expect(channel.records('jupyterlab')).rejects.toBeInstanceOf(HostError);
    expect(http.failures().map((failure) => failure.source)).toEqual(['conda-forge']);
    // The failed subdir is not asked again for every package name.
    await expect(channel.records('notebook')).rejects.toBeInstanceOf(HostError);
    expect(http.requests).toHaveLength(1);
  });

  it('fails only once every subdir has settled: nothing is still asking when the caller closes the client', async () => {
    let answerLinux: (response: HttpResponse) => void = () => {};
    const inFlight = new Set<string>();
    const http: HttpClient = {
      ...fakeHttp({}),
      async get(request) {
        if (request.url.includes('/noarch/')) throw new HostError(request.source, 'connection refused');
        inFlight.add(request.url);
        const response = await new Promise<HttpResponse>((resolve) => (answerLinux = resolve));
        inFlight.delete(request.url);
        return response;
      },
    };
    const channel = createCondaChannel({ http, channelUrl: CHANNEL, subdirs: ['noarch', 'linux-64'] });
    let settled = false;
    const records = channel.records('jupyterlab').finally(() => (settled = true));
    records.catch(() => {});
    // noarch has failed; linux-64 is still being asked.
    await new Promise((resolve) => setImmediate(resolve));
    expect(inFlight.size).toBe(1);
    expect(settled).toBe(false);
    answerLinux({ status: 404, headers: {}, body: Buffer.alloc(0), url: [...inFlight][0]!, fromCache: false });
    // linux-64 goes on to the next form (404): answer each until it has none left.
    for (let round = 0; round < 5 && !settled; round++) {
      await new Promise((resolve) => setImmediate(resolve));
      if (inFlight.size > 0) answerLinux({ status: 404, headers: {}, body: Buffer.alloc(0), url: [...inFlight][0]!, fromCache: false });
    }
    await expect(records).rejects.toThrow(/connection refused/);
    expect(inFlight.size).toBe(0);
  });

  const bad: { name: string; routes: Record<string, Route>; message: RegExp; status?: number }[] = [
    {
      name: 'a .zst body that is not zstd',
      routes: { [`${CHANNEL}noarch/repodata.json.zst`]: { status: 200, body: 'not zstd' } },
      message: /repodata\.json\.zst could not be decoded/,
    },
    { name: 'JSON that is not JSON', routes: { [`${CHANNEL}noarch/repodata.json`]: { status: 200, body: '{"packages": ' } }, message: /repodata\.json could not be decoded/ },
    { name: 'JSON that is not repodata', routes: { [`${CHANNEL}noarch/repodata.json`]: { status: 200, body: '[1, 2]' } }, message: /not conda repodata/ },
    { name: 'an unexpected status', routes: { [`${CHANNEL}noarch/repodata.json`]: { status: 401 } }, message: /unexpected HTTP status 401/, status: 401 },
    { name: 'no repodata in any subdir', routes: {}, message: /not a conda channel/, status: 404 },
    {
      name: 'a shard index that is not CEP 16',
      routes: { [`${CHANNEL}noarch/repodata_shards.msgpack.zst`]: { status: 200, body: zstdStored(encode({ shards: 'none' })) } },
      message: /not CEP 16 sharded repodata/,
    },
  ];
  it.each(bad)('$name is a HostError of the channel', async ({ routes, message, status }) => {
    const channel = createCondaChannel({ http: fakeHttp(routes), channelUrl: CHANNEL, subdirs: ['noarch'] });
    const error = await channel.records('jupyterlab').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HostError);
    expect((error as HostError).source).toBe('conda-forge');
    expect((error as HostError).message).toMatch(message);
    if (status !== undefined) expect((error as HostError).status).toBe(status);
  });

  it('a token in the channel URL never reaches a message', async () => {
    const tokenChannel = 'https://conda.test/t/secret-token-123/conda-forge/';
    const channel = createCondaChannel({
      http: fakeHttp({ [`${tokenChannel}noarch/repodata.json`]: { status: 200, body: '{"packages": ' } }),
      channelUrl: tokenChannel,
      subdirs: ['noarch'],
    });
    const error = (await channel.records('jupyterlab').catch((caught: unknown) => caught)) as HostError;
    expect(error.message).toContain('https://conda.test/t/***/conda-forge/noarch/repodata.json');
    expect(error.message).not.toContain('secret-token-123');
    expect(error.source).toBe('conda-forge');
  });

  it('a shard whose bytes do not match its sha256 is refused', async () => {
    const routes = shardedRoutes('noarch', { jupyterlab: { 'jupyterlab-4.5.6-pyhd8ed1ab_0.conda': jupyterlab456 } });
    const shardUrl = Object.keys(routes).find((url) => url.includes('/shards/'))!;
    routes[shardUrl] = { status: 200, body: zstdStored(encode({ packages: {}, 'packages.conda': {}, removed: [] })) };
    const channel = createCondaChannel({ http: fakeHttp(routes), channelUrl: CHANNEL, subdirs: ['noarch'] });
    await expect(channel.records('jupyterlab')).rejects.toThrow(/does not match its sha256/);
  });

  it('one missing subdir is reported as missing while the other still answers', async () => {
    const channel = createCondaChannel({
      http: fakeHttp({ [`${CHANNEL}noarch/repodata.json`]: { status: 200, body: repodata({ 'jupyterlab-4.5.6-pyhd8ed1ab_0.conda': jupyterlab456 }) } }),
      channelUrl: CHANNEL,
      subdirs: ['noarch', 'linux-64'],
    });
    expect(await channel.records('jupyterlab')).toHaveLength(1);
    expect(await channel.status()).toEqual([
      { subdir: 'noarch', format: 'json', url: `${CHANNEL}noarch/repodata.json` },
      { subdir: 'linux-64', format: 'missing', url: `${CHANNEL}linux-64/repodata.json` },
    ]);
  });
});

describe('channelSourceName', () => {
  it.each([
    ['https://conda.test/conda-forge/', 'conda-forge'],
    ['https://conda.test/conda-forge', 'conda-forge'],
    ['https://mirror.test/conda/channels/bioconda/', 'bioconda'],
    ['https://conda.test/', 'conda.test'],
  ])('%s → %s', (url, name) => {
    expect(channelSourceName(url)).toBe(name);
  });
});

/** A zstd frame of RLE blocks: four bytes per 128 KiB of `byte`, so a few kilobytes claim a gigabyte. */
function zstdRleBomb(blocks: number): Buffer {
  const header = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38]); // magic; no content size; window 128 KiB
  const parts: Buffer[] = [header];
  for (let index = 0; index < blocks; index++) {
    const last = index === blocks - 1 ? 1 : 0;
    const blockHeader = Buffer.alloc(3);
    blockHeader.writeUIntLE(((128 * 1024) << 3) | (1 << 1) | last, 0, 3); // RLE block of 128 KiB
    parts.push(blockHeader, Buffer.from([0x20]));
  }
  return Buffer.concat(parts);
}

describe('decompressZstdCapped', () => {
  it('inflates within the bound and stops a bomb at it', () => {
    expect(decompressZstdCapped(zstdRleBomb(2), 1024 * 1024)).toEqual(new Uint8Array(256 * 1024).fill(0x20));
    // 8192 blocks: 32 KB claiming 1 GiB.
    expect(() => decompressZstdCapped(zstdRleBomb(8192), 4 * 1024 * 1024)).toThrow(expect.objectContaining({ code: 'input-too-large', message: expect.stringMatching(/inflates to more than 4194304 bytes/) }));
  });
});

describe('what the HTTP cache keeps of repodata (a real client over a MockAgent)', () => {
  it.each([
    ['JSON that does not parse', 'repodata.json', '{"packages": {', /repodata\.json answered something unusable: repodata\.json could not be decoded/],
    ['a captive portal page', 'repodata.json', '<html><body>Log in</body></html>', /answered something unusable: repodata\.json could not be decoded/],
    ['JSON that is not repodata', 'repodata.json', '[1, 2]', /answered something unusable: the body is not conda repodata/],
    ['zstd that is not zstd', 'repodata.json.zst', 'not zstd', /answered something unusable: repodata\.json\.zst could not be decoded/],
  ])('%s is a HostError and is not kept', async (_label, file, body, message) => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    const pool = agent.get('https://conda.test');
    pool.intercept({ path: `/conda-forge/noarch/${file}`, method: 'GET' }).reply(200, body);
    pool.intercept({ path: (path) => path !== `/conda-forge/noarch/${file}`, method: 'GET' }).reply(404, '').persist();
    const cache = openHttpCache(':memory:');
    const http = createHttpClient({ dispatcher: agent, cache, sleep: async () => {} });
    try {
      const channel = createCondaChannel({ http, channelUrl: CHANNEL, subdirs: ['noarch'] });
      const error = await channel.records('jupyterlab').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(HostError);
      expect((error as HostError).message).toMatch(message);
      expect(cache.get({ method: 'GET', url: `${CHANNEL}noarch/${file}`, vary: '' })).toBeNull();
    } finally {
      await http.close();
      cache.close();
      await agent.close();
    }
  });
});
