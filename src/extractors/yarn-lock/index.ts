import type { Extractor } from '../types.js';
import { detectYarnLock, extractYarnLock } from './yarn-lock.js';

export const extractor: Extractor = {
  id: 'yarn-lock',
  ecosystems: ['npm'],
  detect: detectYarnLock,
  extract: extractYarnLock,
};
