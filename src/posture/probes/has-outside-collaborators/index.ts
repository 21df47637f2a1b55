import { answer, type OrgProbe, type ProbeMetadata } from '../types.js';

const metadata: ProbeMetadata = {
  id: 'hasOutsideCollaborators',
  question: 'Does the org have outside collaborators (people with repository access who are not members)?',
  why: "Outside collaborators are outside the org's 2FA requirement and membership reviews; each one should be deliberate.",
  fix: 'Review the list: convert regular contributors to members, remove the ones who no longer need access.',
  needs: 'api',
};

export interface OutsideCollaboratorsEvidence {
  /** Logins in code-point order; absent when unknown. */
  readonly collaborators?: readonly string[];
}

export const hasOutsideCollaborators: OrgProbe<OutsideCollaboratorsEvidence> = {
  metadata,
  run(facts) {
    const fact = facts.outsideCollaborators;
    if (!fact.known) return answer(metadata.id, 'not-available', [{ message: fact.reason }]);
    const logins = [...fact.value].sort();
    const findings = logins.map((login) => ({ message: `outside collaborator ${login}`, fix: metadata.fix }));
    return answer(metadata.id, logins.length > 0 ? 'true' : 'false', findings, { collaborators: logins });
  },
};
