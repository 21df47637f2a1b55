/**
 * The image's final filesystem from its layers' indexes, laid one over the
 * other in order as a container runtime does (OCI image spec, "Applying
 * changesets"): a later layer's entry replaces an earlier one; `.wh.name`
 * deletes `name` and everything under it from the layers below; an opaque
 * directory hides everything the layers below put in it; a path a later
 * layer makes a non-directory hides what was under it. Whiteouts act only on
 * lower layers, so a layer may delete a path and create it again.
 *
 * Memory: each layer is folded in as soon as it (and every layer before it)
 * has been read, and the result keeps only what scanning needs: directories,
 * links and the kept files (with their text). A regular file nobody keeps
 * still replaces and hides what lay at and under its path, then is dropped.
 * So what is held is one layer's index plus that result, not every entry of
 * every layer. Deleting a subtree looks only where something is retained
 * (a count of retained entries below each path), so thousands of whiteouts
 * over a large tree stay cheap.
 */
import { isWithin, parentOf, resolveLink } from './paths.js';
import type { LayerEntry, LayerIndex } from './layer-index.js';

export interface MergedEntry extends LayerEntry {
  layer: number;
}

function ancestors(path: string): string[] {
  const list: string[] = [];
  for (let current = parentOf(path); ; current = parentOf(current)) {
    list.push(current);
    if (current === '/') break;
  }
  return list;
}

/** What the merged tree keeps of an entry: what resolving links and reading kept files need. */
function retained(entry: LayerEntry): boolean {
  return entry.kind === 'directory' || entry.kind === 'symlink' || entry.kind === 'hardlink' || (entry.kind === 'file' && entry.text !== undefined);
}

export class LayerStack {
  /** The merged tree so far: directories, links and kept files, each with the layer it came from. */
  readonly tree = new Map<string, MergedEntry>();
  /** Retained entries strictly under each path (paths with none are absent). */
  private readonly below = new Map<string, number>();
  private readonly waiting = new Map<number, LayerIndex>();
  private next = 0;

  /** Layer `position` (0 is the base) has been read; it is folded in once every layer before it has been. */
  add(position: number, index: LayerIndex): void {
    this.waiting.set(position, index);
    for (let ready = this.waiting.get(this.next); ready !== undefined; ready = this.waiting.get(this.next)) {
      this.waiting.delete(this.next);
      this.fold(ready, this.next);
      this.next += 1;
    }
  }

  private fold(index: LayerIndex, layer: number): void {
    // Whiteouts and opaque markers act on the layers below: before this layer's own entries.
    for (const path of index.whiteouts) {
      this.remove(path);
      this.removeUnder(path);
    }
    for (const directory of index.opaque) this.removeUnder(directory);
    for (const [path, entry] of index.entries) {
      if (entry.kind !== 'directory') this.removeUnder(path);
      if (retained(entry)) this.set(path, { ...entry, layer });
      else this.remove(path);
    }
  }

  private set(path: string, entry: MergedEntry): void {
    if (!this.tree.has(path)) for (const ancestor of ancestors(path)) this.below.set(ancestor, (this.below.get(ancestor) ?? 0) + 1);
    this.tree.set(path, entry);
  }

  private remove(path: string): void {
    if (!this.tree.delete(path)) return;
    for (const ancestor of ancestors(path)) {
      const count = (this.below.get(ancestor) ?? 1) - 1;
      if (count > 0) this.below.set(ancestor, count);
      else this.below.delete(ancestor);
    }
  }

  private removeUnder(path: string): void {
    if (!this.below.has(path)) return;
    const prefix = path === '/' ? '/' : `${path}/`;
    const doomed: string[] = [];
    for (const candidate of this.tree.keys()) if (candidate.startsWith(prefix) && candidate !== path) doomed.push(candidate);
    for (const candidate of doomed) this.remove(candidate);
  }
}

/** Follows symlinks (and hard links) in the merged tree to a regular file; null when it ends nowhere, loops, or climbs out of the root. */
export function resolveFile(tree: ReadonlyMap<string, MergedEntry>, path: string, hops = 16): { path: string; entry: MergedEntry } | null {
  let current = path;
  for (let hop = 0; hop <= hops; hop++) {
    const entry = tree.get(current);
    if (entry === undefined) {
      const moved = throughLinkedDirectory(tree, current);
      if (moved === null) return null;
      current = moved;
      continue;
    }
    if (entry.kind === 'file') return { path: current, entry };
    if ((entry.kind !== 'symlink' && entry.kind !== 'hardlink') || entry.link === undefined) return null;
    const next = entry.kind === 'hardlink' ? entry.link : resolveLink(current, entry.link);
    if (next === null) return null;
    current = next;
  }
  return null;
}

/** `path` with its nearest symlinked directory replaced by the link's target (`/lib/x` → `/usr/lib/x`); null when none is a symlink. */
function throughLinkedDirectory(tree: ReadonlyMap<string, MergedEntry>, path: string): string | null {
  for (const ancestor of ancestors(path)) {
    const entry = tree.get(ancestor);
    if (entry === undefined) continue;
    if (entry.kind !== 'symlink' || entry.link === undefined) return null;
    const target = resolveLink(ancestor, entry.link);
    if (target === null || isWithin(target, ancestor)) return null;
    return `${target === '/' ? '' : target}${path.slice(ancestor.length)}`;
  }
  return null;
}
