import type { Extractor } from '../types.js';
import { detectPipfileLock, extractPipfileLock } from './pipfile-lock.js';

export const extractor: Extractor = {
  id: 'pipfile-lock',
  ecosystems: ['PyPI'],
  detect: detectPipfileLock,
  extract: extractPipfileLock,
};
