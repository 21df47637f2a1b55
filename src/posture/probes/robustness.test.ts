import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { checkDamagedCopies } from '../../../test/extractor-testing.js';
import { fixedClock } from '../../core/clock.js';
import { evaluateRepo } from '../checks/index.js';
import { repoFacts, SHARED_PROJECTS } from '../posture-testing.fixture.js';
import { CHECK_IDS } from '../types.js';
import { parseWorkflow } from '../workflows/parse.js';
import { DEFAULT_POSTURE_SETTINGS, REPO_PROBES } from './index.js';
import { describeWithSharedData } from '../../../test/shared-data.js';

/** Real workflows and configs from the shared repositories, to damage. */
function realTexts(): string[] {
  const texts: string[] = [];
  for (const repo of ['jupyterlab/jupyterlab', 'jupyter/docker-stacks', 'jupyter-widgets/ipywidgets']) {
    const directory = join(SHARED_PROJECTS, repo, '.github', 'workflows');
    for (const name of readdirSync(directory).sort().slice(0, 8)) texts.push(readFileSync(join(directory, name), 'utf8'));
    texts.push(readFileSync(join(SHARED_PROJECTS, repo, '.github', 'dependabot.yml'), 'utf8'));
  }
  return texts;
}

const OUTCOMES = ['true', 'false', 'not-available', 'not-applicable', 'error'];
const context = { now: new Date('2026-09-01T00:00:00Z'), settings: DEFAULT_POSTURE_SETTINGS };

describeWithSharedData('damaged real files never throw', () => {
  const texts = realTexts();

  it('parseWorkflow returns a value or an error with a line', () => {
    checkDamagedCopies(
      texts,
      (text) => {
        const result = parseWorkflow('.github/workflows/damaged.yml', text);
        if (!result.ok) expect(result.error.location?.line).toBeGreaterThanOrEqual(1);
      },
      { numRuns: 300 },
    );
  });

  it('every probe and every check answers with a known outcome', () => {
    checkDamagedCopies(
      texts,
      (text) => {
        const facts = repoFacts({ '.github/workflows/damaged.yml': text, '.github/dependabot.yml': text, 'renovate.json': text, 'SECURITY.md': text });
        for (const probe of Object.values(REPO_PROBES)) expect(OUTCOMES).toContain(probe.run(facts, context).outcome);
        expect(evaluateRepo(facts, { clock: fixedClock('2026-09-01T00:00:00Z') }).checks.map((check) => check.id)).toEqual([...CHECK_IDS]);
      },
      { numRuns: 100 },
    );
  });
});
