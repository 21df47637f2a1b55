import type { Extractor } from '../types.js';
import { detection } from './detect.js';
import { extractPnpmLock } from './pnpm-lock.js';

export const extractor: Extractor = { ...detection, extract: extractPnpmLock };
