import { reasonOf, result } from './evaluation.js';
import { orgCheck } from './types.js';

const id = 'org-inactive-members';

export const orgInactiveMembers = orgCheck({
  id,
  title: 'No inactive owners or members',
  column: 'inactive',
  risk: 'medium',
  why: 'Idle accounts with access are takeover targets nobody is watching.',
  fix: 'Remove idle owners first, then idle members (or move them to read-only teams).',
  docsAnchor: `check-${id}`,
  probes: ['hasInactiveAdmins', 'hasInactiveMembers'],
  needs: ['api'],
  evaluate(probe) {
    const admins = probe.hasInactiveAdmins;
    const members = probe.hasInactiveMembers;
    if (admins.outcome === 'true') {
      return result(id, 'fail', `${admins.evidence.inactive} owner(s) have been inactive for over ${admins.evidence.window} days.`, [...admins.findings, ...members.findings]);
    }
    if (members.outcome === 'true') return result(id, 'partial', `${members.evidence.inactive} member(s) have been inactive for over ${members.evidence.window} days.`, members.findings);
    if (admins.outcome === 'false' || members.outcome === 'false') return result(id, 'pass', 'No owner or member is inactive.');
    if (admins.outcome === 'not-applicable' && members.outcome === 'not-applicable') return result(id, 'not-applicable', 'The org has no members.');
    return result(id, 'not-available', `Member activity is unknown: ${reasonOf(admins.outcome === 'not-available' ? admins : members)}.`);
  },
});
