import { describe, expect, it } from 'vitest';
import type { HttpClient, HttpRequest, HttpResponse } from '../../http/types.js';
import { PROJECT_SUMMARY_FORM } from './project-summary.js';
import { SimpleFileSchema } from '../../ecosystems/pypi/schema.js';
import { createSimplePageReader, keptBySimpleFileSchema } from './simple-pages.js';
import type { ProjectSummary } from './summary-store.js';

const INDEX = 'https://pypi.test/simple/';

/** A fake HttpClient answering from a table of URL → response; records what was asked. */
function fakeHttp(answers: Record<string, Partial<HttpResponse> & { json?: unknown }>): HttpClient & { asked: HttpRequest[] } {
  const asked: HttpRequest[] = [];
  return {
    asked,
    async get(request) {
      asked.push(request);
      const answer = answers[request.url] ?? { status: 404 };
      const body = answer.json !== undefined ? Buffer.from(JSON.stringify(answer.json)) : (answer.body ?? Buffer.alloc(0));
      const response = { status: answer.status ?? 200, headers: answer.headers ?? { 'content-type': 'application/vnd.pypi.simple.v1+json' }, body, url: answer.url ?? request.url, fromCache: false };
      // As the real client: a 200 is handed back only when it validates.
      if (response.status === 200 && request.validate) {
        const verdict = request.validate(response);
        if (verdict !== true && typeof verdict !== 'object') throw new Error(`${request.url} ${String(verdict)}`);
      }
      return response;
    },
    failures: () => [],
    stats: () => ({ requests: asked.length, cacheHits: 0, notModified: 0, retries: 0, bytes: 0 }),
    close: async () => {},
  };
}

const PAGE = {
  meta: { 'api-version': '1.1' },
  name: 'demo-pkg',
  files: [
    { filename: 'demo_pkg-1.0-py3-none-any.whl', url: '../../files/demo_pkg-1.0-py3-none-any.whl#sha256=aa', hashes: {}, 'requires-python': ' >=3.8 ', 'upload-time': '2024-02-01T00:00:00Z', size: 10, 'core-metadata': { sha256: 'BB' } },
    { filename: 'demo-pkg-1.0.tar.gz', url: 'https://files.pypi.test/demo-pkg-1.0.tar.gz', hashes: {}, 'upload-time': '2024-01-31T00:00:00Z', yanked: '' },
    { filename: 'demo_pkg-2.0-cp312-cp312-manylinux_2_17_x86_64.whl', url: 'https://files.pypi.test/b.whl', hashes: {}, yanked: 'broken', 'dist-info-metadata': true },
    { filename: 'demo_pkg-2.0.win32.exe', url: 'https://files.pypi.test/c.exe', hashes: {} },
    { filename: '', url: 'https://files.pypi.test/d.whl' },
    'junk',
  ],
};

