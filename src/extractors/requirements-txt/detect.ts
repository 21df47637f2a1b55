import type { ExtractorDetection } from '../types.js';

/**
 * Which files are pip requirements files, from the path alone. Only names that
 * say "requirements" or "constraints" are claimed, so random `.txt` files
 * (licences, notes, `robots.txt`) are left alone:
 *   requirements.txt, requirements-dev.txt, requirements_test.txt, requirements.prod.txt,
 *   dev-requirements.txt, test_requirements.txt, docs.requirements.txt,
 *   requirements/<anything>.txt, constraints.txt, constraints-py312.txt.
 */
function detect(path: string): boolean {
  const parts = path.split(/[\\/]/);
  const base = (parts.pop() ?? '').toLowerCase();
  const parent = (parts.pop() ?? '').toLowerCase();
  if (!base.endsWith('.txt') || base === '.txt') return false;
  if (parent === 'requirements') return true;
  return /^(?:requirements|constraints)(?:[-_.][^/]*)?\.txt$/.test(base) || /^[^/]+[-_.]requirements\.txt$/.test(base);
}

/** What the registry knows before the parser is loaded (../index.ts). */
export const detection: ExtractorDetection = { id: 'requirements-txt', ecosystems: ['PyPI'], detect };
