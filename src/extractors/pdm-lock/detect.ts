import type { ExtractorDetection } from '../types.js';

function detect(path: string): boolean {
  return path.split(/[\\/]/).pop() === 'pdm.lock';
}

/** What the registry knows before the parser is loaded (../index.ts). */
export const detection: ExtractorDetection = { id: 'pdm-lock', ecosystems: ['PyPI'], detect };
