import type { Extractor } from '../types.js';
import { pylock as detection } from '../detection.js';
import { extractPylock } from './pylock.js';

export const extractor: Extractor = { ...detection, extract: extractPylock };
