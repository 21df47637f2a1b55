import { lockedPypiPackage, readPackageTables } from '../common/read-package-tables.js';
import { addPackage } from '../common/result.js';
import type { ExtractedPackage, ExtractInput, ExtractResult } from '../types.js';
import { PdmPackage } from './schema.js';

/** Reads every `[[package]]` of a pdm.lock; never throws on bad input. */
export function extractPdmLock(input: ExtractInput): ExtractResult {
  const { tables, errors } = readPackageTables(input, { key: 'package', fileLabel: 'pdm.lock', schema: PdmPackage, markers: ['metadata'] });
  const result: ExtractResult = { packages: [], notScannable: [], errors };
  for (const { entry: pdmPackage, location } of tables) {
    const extracted = lockedPypiPackage(pdmPackage, location, sourceOf(pdmPackage));
    // PDM's default group is "default"; every other group (dev groups and extras alike) is not installed by `--prod`.
    if (pdmPackage.groups && pdmPackage.groups.length > 0 && !pdmPackage.groups.includes('default')) extracted.dev = true;
    addPackage(result, extracted, 'no version in the lock entry');
  }
  return result;
}

function sourceOf(entry: PdmPackage): Pick<ExtractedPackage, 'source' | 'commit' | 'qualifiers'> {
  if (entry.git !== undefined) {
    return { source: 'git', ...(entry.revision ? { commit: entry.revision } : {}), qualifiers: { vcs_url: entry.git } };
  }
  if (entry.url !== undefined) return { source: 'url', qualifiers: { download_url: entry.url } };
  if (entry.path !== undefined) return { source: 'path' };
  return { source: 'registry' };
}
