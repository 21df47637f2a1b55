import type { ExtractorDetection } from '../types.js';

function detect(path: string): boolean {
  return path.split(/[\\/]/).pop() === 'pnpm-lock.yaml';
}

/** What the registry knows before the parser is loaded (../index.ts). */
export const detection: ExtractorDetection = { id: 'pnpm-lock', ecosystems: ['npm'], detect };
