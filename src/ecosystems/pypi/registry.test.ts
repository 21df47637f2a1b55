import { createHash } from 'node:crypto';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCassette, replayClient, type Cassette } from '../../../test/http-replay.js';
import { systemConfigSources } from '../config-sources.js';
import { loadPypiConfig, resolvePypiIndex } from './config.js';
import { ChainwatchError, HostError } from '../../core/errors.js';
import { createHttpClient } from '../../http/client.js';
import { openHttpCache } from '../../store/http-cache.js';
import type { HttpClient, HttpRequest, HttpResponse } from '../../http/types.js';
import { defaultEnvironment } from './environment.js';
import { evaluateMarker } from './markers.js';
import { parseCoreMetadata } from './wheel-metadata.js';
import { createPypiRegistry, parseDistributionFilename, SIMPLE_ACCEPT, type PypiFile, type PypiRegistryOptions } from './registry.js';

const FIXTURES = new URL('./fixtures/registry/', import.meta.url);
const INDEX = 'https://pypi.test/simple/';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A registry over a cassette, through the real HttpClient and a MockAgent that refuses the network. */
function replayRegistry(cassette: string | Cassette, options: Partial<PypiRegistryOptions> = {}) {
  const { client, agent } = replayClient(typeof cassette === 'string' ? new URL(cassette, FIXTURES) : cassette);
  cleanups.push(() => client.close(), () => agent.close());
  return { registry: createPypiRegistry({ http: client, indexUrl: INDEX, ...options }), client, agent };
}

function newest(files: PypiFile[], kind: PypiFile['kind']): PypiFile {
  const sorted = files.filter((file) => file.kind === kind).sort((a, b) => (b.uploadTime ?? '').localeCompare(a.uploadTime ?? ''));
  return sorted[0]!;
}

describe('parseDistributionFilename', () => {
  it.each([
    ['jupyterlab-4.6.6-py3-none-any.whl', 'jupyterlab', 'wheel', '4.6.6', { build: null, python: ['py3'], abi: ['none'], platform: ['any'] }],
    ['jupyterlab_widgets-3.0.17-py3-none-any.whl', 'jupyterlab-widgets', 'wheel', '3.0.17', { build: null, python: ['py3'], abi: ['none'], platform: ['any'] }],
    ['packaging-20.6-py2.py3-none-any.whl', 'packaging', 'wheel', '20.6', { build: null, python: ['py2', 'py3'], abi: ['none'], platform: ['any'] }],
    [
      'numpy-2.1.0-1-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl',
      'numpy',
      'wheel',
      '2.1.0',
      { build: '1', python: ['cp312'], abi: ['cp312'], platform: ['manylinux_2_17_x86_64', 'manylinux2014_x86_64'] },
    ],
    ['traitlets-5.2.2.post0-py3-none-any.whl', 'traitlets', 'wheel', '5.2.2.post0', { build: null, python: ['py3'], abi: ['none'], platform: ['any'] }],
    ['other-1.0-py3-none-any.whl', 'jupyterlab', 'wheel', null, { build: null, python: ['py3'], abi: ['none'], platform: ['any'] }],
    ['broken-py3-none-any.whl', 'broken', 'wheel', null, null],
    ['jupyterlab_widgets-3.0.17.tar.gz', 'jupyterlab-widgets', 'sdist', '3.0.17', null],
    ['python-dateutil-2.8.2.tar.gz', 'python-dateutil', 'sdist', '2.8.2', null],
    ['docopt-0.6.2.tar.gz', 'docopt', 'sdist', '0.6.2', null],
    ['progressbar-2.3-dev.tar.gz', 'progressbar', 'sdist', '2.3-dev', null],
    ['demo-1.0.zip', 'demo', 'sdist', '1.0', null],
    ['demo-1.0.tar.bz2', 'demo', 'sdist', '1.0', null],
    ['demo-1.0.tar.gz', 'other', 'sdist', null, null],
    ['demo-1.0-py2.7.egg', 'demo', 'other', null, null],
  ] as const)('%s (project %s) → %s %s', (filename, project, kind, version, wheel) => {
    const parsed = parseDistributionFilename(filename, project);
    expect(parsed.kind).toBe(kind);
    expect(parsed.version?.text ?? null).toBe(version);
    expect(parsed.wheel).toEqual(wheel);
  });

  it('normalises versions read from file names', () => {
    expect(parseDistributionFilename('progressbar-2.3-dev.tar.gz', 'progressbar').version?.toString()).toBe('2.3.dev0');
  });

  it('takes the last dash of an sdist name when the project is not known', () => {
    expect(parseDistributionFilename('python-dateutil-2.8.2.tar.gz').version?.text).toBe('2.8.2');
  });
});

