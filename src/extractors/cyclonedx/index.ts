import type { ExtractInput, ExtractResult, Extractor } from '../types.js';
import { parseJsonDocument } from '../common/json-document.js';
import { isReadFromBom, readCycloneDxBom } from './read-bom.js';

/**
 * Detection is by name only (see readme.md): `bom.json`, `*.cdx.json`, `*.cyclonedx.json`.
 * A CycloneDX BOM under another name is found only when the caller names it explicitly.
 */
function detect(path: string): boolean {
  const base = path.replace(/\\/g, '/').split('/').at(-1)?.toLowerCase() ?? '';
  return base === 'bom.json' || base.endsWith('.cdx.json') || base.endsWith('.cyclonedx.json');
}

function extract(input: ExtractInput): ExtractResult {
  return readCycloneDxBom(parseJsonDocument(input.path, input.text, { keep: isReadFromBom }), input.path);
}

export const extractor: Extractor = {
  id: 'cyclonedx',
  ecosystems: ['PyPI', 'npm', 'Debian', 'conda'],
  detect,
  extract,
};
