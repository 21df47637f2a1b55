import { reasonOf, result } from './evaluation.js';
import { orgCheck } from './types.js';

const id = 'org-outside-collaborators';

export const orgOutsideCollaborators = orgCheck({
  id,
  title: 'Outside collaborators are reviewed',
  column: 'outside-collab',
  risk: 'low',
  why: 'Outside collaborators are not bound by organisation policies such as required two-factor authentication.',
  fix: 'Review outside collaborators; make the ones who still need access members, remove the others.',
  docsAnchor: `check-${id}`,
  probes: ['hasOutsideCollaborators'],
  needs: ['api'],
  evaluate(probe) {
    const answer = probe.hasOutsideCollaborators;
    if (answer.outcome === 'not-available') return result(id, 'not-available', `Outside collaborators are unknown: ${reasonOf(answer)}.`);
    if (answer.outcome === 'false') return result(id, 'pass', 'No outside collaborators.');
    return result(id, 'partial', `${(answer.evidence.collaborators ?? []).length} outside collaborator(s) to review.`, answer.findings);
  },
});