describe('project(): recorded PEP 691 pages (fixtures/registry/projects.json)', () => {
  // Facts read from the cassette: each page holds the 30 newest files plus every yanked one.
  it.each([
    ['jupyterlab', 30, 609, []],
    [
      'jupyter-server',
      38,
      162,
      [
        ['jupyter_server-1.2.3-py3-none-any.whl', 'Breaking changes downstream'],
        ['jupyter_server-1.2.3.tar.gz', 'Breaking changes downstream'],
        ['jupyter_server-2.0.0-py3-none-any.whl', 'bad dependency requirement'],
        ['jupyter_server-2.0.0.tar.gz', 'bad dependency requirement'],
        ['jupyter_server-2.0.7-py3-none-any.whl', 'accidental release'],
        ['jupyter_server-2.0.7.tar.gz', 'accidental release'],
        ['jupyter_server-2.11.0-py3-none-any.whl', 'accidental breaking api change'],
        ['jupyter_server-2.11.0.tar.gz', 'accidental breaking api change'],
      ],
    ],
    ['notebook', 32, 218, [['notebook-6.5.0-py3-none-any.whl', 'Broken release'], ['notebook-6.5.0.tar.gz', 'Broken release']]],
    ['ipywidgets', 30, 166, []],
    ['jupyterlab-widgets', 30, 74, []],
    [
      'traitlets',
      33,
      57,
      [
        ['traitlets-5.2.2-py3-none-any.whl', 'Invalid metadata'],
        ['traitlets-5.2.2.post0-py3-none-any.whl', 'Invalid metadata'],
        ['traitlets-5.2.2.tar.gz', 'Invalid metadata'],
      ],
    ],
    [
      'packaging',
      32,
      54,
      [
        ['packaging-20.6-py2.py3-none-any.whl', 'Incorrect git commit was used for cutting release'],
        ['packaging-20.6.tar.gz', 'Incorrect git commit was used for cutting release'],
      ],
    ],
    ['docopt', 11, 11, []],
  ] as const)('%s: %i files, %i versions, the yanked files with their reasons', async (name, fileCount, versionCount, yanked) => {
    const { registry } = replayRegistry('projects.json', {});
    // The cassette answers the projects in its own order; ask for all so every interceptor is used.
    const pages = new Map<string, Awaited<ReturnType<typeof registry.project>>>();
    for (const project of ['jupyterlab', 'jupyter-server', 'notebook', 'ipywidgets', 'jupyterlab-widgets', 'traitlets', 'packaging', 'docopt']) {
      pages.set(project, await registry.project(project));
    }
    const page = pages.get(name)!;
    expect(page).not.toBeNull();
    expect(page!.format).toBe('json');
    expect(page!.apiVersion).toBe('1.1');
    expect(page!.files).toHaveLength(fileCount);
    expect(page!.versions).toHaveLength(versionCount);
    expect(page!.files.filter((file) => file.yanked).map((file) => [file.filename, file.yankedReason])).toEqual(yanked);
    // This index advertises neither PEP 658 metadata nor PEP 740 provenance on its pages: it omits the keys,
    // so "no provenance" is unknown here, not false.
    expect(page!.files.every((file) => file.coreMetadata === null && file.provenanceUrl === null && !file.provenanceKnown)).toBe(true);
    expect(page!.files.every((file) => file.version !== null && file.url.startsWith('https://files.pypi.test/packages/'))).toBe(true);
  });

  it('reads the newest jupyterlab wheel: upload time, size, hash, requires-python, tags', async () => {
    const { registry } = replayRegistry('projects.json');
    const page = await registry.project('JupyterLab');
    const wheel = newest(page!.files, 'wheel');
    expect(wheel).toMatchObject({
      filename: 'jupyterlab-4.6.6-py3-none-any.whl',
      url: 'https://files.pypi.test/packages/69/f0/842ff0c6ed2e9a4d027d32576813ef92c014f72743a3e745e0a9ce9df24b/jupyterlab-4.6.6-py3-none-any.whl',
      hashes: { sha256: '4261910ccf1ecad6e0b3ca0debe96d4fde9735bfc9707509c125aab850e06b81' },
      requiresPython: '>=3.10',
      yanked: false,
      yankedReason: null,
      uploadTime: '2026-11-06T14:02:30Z',
      size: 17334944,
      wheel: { build: null, python: ['py3'], abi: ['none'], platform: ['any'] },
    });
    expect(wheel.version?.toString()).toBe('4.6.6');
    expect(newest(page!.files, 'sdist')).toMatchObject({ filename: 'jupyterlab-4.6.6.tar.gz', uploadTime: '2026-11-06T14:02:39Z', size: 28406802 });
    expect(page!.versions?.includes('4.7.0a2')).toBe(true);
  });

  it('reads docopt as sdists only, without requires-python', async () => {
    const { registry } = replayRegistry('projects.json');
    await registry.project('jupyterlab');
    const page = await registry.project('docopt');
    expect(page!.files.every((file) => file.kind === 'sdist' && file.requiresPython === null)).toBe(true);
    expect(page!.files.map((file) => file.version?.toString())).toContain('0.6.2');
    expect(newest(page!.files, 'sdist')).toMatchObject({ filename: 'docopt-0.6.2.tar.gz', uploadTime: '2014-06-16T11:18:57.406351Z', size: 25901 });
  });

  it('answers null for a project the index does not have (404), and uses every recorded answer', async () => {
    const { registry, agent } = replayRegistry('projects.json');
    for (const project of ['jupyterlab', 'jupyter-server', 'notebook', 'ipywidgets', 'jupyterlab-widgets', 'traitlets', 'packaging', 'docopt']) {
      expect(await registry.project(project)).not.toBeNull();
    }
    expect(await registry.project('chainwatch-no-such-project-0')).toBeNull();
    agent.assertAllUsed();
  });

  it('asks for a project page once per registry', async () => {
    const { registry, client } = replayRegistry('projects.json');
    await Promise.all([registry.project('traitlets'), registry.project('Traitlets'), registry.project('traitlets')]);
    expect(client.stats().requests).toBe(1);
  });
});

