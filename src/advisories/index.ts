/**
 * The public entry of advisories/ for the front ends (src/cli, src/server):
 * they import this area only through this file (.dependency-cruiser.cjs
 * checks it). Importing it is cheap; each loader imports its modules on first
 * call (the download brings undici and zod; the import neither, unless a record
 * fails and must be described).
 */
export type { AdvisorySourceStatus, SeverityLevel } from './types.js';
// Light (a date comparison): imported at start-up by scan and db status.
export { describeAge, staleAdvisories } from './freshness.js';

/** `db update`: OSV's exports downloaded into the database, incrementally when possible. */
export async function loadOsvUpdate() {
  const { OSV_EXPORT_FOLDERS, resolveOsvBaseUrl, updateAdvisoryDatabase } = await import('./update.js');
  return { OSV_EXPORT_FOLDERS, resolveOsvBaseUrl, updateAdvisoryDatabase };
}

/** `db import`: OSV records from directories or export zips. */
export async function loadOsvImport() {
  const { importAdvisories } = await import('./import.js');
  return { importAdvisories };
}
