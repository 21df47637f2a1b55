import type { Extractor } from '../types.js';
import { detection } from './detect.js';
import { extractPylock } from './pylock.js';

export const extractor: Extractor = { ...detection, extract: extractPylock };