describe('createSimplePageReader', () => {
  it('groups files by the version in their names and reads five fields of each, lazily', async () => {
    const http = fakeHttp({ 'https://pypi.test/simple/demo-pkg/': { json: PAGE } });
    const reader = createSimplePageReader({ http, indexUrl: INDEX, authorization: 'Bearer token', maxAgeMs: 600_000 });
    const summary = await reader.read('Demo_Pkg');
    expect(http.asked).toEqual([
      {
        url: 'https://pypi.test/simple/demo-pkg/',
        headers: { accept: expect.stringContaining('application/vnd.pypi.simple.v1+json'), authorization: 'Bearer token' },
        source: 'pypi',
        cache: 'revalidate',
        maxAgeMs: 600_000,
        keep: { form: PROJECT_SUMMARY_FORM, trim: expect.any(Function) },
        validate: expect.any(Function),
      },
    ]);
    if (summary === null || summary === 'other') throw new Error('expected releases');
    const releases = summary.releases;
    expect(releases.map((release) => [release.version, release.earliestUpload])).toEqual([
      ['1.0', '2024-01-31T00:00:00Z'],
      ['2.0', null],
    ]);
    expect(releases[0]!.files).toEqual([
      { filename: 'demo_pkg-1.0-py3-none-any.whl', url: 'https://pypi.test/files/demo_pkg-1.0-py3-none-any.whl', yanked: false, requiresPython: '>=3.8', uploadTime: '2024-02-01T00:00:00Z', size: 10, coreMetadata: true },
      { filename: 'demo-pkg-1.0.tar.gz', url: 'https://files.pypi.test/demo-pkg-1.0.tar.gz', yanked: true, uploadTime: '2024-01-31T00:00:00Z' },
    ]);
    expect(releases[1]!.files).toEqual([{ filename: 'demo_pkg-2.0-cp312-cp312-manylinux_2_17_x86_64.whl', url: 'https://files.pypi.test/b.whl', yanked: true, coreMetadata: true }]);
    expect(reader.fileRef(releases[0]!.files[0]!)).toEqual({
      filename: 'demo_pkg-1.0-py3-none-any.whl',
      url: 'https://pypi.test/files/demo_pkg-1.0-py3-none-any.whl',
      size: 10,
      coreMetadata: { hashes: { sha256: 'BB' } },
    });
  });

  it.each([
    ['a 404 is "no such project"', { status: 404 }, null],
    ['a 410 is "no such project"', { status: 410 }, null],
    ['a 500 is left to the registry client', { status: 500 }, 'other'],
    ['an unknown major API version is left to the registry client (which refuses it)', { json: { meta: { 'api-version': '2.0' }, name: 'demo', files: [] } }, 'other'],
  ] as const)('%s', async (_name, answer, expected) => {
    const http = fakeHttp({ 'https://pypi.test/simple/demo/': answer });
    expect(await createSimplePageReader({ http, indexUrl: INDEX }).read('demo')).toEqual(expected);
  });

  it.each([
    ['JSON that is not a PEP 691 page', { json: { files: 'no' } }, /answered something that could not be read: not a PEP 691 project page/],
    ['a body that is not JSON', { body: Buffer.from('{') }, /answered something that could not be read: the project page is not JSON/],
  ] as const)('%s does not validate: the request fails, nothing is kept', async (_name, answer, reason) => {
    const http = fakeHttp({ 'https://pypi.test/simple/demo/': answer });
    await expect(createSimplePageReader({ http, indexUrl: INDEX }).read('demo')).rejects.toThrow(reason);
  });

  it('reads a PEP 503 HTML page with the registry client\'s parser, releases by normalized version', async () => {
    const html = [
      '<a href="https://files.pypi.test/demo-1.0.tar.gz" data-requires-python="&gt;=3.8">demo-1.0.tar.gz</a>',
      '<a href="https://files.pypi.test/demo-1.0.0-py3-none-any.whl" data-provenance="https://pypi.test/p">demo-1.0.0-py3-none-any.whl</a>',
      '<a href="https://files.pypi.test/demo-1.0rc1.tar.gz" data-yanked="">demo-1.0rc1.tar.gz</a>',
    ].join('\n');
    const http = fakeHttp({ 'https://pypi.test/simple/demo/': { headers: { 'content-type': 'text/html' }, body: Buffer.from(html) } });
    const summary = await createSimplePageReader({ http, indexUrl: INDEX }).read('demo');
    if (summary === null || summary === 'other') throw new Error('expected a summary');
    expect(summary.releases.map((release) => [release.version, release.files.map((file) => file.filename)])).toEqual([
      ['1.0', ['demo-1.0.tar.gz']],
      ['1.0.0', ['demo-1.0.0-py3-none-any.whl']],
      ['1.0rc1', ['demo-1.0rc1.tar.gz']],
    ]);
    expect(summary.history).toEqual([
      { version: '1.0', publishedAt: null, yanked: false, provenance: null },
      { version: '1.0.0', publishedAt: null, yanked: false, provenance: true },
      { version: '1.0rc1', publishedAt: null, yanked: true, provenance: null },
    ]);
    expect(summary.exact).toBe(true);
  });

  it('lets the HTTP layer keep only project pages: a PEP 691 page or a PEP 503 one, never a portal\'s page', async () => {
    const http = fakeHttp({ 'https://pypi.test/simple/demo-pkg/': { json: PAGE } });
    await createSimplePageReader({ http, indexUrl: INDEX }).read('demo-pkg');
    const validate = http.asked[0]!.validate!;
    const answer = (contentType: string, body: string): HttpResponse => ({ status: 200, headers: { 'content-type': contentType }, body: Buffer.from(body), url: 'https://pypi.test/simple/demo-pkg/', fromCache: false });
    expect(validate(answer('application/vnd.pypi.simple.v1+json', JSON.stringify(PAGE)))).toBe(true);
    expect(validate(answer('text/html', '<a href="https://files.pypi.test/demo-pkg-1.0.tar.gz">demo-pkg-1.0.tar.gz</a>'))).toBe(true);
    expect(validate(answer('text/html', '<html><body><form action="/login"></form><a href="/terms">Terms</a></body></html>'))).toBe(
      'answered an HTML page where JSON was expected: a captive portal or a misconfigured mirror?',
    );
    expect(validate(answer('application/vnd.pypi.simple.v1+json', '{"meta": {"api-version": "1.1"}, "files": ['))).toMatch(/^answered something that could not be read: the project page is not JSON/);
  });

  it('reads each file as the registry client would, for the signals: history by normalized version, and whether it is exact', async () => {
    const http = fakeHttp({ 'https://pypi.test/simple/demo-pkg/': { json: PAGE } });
    const summary = (await createSimplePageReader({ http, indexUrl: INDEX }).read('demo-pkg')) as ProjectSummary;
    expect(summary.history).toEqual([
      // The smallest upload time of the release's files; yanked only when every file is; provenance never stated: unknown.
      { version: '1.0', publishedAt: '2024-01-31T00:00:00Z', yanked: false, provenance: null },
      { version: '2.0', publishedAt: null, yanked: true, provenance: null },
    ]);
    expect(summary.exact).toBe(true);
  });

  it.each([
    ['a wheel named after another project (the registry client gives it no version)', { filename: 'other_pkg-3.0-py3-none-any.whl', url: 'https://files.pypi.test/o.whl', hashes: {} }],
    ['a file the registry client\'s schema drops (core-metadata: null)', { filename: 'demo_pkg-3.0-py3-none-any.whl', url: 'https://files.pypi.test/p.whl', hashes: {}, 'core-metadata': null }],
    ['two files of one name', { filename: 'demo-pkg-1.0.tar.gz', url: 'https://files.pypi.test/again.tar.gz', hashes: {} }],
  ])('is not exact with %s: the signals then ask the registry client', async (_name, extra) => {
    const http = fakeHttp({ 'https://pypi.test/simple/demo-pkg/': { json: { ...PAGE, files: [...PAGE.files, extra] } } });
    const summary = (await createSimplePageReader({ http, indexUrl: INDEX }).read('demo-pkg')) as ProjectSummary;
    expect(summary.exact).toBe(false);
  });

  it('keeps the summary in the HTTP cache and reads the kept form back to the same summary', async () => {
    const provenancePage = {
      ...PAGE,
      files: [
        ...PAGE.files,
        { filename: 'demo_pkg-3.0-py3-none-any.whl', url: 'https://files.pypi.test/c.whl', hashes: {}, 'upload-time': '2025-01-01T00:00:00Z', provenance: 'https://pypi.test/integrity/c' },
        { filename: 'demo-pkg-3.0.tar.gz', url: 'https://files.pypi.test/demo-pkg-3.0.tar.gz', hashes: {}, 'upload-time': '2025-01-01T00:00:01Z', provenance: null },
      ],
    };
    const http = cachingHttp({ 'https://pypi.test/simple/demo-pkg/': provenancePage });
    const fresh = (await createSimplePageReader({ http, indexUrl: INDEX }).read('demo-pkg')) as ProjectSummary;
    const kept = (await createSimplePageReader({ http, indexUrl: INDEX }).read('demo-pkg')) as ProjectSummary;
    expect(http.fromNetwork).toBe(1);
    const plain = (summary: ProjectSummary) => ({
      releases: summary.releases.map((release) => ({ version: release.version, earliestUpload: release.earliestUpload, files: release.files })),
      history: summary.history,
      exact: summary.exact,
    });
    expect(plain(kept)).toEqual(plain(fresh));
    expect(fresh.history.at(-1)).toEqual({ version: '3.0', publishedAt: '2025-01-01T00:00:00Z', yanked: false, provenance: true });
    // The kept form is a fraction of the page: no hashes, no repeated file names in URLs.
    expect(http.kept!.length).toBeLessThan(JSON.stringify(provenancePage).length);
  });

  it('asks again for a kept form it cannot read (damaged)', async () => {
    const http = cachingHttp({ 'https://pypi.test/simple/demo-pkg/': PAGE });
    http.kept = Buffer.from('not a summary');
    const summary = (await createSimplePageReader({ http, indexUrl: INDEX }).read('demo-pkg')) as ProjectSummary;
    expect(summary.releases.map((release) => release.version)).toEqual(['1.0', '2.0']);
    expect(http.fromNetwork).toBe(1);
  });
});

