/**
 * Git objects (trees as path listings, blobs as texts) by object id: in the
 * cache between runs, and in memory within one. Git ids name their content,
 * so an object once read is never asked for again.
 */
import type { GithubCache, GitObjectKind } from './cache.js';

/** Characters of file text kept in memory between repositories when a cache is there to fall back on. */
const MEMORY_CHARACTERS = 64 * 1024 * 1024;

export interface GitObjects {
  get(kind: GitObjectKind, oid: string): string | null;
  put(kind: GitObjectKind, objects: { oid: string; content: string }[]): void;
}

export function createGitObjects(cache: GithubCache | null): GitObjects {
  const memory = new Map<string, string>();
  let memoryCharacters = 0;

  /**
   * Objects already read in this collector's lifetime stay in memory (up to
   * ~64 M characters): repositories of one organisation share many files
   * (copied workflows), and each is then read from the store once. Without a
   * cache, memory is all there is: nothing is left out.
   */
  function remember(key: string, content: string): void {
    if (memoryCharacters + content.length > MEMORY_CHARACTERS && cache) return;
    memory.set(key, content);
    memoryCharacters += content.length;
  }

  return {
    get(kind, oid) {
      const key = `${kind}:${oid}`;
      const remembered = memory.get(key);
      if (remembered !== undefined || !cache) return remembered ?? null;
      const stored = cache.getObject(kind, oid);
      if (stored !== null && kind === 'blob') remember(key, stored);
      return stored;
    },
    put(kind, objects) {
      if (objects.length === 0) return;
      cache?.putObjects(kind, objects);
      if (kind === 'blob' || !cache) for (const object of objects) remember(`${kind}:${object.oid}`, object.content);
    },
  };
}
