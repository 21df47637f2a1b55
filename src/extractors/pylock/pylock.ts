import { lockedPypiPackage, readPackageTables } from '../common/read-package-tables.js';
import { addPackage } from '../common/result.js';
import type { ExtractedPackage, ExtractInput, ExtractResult } from '../types.js';
import { PylockPackage } from './schema.js';

/** Reads every `[[packages]]` entry of a PEP 751 lock file except the project itself; never throws on bad input. */
export function extractPylock(input: ExtractInput): ExtractResult {
  const { tables, errors } = readPackageTables(input, { key: 'packages', fileLabel: 'pylock file', schema: PylockPackage, markers: ['lock-version'] });
  const result: ExtractResult = { packages: [], notScannable: [], errors };
  for (const { entry: locked, location } of tables) {
    // The lock's own project (`directory = { path = "." }`) is the code being scanned, not a dependency.
    if (locked.directory?.path === '.') continue;
    const extracted = lockedPypiPackage(locked, location, sourceOf(locked));
    // PEP 751 forbids a version for source trees whose version is not guaranteed (vcs, directory, archive).
    addPackage(result, extracted, 'no version in the lock entry (source tree)');
  }
  return result;
}

function sourceOf(entry: PylockPackage): Pick<ExtractedPackage, 'source' | 'commit' | 'qualifiers'> {
  if (entry.vcs) {
    const repository = entry.vcs.url ?? entry.vcs.path;
    return {
      source: entry.vcs.type === 'git' ? 'git' : 'unknown',
      ...(entry.vcs['commit-id'] ? { commit: entry.vcs['commit-id'] } : {}),
      ...(repository ? { qualifiers: { vcs_url: repository } } : {}),
    };
  }
  if (entry.directory) return { source: 'path' };
  if (entry.archive) {
    return entry.archive.url ? { source: 'url', qualifiers: { download_url: entry.archive.url } } : { source: 'path' };
  }
  return { source: 'registry' };
}
