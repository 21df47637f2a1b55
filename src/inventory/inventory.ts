import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ChainwatchError } from '../core/errors.js';
import type { EventSink } from '../core/events.js';
import { silentSink } from '../core/events.js';
import { normalizeName, toPurl, type Ecosystem, type Location } from '../core/package.js';
import { extractors as allExtractors } from '../extractors/index.js';
import type { ExtractedPackage, Extractor, NotScannable } from '../extractors/types.js';
import { displayPathFor, walkTargets, type WalkOptions } from './walk.js';

/** One package version found in the scanned files, with every place it was declared. */
export interface InventoryPackage {
  ecosystem: Ecosystem;
  name: string;
  normalizedName: string;
  version: string;
  purl: string;
  source: ExtractedPackage['source'];
  commit?: string;
  /** Format-specific facts (Debian source package, conda channel...), from the first place it was found. */
  qualifiers?: Record<string, string>;
  locations: Location[];
}

export interface Inventory {
  files: { path: string; extractor: string; packages: number }[];
  packages: InventoryPackage[];
  notScannable: NotScannable[];
  errors: ChainwatchError[];
}

export interface InventoryOptions extends WalkOptions {
  /** Keep only these ecosystems (default: all). */
  ecosystems?: readonly Ecosystem[];
  extractors?: readonly Extractor[];
  events?: EventSink;
}

/** The first extractor that claims a path, or null. Detection looks at the path only. */
export function extractorFor(path: string, candidates: readonly Extractor[] = allExtractors): Extractor | null {
  return candidates.find((extractor) => extractor.detect(path)) ?? null;
}

/**
 * Walks the targets, extracts every supported file and merges identical
 * package versions found in several places. A file that cannot be read or
 * parsed becomes an error entry; every other file is still extracted.
 */
export async function buildInventory(targets: readonly string[], options: InventoryOptions = {}): Promise<Inventory> {
  const events = options.events ?? silentSink;
  const candidates = options.extractors ?? allExtractors;
  const base = resolve(options.displayBase ?? process.cwd());
  const walked = await walkTargets(targets, options);
  const errors: ChainwatchError[] = [...walked.errors];
  const files: Inventory['files'] = [];
  const notScannable: NotScannable[] = [];
  const byKey = new Map<string, InventoryPackage>();
  const wanted = options.ecosystems && options.ecosystems.length > 0 ? new Set(options.ecosystems) : null;

  const matched = walked.files
    .map((file) => ({ file, extractor: extractorFor(file.displayPath, candidates) ?? extractorFor(file.absolutePath, candidates) }))
    .filter((entry): entry is { file: typeof entry.file; extractor: Extractor } => entry.extractor !== null)
    .filter((entry) => !wanted || entry.extractor.ecosystems.some((ecosystem) => wanted.has(ecosystem)));

  let done = 0;
  for (const { file, extractor } of matched) {
    events.emit({ type: 'progress', task: 'extract', done, total: matched.length, detail: file.displayPath });
    done += 1;
    let text: string;
    try {
      text = await readFile(file.absolutePath, 'utf8');
    } catch (cause) {
      errors.push(new ChainwatchError('unreadable-file', 'cannot be read', { location: { path: file.displayPath }, cause }));
      continue;
    }
    const directory = dirname(file.absolutePath);
    const result = extractor.extract({
      path: file.displayPath,
      text,
      readRelated: (relativePath) => {
        const target = resolve(directory, relativePath);
        try {
          return { path: displayPathFor(target, base), text: readFileSync(target, 'utf8') };
        } catch {
          return null;
        }
      },
    });
    errors.push(...result.errors);
    notScannable.push(...result.notScannable);
    let kept = 0;
    for (const extracted of result.packages) {
      if (wanted && !wanted.has(extracted.ecosystem)) continue;
      if (extracted.version === null) continue;
      kept += 1;
      addPackage(byKey, extracted, extracted.version);
    }
    files.push({ path: file.displayPath, extractor: extractor.id, packages: kept });
  }
  events.emit({ type: 'progress', task: 'extract', done, total: matched.length });

  const packages = [...byKey.values()].sort(comparePackages);
  return { files, packages, notScannable, errors };
}

function addPackage(byKey: Map<string, InventoryPackage>, extracted: ExtractedPackage, version: string): void {
  const normalizedName = normalizeName(extracted.ecosystem, extracted.name);
  const key = `${extracted.ecosystem}\u0000${normalizedName}\u0000${version}\u0000${extracted.commit ?? ''}`;
  const existing = byKey.get(key);
  if (existing) {
    if (!existing.locations.some((l) => l.path === extracted.location.path && l.line === extracted.location.line)) {
      existing.locations.push(extracted.location);
    }
    return;
  }
  byKey.set(key, {
    ecosystem: extracted.ecosystem,
    name: extracted.name,
    normalizedName,
    version,
    purl: toPurl(extracted.ecosystem, extracted.name, version),
    source: extracted.source ?? 'registry',
    ...(extracted.commit ? { commit: extracted.commit } : {}),
    ...(extracted.qualifiers ? { qualifiers: extracted.qualifiers } : {}),
    locations: [extracted.location],
  });
}

function comparePackages(a: InventoryPackage, b: InventoryPackage): number {
  return a.ecosystem.localeCompare(b.ecosystem) || a.normalizedName.localeCompare(b.normalizedName) || a.version.localeCompare(b.version);
}

