import { describe, expect, it } from 'vitest';
import { originOf } from './npm-source.js';

describe('npm-source: where a resolved URL or spec points', () => {
  const sha = '0123456789abcdef0123456789abcdef01234567';
  it.each([
    [`git+ssh://git@host.test/o/r.git#${sha}`, { kind: 'git', commit: sha }],
    ['git+https://host.test/o/r.git', { kind: 'git' }],
    [`github:o/r#${sha}`, { kind: 'git', commit: sha }],
    ['github:o/r#main', { kind: 'git' }],
    [`https://host.test/o/r.git#commit=${sha.slice(0, 10)}`, { kind: 'git', commit: sha.slice(0, 10) }],
    [`https://host.test/o/r#workspace=x&commit:${sha}`, { kind: 'git', commit: sha }],
    [`https://codeload.host.test/o/r/tar.gz/${sha}`, { kind: 'git', commit: sha }],
    [`https://host.test/o/r/repository/archive.tar.gz?ref=${sha}`, { kind: 'git', commit: sha }],
    // A registry tarball's fragment is its SHA-1 checksum, not a commit.
    [`https://registry.example.test/a/-/a-1.0.0.tgz#${sha}`, { kind: 'tarball' }],
    ['https://example.test/a.tgz', { kind: 'tarball' }],
    ['file:../a', { kind: 'local' }],
    ['link:../a', { kind: 'local' }],
    ['workspace:^', { kind: 'local' }],
    ['^1.2.3', { kind: 'unknown' }],
  ])('%s', (url, expected) => {
    expect(originOf(url)).toEqual(expected);
  });
});
