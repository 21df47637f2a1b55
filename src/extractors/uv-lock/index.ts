import type { Extractor } from '../types.js';
import { uvLock as detection } from '../detection.js';
import { extractUvLock } from './uv-lock.js';

export const extractor: Extractor = { ...detection, extract: extractUvLock };
