import type { Extractor } from '../types.js';
import { yarnLock as detection } from '../detection.js';
import { extractYarnLock } from './yarn-lock.js';

export const extractor: Extractor = { ...detection, extract: extractYarnLock };
