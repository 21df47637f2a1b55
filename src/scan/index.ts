/**
 * The public entry of scan/ for the front ends (src/cli, src/server): they
 * import this area only through this file (.dependency-cruiser.cjs checks it).
 * Importing it is cheap; the pipeline (extractors, matcher) loads on the first
 * loadScanPipeline().
 */
export type { ScanReport } from './types.js';
export { UNKNOWN_SEVERITY_POLICIES, type UnknownSeverityPolicy } from './gate.js';

/** The scan pipeline (scan.ts: inventory → match → ScanReport), its --fail-on gate, and the diff of two scans (of two images). */
export async function loadScanPipeline() {
  const [{ scan }, { gateFindings }, { diffScans }] = await Promise.all([import('./scan.js'), import('./gate.js'), import('./diff.js')]);
  return { diffScans, gateFindings, scan };
}
