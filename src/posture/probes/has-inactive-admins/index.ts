import { inactiveAnswer, type InactiveMembersEvidence } from '../common/members.js';
import type { OrgProbe, ProbeMetadata } from '../types.js';

const metadata: ProbeMetadata = {
  id: 'hasInactiveAdmins',
  question: 'Does the org have owners (admins) with no activity in the inactivity window (180 days by default)?',
  why: 'An idle owner account is all risk and no use: if it is taken over, the attacker owns every repository.',
  fix: 'Remove the owner role from idle accounts (or remove them from the org).',
  needs: 'api',
};

export const hasInactiveAdmins: OrgProbe<InactiveMembersEvidence> = {
  metadata,
  run(facts, context) {
    return inactiveAnswer(metadata.id, facts, context, 'admin', metadata.fix);
  },
};