describe('project(): the JSON and HTML forms of one page (fixtures/registry/packaging-forms.json)', () => {
  const cassette = loadCassette(new URL('packaging-forms.json', FIXTURES));
  const [jsonAnswer, htmlAnswer] = cassette.interactions;

  /** The HTML answer to pip's Accept header: a mirror that serves only PEP 503 HTML. */
  const htmlOnly: Cassette = { version: 1, interactions: [{ ...htmlAnswer!, requestHeaders: { accept: SIMPLE_ACCEPT } }] };

  it('records the HTML form for Accept: text/html', () => {
    expect(htmlAnswer!.requestHeaders).toEqual({ accept: 'text/html' });
    expect(htmlAnswer!.headers?.['content-type']).toBe('text/html');
    expect(jsonAnswer!.requestHeaders).toEqual({ accept: SIMPLE_ACCEPT });
  });

  it('reads the same files from both forms (HTML has no upload times or sizes)', async () => {
    const json = await replayRegistry({ version: 1, interactions: [jsonAnswer!] }).registry.project('packaging');
    const html = await replayRegistry(htmlOnly).registry.project('packaging');
    expect(json!.format).toBe('json');
    expect(html!.format).toBe('html');
    expect(html!.apiVersion).toBeNull();
    expect(html!.versions).toBeNull();
    expect(json!.files).toHaveLength(108);
    expect(html!.files).toHaveLength(108);
    const common = (file: PypiFile) => [file.filename, file.url, file.hashes, file.requiresPython, file.yanked, file.yankedReason, file.version?.toString()];
    const byName = (files: PypiFile[]) => [...files].sort((a, b) => a.filename.localeCompare(b.filename)).map(common);
    expect(byName(html!.files)).toEqual(byName(json!.files));
    expect(html!.files.every((file) => file.uploadTime === null && file.size === null && !file.provenanceKnown)).toBe(true);
    expect(json!.files.every((file) => file.uploadTime !== null && file.size !== null)).toBe(true);
  });

  it('decodes data-requires-python and data-yanked from the HTML form', async () => {
    const html = await replayRegistry(htmlOnly).registry.project('packaging');
    const yanked = html!.files.find((file) => file.filename === 'packaging-20.6-py2.py3-none-any.whl');
    expect(yanked).toMatchObject({
      requiresPython: '>=2.7, !=3.0.*, !=3.1.*, !=3.2.*, !=3.3.*',
      yanked: true,
      yankedReason: 'Incorrect git commit was used for cutting release',
      hashes: { sha256: '518de9cf1a577c24d2d567033050bb2a8e3528dd48fa195350b59a8548270728' },
    });
    expect(html!.files.find((file) => file.filename === 'packaging-26.3-py3-none-any.whl')?.requiresPython).toBe('>=3.9');
    expect(html!.files.find((file) => file.filename === 'packaging-14.0.tar.gz')?.requiresPython).toBeNull();
  });
});

describe('projectJson() / releaseJson() and PEP 658 metadata (fixtures/registry/json-api.json)', () => {
  it('reads the jupyterlab project JSON: info, releases, relative file URLs', async () => {
    const { registry } = replayRegistry('json-api.json');
    const project = await registry.projectJson('jupyterlab');
    expect(project).not.toBeNull();
    const { info } = project!;
    expect(info).toMatchObject({
      name: 'jupyterlab',
      version: '4.6.6',
      licenseExpression: null,
      requiresPython: '>=3.10',
      authorEmail: 'Jupyter Development Team <jupyter@googlegroups.com>',
      author: null,
      homePage: null,
      yanked: false,
    });
    expect(info.license?.startsWith('Copyright (c) 2015-2026 Project Jupyter Contributors\n')).toBe(true);
    expect(info.projectUrls).toContainEqual({ label: 'Source', url: 'https://github.com/jupyterlab/jupyterlab' });
    expect(info.requiresDist).toHaveLength(50);
    expect(info.requiresDist?.slice(0, 3)).toEqual(['async-lru>=1.0.0', 'httpx<1,>=0.25.0', 'ipykernel!=6.30.0,>=6.5.0']);
    expect(project!.releases?.map((release) => release.version)).toEqual(['4.5.10', '4.5.11', '4.6.0', '4.6.1', '4.6.2', '4.6.3', '4.6.4', '4.7.0a0', '4.7.0a1', '4.7.0a2', '4.6.5', '4.6.6']);
    expect(project!.lastSerial).toBe(42915446);
    // This index writes `../../packages/packages/…` file URLs into its JSON API: resolved against the JSON's own URL.
    expect(project!.files.map((file) => [file.filename, file.url, file.uploadTime, file.coreMetadata])).toEqual([
      [
        'jupyterlab-4.6.6-py3-none-any.whl',
        'https://pypi.test/packages/packages/69/f0/842ff0c6ed2e9a4d027d32576813ef92c014f72743a3e745e0a9ce9df24b/jupyterlab-4.6.6-py3-none-any.whl',
        '2026-11-06T14:02:30Z',
        null,
      ],
      [
        'jupyterlab-4.6.6.tar.gz',
        'https://pypi.test/packages/packages/51/43/490a500e421a46900c8afb0c912c1bf3c9977c85831a3815e2c2139309a9/jupyterlab-4.6.6.tar.gz',
        '2026-11-06T14:02:39Z',
        null,
      ],
    ]);
  });

  it('answers null for a missing project and for release JSON this index does not serve', async () => {
    const { registry } = replayRegistry('json-api.json');
    await registry.projectJson('jupyterlab');
    expect(await registry.projectJson('chainwatch-no-such-project-0')).toBeNull();
    expect(await registry.releaseJson('ipywidgets', '8.1.9')).toBeNull();
  });

  it('reads ipywidgets 8.1.9 core metadata from <wheel>.metadata, checked against the sha256 the JSON API gives', async () => {
    const { registry, agent, client } = replayRegistry('json-api.json');
    await registry.projectJson('jupyterlab');
    await registry.projectJson('chainwatch-no-such-project-0');
    await registry.releaseJson('ipywidgets', '8.1.9');
    const project = await registry.projectJson('ipywidgets');
    const wheel = project!.releases!.find((release) => release.version === '8.1.9')!.files.find((file) => file.kind === 'wheel')!;
    expect(wheel.coreMetadata).toEqual({ hashes: { sha256: 'aea2814e0dd68918a6e4a38c37faf17981525636a8a8ef023f0481e93cb8b8a7' } });
    expect(wheel.uploadTime).toBe('2026-08-18T08:54:22.339805Z');

    const result = await registry.metadata(wheel);
    expect(result.source).toBe('pep658');
    expect(result.notes).toEqual([]);
    expect(result.unknown).toEqual([]);
    expect(result.metadata).toMatchObject({ name: 'ipywidgets', version: '8.1.9', requiresPython: '>=3.7', license: 'BSD 3-Clause License', providesExtra: ['test'] });
    expect(result.dependencies.known).toBe(true);
    if (!result.dependencies.known) return;
    expect(result.dependencies.value.map((requirement) => `${requirement.name}${requirement.specifier}${requirement.marker ? ' ; marker' : ''}`)).toEqual([
      'comm>=0.1.3',
      'ipython>=6.1.0',
      'traitlets>=4.3.1',
      'widgetsnbextension~=4.0.16',
      'jupyterlab_widgets~=3.0.17',
      'jsonschema ; marker',
      'ipykernel ; marker',
      'pytest>=3.6.0 ; marker',
      'pytest-cov ; marker',
      'pytz ; marker',
    ]);
    agent.assertAllUsed();
    // A second read of immutable metadata is served from the cache.
    const before = client.stats().requests;
    expect((await registry.metadata(wheel)).source).toBe('pep658');
    expect(client.stats().requests).toBe(before);
  });
});

