import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileDefaultsMemo, splitUrlCredentials } from './config-sources.js';
import { basic } from './config-sources.fixture.js';

describe('splitUrlCredentials', () => {
  it.each([
    ['https://pypi.test/simple/', { url: 'https://pypi.test/simple/' }],
    ['https://u:p@pypi.test/simple/', { url: 'https://pypi.test/simple/', authorization: basic('u', 'p') }],
    ['https://__token__:pypi-abc@pypi.test/simple/', { url: 'https://pypi.test/simple/', authorization: basic('__token__', 'pypi-abc') }],
    ['https://user@pypi.test/', { url: 'https://pypi.test/', authorization: basic('user', '') }],
  ])('%s', (url, expected) => {
    expect(splitUrlCredentials(url)).toEqual(expected);
  });
});

describe('fileDefaultsMemo', () => {
  const directories: string[] = [];
  afterEach(() => {
    for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
  });

  it('keeps answers across memo instances until they are too old', () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'chainwatch-memo-'));
    directories.push(directory);
    const file = path.join(directory, 'sub', 'defaults.json');
    let now = new Date('2025-06-01T00:00:00Z');
    fileDefaultsMemo(file, { now: () => now }).set('npm:registry', 'https://registry.npm.test/');
    const later = fileDefaultsMemo(file, { now: () => now, maxAgeMs: 1000 });
    expect(later.get('npm:registry')).toBe('https://registry.npm.test/');
    expect(later.get('pip:index-url')).toBeUndefined();
    now = new Date('2025-06-01T00:00:02Z');
    expect(later.get('npm:registry')).toBeUndefined();
  });
});
