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

/** Everything one `chainwatch scan` produced; every output format renders this. */
export interface ScanReport {
  tool: { name: 'chainwatch'; version: string };
  /** The paths given on the command line. */
  targets: string[];
  /** Files that were extracted, with the extractor that read them. */
  files: { path: string; extractor: string; packages: number }[];
  packages: ScannedPackage[];
  findings: Finding[];
  notScannable: NotScannable[];
  errors: ReportError[];
  sources: AdvisorySourceStatus[];
}