describe('metadata() from wheels by range requests, listFiles(), readMember() (fixtures/registry/wheel-ranges.json.gz)', () => {
  const MANIFEST = 'jupyterlab_widgets-3.0.17.data/data/share/jupyter/labextensions/@jupyter-widgets/jupyterlab-manager/package.json';

  it('reads the labextension package.json and METADATA of the jupyterlab-widgets wheel, and jupyterlab\'s Requires-Dist, in 8 requests', async () => {
    const { registry, agent, client } = replayRegistry('wheel-ranges.json.gz');
    const widgets = await registry.project('jupyterlab-widgets');
    const widgetsWheel = newest(widgets!.files, 'wheel');
    expect(widgetsWheel.filename).toBe('jupyterlab_widgets-3.0.17-py3-none-any.whl');

    const members = await registry.listFiles(widgetsWheel);
    expect(members).toHaveLength(25);
    expect(members).toContain(MANIFEST);
    expect(members).toContain('jupyterlab_widgets-3.0.17.dist-info/METADATA');

    const manifest = JSON.parse((await registry.readMember(widgetsWheel, MANIFEST))!.toString('utf8')) as { name: string; version: string; dependencies: Record<string, string> };
    expect(manifest.name).toBe('@jupyter-widgets/jupyterlab-manager');
    expect(manifest.version).toBe('5.0.16');
    expect(manifest.dependencies['@jupyter-widgets/base']).toBe('^6.0.12');
    expect(await registry.readMember(widgetsWheel, 'no/such/member')).toBeNull();

    const widgetsMetadata = await registry.metadata(widgetsWheel);
    expect(widgetsMetadata.source).toBe('wheel');
    expect(widgetsMetadata.metadata).toMatchObject({
      metadataVersion: '2.5',
      name: 'jupyterlab_widgets',
      version: '3.0.17',
      requiresPython: '>=3.7',
      projectUrls: [{ label: 'Homepage', url: 'https://github.com/jupyter-widgets/ipywidgets' }],
      licenseFiles: ['LICENSE'],
    });
    expect(widgetsMetadata.metadata!.license?.startsWith('Copyright (c) 2015 Project Jupyter Contributors\nAll rights reserved.\n\nRedistribution')).toBe(true);
    // A wheel's METADATA is authoritative: no Requires-Dist means no dependencies.
    expect(widgetsMetadata.dependencies).toEqual({ known: true, value: [] });

    const jupyterlab = await registry.project('jupyterlab');
    const result = await registry.metadata(newest(jupyterlab!.files, 'wheel'));
    expect(result.source).toBe('wheel');
    expect(result.metadata).toMatchObject({ name: 'jupyterlab', version: '4.6.6', requiresPython: '>=3.10', providesExtra: ['dev', 'docs-screenshots', 'test', 'upgrade-extension'] });
    expect(result.dependencies.known).toBe(true);
    if (!result.dependencies.known) return;
    expect(result.dependencies.value).toHaveLength(50);
    const runtime = result.dependencies.value.filter((requirement) => !requirement.marker || evaluateMarker(requirement.marker, defaultEnvironment));
    expect(runtime.map((requirement) => `${requirement.normalizedName}${requirement.specifier}`)).toEqual([
      'async-lru>=1.0.0',
      'httpx<1,>=0.25.0',
      'ipykernel!=6.30.0,>=6.5.0',
      'jinja2>=3.0.3',
      'jupyter-builder>=1.0.2',
      'jupyter-core',
      'jupyter-lsp>=2.0.0',
      'jupyter-server<3,>=2.19.0',
      'jupyterlab-server<3,>=2.28.0',
      'notebook-shim>=0.2',
      'packaging>=23.2',
      'tornado>=6.2.0',
      'traitlets',
    ]);
    // tomli and typing-extensions are for Pythons older than the default 3.12.
    expect(result.dependencies.value.filter((requirement) => requirement.normalizedName === 'tomli' || requirement.normalizedName === 'typing-extensions')).toHaveLength(2);

    agent.assertAllUsed();
    // Two project pages, three range reads per wheel at most: never a whole wheel.
    expect(client.stats().requests).toBe(8);
  });
});

describe('metadata() by range requests equals the METADATA of the whole wheel', () => {
  it('reads the recorded jupyterlab METADATA from a 2 MiB wheel in three range reads, never the whole wheel', async () => {
    // The real METADATA of the recorded jupyterlab wheel (wheel-ranges.json.gz), in a wheel made here whose
    // central directory and METADATA lie beyond the first tail read (as in big wheels), its members deflated.
    const { client, agent } = replayClient(new URL('wheel-ranges.json.gz', FIXTURES), { persist: true });
    cleanups.push(() => client.close(), () => agent.close());
    const recorded = createPypiRegistry({ http: client, indexUrl: INDEX });
    const jupyterlab = newest((await recorded.project('jupyterlab'))!.files, 'wheel');
    const metadataText = (await recorded.readMember(jupyterlab, 'jupyterlab-4.6.6.dist-info/METADATA'))!;
    const noise = (index: number) => createHash('sha512').update(String(index)).digest();
    const members: Record<string, Uint8Array> = {};
    for (let index = 0; index < 512; index++) members[`jupyterlab/static/chunk-${index}.js`] = Buffer.concat(Array.from({ length: 64 }, (_, part) => noise(index * 64 + part)));
    members['jupyterlab-4.6.6.dist-info/METADATA'] = metadataText;
    members['jupyterlab-4.6.6.dist-info/RECORD'] = strToU8(Object.keys(members).map((name) => `${name},sha256=x,1`).join('\n'));
    const wheel = zipSync(members, { level: 1 });
    expect(wheel.length).toBeGreaterThan(2 * 1024 * 1024);

    const http = fakeHttp((request) => serveFile(wheel, request));
    const registry = createPypiRegistry({ http, indexUrl: INDEX });
    const byRanges = await registry.metadata({ filename: 'jupyterlab-4.6.6-py3-none-any.whl', url: WHEEL_URL, size: wheel.length });
    const whole = parseCoreMetadata(strFromU8(unzipSync(wheel)['jupyterlab-4.6.6.dist-info/METADATA']!), `${WHEEL_URL}!/METADATA`);
    // Parsed requirements hold functions (their specifier sets): compare what they are made of.
    const plain = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;
    expect(byRanges.source).toBe('wheel');
    expect(plain(byRanges.metadata)).toEqual(plain(whole));
    expect(plain(byRanges.dependencies)).toEqual(plain({ known: true, value: whole.requiresDist }));
    expect(whole.requiresDist).toHaveLength(50);
    expect(http.requests.every((request) => request.range !== undefined)).toBe(true);
    const fetched = http.requests.reduce((sum, request) => sum + Math.min(request.range!.end ?? wheel.length - 1, wheel.length - 1) - request.range!.start + 1, 0);
    // The tail, the rest of the central directory, the METADATA member: a few kilobytes of megabytes.
    expect(http.requests).toHaveLength(3);
    expect(fetched).toBeLessThan(wheel.length / 20);
  });
});

