import type { Extractor } from '../types.js';
import { detectUvLock, extractUvLock } from './uv-lock.js';

export const extractor: Extractor = {
  id: 'uv-lock',
  ecosystems: ['PyPI'],
  detect: detectUvLock,
  extract: extractUvLock,
};
