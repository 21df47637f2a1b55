import type { Extractor } from '../types.js';
import { detectPylock, extractPylock } from './pylock.js';

export const extractor: Extractor = {
  id: 'pylock',
  ecosystems: ['PyPI'],
  detect: detectPylock,
  extract: extractPylock,
};