describe('metadata() from an sdist (fixtures/registry/sdist.json.gz)', () => {
  it('reads docopt 0.6.2\'s PKG-INFO and says its dependencies are unknown, not none', async () => {
    const { registry, agent } = replayRegistry('sdist.json.gz');
    const page = await registry.project('docopt');
    const result = await registry.metadata(newest(page!.files, 'sdist'));
    expect(result.source).toBe('sdist');
    expect(result.metadata).toMatchObject({
      metadataVersion: '1.1',
      name: 'docopt',
      version: '0.6.2',
      summary: 'Pythonic argument parser, that will make you smile',
      homePage: 'http://docopt.org',
      author: 'Vladimir Keleshev',
      authorEmail: 'vladimir@keleshev.com',
      license: 'MIT',
      requiresDist: [],
    });
    expect(result.dependencies.known).toBe(false);
    expect(result.unknown).toEqual(['requires-dist', 'requires-python', 'provides-extra']);
    agent.assertAllUsed();
  });
});

// ---------------------------------------------------------------------------
// Hand-made answers for what the recorded index does not show

interface FakeAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

/** An HttpClient answering from a function, logging every request. */
function fakeHttp(answer: (request: HttpRequest) => FakeAnswer): HttpClient & { requests: HttpRequest[] } {
  const requests: HttpRequest[] = [];
  return {
    requests,
    async get(request): Promise<HttpResponse> {
      requests.push(request);
      const { status, headers = {}, body = '' } = answer(request);
      return { status, headers, body: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'), url: request.url, fromCache: false };
    },
    failures: () => [],
    stats: () => ({ requests: requests.length, cacheHits: 0, notModified: 0, retries: 0, bytes: 0 }),
    close: async () => {},
  };
}

/** Serves `bytes` honouring Range (206 + Content-Range), or ignoring it (200) when told to. */
function serveFile(bytes: Uint8Array, request: HttpRequest, ignoreRange = false): FakeAnswer {
  if (!request.range || ignoreRange) return { status: 200, headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from(bytes) };
  const end = Math.min(request.range.end ?? bytes.length - 1, bytes.length - 1);
  return {
    status: 206,
    headers: { 'content-range': `bytes ${request.range.start}-${end}/${bytes.length}` },
    body: Buffer.from(bytes.subarray(request.range.start, end + 1)),
  };
}

function simplePage(files: object[], apiVersion = '1.1'): FakeAnswer {
  return {
    status: 200,
    headers: { 'content-type': 'application/vnd.pypi.simple.v1+json' },
    body: JSON.stringify({ meta: { 'api-version': apiVersion }, name: 'demo', files }),
  };
}

const DEMO_METADATA = 'Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nRequires-Dist: requests>=2\n';
const demoWheel = zipSync({
  'demo/__init__.py': strToU8('x = 1\n'),
  'demo-1.0.dist-info/METADATA': strToU8(DEMO_METADATA),
  'demo-1.0.data/data/share/jupyter/labextensions/demo/package.json': strToU8('{"name":"demo-extension"}'),
});
const WHEEL_URL = 'https://files.pypi.test/packages/demo-1.0-py3-none-any.whl';

function wheelRef(extra: Partial<PypiFile> = {}) {
  return { filename: 'demo-1.0-py3-none-any.whl', url: WHEEL_URL, size: demoWheel.length, ...extra };
}

describe('createPypiRegistry with hand-made answers', () => {
  it('sends the Authorization header to the index origin only', async () => {
    const http = fakeHttp((request) => {
      if (request.url.endsWith('/simple/demo/')) {
        return simplePage([
          { filename: 'demo-1.0-py3-none-any.whl', url: WHEEL_URL, hashes: {}, 'core-metadata': true },
          { filename: 'demo-1.0.zip', url: '../../packages/demo-1.0.zip', hashes: {} },
        ]);
      }
      if (request.url.endsWith('.metadata')) return { status: 200, body: DEMO_METADATA };
      return { status: 404 };
    });
    const registry = createPypiRegistry({ http, indexUrl: 'https://pypi.test/simple', authorization: 'Bearer secret' });
    const page = await registry.project('Demo');
    expect(page!.files.map((file) => file.url)).toEqual([WHEEL_URL, 'https://pypi.test/packages/demo-1.0.zip']);
    await registry.metadata(page!.files[0]!);
    await registry.metadata(page!.files[1]!);
    expect(http.requests.map((request) => [request.url, request.headers?.authorization ?? null])).toEqual([
      ['https://pypi.test/simple/demo/', 'Bearer secret'],
      [`${WHEEL_URL}.metadata`, null],
      ['https://pypi.test/packages/demo-1.0.zip', 'Bearer secret'],
    ]);
    expect(http.requests[0]!.headers?.accept).toBe(SIMPLE_ACCEPT);
    expect(http.requests[1]!.cache).toBe('prefer-cache');
  });

  it('reads PEP 714/740 fields of a JSON page and resolves relative provenance URLs', async () => {
    const http = fakeHttp(() =>
      simplePage([
        {
          filename: 'demo-1.0-py3-none-any.whl',
          url: WHEEL_URL,
          hashes: { SHA256: 'AB' },
          'core-metadata': { sha256: 'cd' },
          'dist-info-metadata': true,
          provenance: '/integrity/demo/1.0/demo-1.0-py3-none-any.whl/provenance',
          yanked: 'bad build',
          'upload-time': '2024-05-01T10:00:00.000000Z',
          size: 42,
        },
      ]),
    );
    const page = await createPypiRegistry({ http, indexUrl: INDEX }).project('demo');
    expect(page!.files[0]).toMatchObject({
      hashes: { sha256: 'AB' },
      coreMetadata: { hashes: { sha256: 'cd' } },
      provenanceUrl: 'https://pypi.test/integrity/demo/1.0/demo-1.0-py3-none-any.whl/provenance',
      provenanceKnown: true,
      yanked: true,
      yankedReason: 'bad build',
      uploadTime: '2024-05-01T10:00:00.000000Z',
      size: 42,
    });
  });

  it.each([
    ['stated as null: known, none', { provenance: null }, { provenanceUrl: null, provenanceKnown: true }],
    ['not stated: unknown', {}, { provenanceUrl: null, provenanceKnown: false }],
  ])('PEP 740 provenance %s', async (_label, patch, expected) => {
    const http = fakeHttp(() => simplePage([{ filename: 'demo-1.0-py3-none-any.whl', url: WHEEL_URL, hashes: {}, ...patch }]));
    expect((await createPypiRegistry({ http, indexUrl: INDEX }).project('demo'))!.files[0]).toMatchObject(expected);
  });

  it.each([
    ['a content type that is neither form', { status: 200, headers: { 'content-type': 'application/octet-stream' }, body: 'x' }, 'unsupported-format'],
    ['a PEP 691 page of API version 2', simplePage([], '2.0'), 'unsupported-format'],
    ['an HTML page of API version 2', { status: 200, headers: { 'content-type': 'text/html' }, body: '<meta name="pypi:repository-version" content="2.0">' }, 'unsupported-format'],
    ['JSON that does not parse', { status: 200, headers: { 'content-type': 'application/vnd.pypi.simple.v1+json' }, body: '{' }, 'parse-error'],
    ['JSON that is not a project page', { status: 200, headers: { 'content-type': 'application/vnd.pypi.simple.v1+json' }, body: '{"files": []}' }, 'parse-error'],
  ] as const)('refuses %s with a located ChainwatchError', async (_label, answer, code) => {
    const registry = createPypiRegistry({ http: fakeHttp(() => answer), indexUrl: 'https://user:pw@pypi.test/simple/' });
    const error = await registry.project('demo').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ChainwatchError);
    expect((error as ChainwatchError).code).toBe(code);
    expect((error as ChainwatchError).location?.path).toBe('https://***:***@pypi.test/simple/demo/');
  });

  it('raises a HostError for a status that is neither an answer nor absent', async () => {
    const registry = createPypiRegistry({ http: fakeHttp(() => ({ status: 403 })), indexUrl: INDEX });
    const error = await registry.project('demo').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HostError);
    expect((error as HostError).status).toBe(403);
  });

  it('asks no JSON API of an index whose URL does not end in /simple/, and treats an HTML answer as not served', async () => {
    const http = fakeHttp(() => ({ status: 200, headers: { 'content-type': 'text/html' }, body: '<html></html>' }));
    expect(await createPypiRegistry({ http, indexUrl: 'https://mirror.pypi.test/root/pypi/+simple/' }).projectJson('demo')).toBeNull();
    expect(http.requests).toHaveLength(0);
    expect(await createPypiRegistry({ http, indexUrl: 'https://mirror.pypi.test/simple/' }).releaseJson('demo', '1.0')).toBeNull();
    expect(http.requests.map((request) => request.url)).toEqual(['https://mirror.pypi.test/pypi/demo/1.0/json']);
  });

  it('falls back to the wheel when .metadata does not match its advertised hash', async () => {
    const http = fakeHttp((request) => (request.url.endsWith('.metadata') ? { status: 200, body: 'Name: tampered\n' } : serveFile(demoWheel, request)));
    const result = await createPypiRegistry({ http, indexUrl: INDEX }).metadata(wheelRef({ coreMetadata: { hashes: { sha256: createHash('sha256').update(DEMO_METADATA).digest('hex') } } }));
    expect(result.source).toBe('wheel');
    expect(result.notes).toEqual(['demo-1.0-py3-none-any.whl.metadata does not match the hash the index gave for it']);
    expect(result.metadata?.name).toBe('demo');
  });

  it('accepts .metadata whose hash matches', async () => {
    const http = fakeHttp(() => ({ status: 200, body: DEMO_METADATA }));
    const result = await createPypiRegistry({ http, indexUrl: INDEX }).metadata(wheelRef({ coreMetadata: { hashes: { sha256: createHash('sha256').update(DEMO_METADATA).digest('hex') } } }));
    expect(result.source).toBe('pep658');
    expect(result.dependencies.known && result.dependencies.value.map((requirement) => requirement.name)).toEqual(['requests']);
  });

  it('probes .metadata when asked to, and falls back to range reads on a 404', async () => {
    const http = fakeHttp((request) => (request.url.endsWith('.metadata') ? { status: 404 } : serveFile(demoWheel, request)));
    const result = await createPypiRegistry({ http, indexUrl: INDEX, probeCoreMetadata: true }).metadata(wheelRef());
    expect(result.source).toBe('wheel');
    expect(result.notes).toEqual(['demo-1.0-py3-none-any.whl.metadata answered HTTP 404']);
    expect(http.requests.map((request) => [request.url.endsWith('.metadata'), request.range ?? null])).toEqual([
      [true, null],
      [false, { start: 0, end: demoWheel.length - 1 }],
    ]);
  });

  it('learns the size from a one-byte probe when the index gives none', async () => {
    const http = fakeHttp((request) => serveFile(demoWheel, request));
    const registry = createPypiRegistry({ http, indexUrl: INDEX });
    expect(await registry.listFiles(WHEEL_URL)).toEqual([
      'demo/__init__.py',
      'demo-1.0.dist-info/METADATA',
      'demo-1.0.data/data/share/jupyter/labextensions/demo/package.json',
    ]);
    expect(http.requests.map((request) => request.range)).toEqual([
      { start: 0, end: 0 },
      { start: 0, end: demoWheel.length - 1 },
    ]);
    // The directory is kept: reading a member costs one more request.
    expect((await registry.readMember(WHEEL_URL, 'demo-1.0.data/data/share/jupyter/labextensions/demo/package.json'))?.toString()).toBe('{"name":"demo-extension"}');
    expect(http.requests).toHaveLength(2);
  });

  it('re-reads the tail when the index\'s size is wrong', async () => {
    const http = fakeHttp((request) => serveFile(demoWheel, request));
    const members = await createPypiRegistry({ http, indexUrl: INDEX }).listFiles(wheelRef({ size: demoWheel.length + 5000 }));
    expect(members).toHaveLength(3);
    expect(http.requests.map((request) => request.range)).toEqual([
      { start: 0, end: demoWheel.length + 4999 },
      { start: 0, end: demoWheel.length - 1 },
    ]);
  });

  it('works with a server that ignores Range and sends the whole file', async () => {
    const http = fakeHttp((request) => serveFile(demoWheel, request, true));
    const registry = createPypiRegistry({ http, indexUrl: INDEX });
    expect((await registry.readMember(WHEEL_URL, 'demo/__init__.py'))?.toString()).toBe('x = 1\n');
    expect(http.requests).toHaveLength(1);
  });

  it('answers null for a wheel that is not there', async () => {
    const registry = createPypiRegistry({ http: fakeHttp(() => ({ status: 404 })), indexUrl: INDEX });
    expect(await registry.listFiles(wheelRef())).toBeNull();
    expect(await registry.readMember(WHEEL_URL, 'demo/__init__.py')).toBeNull();
    const result = await registry.metadata(wheelRef());
    expect(result).toMatchObject({ source: 'unknown', metadata: null, unknown: 'all', notes: ['demo-1.0-py3-none-any.whl answered HTTP 404'] });
    expect(result.dependencies.known).toBe(false);
  });

  it('marks dependencies unknown when a Requires-Dist line is not PEP 508', async () => {
    const wheel = zipSync({ 'demo-1.0.dist-info/METADATA': strToU8('Metadata-Version: 2.1\nName: demo\nRequires-Dist: good\nRequires-Dist: bad ===< 1\n') });
    const http = fakeHttp((request) => serveFile(wheel, request));
    const result = await createPypiRegistry({ http, indexUrl: INDEX }).metadata({ ...wheelRef(), size: wheel.length });
    expect(result.dependencies).toEqual({ known: false, reason: '1 Requires-Dist line(s) are not PEP 508: bad ===< 1' });
    expect(result.unknown).toEqual(['requires-dist']);
    expect(result.metadata?.requiresDist.map((requirement) => requirement.name)).toEqual(['good']);
  });

  it.each([
    ['metadata 2.2, nothing dynamic: known, even when empty', 'Metadata-Version: 2.2\nName: demo\nVersion: 1.0\n', { known: true, value: [] }, []],
    [
      'metadata 2.2 with Requires-Dist dynamic: unknown',
      'Metadata-Version: 2.2\nName: demo\nVersion: 1.0\nDynamic: Requires-Dist\nRequires-Dist: hint\n',
      { known: false, reason: 'the sdist marks Requires-Dist as Dynamic (computed at build time)' },
      ['requires-dist'],
    ],
    [
      'metadata 2.1: unknown even with a Requires-Dist',
      'Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nRequires-Dist: hint\n',
      { known: false, reason: "PKG-INFO metadata version 2.1 predates PEP 643: an sdist's Requires-Dist is only a hint before 2.2" },
      ['requires-dist', 'requires-python', 'provides-extra'],
    ],
  ])('an sdist with %s', async (_label, pkgInfo, dependencies, unknown) => {
    const sdist = zipSync({ 'demo-1.0/PKG-INFO': strToU8(pkgInfo), 'demo-1.0/setup.py': strToU8('') });
    const http = fakeHttp((request) => serveFile(sdist, request));
    const result = await createPypiRegistry({ http, indexUrl: INDEX }).metadata({ filename: 'demo-1.0.zip', url: 'https://files.pypi.test/demo-1.0.zip' });
    expect(result.source).toBe('sdist');
    expect(result.dependencies).toEqual(dependencies);
    expect(result.unknown).toEqual(unknown);
    expect(http.requests.map((request) => [request.range ?? null, request.cache])).toEqual([[null, 'prefer-cache']]);
  });

  it.each([
    ['an sdist format node:zlib cannot open', { filename: 'demo-1.0.tar.bz2', url: 'https://files.pypi.test/demo-1.0.tar.bz2' }, 'demo-1.0.tar.bz2: PKG-INFO is not read from this archive format'],
    ['an sdist too large to download', { filename: 'demo-1.0.tar.gz', url: 'https://files.pypi.test/demo-1.0.tar.gz', size: 100 * 1024 * 1024 }, 'demo-1.0.tar.gz: 104857600 bytes is more than the 67108864 downloaded for a PKG-INFO'],
  ])('says the metadata of %s is unknown without downloading it', async (_label, file, note) => {
    const http = fakeHttp(() => ({ status: 500 }));
    const result = await createPypiRegistry({ http, indexUrl: INDEX }).metadata(file);
    expect(result).toMatchObject({ source: 'unknown', notes: [note] });
    expect(http.requests).toHaveLength(0);
  });

  it('says an egg is neither a wheel nor an sdist', async () => {
    const result = await createPypiRegistry({ http: fakeHttp(() => ({ status: 500 })), indexUrl: INDEX }).metadata({ filename: 'demo-1.0-py2.7.egg', url: 'https://files.pypi.test/demo-1.0-py2.7.egg' });
    expect(result.dependencies).toEqual({ known: false, reason: 'demo-1.0-py2.7.egg is neither a wheel nor an sdist' });
  });
});

