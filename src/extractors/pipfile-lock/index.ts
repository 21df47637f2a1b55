import type { Extractor } from '../types.js';
import { detection } from './detect.js';
import { extractPipfileLock } from './pipfile-lock.js';

export const extractor: Extractor = { ...detection, extract: extractPipfileLock };
