import type { Extractor } from '../types.js';
import { pdmLock as detection } from '../detection.js';
import { extractPdmLock } from './pdm-lock.js';

export const extractor: Extractor = { ...detection, extract: extractPdmLock };
