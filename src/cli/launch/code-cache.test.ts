import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { transformSync } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { codeCacheDirectory, loadWithCodeCache, type CodeCacheStatus } from './code-cache.js';

const work: string[] = [];

function tempDir(): string {
  const directory = mkdtempSync(path.join(tmpdir(), 'chainwatch-code-cache-'));
  work.push(directory);
  return directory;
}

const modules: string[] = [];

afterEach(() => {
  for (const directory of work.splice(0)) rmSync(directory, { recursive: true, force: true });
});

afterAll(() => {
  for (const directory of modules) rmSync(directory, { recursive: true, force: true });
});

/** A CommonJS bundle that requires a file beside it, reports where it runs, and imports a builtin dynamically. */
function writeBundle(directory: string, answer: number): string {
  writeFileSync(path.join(directory, 'helper.cjs'), 'module.exports = { twice: (value) => value * 2 };\n');
  const file = path.join(directory, 'bundle.cjs');
  writeFileSync(
    file,
    [
      "'use strict';",
      "const { twice } = require('./helper.cjs');",
      `function answer() { return twice(${answer / 2}); }`,
      "async function nodePath() { return (await import('node:path')).sep; }",
      'module.exports = { answer, nodePath, where: [__filename, __dirname], self: this === module.exports };',
      '',
    ].join('\n'),
  );
  return file;
}

/** code-cache.ts as CommonJS (what the launcher's build makes of it), for the child processes. */
let compiled: string;

beforeAll(() => {
  compiled = path.join(mkdtempSync(path.join(tmpdir(), 'chainwatch-code-cache-module-')), 'code-cache.cjs');
  modules.push(path.dirname(compiled));
  const source = readFileSync(path.join(import.meta.dirname, 'code-cache.ts'), 'utf8');
  writeFileSync(compiled, transformSync(source, { loader: 'ts', format: 'cjs', platform: 'node', target: 'node20' }).code);
});

/**
 * One load in a process of its own, as bin/chainwatch does it: within one
 * process V8 answers a second compile of the same source from memory, so
 * neither a hit nor a rejection of the file could be told apart.
 */
