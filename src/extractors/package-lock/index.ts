import type { Extractor } from '../types.js';
import { packageLock as detection } from '../detection.js';
import { extractPackageLock } from './package-lock.js';

export const extractor: Extractor = { ...detection, extract: extractPackageLock };
