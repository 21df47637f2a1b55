import { parseJsonDocument } from '../common/json-document.js';
import type { ExtractInput, ExtractResult, Extractor } from '../types.js';
import { isReadFromDocument, readSpdxDocument } from './read-document.js';

function detect(path: string): boolean {
  const base = path.replace(/\\/g, '/').split('/').at(-1)?.toLowerCase() ?? '';
  return base.endsWith('.spdx.json');
}

function extract(input: ExtractInput): ExtractResult {
  return readSpdxDocument(parseJsonDocument(input.path, input.text, { keep: isReadFromDocument }), input.path);
}

export const extractor: Extractor = {
  id: 'spdx',
  ecosystems: ['PyPI', 'npm', 'Debian', 'conda'],
  detect,
  extract,
};
