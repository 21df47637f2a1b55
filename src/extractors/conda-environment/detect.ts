import type { ExtractorDetection } from '../types.js';

function detect(path: string): boolean {
  const base = path.replace(/\\/g, '/').split('/').at(-1)?.toLowerCase() ?? '';
  return /^(.+\.)?environment\.ya?ml$/.test(base);
}

/** What the registry knows before the parser is loaded (../index.ts). */
export const detection: ExtractorDetection = { id: 'conda-environment', ecosystems: ['conda', 'PyPI'], detect };
