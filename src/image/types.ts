import type { ChainwatchError } from '../core/errors.js';

/** What a scan of an image may keep of its files: the files extractors read, bounded. */
export interface ImageLimits {
  /** Bytes one layer may inflate to (a decompression bomb stops here, with an error naming the layer). */
  maxLayerBytes: number;
  /** Entries one layer may hold. */
  maxLayerEntries: number;
  /** Bytes of one kept file (a dpkg status file of a large image is a few megabytes). */
  maxFileBytes: number;
  /** Bytes of every kept file together. */
  maxKeptBytes: number;
  /** Bytes of a JSON document of the image (index, manifest, config). */
  maxJsonBytes: number;
}

export const DEFAULT_IMAGE_LIMITS: ImageLimits = {
  maxLayerBytes: 16 * 2 ** 30,
  maxLayerEntries: 2_000_000,
  maxFileBytes: 64 * 2 ** 20,
  maxKeptBytes: 512 * 2 ** 20,
  maxJsonBytes: 8 * 2 ** 20,
};

/** A layer of the image, in the order it is applied (0 is the base). */
export interface ImageLayer {
  index: number;
  /** The compressed blob's digest (what the manifest names). */
  digest: string;
  /** The Dockerfile instruction that made it, from the config's history; null when the history does not say. */
  createdBy: string | null;
}

/** A file of the image's final filesystem that an extractor reads. */
export interface ImageFile {
  /** Absolute in the image, e.g. `/var/lib/dpkg/status`. */
  path: string;
  /** The layer the file's content came from. */
  layer: number;
  text: string;
}

/** The OS the image says it is (`/etc/os-release`), and the advisory ecosystem of its packages. */
export interface OsRelease {
  id: string;
  versionId: string | null;
  prettyName: string | null;
  /** `Debian:12`, `Ubuntu:24.04`; null for an OS whose advisories chainwatch does not know. */
  ecosystem: string | null;
}

export interface ImageContents {
  /** What was asked: the archive, layout directory or reference, as given. */
  source: string;
  /** The platform of the manifest read (`linux/amd64`). */
  platform: string | null;
  /** The image manifest's digest, when known. */
  manifestDigest: string | null;
  layers: ImageLayer[];
  /** The kept files of the final filesystem (after every layer, whiteouts applied), by path. */
  files: ImageFile[];
  os: OsRelease | null;
  /** What could not be read: each names the layer or document; the rest of the image is still read. */
  errors: ChainwatchError[];
}
