import type { Ecosystem, Location } from '../core/package.js';
import type { ChainwatchError } from '../core/errors.js';

/** Where a package came from, when the lockfile says. Only `registry` packages are matched by version. */
export type PackageSource = 'registry' | 'git' | 'path' | 'url' | 'unknown';

export interface ExtractedPackage {
  ecosystem: Ecosystem;
  /** The name as written in the file (not normalised); identity uses normalizeName(). */
  name: string;
  /** Exact version; null when the file does not pin one (then it is also listed in `notScannable`). */
  version: string | null;
  location: Location;
  /**
   * The distribution release the package belongs to (`12`, `24.04`), when the
   * extractor could tell (dpkg-status reads the root's os-release): Debian and
   * Ubuntu advisories are then matched for that release only.
   */
  ecosystemRelease?: string;
  source?: PackageSource;
  /** Git commit, for GIT ranges. */
  commit?: string;
  /** Dev / test / optional groups, when the format says so. */
  dev?: boolean;
  optional?: boolean;
  /** Format-specific extras (e.g. conda channel, Debian source package, npm alias target). */
  qualifiers?: Record<string, string>;
}

/** A line that names a package but cannot be matched (unpinned requirement, URL without version...). */
export interface NotScannable {
  name: string;
  reason: string;
  location: Location;
}

export interface ExtractResult {
  packages: ExtractedPackage[];
  notScannable: NotScannable[];
  /** Malformed input: each error names the file and, where known, the line. */
  errors: ChainwatchError[];
}

/**
 * A file read through `readRelated`, or why it was not read (outside the
 * scanned tree, not a regular file, too large, not UTF-8). A refusal carries
 * no path: what lies outside the tree is not named back to the input.
 */
export type RelatedFile = { path: string; text: string } | { error: ChainwatchError };

/**
 * Input to an extractor. Extractors never touch the filesystem (STYLE rule 4):
 * formats that include other files (requirements.txt `-r`/`-c`) get them
 * through `readRelated`, which the walker injects.
 */
export interface ExtractInput {
  /** Path as it should appear in reports (relative to the scan root where possible). */
  path: string;
  text: string;
  /** Reads a file named relative to `path`'s directory; null if it does not exist, `{ error }` if it may not or cannot be read. */
  readRelated?: (relativePath: string) => RelatedFile | null;
}

/** What the registry knows of a format before its parser is loaded (detection.ts). */
export interface ExtractorDetection {
  /** Kebab-case id, also the folder name. */
  readonly id: string;
  readonly ecosystems: readonly Ecosystem[];
  /** Decides from the path alone (no I/O) whether this extractor handles the file. */
  detect(path: string): boolean;
}

export interface Extractor extends ExtractorDetection {
  /** Never throws on bad input: malformed files become `errors` entries. */
  extract(input: ExtractInput): ExtractResult;
}

/**
 * An entry of the registry (index.ts): detection at once, the extractor with
 * its parsing libraries (YAML, TOML, JSON with positions, zod schemas) loaded
 * on first use, so a scan loads only the parsers of the formats it meets.
 */
export interface RegisteredExtractor extends ExtractorDetection {
  load(): Promise<Extractor>;
}
