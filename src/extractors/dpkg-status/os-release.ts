import type { Ecosystem } from '../../core/package.js';
import type { ExtractInput } from '../types.js';

/** The distribution a dpkg database belongs to, as its advisories are keyed. */
export interface DpkgDistribution {
  ecosystem: Extract<Ecosystem, 'Debian' | 'Ubuntu'>;
  /** `12`, `24.04` (os-release's VERSION_ID); absent when the file names none (Debian testing and sid). */
  release?: string;
}

/**
 * Where os-release lies relative to the dpkg database, by the path's own shape
 * (`<root>/var/lib/dpkg/status`, `<root>/var/lib/dpkg/status.d/<name>`):
 * `etc/os-release`, then `usr/lib/os-release` (os-release(5): the first is
 * read when it exists). A status file at any other path has no root to read from.
 */
function osReleasePaths(path: string): string[] {
  const parts = path.replace(/\\/g, '/').split('/').filter((part) => part !== '');
  let depth: number;
  if (parts.slice(-4).join('/') === 'var/lib/dpkg/status') depth = 3;
  else if (parts.slice(-5, -1).join('/') === 'var/lib/dpkg/status.d') depth = 4;
  else return [];
  const up = '../'.repeat(depth);
  return [`${up}etc/os-release`, `${up}usr/lib/os-release`];
}

/**
 * os-release(5): `KEY=value` lines, the value optionally in double or single
 * quotes with backslash escapes; `#` comments and blank lines ignored.
 */
export function parseOsRelease(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2]!;
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.length >= 2 && value.endsWith(quote)) {
      value = value.slice(1, -1).replace(/\\(.)/g, '$1');
    }
    if (!fields.has(match[1]!)) fields.set(match[1]!, value);
  }
  return fields;
}

/**
 * The distribution of the system whose dpkg database `input` is, from the
 * os-release file of the same root, read through `readRelated` (extractors
 * never touch the filesystem). `ubuntu` → Ubuntu, `debian` → Debian, each
 * with VERSION_ID as its release. null (the status file read alone, an
 * os-release outside the scanned tree or unreadable, another distribution)
 * means: Debian without a release, as before os-release was read.
 */
export function readDistribution(input: ExtractInput): DpkgDistribution | null {
  if (input.readRelated === undefined) return null;
  for (const relativePath of osReleasePaths(input.path)) {
    const related = input.readRelated(relativePath);
    if (related === null) continue;
    if (!('text' in related)) return null;
    const fields = parseOsRelease(related.text);
    const id = fields.get('ID')?.toLowerCase();
    const versionId = fields.get('VERSION_ID')?.trim();
    const ecosystem = id === 'ubuntu' ? 'Ubuntu' : id === 'debian' ? 'Debian' : null;
    if (ecosystem === null) return null;
    // A release is a number (`12`, `24.04`); anything else would never equal a record's suffix.
    return versionId && /^\d+(?:\.\d+)*$/.test(versionId) ? { ecosystem, release: versionId } : { ecosystem };
  }
  return null;
}
