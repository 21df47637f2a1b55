import { reasonOf, result } from './evaluation.js';
import { repoCheck } from './types.js';

const id = 'best-practices-badge';

export const bestPracticesBadge = repoCheck({
  id,
  title: 'OpenSSF Best Practices badge',
  column: 'badge',
  risk: 'low',
  why: 'The badge records that the project meets a published list of security practices.',
  fix: 'Fill in the OpenSSF Best Practices questionnaire for the project until it reaches the passing level.',
  docsAnchor: `check-${id}`,
  probes: ['hasBestPracticesBadge'],
  needs: ['api'],
  evaluate(probe) {
    const badge = probe.hasBestPracticesBadge;
    if (badge.outcome === 'not-available') return result(id, 'not-available', `The OpenSSF Best Practices level is unknown: ${reasonOf(badge)}.`);
    const level = String(badge.evidence.level);
    if (badge.outcome === 'true') return result(id, 'pass', `OpenSSF Best Practices badge: ${level}.`);
    if (level === 'in_progress') return result(id, 'partial', 'The OpenSSF Best Practices badge is in progress.', badge.findings);
    return result(id, 'fail', 'No OpenSSF Best Practices badge.', badge.findings);
  },
});
