import type { Extractor } from '../types.js';
import { requirementsTxt as detection } from '../detection.js';
import { extractRequirementsTxt } from './requirements-txt.js';

export const extractor: Extractor = { ...detection, extract: extractRequirementsTxt };
