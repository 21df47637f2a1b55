import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import path from 'node:path';
import vm from 'node:vm';

/**
 * Runs a CommonJS bundle from V8's code cache, for the Node versions that have
 * no `module.enableCompileCache` (Node 20; see readme.md for why not the
 * v8-compile-cache package). What a run of the bundle compiled (its top level
 * and every function the run called) is kept in one file per bundle and Node
 * version, so later runs skip parsing and compiling it.
 */

/** What happened to the cache on this load: `disabled` when there is no cache directory. */
export type CodeCacheStatus = 'hit' | 'miss' | 'rejected' | 'disabled';

export interface LoadedBundle {
  /** The bundle's `module.exports`. */
  exports: Record<string, unknown>;
  status: CodeCacheStatus;
  /**
   * After a `miss` or a `rejected` load, writes what V8 compiled so far (call
   * it when the command is done, so the functions it ran are in the cache):
   * to a temporary name, then renamed, so a reader never sees half a file.
   * Returns false when it wrote nothing; a directory this user cannot write
   * is not an error, the next run compiles as this one did.
   */
  saveCache(): boolean;
}

/**
 * Where code caches go: `code-cache/` in chainwatch's user cache directory
 * (where the advisory database lives: $XDG_CACHE_HOME/chainwatch or
 * ~/.cache/chainwatch; ~/Library/Caches/chainwatch on macOS;
 * %LOCALAPPDATA%\chainwatch\Cache on Windows, as the env-paths package has
 * them), or null when NODE_DISABLE_COMPILE_CACHE is set, as for Node's own
 * cache.
 */
export function codeCacheDirectory(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform, home: string = homedir()): string | null {
  if (env.NODE_DISABLE_COMPILE_CACHE) return null;
  const cache =
    platform === 'darwin'
      ? path.join(home, 'Library', 'Caches', 'chainwatch')
      : platform === 'win32'
        ? path.join(env.LOCALAPPDATA || path.join(home, 'AppData', 'Local'), 'chainwatch', 'Cache')
        : path.join(env.XDG_CACHE_HOME || path.join(home, '.cache'), 'chainwatch');
  return path.join(cache, 'code-cache');
}

/** Node's wrapper of a CommonJS module: the bundle runs as Node itself would run it. */
const WRAPPER = ['(function (exports, require, module, __filename, __dirname) { ', '\n});'] as const;

/**
 * Loads the CommonJS file `file` through `vm.Script` with the cache kept in
 * `directory` (null: no cache), keyed by a hash of the file's bytes and of the
 * Node and V8 versions (V8 itself checks only the source's length): a rebuilt
 * bundle or another Node never reads a stale entry. Entries of the same bundle
 * and Node made from other bytes are removed when a new one is written.
 */
export function loadWithCodeCache(file: string, directory: string | null): LoadedBundle {
  const source = readFileSync(file, 'utf8');
  const name = path.basename(file).replace(/[^A-Za-z0-9_.-]/g, '_');
  const runtime = `node${process.versions.node}-v8${process.versions.v8}-${process.arch}`.replace(/[^A-Za-z0-9_.-]/g, '_');
  const key = createHash('sha256').update(source).update(`\0${runtime}`).digest('hex').slice(0, 32);
  const prefix = `${name}-${runtime}-`;
  const entry = directory === null ? null : path.join(directory, `${prefix}${key}.bin`);
  let cachedData: Buffer | undefined;
  if (entry !== null) {
    try {
      cachedData = readFileSync(entry);
    } catch {
      cachedData = undefined;
    }
  }
  const script = new vm.Script(`${WRAPPER[0]}${source}${WRAPPER[1]}`, {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
    // import() inside the bundle resolves as it would in a file Node loaded itself.
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const status: CodeCacheStatus = entry === null ? 'disabled' : !cachedData ? 'miss' : script.cachedDataRejected ? 'rejected' : 'hit';
  const module = { exports: {} as Record<string, unknown>, filename: file, id: file, loaded: false };
  const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  run.call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
  module.loaded = true;
  let saved = false;
  return {
    exports: module.exports,
    status,
    saveCache() {
      if (entry === null || directory === null || status === 'hit' || saved) return false;
      saved = true;
      return writeEntry(directory, entry, prefix, script.createCachedData());
    },
  };
}

function writeEntry(directory: string, entry: string, prefix: string, data: Buffer): boolean {
  const temporary = `${entry}.${process.pid}.${Date.now().toString(36)}.tmp`;
  try {
    mkdirSync(directory, { recursive: true });
    writeFileSync(temporary, data, { mode: 0o600 });
    renameSync(temporary, entry);
  } catch {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // Nothing was written (the directory could not be made).
    }
    return false;
  }
  // Older builds' entries for this bundle and Node are dead weight; another Node's are kept.
  try {
    for (const other of readdirSync(directory)) {
      if (other.startsWith(prefix) && other.endsWith('.bin') && path.join(directory, other) !== entry) rmSync(path.join(directory, other), { force: true });
    }
  } catch {
    // Left for the next write to remove.
  }
  return true;
}
