import type { Extractor } from '../types.js';
import { detectPoetryLock, extractPoetryLock } from './poetry-lock.js';

export const extractor: Extractor = {
  id: 'poetry-lock',
  ecosystems: ['PyPI'],
  detect: detectPoetryLock,
  extract: extractPoetryLock,
};
