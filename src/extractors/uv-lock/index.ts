import type { Extractor } from '../types.js';
import { detection } from './detect.js';
import { extractUvLock } from './uv-lock.js';

export const extractor: Extractor = { ...detection, extract: extractUvLock };
