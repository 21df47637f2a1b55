import type { Location } from '../../core/package.js';
import { lockedPypiPackage, readPackageTables } from '../common/read-package-tables.js';
import { addPackage } from '../common/result.js';
import type { ExtractedPackage, ExtractInput, ExtractResult } from '../types.js';
import { PoetryPackage } from './schema.js';

/** Reads every `[[package]]` of a poetry.lock; never throws on bad input. */
export function extractPoetryLock(input: ExtractInput): ExtractResult {
  const { tables, errors } = readPackageTables(input, { key: 'package', fileLabel: 'poetry.lock', schema: PoetryPackage, markers: ['metadata'] });
  const result: ExtractResult = { packages: [], notScannable: [], errors };
  for (const { entry, location } of tables) {
    addPackage(result, toExtractedPackage(entry, location), 'no version in the lock entry');
  }
  return result;
}

function toExtractedPackage(entry: PoetryPackage, location: Location): ExtractedPackage {
  const extracted = lockedPypiPackage(entry, location, sourceOf(entry));
  if (isDev(entry)) extracted.dev = true;
  if (entry.optional === true) extracted.optional = true;
  return extracted;
}

/** Poetry 1.x says `category = "dev"`; Poetry 2.x lists `groups`, where `main` is the runtime group. */
function isDev(entry: PoetryPackage): boolean {
  if (entry.groups && entry.groups.length > 0) return !entry.groups.includes('main');
  return entry.category === 'dev';
}

function sourceOf(entry: PoetryPackage): Pick<ExtractedPackage, 'source' | 'commit' | 'qualifiers'> {
  const source = entry.source;
  if (!source) return { source: 'registry' };
  const url = source.url;
  switch (source.type) {
    case 'git':
      return {
        source: 'git',
        ...(source.resolved_reference ? { commit: source.resolved_reference } : {}),
        ...(url ? { qualifiers: { vcs_url: url } } : {}),
      };
    case 'legacy':
      // A private or mirror package index: still matched by version, but say which index.
      return { source: 'registry', ...(url ? { qualifiers: { repository_url: url } } : {}) };
    case 'url':
      return { source: 'url', ...(url ? { qualifiers: { download_url: url } } : {}) };
    case 'file':
    case 'directory':
      return { source: url && /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? 'url' : 'path' };
    default:
      return { source: 'unknown' };
  }
}
