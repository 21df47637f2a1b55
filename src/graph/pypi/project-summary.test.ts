import { describe, expect, it } from 'vitest';
import { createHistoryBuilder, packProjectSummary, unpackProjectSummary, urlBase } from './project-summary.js';
import type { ProjectSummary } from './summary-store.js';

const summary: ProjectSummary = {
  releases: [
    {
      version: '1.0',
      earliestUpload: '2024-01-01T00:00:00Z',
      files: [
        { filename: 'a-1.0-py3-none-any.whl', url: 'https://files.pypi.test/packages/aa/bb/a-1.0-py3-none-any.whl', yanked: false, requiresPython: '>=3.8', uploadTime: '2024-01-01T00:00:00Z', size: 10, coreMetadata: true },
        // Elsewhere on the files host, under another name, on another host.
        { filename: 'a-1.0.tar.gz', url: 'https://files.pypi.test/elsewhere/archive.tar.gz', yanked: true },
        { filename: 'a-1.0.zip', url: 'https://mirror.test/packages/a-1.0.zip', yanked: false, uploadTime: '2024-01-02T00:00:00Z' },
        // A name with the characters JSON escapes, and a URL that starts with ~ after the base.
        { filename: 'a-1.0-"q"\\.tar.gz', url: 'https://files.pypi.test/packages/~odd/a-1.0-"q"\\.tar.gz', yanked: false },
      ],
    },
    { version: '2.0rc1', earliestUpload: null, files: [] },
  ],
  history: [
    { version: '1.0', publishedAt: '2024-01-01T00:00:00Z', yanked: false, provenance: true },
    { version: '2.0rc1', publishedAt: null, yanked: true, provenance: null },
    { version: '0.9', publishedAt: '2023-01-01T00:00:00Z', yanked: false, provenance: false },
  ],
  exact: true,
};

function plain(value: ProjectSummary) {
  return { releases: value.releases.map((release) => ({ version: release.version, earliestUpload: release.earliestUpload, files: release.files })), history: value.history, exact: value.exact };
}

describe('the kept form of a project summary', () => {
  it.each([
    ['with the page\'s base', urlBase(summary.releases[0]!.files[0]!.url)],
    ['without a base', ''],
  ])('round-trips %s', (_name, base) => {
    const packed = packProjectSummary(summary, base);
    expect(plain(unpackProjectSummary(packed)!)).toEqual(plain(summary));
    expect(plain(unpackProjectSummary(packProjectSummary({ ...summary, exact: false }, base))!).exact).toBe(false);
  });

  it('keeps URLs short: without the file name, the base taken out', () => {
    const text = packProjectSummary(summary, 'https://files.pypi.test/packages/').toString('utf8');
    expect(text).toContain('"~aa/bb/"');
    expect(text).toContain('"https://files.pypi.test/elsewhere/archive.tar.gz"');
    expect(urlBase('https://files.pypi.test/packages/aa/x.whl')).toBe('https://files.pypi.test/packages/');
    expect(urlBase('file:///x')).toBe('');
  });

  it.each([
    ['empty', ''],
    ['an old layout (no base)', 'H\t[]\t1\n1.0\t\t[]'],
    ['a damaged release line', 'H\t[]\t1\t\nno tabs here'],
  ])('reads %s as not a summary', (_name, text) => {
    expect(unpackProjectSummary(Buffer.from(text))).toBeNull();
  });
});

describe('createHistoryBuilder', () => {
  it('gives each version its smallest upload time, yanked when every file is, provenance when one file has it', () => {
    const history = createHistoryBuilder();
    history.add('1.0', { uploadTime: '2024-01-02T00:00:00Z', yanked: true, hasProvenance: false, provenanceKnown: true });
    history.add('2.0', { uploadTime: null, yanked: true, hasProvenance: false, provenanceKnown: false });
    history.add('1.0', { uploadTime: null, yanked: false, hasProvenance: true, provenanceKnown: true });
    history.add('1.0', { uploadTime: '2024-01-01T00:00:00Z', yanked: true, hasProvenance: false, provenanceKnown: true });
    history.add('3.0', { uploadTime: '2025-01-01T00:00:00Z', yanked: false, hasProvenance: false, provenanceKnown: true });
    expect(history.releases()).toEqual([
      { version: '1.0', publishedAt: '2024-01-01T00:00:00Z', yanked: false, provenance: true },
      { version: '2.0', publishedAt: null, yanked: true, provenance: null },
      { version: '3.0', publishedAt: '2025-01-01T00:00:00Z', yanked: false, provenance: false },
    ]);
  });
});
