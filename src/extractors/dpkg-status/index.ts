import { excerpt } from '../../core/excerpt.js';
import { withoutByteOrderMark } from '../common/byte-order-mark.js';
import { addError } from '../common/result.js';
import type { ExtractedPackage, ExtractInput, ExtractResult, Extractor, NotScannable } from '../types.js';
import { readDistribution, type DpkgDistribution } from './os-release.js';
import { parseStanzas, type Stanza } from './parse-stanzas.js';
import { dpkgStatus as detection } from '../detection.js';

/**
 * dpkg states (third word of Status) in which all of the package's files are on
 * disk, configured or not. The first word is only what the administrator wants
 * next: a package on hold, or marked for removal but not removed yet, is still
 * installed — and held packages are often the old, vulnerable ones a scan must
 * not miss. `half-installed` (an unpack that failed midway) is listed as not scannable.
 */
const FILES_ON_DISK_STATES: ReadonlySet<string> = new Set(['installed', 'unpacked', 'half-configured', 'triggers-awaited', 'triggers-pending']);

/** dpkg states whose program files are gone: nothing on disk to report. */
const GONE_STATES: ReadonlySet<string> = new Set(['not-installed', 'config-files']);

function pathParts(path: string): string[] {
  return path.replace(/\\/g, '/').split('/').filter((part) => part !== '');
}

/** `Source: util-linux (2.38.1-5)` → name and optional version (the binary's version when absent). */
function parseSourceField(value: string): { name: string; version: string | undefined } {
  const match = /^(\S+)(?:\s*\(\s*([^)\s]+)\s*\))?/.exec(value);
  return { name: match?.[1] ?? value, version: match?.[2] };
}

function stanzaToPackage(stanza: Stanza, path: string, inStatusDirectory: boolean, distribution: DpkgDistribution | null, result: ExtractResult): void {
  const location = { path, line: stanza.line };
  const name = stanza.fields.get('package')?.value;
  if (!name) {
    addError(result.errors, 'parse-error', `stanza starting at line ${stanza.line} has no Package field`, location);
    return;
  }

  const status = stanza.fields.get('status')?.value.split(/\s+/).join(' ');
  // status.d/ files (distroless) carry no Status field: a file there means the package is installed.
  if (status === undefined && !inStatusDirectory) {
    result.notScannable.push({ name, reason: 'no Status field: cannot tell whether the package is installed', location });
    return;
  }
  const state = status?.split(' ')[2];
  if (status !== undefined && (state === undefined || !FILES_ON_DISK_STATES.has(state))) {
    if (state !== undefined && GONE_STATES.has(state)) return;
    result.notScannable.push({ name, reason: `dpkg status "${excerpt(status)}" is not an installed state`, location });
    return;
  }

  const version = stanza.fields.get('version')?.value || null;
  const qualifiers: Record<string, string> = {};
  const architecture = stanza.fields.get('architecture')?.value;
  if (architecture) qualifiers.arch = architecture;
  // Debian advisories are keyed by source package: always expose it (a binary without a
  // Source field is built from the source package of the same name and version).
  const sourceField = stanza.fields.get('source')?.value;
  const source = sourceField ? parseSourceField(sourceField) : { name, version: undefined };
  qualifiers.source = source.name;
  const sourceVersion = source.version ?? version;
  if (sourceVersion) qualifiers.sourceVersion = sourceVersion;

  const extracted: ExtractedPackage = { ecosystem: distribution?.ecosystem ?? 'Debian', name, version, location, source: 'registry', qualifiers };
  if (distribution?.release !== undefined) extracted.ecosystemRelease = distribution.release;
  result.packages.push(extracted);
  if (version === null) {
    const missing: NotScannable = { name, reason: 'no Version field', location };
    result.notScannable.push(missing);
  }
}

function extract(input: ExtractInput): ExtractResult {
  const result: ExtractResult = { packages: [], notScannable: [], errors: [] };
  const { stanzas, problems } = parseStanzas(withoutByteOrderMark(input.text));
  for (const problem of problems) addError(result.errors, 'parse-error', problem.message, { path: input.path, line: problem.line });
  const inStatusDirectory = pathParts(input.path).at(-2) === 'status.d';
  const distribution = stanzas.length > 0 ? readDistribution(input) : null;
  for (const stanza of stanzas) stanzaToPackage(stanza, input.path, inStatusDirectory, distribution, result);
  return result;
}

export const extractor: Extractor = { ...detection, extract };
