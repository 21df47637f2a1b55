import type { Extractor } from '../types.js';
import { detection } from './detect.js';
import { extractPackageLock } from './package-lock.js';

export const extractor: Extractor = { ...detection, extract: extractPackageLock };
