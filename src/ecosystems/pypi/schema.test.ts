import { describe, expect, it } from 'vitest';
import { JsonApiProjectSchema, SimpleFileSchema, SimpleProjectSchema } from './schema.js';

const goodFile = {
  filename: 'demo-1.0-py3-none-any.whl',
  url: 'https://files.pypi.test/demo-1.0-py3-none-any.whl',
  hashes: { sha256: 'aa' },
  'requires-python': '>=3.9',
  yanked: false,
  size: 10,
  'upload-time': '2024-01-01T00:00:00Z',
};

describe('SimpleProjectSchema', () => {
  it('drops malformed file entries and keeps the rest', () => {
    const parsed = SimpleProjectSchema.parse({
      meta: { 'api-version': '1.1' },
      name: 'demo',
      files: [goodFile, null, 'junk', { ...goodFile, url: 42 }, { ...goodFile, 'requires-python': 3.9 }, { ...goodFile, filename: 'demo-1.1.tar.gz' }],
      versions: ['1.0', 7, '1.1'],
    });
    expect(parsed.files.map((file) => file.filename)).toEqual(['demo-1.0-py3-none-any.whl', 'demo-1.1.tar.gz']);
    expect(parsed.versions).toEqual(['1.0', '1.1']);
  });

  it('refuses a page without meta or files', () => {
    expect(SimpleProjectSchema.safeParse({ name: 'demo', files: [] }).success).toBe(false);
    expect(SimpleProjectSchema.safeParse({ meta: { 'api-version': '1.0' }, name: 'demo' }).success).toBe(false);
  });
});

describe('SimpleFileSchema', () => {
  it.each([
    ['yanked with a reason', { yanked: 'broken' }, true],
    ['core-metadata as hashes', { 'core-metadata': { sha256: 'bb' } }, true],
    ['core-metadata as a flag', { 'dist-info-metadata': true }, true],
    ['provenance null', { provenance: null }, true],
    ['hashes with a junk value (dropped)', { hashes: { sha256: 'aa', md5: null } }, true],
    ['a negative size', { size: -1 }, false],
    ['yanked as a number', { yanked: 1 }, false],
    ['no filename', { filename: '' }, false],
  ])('%s', (_label, patch, valid) => {
    const parsed = SimpleFileSchema.safeParse({ ...goodFile, ...patch });
    expect(parsed.success).toBe(valid);
  });

  it('keeps only the string hashes', () => {
    expect(SimpleFileSchema.parse({ ...goodFile, hashes: { sha256: 'aa', md5: null } }).hashes).toEqual({ sha256: 'aa' });
  });
});

describe('JsonApiProjectSchema', () => {
  const info = { name: 'demo', version: '1.0' };
  const jsonFile = { filename: 'demo-1.0.tar.gz', url: 'https://files.pypi.test/demo-1.0.tar.gz', digests: { sha256: 'aa' }, upload_time_iso_8601: '2024-01-01T00:00:00Z' };

  it('reads info, releases and urls, dropping junk files and non-string project URLs', () => {
    const parsed = JsonApiProjectSchema.parse({
      info: { ...info, project_urls: { Source: 'https://github.com/example/demo', Broken: null }, requires_dist: null, license: null },
      releases: { '1.0': [jsonFile, { filename: 'x' }], '0.9': [] },
      urls: [jsonFile],
      last_serial: 5,
    });
    expect(parsed.info.project_urls).toEqual({ Source: 'https://github.com/example/demo' });
    expect(parsed.releases?.['1.0']).toHaveLength(1);
    expect(parsed.releases?.['0.9']).toEqual([]);
    expect(parsed.urls).toHaveLength(1);
  });

  it('allows a release JSON (no releases) and refuses one without info', () => {
    expect(JsonApiProjectSchema.safeParse({ info, urls: [] }).success).toBe(true);
    expect(JsonApiProjectSchema.safeParse({ urls: [] }).success).toBe(false);
  });
});
