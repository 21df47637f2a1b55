import type { Extractor } from '../types.js';
import { detection } from './detect.js';
import { extractPoetryLock } from './poetry-lock.js';

export const extractor: Extractor = { ...detection, extract: extractPoetryLock };
