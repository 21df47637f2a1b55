/**
 * An image's final filesystem, as far as scanning needs it: its layers with
 * the instruction that made each, the files the caller keeps (dpkg status,
 * conda-meta, installed Python and npm packages, lockfiles) with the layer
 * each came from, and its OS. Layers are streamed and indexed one at a time
 * (memory: the largest layer's index plus the kept files), then laid one over
 * the other with whiteouts; nothing is unpacked to disk.
 */
import { ChainwatchError } from '../core/errors.js';
import { LayerStack, resolveFile, type MergedEntry } from './apply.js';
import { indexLayer, type LayerIndex } from './layer-index.js';
import { osReleaseOf } from './os-release.js';
import { isImageReference } from './reference.js';
import { openRegistryImage, type RegistryOptions } from './registry.js';
import { openImage, type OpenedImage } from './source.js';
import { DEFAULT_IMAGE_LIMITS, type ImageContents, type ImageFile, type ImageLayer, type ImageLimits } from './types.js';

export interface ReadImageOptions {
  /** `os/architecture[/variant]` chosen from an image index (default linux/amd64). */
  platform?: string;
  limits?: Partial<ImageLimits>;
  /** Whether a file's content is wanted, by its path in the image. */
  keep: (path: string) => boolean;
  /** Given, a target that is not on disk and reads as a reference (reference.ts) is pulled from its registry; absent, targets are paths only. */
  registry?: RegistryOptions;
}

const OS_RELEASE = ['/etc/os-release', '/usr/lib/os-release'];

/** Each layer's instruction: the history entries that made a layer (not `empty_layer`), in order. */
function instructions(opened: OpenedImage): (string | null)[] {
  const made = (opened.config.history ?? []).filter((entry) => entry.empty_layer !== true);
  // A history that does not match the layers one to one says nothing reliable about any of them.
  if (made.length !== opened.layers.length) return opened.layers.map(() => null);
  return made.map((entry) => entry.created_by?.replace(/^\/bin\/sh -c #\(nop\)\s+/, '').trim() ?? null);
}

function emptyIndex(): LayerIndex {
  return { entries: new Map(), whiteouts: [], opaque: [], errors: [] };
}

export async function readImage(target: string, options: ReadImageOptions): Promise<ImageContents> {
  const limits = { ...DEFAULT_IMAGE_LIMITS, ...options.limits };
  const keep = (path: string) => OS_RELEASE.includes(path) || options.keep(path);
  const platform = options.platform ?? 'linux/amd64';
  const opened = options.registry !== undefined && isImageReference(target) ? await openRegistryImage(target, { platform, limits, registry: options.registry }) : await openImage(target, { platform, limits });
  const created = instructions(opened);
  const layers: ImageLayer[] = opened.layers.map((layer, index) => ({ index, digest: layer.digest, createdBy: created[index] ?? null }));
  const labelOf = (locator: string) => {
    const position = opened.layers.findIndex((layer) => layer.locator === locator);
    return `layer ${position + 1} of ${opened.layers.length} (${opened.layers[position]?.digest.slice(0, 19) ?? locator})`;
  };
  // Each layer is folded into the merged tree as soon as it and those before it are read (apply.ts):
  // what is held is the tree of retained entries and the layers that arrived early, not every layer's index.
  const stack = new LayerStack();
  const positions = new Map<string, number[]>();
  opened.layers.forEach((layer, position) => positions.set(layer.locator, [...(positions.get(layer.locator) ?? []), position]));
  const delivered = new Set<number>();
  const layerErrors = new Map<number, ChainwatchError[]>();
  const kept = { bytes: 0 };
  await opened.forEachLayer(async (locator, stream) => {
    const index = await indexLayer(stream, { label: labelOf(locator), keep, limits, kept });
    const at = positions.get(locator) ?? [];
    if (at.length > 0) layerErrors.set(at[0]!, index.errors);
    for (const position of at) {
      delivered.add(position);
      stack.add(position, index);
    }
  });
  const errors: ChainwatchError[] = [];
  opened.layers.forEach((layer, position) => {
    if (delivered.has(position)) return;
    errors.push(new ChainwatchError('parse-error', `${labelOf(layer.locator)} is not in ${target}: the image is incomplete`, { location: { path: target } }));
    stack.add(position, emptyIndex());
  });
  for (const position of [...layerErrors.keys()].sort((a, b) => a - b)) errors.push(...layerErrors.get(position)!);
  const tree = stack.tree;
  return {
    source: target,
    platform: opened.platform,
    manifestDigest: opened.manifestDigest,
    layers,
    files: keptFiles(tree, keep),
    os: osOf(tree),
    errors,
  };
}

/** Every kept path whose content was read: regular files, and links that resolve to one (`/etc/os-release` → `../usr/lib/os-release`). */
function keptFiles(tree: ReadonlyMap<string, MergedEntry>, keep: (path: string) => boolean): ImageFile[] {
  const files: ImageFile[] = [];
  for (const [path, entry] of tree) {
    // Kinds and text first: `keep` (every extractor's detection) is asked only of links; a file has text only if it was kept.
    if (entry.kind === 'directory' || entry.kind === 'other' || (entry.kind === 'file' ? entry.text === undefined : !keep(path))) continue;
    const resolved = entry.kind === 'file' ? { entry } : resolveFile(tree, path);
    if (resolved?.entry.text === undefined) continue;
    files.push({ path, layer: resolved.entry.layer, text: resolved.entry.text });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function osOf(tree: ReadonlyMap<string, MergedEntry>) {
  for (const path of OS_RELEASE) {
    const text = resolveFile(tree, path)?.entry.text;
    if (text !== undefined) return osReleaseOf(text);
  }
  return null;
}
