import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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

/**
 * What happened to the cache on this load: `stale` when the entry was made
 * from other bytes (a rebuilt bundle), `disabled` when there is no cache
 * directory.
 */
export type CodeCacheStatus = 'hit' | 'miss' | 'stale' | 'rejected' | 'disabled';

export interface LoadedBundle {
  /** The bundle's `module.exports`. */
  exports: Record<string, unknown>;
  status: CodeCacheStatus;
  /**
   * Unless the load was a hit, writes what V8 compiled so far (call it when
   * the command is done, so the functions it ran are in the cache): to a
   * temporary name, then renamed, so a reader never sees half a file.
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

/** An entry: this magic, the bundle's length (uint32 LE), the bundle's bytes, then V8's data. */
const MAGIC = Buffer.from('chainwatch code cache 1\n');

/**
 * Loads the CommonJS file `file` through `vm.Script` with the cache kept in
 * `directory` (null: no cache). One entry per bundle path and Node version
 * (and V8, and architecture); it holds the bytes it was made from, and is
 * used only when they are the bundle's bytes, byte for byte: V8 itself checks
 * only the source's length, so a rebuilt bundle of the same length must never
 * meet the old code. Comparing costs a read of the file and a memcmp; a hash
 * would need node:crypto, whose loading alone costs a tenth of a scan's
 * start-up. A rebuilt bundle's entry replaces the old one.
 */
export function loadWithCodeCache(file: string, directory: string | null): LoadedBundle {
  const bytes = readFileSync(file);
  const runtime = `node${process.versions.node}-v8${process.versions.v8}-${process.arch}`;
  const name = `${path.basename(file)}-${runtime}-${fnv1a(path.resolve(file))}.bin`.replace(/[^A-Za-z0-9_.-]/g, '_');
  const entry = directory === null ? null : path.join(directory, name);
  let stored: Buffer | null = null;
  if (entry !== null) {
    try {
      stored = readFileSync(entry);
    } catch {
      stored = null;
    }
  }
  const cachedData = stored === null ? undefined : cachedDataFor(stored, bytes);
  const script = new vm.Script(`${WRAPPER[0]}${bytes.toString('utf8')}${WRAPPER[1]}`, {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
    // import() inside the bundle resolves as it would in a file Node loaded itself.
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const status: CodeCacheStatus = entry === null ? 'disabled' : stored === null ? 'miss' : !cachedData ? 'stale' : script.cachedDataRejected ? 'rejected' : 'hit';
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
      const header = Buffer.alloc(MAGIC.length + 4);
      MAGIC.copy(header);
      header.writeUInt32LE(bytes.length, MAGIC.length);
      return writeEntry(directory, entry, [header, bytes, script.createCachedData()]);
    },
  };
}

/** V8's data in `stored` when it was made from exactly `bytes`, else undefined. */
function cachedDataFor(stored: Buffer, bytes: Buffer): Buffer | undefined {
  const start = MAGIC.length + 4;
  if (stored.length <= start || !stored.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const length = stored.readUInt32LE(MAGIC.length);
  if (length !== bytes.length || stored.length <= start + length) return undefined;
  return stored.subarray(start, start + length).equals(bytes) ? stored.subarray(start + length) : undefined;
}

/** 32-bit FNV-1a of a short string (a path), in hex: checkouts at two paths keep an entry each. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}

function writeEntry(directory: string, entry: string, parts: readonly Buffer[]): boolean {
  const temporary = `${entry}.${process.pid}.${Date.now().toString(36)}.tmp`;
  try {
    mkdirSync(directory, { recursive: true });
    writeFileSync(temporary, Buffer.concat(parts), { mode: 0o600 });
    renameSync(temporary, entry);
    return true;
  } catch {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // Nothing was written (the directory could not be made).
    }
    return false;
  }
}
