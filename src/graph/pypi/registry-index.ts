import { normalizeName } from '../../core/package.js';
import { parseRequirement, type Pep508Requirement } from '../../ecosystems/pypi/requirement.js';
import type { DistributionFileRef, PypiRegistry } from '../../ecosystems/pypi/registry.js';
import type { HttpClient } from '../../http/types.js';
import type { PackageRelease } from '../resolver.js';
import { metadataSignals } from './project-summary.js';
import type { PypiIndex, PypiMetadata } from './pypi-index.js';
import { requirementToString } from './requirements.js';
import { createSimplePageReader, summaryOfPage } from './simple-pages.js';
import type { MetadataSignals, ProjectSummary, StoredFile, StoredMetadata, SummaryStore } from './summary-store.js';

export interface RegistryIndexOptions {
  /**
   * Where each file's dependencies and the signals' fields of its core
   * metadata are kept between runs (files never change). Without it every
   * file's metadata is read again (from the HTTP cache).
   */
  store?: SummaryStore;
  /**
   * How long a kept page summary is used without asking the index again (the
   * page request's `maxAgeMs`; uv honours PyPI's `Cache-Control: max-age=600`).
   * Default: the HTTP client's.
   */
  maxAgeMs?: number;
  /**
   * Read project pages with the resolver's reader (simple-pages.ts) through
   * this HttpClient, the registry client's own requests, the HTTP cache
   * keeping each page's summary; answers it does not read go through the
   * registry client.
   */
  pages?: { http: HttpClient; authorization?: string; source?: string };
}

/** The signals' facts of a resolved file, told from what the resolution read. */
export interface ResolvedFileFacts {
  /** Every release of the project, as the signals read them (`ProjectSummary.history`). */
  releases: PackageRelease[];
  /** The resolved file. */
  file: DistributionFileRef;
  /** The signals' fields of its core metadata (null: none could be read); undefined when the resolution did not read it. */
  metadata: MetadataSignals | null | undefined;
}

export interface RegistryIndex extends PypiIndex {
  /**
   * The facts of the file a resolution picked for a version, from the page
   * summary and metadata the resolution read; null when they cannot be told
   * from those (no file, a summary that is not `exact`): then ask the registry.
   */
  resolvedFacts(name: string, version: string, filename: string): Promise<ResolvedFileFacts | null>;
}

/**
 * The resolver's view of the PyPI registry client: releases grouped from the
 * project page's files (by the version in each file name, as uv reads them),
 * and dependencies from the registry's metadata chain (PEP 658, else the
 * wheel's METADATA by range requests, else the sdist's PKG-INFO). Metadata the
 * registry marks unknown is 'unknown' here, so the resolver skips that version
 * and reports it; the one exception is an old sdist's PKG-INFO, whose
 * Requires-Dist is used with a caveat (uv builds such sdists; chainwatch
 * never runs a build). Each page is read once per index (one resolution, or
 * every environment's of one graph run), and what was read answers the
 * signals too (`resolvedFacts`).
 */
export function createRegistryIndex(registry: PypiRegistry, options: RegistryIndexOptions = {}): RegistryIndex {
  const { store } = options;
  /** The registry's own object for each file handed out from its pages (it keeps the hashes of the .metadata file). */
  const origins = new WeakMap<object, DistributionFileRef>();
  const reader = options.pages ? createSimplePageReader({ ...options.pages, indexUrl: registry.indexUrl, ...(options.maxAgeMs === undefined ? {} : { maxAgeMs: options.maxAgeMs }) }) : null;
  const summaries = new Map<string, Promise<ProjectSummary | null>>();
  /** Files whose metadata the resolution asked for, by project and file name. */
  const readFiles = new Map<string, DistributionFileRef>();
  /** The signals' fields of each file's core metadata, by URL, as read. */
  const signals = new Map<string, MetadataSignals | null>();

  async function load(name: string): Promise<ProjectSummary | null> {
    const lean = reader ? await reader.read(name) : 'other';
    if (lean !== 'other') return lean;
    const page = await registry.project(name);
    return page === null ? null : summaryOfPage(page, origins);
  }

  function summaryOf(name: string): Promise<ProjectSummary | null> {
    const key = normalizeName('PyPI', name);
    let found = summaries.get(key);
    if (!found) {
      found = load(key);
      // A failed read must not poison later attempts (nor be an unhandled rejection before it is awaited).
      found.catch(() => summaries.delete(key));
      summaries.set(key, found);
    }
    return found;
  }

  return {
    async versions(name) {
      return (await summaryOf(name))?.releases ?? null;
    },
    async metadata(name, _version, file) {
      if (file.url === undefined) return 'unknown';
      const stored = file as StoredFile;
      const found: DistributionFileRef = origins.get(file) ?? reader?.fileRef(file) ?? {
        filename: file.filename,
        url: file.url,
        size: stored.size ?? null,
        coreMetadata: stored.coreMetadata ? { hashes: {} } : null,
      };
      readFiles.set(`${normalizeName('PyPI', name)}\n${file.filename}`, found);
      const known = store?.getMetadata(found.url);
      if (known) {
        signals.set(found.url, known.signals);
        return fromStored(known);
      }
      const result = await registry.metadata(found);
      const fileSignals = result.metadata ? metadataSignals(result.metadata) : null;
      signals.set(found.url, fileSignals);
      const requiresPython = result.metadata?.requiresPython;
      const python = requiresPython ? { requiresPython } : {};
      let metadata: PypiMetadata | 'unknown' = 'unknown';
      if (result.dependencies.known) metadata = { requiresDist: result.dependencies.value, ...python };
      // An sdist before metadata 2.2 only hints at its dependencies; uv would build it. The hint beats
      // dropping the release (which certainly differs from uv), and the caveat keeps it visible.
      else if (result.source === 'sdist' && result.metadata) metadata = { requiresDist: result.metadata.requiresDist, ...python, caveat: result.dependencies.reason };
      store?.putMetadata(found.url, toStored(metadata, fileSignals));
      return metadata;
    },
    async resolvedFacts(name, _version, filename) {
      if (filename === '') return null;
      const summary = await summaryOf(name);
      const file = readFiles.get(`${normalizeName('PyPI', name)}\n${filename}`);
      // `exact`: the file is in the history under this version, alone with its name (project-summary.ts).
      if (!summary?.exact || !file) return null;
      return { releases: summary.history, file, metadata: signals.has(file.url) ? signals.get(file.url)! : undefined };
    },
  };
}

function toStored(metadata: PypiMetadata | 'unknown', fileSignals: MetadataSignals | null): StoredMetadata {
  if (metadata === 'unknown') return { requiresDist: null, signals: fileSignals };
  return {
    requiresDist: metadata.requiresDist.map(requirementToString),
    ...(metadata.requiresPython ? { requiresPython: metadata.requiresPython } : {}),
    ...(metadata.caveat ? { caveat: metadata.caveat } : {}),
    signals: fileSignals,
  };
}

function fromStored(stored: StoredMetadata): PypiMetadata | 'unknown' {
  if (stored.requiresDist === null) return 'unknown';
  const requiresDist: Pep508Requirement[] = [];
  for (const line of stored.requiresDist) {
    const parsed = parseRequirement(line);
    if (parsed.ok) requiresDist.push(parsed.value);
  }
  return { requiresDist, ...(stored.requiresPython ? { requiresPython: stored.requiresPython } : {}), ...(stored.caveat ? { caveat: stored.caveat } : {}) };
}