describe('keptBySimpleFileSchema', () => {
  const base = { filename: 'a-1.0.tar.gz', url: 'https://files.pypi.test/a-1.0.tar.gz', hashes: { sha256: 'aa' } };
  it.each([
    ['a minimal file', base],
    ['every optional field', { ...base, 'requires-python': '>=3', yanked: 'reason', 'upload-time': '2024-01-01T00:00:00Z', size: 3, 'core-metadata': { sha256: 'bb' }, 'dist-info-metadata': true, provenance: 'https://x.test/p' }],
    ['nulls where the schema allows them', { ...base, 'requires-python': null, 'upload-time': null, size: null, provenance: null }],
    ['yanked false', { ...base, yanked: false }],
    ['no hashes', { filename: base.filename, url: base.url }],
    ['hashes as a list', { ...base, hashes: [] }],
    ['an empty file name', { ...base, filename: '' }],
    ['an empty URL', { ...base, url: '' }],
    ['a URL that is not text', { ...base, url: 3 }],
    ['yanked null', { ...base, yanked: null }],
    ['a negative size', { ...base, size: -1 }],
    ['a fractional size', { ...base, size: 1.5 }],
    ['a size as text', { ...base, size: '3' }],
    ['core-metadata null', { ...base, 'core-metadata': null }],
    ['core-metadata as text', { ...base, 'core-metadata': 'yes' }],
    ['dist-info-metadata as a list', { ...base, 'dist-info-metadata': [] }],
    ['requires-python as a number', { ...base, 'requires-python': 3 }],
    ['upload-time as a number', { ...base, 'upload-time': 1 }],
    ['provenance as an object', { ...base, provenance: {} }],
  ])('%s: as the schema says', (_name, entry) => {
    expect(keptBySimpleFileSchema(entry as Record<string, unknown>)).toBe(SimpleFileSchema.safeParse(entry).success);
  });
});

/** A fake client with a one-entry cache that keeps what `keep` trims, and hands it back with `form` as the real client does. */
function cachingHttp(pages: Record<string, unknown>): HttpClient & { fromNetwork: number; kept: Buffer | null } {
  const fake = {
    fromNetwork: 0,
    kept: null as Buffer | null,
    async get(request: HttpRequest): Promise<HttpResponse> {
      const headers = { 'content-type': 'application/vnd.pypi.simple.v1+json' };
      if (fake.kept !== null && request.keep) {
        const cached: HttpResponse = { status: 200, headers, body: fake.kept, url: request.url, fromCache: true, form: request.keep.form };
        if (request.validate?.(cached) === true) return cached;
        fake.kept = null;
      }
      fake.fromNetwork += 1;
      const response: HttpResponse = { status: 200, headers, body: Buffer.from(JSON.stringify(pages[request.url])), url: request.url, fromCache: false };
      if (request.validate?.(response) !== true) throw new Error('did not validate');
      fake.kept = request.keep?.trim(response) ?? null;
      return response;
    },
    failures: () => [],
    stats: () => ({ requests: fake.fromNetwork, cacheHits: 0, notModified: 0, retries: 0, bytes: 0 }),
    close: async () => {},
  };
  return fake;
}
