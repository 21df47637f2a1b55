import type { ExtractorDetection } from '../types.js';

/** PEP 751 file names: `pylock.toml` or `pylock.<name>.toml` (the name has no dot). */
const PYLOCK_FILE_NAME = /^pylock\.([^.]+\.)?toml$/;

function detect(path: string): boolean {
  return PYLOCK_FILE_NAME.test(path.split(/[\\/]/).pop() ?? '');
}

/** What the registry knows before the parser is loaded (../index.ts). */
export const detection: ExtractorDetection = { id: 'pylock', ecosystems: ['PyPI'], detect };
