import { answer, yesNo, type OrgProbe, type ProbeMetadata } from '../types.js';

const metadata: ProbeMetadata = {
  id: 'requiresTwoFactor',
  question: 'Does the org require two-factor authentication for its members?',
  why: 'A phished password is then not enough to push code or change settings.',
  fix: 'Org settings → Authentication security → Require two-factor authentication.',
  needs: 'api',
};

export const requiresTwoFactor: OrgProbe = {
  metadata,
  run(facts) {
    const fact = facts.twoFactorRequired;
    if (!fact.known) return answer(metadata.id, 'not-available', [{ message: fact.reason }]);
    return answer(metadata.id, yesNo(fact.value), fact.value ? [] : [{ message: `${facts.org} does not require two-factor authentication`, fix: metadata.fix }]);
  },
};
