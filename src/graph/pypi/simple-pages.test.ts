import { describe, expect, it } from 'vitest';
import type { HttpClient, HttpRequest, HttpResponse } from '../../http/types.js';
import { createSimplePageReader } from './simple-pages.js';

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
      return { status: answer.status ?? 200, headers: answer.headers ?? { 'content-type': 'application/vnd.pypi.simple.v1+json' }, body, url: answer.url ?? request.url, fromCache: false };
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
    const reader = createSimplePageReader({ http, indexUrl: INDEX, authorization: 'Bearer token' });
    const releases = await reader.read('Demo_Pkg');
    expect(http.asked).toEqual([
      { url: 'https://pypi.test/simple/demo-pkg/', headers: { accept: expect.stringContaining('application/vnd.pypi.simple.v1+json'), authorization: 'Bearer token' }, source: 'pypi', cache: 'revalidate', validate: expect.any(Function) },
    ]);
    if (releases === null || releases === 'other') throw new Error('expected releases');
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
    ['an HTML page is left to the registry client', { headers: { 'content-type': 'text/html' }, body: Buffer.from('<html></html>') }, 'other'],
    ['a 500 is left to the registry client', { status: 500 }, 'other'],
    ['JSON that is not a PEP 691 page is left to the registry client', { json: { files: 'no' } }, 'other'],
    ['an unknown major API version is left to the registry client', { json: { meta: { 'api-version': '2.0' }, files: [] } }, 'other'],
    ['a body that is not JSON is left to the registry client', { body: Buffer.from('{') }, 'other'],
  ] as const)('%s', async (_name, answer, expected) => {
    const http = fakeHttp({ 'https://pypi.test/simple/demo/': answer });
    expect(await createSimplePageReader({ http, indexUrl: INDEX }).read('demo')).toEqual(expected);
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
});
