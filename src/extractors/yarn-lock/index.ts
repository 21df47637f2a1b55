import type { Extractor } from '../types.js';
import { detection } from './detect.js';
import { extractYarnLock } from './yarn-lock.js';

export const extractor: Extractor = { ...detection, extract: extractYarnLock };
