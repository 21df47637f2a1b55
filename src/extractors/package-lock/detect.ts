import type { ExtractorDetection } from '../types.js';

const LOCKFILE_NAMES = new Set(['package-lock.json', 'npm-shrinkwrap.json']);

/** npm's lockfile and its publishable twin; `node_modules/.package-lock.json` is npm's cache of the installed tree, not a lockfile. */
function detect(path: string): boolean {
  return LOCKFILE_NAMES.has(path.split(/[\\/]/).pop() ?? '');
}

/** What the registry knows before the parser is loaded (../index.ts). */
export const detection: ExtractorDetection = { id: 'package-lock', ecosystems: ['npm'], detect };
