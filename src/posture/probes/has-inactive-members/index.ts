import { inactiveAnswer, type InactiveMembersEvidence } from '../common/members.js';
import type { OrgProbe, ProbeMetadata } from '../types.js';

const metadata: ProbeMetadata = {
  id: 'hasInactiveMembers',
  question: 'Does the org have members with no activity in the inactivity window (180 days by default)?',
  why: 'Idle members keep write access to repositories they no longer watch; each is an account that can be taken over.',
  fix: 'Remove idle members, or move them to a team without write access.',
  needs: 'api',
};

export const hasInactiveMembers: OrgProbe<InactiveMembersEvidence> = {
  metadata,
  run(facts, context) {
    return inactiveAnswer(metadata.id, facts, context, 'member', metadata.fix);
  },
};
