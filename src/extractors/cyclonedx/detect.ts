import type { ExtractorDetection } from '../types.js';

/**
 * Detection is by name only (see readme.md): `bom.json`, `*.cdx.json`, `*.cyclonedx.json`.
 * A CycloneDX BOM under another name is found only when the caller names it explicitly.
 */
function detect(path: string): boolean {
  const base = path.replace(/\\/g, '/').split('/').at(-1)?.toLowerCase() ?? '';
  return base === 'bom.json' || base.endsWith('.cdx.json') || base.endsWith('.cyclonedx.json');
}

/** What the registry knows before the parser is loaded (../index.ts). */
export const detection: ExtractorDetection = { id: 'cyclonedx', ecosystems: ['PyPI', 'npm', 'Debian', 'conda'], detect };
