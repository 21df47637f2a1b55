import type { Pep440Version } from '../../ecosystems/pypi/pep440-version.js';
import type { Pep508Requirement } from '../../ecosystems/pypi/requirement.js';

/**
 * The narrow view of a package index the resolver needs. The real one is an
 * adapter over the PyPI registry client (registry-index.ts); tests use
 * in-memory indexes (memory-index.fixture.ts).
 */
export interface PypiIndexFile {
  /** The file name as on the index (`jupyterlab-4.5.1-py3-none-any.whl`, `pamela-1.2.0.tar.gz`). */
  filename: string;
  /** The index's `requires-python` for this file (PEP 503 `data-requires-python`), if any. */
  requiresPython?: string;
  /** PEP 592: the file is yanked. */
  yanked: boolean;
  /** PEP 700 upload time (ISO 8601), if the index gives it. */
  uploadTime?: string;
  /** Where the file is, for indexes that fetch metadata by URL. */
  url?: string;
}

export interface PypiRelease {
  /** The version as the index gives it (from the file names). */
  version: string;
  files: PypiIndexFile[];
  /**
   * Optional hint: the earliest upload time among `files` (null when none has
   * one). With it the resolver reads `files` only for the releases it
   * considers, so an index may build them lazily.
   */
  earliestUpload?: string | null;
  /**
   * Optional hint: `version` parsed as strict PEP 440 (null when it is not
   * PEP 440), by an index that parsed it already.
   */
  parsed?: Pep440Version | null;
}

/** What the resolver reads from a file's core metadata (METADATA / PKG-INFO). */
export interface PypiMetadata {
  /** `Requires-Dist`, parsed (PEP 508). */
  requiresDist: Pep508Requirement[];
  requiresPython?: string;
  /** Set when the dependencies may be incomplete (e.g. read from an old sdist's PKG-INFO, which uv would build instead). */
  caveat?: string;
}

export interface PypiIndex {
  /** Every release of a project, or null when the index has no such project. */
  versions(name: string): Promise<PypiRelease[] | null>;
  /** The core metadata of one file of a release; 'unknown' when it cannot be read. */
  metadata(name: string, version: string, file: PypiIndexFile): Promise<PypiMetadata | 'unknown'>;
}

/** Wraps an index so each project and each file's metadata is asked for once per resolution. */
export function memoizeIndex(index: PypiIndex): PypiIndex {
  const versions = new Map<string, Promise<PypiRelease[] | null>>();
  const metadata = new Map<string, Promise<PypiMetadata | 'unknown'>>();
  return {
    versions(name) {
      let found = versions.get(name);
      if (!found) versions.set(name, (found = index.versions(name)));
      return found;
    },
    metadata(name, version, file) {
      const key = `${name}\n${version}\n${file.filename}`;
      let found = metadata.get(key);
      if (!found) metadata.set(key, (found = index.metadata(name, version, file)));
      return found;
    },
  };
}
