import type { Extractor } from '../types.js';
import { detectRequirementsTxt, extractRequirementsTxt } from './requirements-txt.js';

export const extractor: Extractor = {
  id: 'requirements-txt',
  ecosystems: ['PyPI'],
  detect: detectRequirementsTxt,
  extract: extractRequirementsTxt,
};
