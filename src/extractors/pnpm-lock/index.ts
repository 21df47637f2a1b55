import type { Extractor } from '../types.js';
import { detectPnpmLock, extractPnpmLock } from './pnpm-lock.js';

export const extractor: Extractor = {
  id: 'pnpm-lock',
  ecosystems: ['npm'],
  detect: detectPnpmLock,
  extract: extractPnpmLock,
};