function loadInChild(bundle: string, cache: string): { status: CodeCacheStatus; answer: number; saved: boolean } {
  const script = [
    `const { loadWithCodeCache } = require(${JSON.stringify(compiled)});`,
    `const loaded = loadWithCodeCache(${JSON.stringify(bundle)}, ${JSON.stringify(cache)});`,
    'const answer = loaded.exports.answer();',
    'console.log(JSON.stringify({ status: loaded.status, answer, saved: loaded.saveCache() }));',
  ].join('\n');
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`the child failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as { status: CodeCacheStatus; answer: number; saved: boolean };
}

describe('loadWithCodeCache', () => {
  it('runs the bundle as Node would, writes its cache after a miss and reads it on the next load', async () => {
    const directory = tempDir();
    const bundle = writeBundle(directory, 42);
    const cache = path.join(directory, 'cache');

    const first = loadWithCodeCache(bundle, cache);
    expect(first.status).toBe('miss');
    expect((first.exports.answer as () => number)()).toBe(42);
    expect(first.exports.where).toEqual([bundle, directory]);
    expect(first.exports.self).toBe(true);
    expect(await (first.exports.nodePath as () => Promise<string>)()).toBe(path.sep);
    expect(first.saveCache()).toBe(true);
    expect(first.saveCache()).toBe(false);
    const entries = readdirSync(cache);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatch(new RegExp(`^bundle\\.cjs-node${process.versions.node.replace(/\./g, '\\.')}-.*\\.bin$`));

    expect(loadInChild(bundle, cache)).toEqual({ status: 'hit', answer: 42, saved: false });
  });

  it('uses an entry only for the bytes it was made from: a rebuilt bundle finds it stale and writes it again', () => {
    const directory = tempDir();
    const cache = path.join(directory, 'cache');
    const bundle = writeBundle(directory, 42);
    expect(loadInChild(bundle, cache)).toEqual({ status: 'miss', answer: 42, saved: true });
    const [entry] = readdirSync(cache);
    const before = readFileSync(path.join(cache, entry!));

    // Same length, other bytes: V8's own check (the source length) would take the old code.
    writeBundle(directory, 24);
    expect(loadInChild(bundle, cache)).toEqual({ status: 'stale', answer: 24, saved: true });
    expect(readdirSync(cache)).toEqual([entry]);
    expect(readFileSync(path.join(cache, entry!)).equals(before)).toBe(false);
    expect(loadInChild(bundle, cache)).toEqual({ status: 'hit', answer: 24, saved: false });
  });

  it('keeps one entry per bundle path: two checkouts do not take turns rewriting one', () => {
    const cache = path.join(tempDir(), 'cache');
    const [one, two] = [tempDir(), tempDir()].map((directory) => writeBundle(directory, 42));
    loadWithCodeCache(one!, cache).saveCache();
    loadWithCodeCache(two!, cache).saveCache();
    expect(readdirSync(cache)).toHaveLength(2);
  });

  it('writes again an entry that is not one, or whose code V8 rejects', () => {
    const directory = tempDir();
    const cache = path.join(directory, 'cache');
    const bundle = writeBundle(directory, 42);
    expect(loadInChild(bundle, cache).saved).toBe(true);
    const [name] = readdirSync(cache);
    const entry = path.join(cache, name!);
    const good = readFileSync(entry);

    writeFileSync(entry, 'not a code cache');
    expect(loadInChild(bundle, cache)).toEqual({ status: 'stale', answer: 42, saved: true });
    expect(loadInChild(bundle, cache)).toEqual({ status: 'hit', answer: 42, saved: false });

    // The right bundle bytes, then V8 data spoilt: V8 checks it and says so.
    const spoilt = Buffer.from(good);
    const dataStart = good.indexOf(readFileSync(bundle)) + readFileSync(bundle).length;
    spoilt.fill(0x5a, dataStart, Math.min(dataStart + 64, spoilt.length));
    writeFileSync(entry, spoilt);
    expect(loadInChild(bundle, cache)).toEqual({ status: 'rejected', answer: 42, saved: true });
    expect(loadInChild(bundle, cache)).toEqual({ status: 'hit', answer: 42, saved: false });
  });

  it('runs without a cache when the directory cannot be written, leaving nothing behind', () => {
    const directory = tempDir();
    const bundle = writeBundle(directory, 42);
    const blocker = path.join(directory, 'a-file');
    writeFileSync(blocker, '');
    const loaded = loadWithCodeCache(bundle, path.join(blocker, 'cache'));
    expect(loaded.status).toBe('miss');
    expect((loaded.exports.answer as () => number)()).toBe(42);
    expect(loaded.saveCache()).toBe(false);
    expect(readdirSync(directory).sort()).toEqual(['a-file', 'bundle.cjs', 'helper.cjs']);
  });

  it('runs without a cache when there is no directory', () => {
    const directory = tempDir();
    const loaded = loadWithCodeCache(writeBundle(directory, 42), null);
    expect(loaded.status).toBe('disabled');
    expect((loaded.exports.answer as () => number)()).toBe(42);
    expect(loaded.saveCache()).toBe(false);
  });
});

describe('codeCacheDirectory', () => {
  const home = path.join(path.sep, 'home', 'someone');

  it("is code-cache/ in chainwatch's user cache directory, as env-paths names it", () => {
    expect(codeCacheDirectory({ XDG_CACHE_HOME: '/xdg' }, 'linux', home)).toBe(path.join('/xdg', 'chainwatch', 'code-cache'));
    expect(codeCacheDirectory({}, 'linux', home)).toBe(path.join(home, '.cache', 'chainwatch', 'code-cache'));
    expect(codeCacheDirectory({ XDG_CACHE_HOME: '/xdg' }, 'darwin', home)).toBe(path.join(home, 'Library', 'Caches', 'chainwatch', 'code-cache'));
    expect(codeCacheDirectory({ LOCALAPPDATA: '/local' }, 'win32', home)).toBe(path.join('/local', 'chainwatch', 'Cache', 'code-cache'));
    expect(codeCacheDirectory({}, 'win32', home)).toBe(path.join(home, 'AppData', 'Local', 'chainwatch', 'Cache', 'code-cache'));
  });

  it('is null when NODE_DISABLE_COMPILE_CACHE is set, as for Node’s own cache', () => {
    expect(codeCacheDirectory({ NODE_DISABLE_COMPILE_CACHE: '1', XDG_CACHE_HOME: '/xdg' }, 'linux', home)).toBeNull();
  });
});
