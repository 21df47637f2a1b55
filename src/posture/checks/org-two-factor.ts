import { reasonOf, result } from './evaluation.js';
import { orgCheck } from './types.js';

const id = 'org-two-factor';

export const orgTwoFactor = orgCheck({
  id,
  title: 'Two-factor authentication is required',
  column: '2fa',
  risk: 'critical',
  why: 'A member account protected by a password alone is one phishing mail away from pushing to every repository.',
  fix: 'Organisation settings → Authentication security → Require two-factor authentication.',
  docsAnchor: `check-${id}`,
  probes: ['requiresTwoFactor'],
  needs: ['api'],
  evaluate(probe) {
    const answer = probe.requiresTwoFactor;
    if (answer.outcome === 'not-available') return result(id, 'not-available', `Whether 2FA is required is unknown: ${reasonOf(answer)}.`);
    if (answer.outcome === 'true') return result(id, 'pass', 'Two-factor authentication is required.');
    return result(id, 'fail', 'Two-factor authentication is not required.', answer.findings);
  },
});
