import { systemClock, type Clock } from '../../core/clock.js';
import { parseRequirement, type Pep508Requirement } from '../../ecosystems/pypi/requirement.js';
import type { DistributionFileRef, PypiFile, PypiRegistry } from '../../ecosystems/pypi/registry.js';
import type { HttpClient } from '../../http/types.js';
import type { PypiIndex, PypiMetadata } from './pypi-index.js';
import { requirementToString } from './requirements.js';
import { createSimplePageReader, groupReleases } from './simple-pages.js';
import type { StoredFile, StoredMetadata, StoredRelease, SummaryStore } from './summary-store.js';

export interface RegistryIndexOptions {
  /**
   * Where the releases made of each project page, and each file's
   * dependencies, are kept between runs. Without it every page is parsed
   * again from the HTTP cache.
   */
  store?: SummaryStore;
  /**
   * How long stored releases are used without asking the index again (the
   * HTTP client's `maxAgeMs` for pages: uv uses PyPI's Cache-Control max-age,
   * 600 s). 0 (the default) always asks. A file's dependencies never expire.
   */
  maxAgeMs?: number;
  clock?: Clock;
  /**
   * Read PEP 691 JSON project pages with the resolver's lean reader
   * (simple-pages.ts) through this HttpClient, the registry client's own
   * requests; other page forms still go through the registry client.
   */
  pages?: { http: HttpClient; authorization?: string; source?: string };
}

/**
 * The resolver's view of the PyPI registry client: releases grouped from the
 * project page's files (by the version in each file name, as uv reads them),
 * and dependencies from the registry's metadata chain (PEP 658, else the
 * wheel's METADATA by range requests, else the sdist's PKG-INFO). Metadata the
 * registry marks unknown is 'unknown' here, so the resolver skips that version
 * and reports it; the one exception is an old sdist's PKG-INFO, whose
 * Requires-Dist is used with a caveat (uv builds such sdists; chainwatch
 * never runs a build).
 */
export function createRegistryIndex(registry: PypiRegistry, options: RegistryIndexOptions = {}): PypiIndex {
  const { store } = options;
  const maxAgeMs = options.maxAgeMs ?? 0;
  const clock = options.clock ?? systemClock;
  /** The registry's own object for each file handed out (it keeps the hashes of the .metadata file). */
  const origins = new WeakMap<object, PypiFile>();
  const reader = options.pages ? createSimplePageReader({ ...options.pages, indexUrl: registry.indexUrl }) : null;

  return {
    async versions(name) {
      const stored = store?.getProject(registry.indexUrl, name);
      if (stored && maxAgeMs > 0 && clock.now().getTime() - stored.storedAt < maxAgeMs) {
        // Stored files are PypiFiles already (with size and PEP 658 flag for metadata()).
        return stored.releases;
      }
      const lean = reader ? await reader.read(name) : 'other';
      let releases: StoredRelease[] | null;
      if (lean !== 'other') releases = lean;
      else {
        const page = await registry.project(name);
        releases = page === null ? null : releasesOf(page.files, origins);
      }
      store?.putProject(registry.indexUrl, name, releases, clock.now().getTime());
      return releases;
    },
    async metadata(_name, _version, file) {
      if (file.url === undefined) return 'unknown';
      const stored = file as StoredFile;
      const found: DistributionFileRef = origins.get(file) ?? reader?.fileRef(file) ?? {
        filename: file.filename,
        url: file.url,
        size: stored.size ?? null,
        coreMetadata: stored.coreMetadata ? { hashes: {} } : null,
      };
      const known = store?.getMetadata(found.url);
      if (known) return fromStored(known);
      const result = await registry.metadata(found);
      const requiresPython = result.metadata?.requiresPython;
      const python = requiresPython ? { requiresPython } : {};
      let metadata: PypiMetadata | 'unknown' = 'unknown';
      if (result.dependencies.known) metadata = { requiresDist: result.dependencies.value, ...python };
      // An sdist before metadata 2.2 only hints at its dependencies; uv would build it. The hint beats
      // dropping the release (which certainly differs from uv), and the caveat keeps it visible.
      else if (result.source === 'sdist' && result.metadata) metadata = { requiresDist: result.metadata.requiresDist, ...python, caveat: result.dependencies.reason };
      store?.putMetadata(found.url, toStored(metadata));
      return metadata;
    },
  };
}

function toStoredFile(file: PypiFile): StoredFile {
  return {
    filename: file.filename,
    url: file.url,
    yanked: file.yanked,
    ...(file.requiresPython ? { requiresPython: file.requiresPython } : {}),
    ...(file.uploadTime ? { uploadTime: file.uploadTime } : {}),
    ...(file.size === null ? {} : { size: file.size }),
    ...(file.coreMetadata ? { coreMetadata: true } : {}),
  };
}

/** Releases grouped from a page (groupReleases); each release's files are converted when first read (most never are). */
function releasesOf(pageFiles: readonly PypiFile[], origins: WeakMap<object, PypiFile>): StoredRelease[] {
  return groupReleases(
    pageFiles,
    (file) => (file.kind === 'other' || file.version === null ? null : file.version.normalized),
    (files) =>
      files.map((file) => {
        const stored = toStoredFile(file);
        origins.set(stored, file);
        return stored;
      }),
  );
}

function toStored(metadata: PypiMetadata | 'unknown'): StoredMetadata {
  if (metadata === 'unknown') return 'unknown';
  return {
    requiresDist: metadata.requiresDist.map(requirementToString),
    ...(metadata.requiresPython ? { requiresPython: metadata.requiresPython } : {}),
    ...(metadata.caveat ? { caveat: metadata.caveat } : {}),
  };
}

function fromStored(stored: StoredMetadata): PypiMetadata | 'unknown' {
  if (stored === 'unknown') return 'unknown';
  const requiresDist: Pep508Requirement[] = [];
  for (const line of stored.requiresDist) {
    const parsed = parseRequirement(line);
    if (parsed.ok) requiresDist.push(parsed.value);
  }
  return { requiresDist, ...(stored.requiresPython ? { requiresPython: stored.requiresPython } : {}), ...(stored.caveat ? { caveat: stored.caveat } : {}) };
}
