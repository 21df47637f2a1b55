/**
 * The image's final filesystem from its layers' indexes, as a container
 * runtime would lay them one over the other (OCI image spec, "Applying
 * changesets"): a later layer's entry replaces an earlier one; `.wh.name`
 * deletes `name` and everything under it from the layers below; an opaque
 * directory hides everything the layers below put in it; an entry under a
 * path a later layer made a non-directory is gone. Whiteouts act only on
 * lower layers, so a layer may delete a path and create it again.
 *
 * Decided per surviving path by walking its ancestors (a dozen lookups), not
 * by scanning the tree for every whiteout: an image with thousands of
 * whiteouts over a hundred thousand files stays linear.
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

export function applyLayers(layers: readonly LayerIndex[]): Map<string, MergedEntry> {
  const latest = new Map<string, MergedEntry>();
  const whiteoutLayer = new Map<string, number>();
  const opaqueLayer = new Map<string, number>();
  layers.forEach((index, layer) => {
    for (const path of index.whiteouts) whiteoutLayer.set(path, layer);
    for (const directory of index.opaque) opaqueLayer.set(directory, layer);
    for (const [path, entry] of index.entries) latest.set(path, { ...entry, layer });
  });
  const merged = new Map<string, MergedEntry>();
  for (const [path, entry] of latest) {
    if ((whiteoutLayer.get(path) ?? -1) > entry.layer) continue;
    let hidden = false;
    for (const ancestor of ancestors(path)) {
      if ((whiteoutLayer.get(ancestor) ?? -1) > entry.layer || (opaqueLayer.get(ancestor) ?? -1) > entry.layer) {
        hidden = true;
        break;
      }
      const above = latest.get(ancestor);
      if (above !== undefined && above.kind !== 'directory' && above.layer > entry.layer) {
        hidden = true;
        break;
      }
    }
    if (!hidden) merged.set(path, entry);
  }
  return merged;
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
