import { answer, yesNo, type ProbeMetadata, type RepoProbe } from '../types.js';

const metadata: ProbeMetadata = {
  id: 'isArchived',
  question: 'Is the repository archived?',
  why: 'An archived repository receives no fixes: whoever still depends on it carries every future vulnerability alone.',
  fix: 'Tell users (README, package metadata) what replaces it, or unarchive it if it is still shipped.',
  needs: 'api',
};

export const isArchived: RepoProbe = {
  metadata,
  run(facts) {
    const fact = facts.archived;
    if (!fact.known) return answer(metadata.id, 'not-available', [{ message: fact.reason }]);
    return answer(metadata.id, yesNo(fact.value), fact.value ? [{ message: 'the repository is archived', fix: metadata.fix }] : []);
  },
};
