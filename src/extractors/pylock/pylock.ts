import { ChainwatchError } from '../../core/errors.js';
import type { Location } from '../../core/package.js';
import { readTomlArrayOfTables } from '../common/toml-array-of-tables.js';
import type { ExtractedPackage, ExtractInput, ExtractResult } from '../types.js';
import { PylockPackage } from './schema.js';

/** PEP 751 file names: `pylock.toml` or `pylock.<name>.toml` (the name has no dot). */
const PYLOCK_FILE_NAME = /^pylock\.([^.]+\.)?toml$/;

export function detectPylock(path: string): boolean {
  return PYLOCK_FILE_NAME.test(path.split(/[\\/]/).pop() ?? '');
}

/** Reads every `[[packages]]` entry of a PEP 751 lock file except the project itself; never throws on bad input. */
export function extractPylock(input: ExtractInput): ExtractResult {
  const result: ExtractResult = { packages: [], notScannable: [], errors: [] };
  const read = readTomlArrayOfTables(input.text, 'packages');
  if (read.error) {
    result.errors.push(
      new ChainwatchError('parse-error', `pylock file is not valid TOML: ${read.error.message}`, {
        location: locationOf(input.path, read.error.line),
      }),
    );
  }
  for (const entry of read.entries) {
    const location = locationOf(input.path, entry.line);
    const parsed = PylockPackage.safeParse(entry.value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      result.errors.push(
        new ChainwatchError('parse-error', `[[packages]] entry is invalid: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(), {
          location,
        }),
      );
      continue;
    }
    const locked = parsed.data;
    // The lock's own project (`directory = { path = "." }`) is the code being scanned, not a dependency.
    if (locked.directory?.path === '.') continue;
    const extracted: ExtractedPackage = {
      ecosystem: 'PyPI',
      name: locked.name,
      version: locked.version ?? null,
      location,
      ...sourceOf(locked),
    };
    result.packages.push(extracted);
    if (extracted.version === null) {
      // PEP 751 forbids a version for source trees whose version is not guaranteed (vcs, directory, archive).
      result.notScannable.push({ name: extracted.name, reason: 'no version in the lock entry (source tree)', location });
    }
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

function locationOf(path: string, line: number | undefined): Location {
  return line === undefined ? { path } : { path, line };
}
