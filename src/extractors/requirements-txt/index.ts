import type { Extractor } from '../types.js';
import { detection } from './detect.js';
import { extractRequirementsTxt } from './requirements-txt.js';

export const extractor: Extractor = { ...detection, extract: extractRequirementsTxt };
