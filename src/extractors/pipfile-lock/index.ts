import type { Extractor } from '../types.js';
import { pipfileLock as detection } from '../detection.js';
import { extractPipfileLock } from './pipfile-lock.js';

export const extractor: Extractor = { ...detection, extract: extractPipfileLock };
