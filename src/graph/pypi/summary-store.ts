import type { Pep440Version } from '../../ecosystems/pypi/pep440-version.js';
import type { LabextensionManifest, PackageRelease } from '../resolver.js';

/**
 * What the PyPI resolver keeps of what it read, as uv keeps its parsed
 * index pages.
 *
 * A project page (megabytes of JSON) is kept as a `ProjectSummary` in the
 * HTTP cache, as the trimmed form of the page's own answer
 * (`project-summary.ts`, the `keep` option of src/http): the releases with
 * the few file fields the resolver reads, and each release as the signals
 * read it. So a page is fetched and parsed once per run, by the resolver, and
 * a warm run reads only the summary.
 *
 * What never changes for a file (wheels are immutable) is kept in the
 * `SummaryStore`: its dependencies and the signals' fields of its core
 * metadata, and the labextensions found inside a wheel. Declared here,
 * implemented by src/store/pypi-summary-store.ts (`openSummaryStore`),
 * opened by the front end and handed in.
 */

/** One distribution file, as kept. */
export interface StoredFile {
  filename: string;
  url: string;
  yanked: boolean;
  requiresPython?: string;
  uploadTime?: string;
  size?: number;
  /** The index advertises PEP 658 metadata for it. */
  coreMetadata?: boolean;
}

export interface StoredRelease {
  version: string;
  files: StoredFile[];
  /** The earliest upload time among the files, null when none has one. */
  earliestUpload: string | null;
  /** Not kept: the version as the reader that read the page parsed it (PypiRelease.parsed). */
  parsed?: Pep440Version | null;
}

/** What is kept of one project page. */
export interface ProjectSummary {
  /** The releases as the resolver reads them (grouped by the version written in each file name). */
  releases: StoredRelease[];
  /**
   * Every release as the graph's signals read it: the registry client's
   * reading of the page (files it keeps, grouped by PEP 440-normalized
   * version, in page order), each with its first upload, yanked (every file
   * is), and PEP 740 provenance (some file has it; none, where the index
   * stated it for every file; else unknown).
   */
  history: PackageRelease[];
  /**
   * Every file the resolver can pick is in `history` under the version the
   * resolver gives it, and no two files share a name: then a resolved file's
   * facts can be told from this summary. When not (a page with files the
   * registry client reads otherwise), the signals read the page through the
   * registry client.
   */
  exact: boolean;
}

/** What the signals read of a file's core metadata. */
export interface MetadataSignals {
  /** licenseOf() the metadata. */
  license: string | null;
  /** Project URLs, then the home page. */
  repositoryUrls: string[];
}

/** A file's core metadata as kept. */
export interface StoredMetadata {
  /** `Requires-Dist` lines as written; null when the dependencies could not be read ('unknown'). */
  requiresDist: string[] | null;
  requiresPython?: string;
  caveat?: string;
  /** null when no core metadata could be read. */
  signals: MetadataSignals | null;
}

export interface SummaryStore {
  readonly path: string;
  getMetadata(fileUrl: string): StoredMetadata | null;
  putMetadata(fileUrl: string, metadata: StoredMetadata): void;
  /** The labextensions found in a wheel (`manifests` null: the wheel was absent); null when not looked at yet. */
  getLabextensions(fileUrl: string): { manifests: LabextensionManifest[] | null } | null;
  putLabextensions(fileUrl: string, manifests: LabextensionManifest[] | null): void;
  /** Writes what the store holds back (it writes in batches, one transaction each). */
  flush(): void;
  /** Flushes, then closes the database. */
  close(): void;
}
