import type { Extractor } from '../types.js';
import { detectPdmLock, extractPdmLock } from './pdm-lock.js';

export const extractor: Extractor = {
  id: 'pdm-lock',
  ecosystems: ['PyPI'],
  detect: detectPdmLock,
  extract: extractPdmLock,
};
