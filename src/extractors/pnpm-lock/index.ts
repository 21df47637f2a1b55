import type { Extractor } from '../types.js';
import { pnpmLock as detection } from '../detection.js';
import { extractPnpmLock } from './pnpm-lock.js';

export const extractor: Extractor = { ...detection, extract: extractPnpmLock };
