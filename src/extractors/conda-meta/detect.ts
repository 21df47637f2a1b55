import type { ExtractorDetection } from '../types.js';

function detect(path: string): boolean {
  const parts = path.replace(/\\/g, '/').split('/').filter((part) => part !== '');
  return parts.at(-2) === 'conda-meta' && (parts.at(-1)?.endsWith('.json') ?? false);
}

/** What the registry knows before the parser is loaded (../index.ts). */
export const detection: ExtractorDetection = { id: 'conda-meta', ecosystems: ['conda', 'PyPI'], detect };
