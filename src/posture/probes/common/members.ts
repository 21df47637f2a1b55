import type { PostureFinding, MemberFact, OrgFacts } from '../../types.js';
import { daysSince } from './dates.js';
import { answer, type ProbeAnswer, type ProbeContext } from '../types.js';

export interface InactiveMembersEvidence {
  /** Members with the probe's role; absent when the members are unknown. */
  readonly members?: number;
  /** Of those, the ones whose last activity is known. */
  readonly known?: number;
  readonly inactive?: number;
  /** The inactivity window in days. */
  readonly window?: number;
}

/** Shared body of hasInactiveAdmins / hasInactiveMembers. */
export function inactiveAnswer(probe: string, facts: OrgFacts, context: ProbeContext, role: MemberFact['role'], fix: string): ProbeAnswer<InactiveMembersEvidence> {
  if (!facts.members.known) return answer(probe, 'not-available', [{ message: facts.members.reason }]);
  const members = facts.members.value.filter((member) => member.role === role);
  if (members.length === 0) return answer(probe, 'not-applicable', [], { members: 0 });
  const known = members.filter((member) => member.lastActivity.known);
  if (known.length === 0) {
    const reason = members[0]!.lastActivity.known ? '' : (members[0]!.lastActivity as { reason: string }).reason;
    return answer(probe, 'not-available', [{ message: `no ${role}'s last activity is known: ${reason}` }], { members: members.length });
  }
  const limit = context.settings.inactiveMemberDays;
  const inactive: PostureFinding[] = [];
  for (const member of known) {
    const last = (member.lastActivity as { value: string }).value;
    const days = daysSince(last, context.now);
    if (days !== null && days > limit) inactive.push({ message: `${role} ${member.login}: last activity ${last.slice(0, 10)}, ${days} days ago`, fix });
  }
  const evidence = { members: members.length, known: known.length, inactive: inactive.length, window: limit };
  return answer(probe, inactive.length > 0 ? 'true' : 'false', inactive, evidence);
}