// ---------------------------------------------------------------------------
// Live, against this machine's configured index: skipped unless CHAINWATCH_LIVE=1.

describe.skipIf(process.env.CHAINWATCH_LIVE !== '1')('live', () => {
  it('reads a labextension manifest and jupyterlab\'s dependencies without downloading a wheel, then from the cache', async () => {
    const index = resolvePypiIndex(await loadPypiConfig(systemConfigSources()));
    const client = createHttpClient({ openCache: () => openHttpCache(':memory:') });
    cleanups.push(() => client.close());
    const registry = createPypiRegistry({ http: client, indexUrl: index.url, ...(index.authorization ? { authorization: index.authorization } : {}) });

    const widgets = newest((await registry.project('jupyterlab-widgets'))!.files, 'wheel');
    const manifest = (await registry.listFiles(widgets))!.find((member) => member.endsWith('/labextensions/@jupyter-widgets/jupyterlab-manager/package.json'));
    expect(JSON.parse((await registry.readMember(widgets, manifest!))!.toString('utf8'))).toMatchObject({ name: '@jupyter-widgets/jupyterlab-manager' });

    const wheel = newest((await registry.project('jupyterlab'))!.files, 'wheel');
    const first = await registry.metadata(wheel);
    expect(['pep658', 'wheel']).toContain(first.source);
    expect(first.dependencies.known && first.dependencies.value.some((requirement) => requirement.normalizedName === 'jupyter-server')).toBe(true);
    expect(client.stats().bytes).toBeLessThan(2_000_000);

    // A new registry over the same cache: the immutable reads need no request.
    const requests = client.stats().requests;
    const again = await createPypiRegistry({ http: client, indexUrl: index.url }).metadata(wheel);
    expect(again.metadata?.version).toBe(first.metadata?.version);
    expect(client.stats().requests).toBe(requests);
    expect(client.failures()).toEqual([]);
  });
});

