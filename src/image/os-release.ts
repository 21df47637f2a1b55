/**
 * `/etc/os-release` (or `/usr/lib/os-release`, systemd's os-release(5)):
 * which OS the image is, and so which advisories apply to its system
 * packages: OSV names Debian's and Ubuntu's ecosystems with the release
 * (`Debian:12`, `Ubuntu:24.04`), because a source package's fixed version
 * differs per release.
 */
import type { OsRelease } from './types.js';

/** KEY=value lines, values optionally quoted with shell escapes; comments and junk ignored. */
export function parseOsRelease(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!match) continue;
    let value = match[2]!;
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) value = value.slice(1, -1).replace(/\\(["'$`\\])/g, '$1');
    fields[match[1]!] = value;
  }
  return fields;
}

/** The OSV ecosystem of the OS's packages: Debian by major release, Ubuntu by release (OSV's Ubuntu records may add `:LTS` or `:Pro`; telling those apart is the matcher's part). */
function ecosystemOf(id: string, versionId: string | null): string | null {
  if (versionId === null) return null;
  if (id === 'debian') return `Debian:${versionId.split('.')[0]}`;
  if (id === 'ubuntu') return `Ubuntu:${versionId}`;
  return null;
}

export function osReleaseOf(text: string): OsRelease | null {
  const fields = parseOsRelease(text);
  const id = fields.ID?.toLowerCase();
  if (!id) return null;
  const versionId = fields.VERSION_ID ?? null;
  return { id, versionId, prettyName: fields.PRETTY_NAME ?? null, ecosystem: ecosystemOf(id, versionId) };
}
