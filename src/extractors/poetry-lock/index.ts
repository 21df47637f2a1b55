import type { Extractor } from '../types.js';
import { poetryLock as detection } from '../detection.js';
import { extractPoetryLock } from './poetry-lock.js';

export const extractor: Extractor = { ...detection, extract: extractPoetryLock };
