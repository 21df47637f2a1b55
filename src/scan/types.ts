import type { Ecosystem, Location } from '../core/package.js';
import type { AdvisorySourceStatus, Finding } from '../advisories/types.js';
import type { NotScannable } from '../extractors/types.js';

/** What one scan found, as `scan()` returns it; src/report/ renders it in every output format. */
export interface ScannedPackage {
  ecosystem: Ecosystem;
  name: string;
  version: string;
  purl: string;
  locations: Location[];
}

export interface ReportError {
  path: string;
  line?: number;
  code: string;
  message: string;
}

/**
 * What the advisory sources hold for one ecosystem of the scan (coverage.ts):
 * `checked` is false when they hold no advisory for it, so finding nothing
 * there means nothing.
 */
export interface AdvisoryCoverage {
  ecosystem: Ecosystem;
  /** Scanned package versions of this ecosystem. */
  packages: number;
  advisories: number;
  /** The newest `modified` date among those advisories, as the record wrote it. */
  newestModified: string | null;
  checked: boolean;
}

/** The image a scan read (`scan --image`): what it is, its OS and its layers, base first. */
export interface ScanImage {
  /** The archive, layout directory or reference, as given. */
  source: string;
  platform: string | null;
  manifestDigest: string | null;
  os: { id: string; versionId: string | null; prettyName: string | null; ecosystem: string | null } | null;
  /** `index` is what package locations' `layer` names. */
  layers: { index: number; digest: string; createdBy: string | null }[];
}

/** Everything one `chainwatch scan` produced; every output format renders this. */
export interface ScanReport {
  tool: { name: 'chainwatch'; version: string };
  /** The paths given on the command line, or the image. */
  targets: string[];
  /** Set when the scan read a container image. */
  image?: ScanImage;
  /** Files that were extracted, with the extractor that read them. */
  files: { path: string; extractor: string; packages: number; layer?: number }[];
  packages: ScannedPackage[];
  findings: Finding[];
  notScannable: NotScannable[];
  errors: ReportError[];
  sources: AdvisorySourceStatus[];
  /** One entry per ecosystem with scanned packages, by ecosystem. */
  coverage: AdvisoryCoverage[];
}