describe('what the HTTP cache keeps (a real client over a MockAgent)', () => {
  const PORTAL = '<html><body><form action="/login"></form><a href="/terms">Terms</a></body></html>';

  function realRegistry() {
    const agent = new MockAgent();
    agent.disableNetConnect();
    const cache = openHttpCache(':memory:');
    const http = createHttpClient({ dispatcher: agent, cache, sleep: async () => {} });
    cleanups.push(() => http.close(), () => cache.close(), () => agent.close());
    return { registry: createPypiRegistry({ http, indexUrl: INDEX }), agent, cache, http };
  }

  it('a portal page for a project page is a HostError that says so, and is not kept', async () => {
    const { registry, agent, cache } = realRegistry();
    agent.get('https://pypi.test').intercept({ path: '/simple/demo/', method: 'GET' }).reply(200, PORTAL, { headers: { 'content-type': 'text/html' } });
    const error = await registry.project('demo').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HostError);
    expect((error as HostError).message).toBe('https://pypi.test/simple/demo/ answered an HTML page where JSON was expected: a captive portal or a misconfigured mirror?');
    expect(cache.size()).toBe(0);
  });

  it('a PEP 503 page, even an empty one, is a project page and is kept', async () => {
    const { registry, agent, cache } = realRegistry();
    const pool = agent.get('https://pypi.test');
    pool.intercept({ path: '/simple/demo/', method: 'GET' }).reply(200, '<!DOCTYPE html><html><body><a href="../../packages/demo-1.0.tar.gz#sha256=aa">demo-1.0.tar.gz</a></body></html>', { headers: { 'content-type': 'text/html' } });
    pool.intercept({ path: '/simple/gone/', method: 'GET' }).reply(200, '<!DOCTYPE html><html><head><title>Links for gone</title></head><body><h1>Links for gone</h1></body></html>', { headers: { 'content-type': 'text/html' } });
    expect((await registry.project('demo'))?.files.map((file) => file.filename)).toEqual(['demo-1.0.tar.gz']);
    expect((await registry.project('gone'))?.files).toEqual([]);
    expect(cache.size()).toBe(2);
  });

  it('an HTML answer from the JSON API is "not served" for this run, but not kept', async () => {
    const { registry, agent, cache } = realRegistry();
    agent.get('https://pypi.test').intercept({ path: '/pypi/demo/json', method: 'GET' }).reply(200, PORTAL, { headers: { 'content-type': 'text/html' } });
    expect(await registry.projectJson('demo')).toBeNull();
    expect(cache.size()).toBe(0);
  });

  it('JSON API JSON that does not parse is a HostError and is not kept', async () => {
    const { registry, agent, cache } = realRegistry();
    agent.get('https://pypi.test').intercept({ path: '/pypi/demo/json', method: 'GET' }).reply(200, '{"info": {"name": "demo"', { headers: { 'content-type': 'application/json' } });
    const error = await registry.projectJson('demo').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HostError);
    expect((error as HostError).message).toMatch(/^https:\/\/pypi\.test\/pypi\/demo\/json answered something that could not be read: the JSON API answer is not JSON/);
    expect(cache.size()).toBe(0);
  });

  it('.metadata that does not match its hash, or is not core metadata, is read once and not kept', async () => {
    const { registry, agent, cache } = realRegistry();
    const pool = agent.get('https://files.pypi.test');
    pool.intercept({ path: '/packages/demo-1.0-py3-none-any.whl.metadata', method: 'GET' }).reply(200, 'Metadata-Version: 2.1\nName: tampered\n');
    pool.intercept({ path: '/packages/demo-1.0-py3-none-any.whl', method: 'GET' }).reply(206, demoWheel, { headers: { 'content-range': `bytes 0-${demoWheel.length - 1}/${demoWheel.length}` } }).persist();
    const result = await registry.metadata(wheelRef({ coreMetadata: { hashes: { sha256: createHash('sha256').update(DEMO_METADATA).digest('hex') } } }));
    expect(result.source).toBe('wheel');
    expect(cache.get({ method: 'GET', url: `${WHEEL_URL}.metadata`, vary: '' })).toBeNull();
  });
});
