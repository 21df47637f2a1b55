import type { Extractor } from '../types.js';
import { detection } from './detect.js';
import { extractPdmLock } from './pdm-lock.js';

export const extractor: Extractor = { ...detection, extract: extractPdmLock };
