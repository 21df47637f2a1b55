import type { ExtractorDetection } from '../types.js';

function detect(path: string): boolean {
  return path.split(/[\\/]/).pop() === 'uv.lock';
}

/** What the registry knows before the parser is loaded (../index.ts). */
export const detection: ExtractorDetection = { id: 'uv-lock', ecosystems: ['PyPI'], detect };
