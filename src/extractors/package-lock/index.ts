import type { Extractor } from '../types.js';
import { detectPackageLock, extractPackageLock } from './package-lock.js';

export const extractor: Extractor = {
  id: 'package-lock',
  ecosystems: ['npm'],
  detect: detectPackageLock,
  extract: extractPackageLock,
};
