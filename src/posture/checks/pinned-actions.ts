import type { ProbeAnswer } from '../probes/index.js';
import type { PinningEvidence } from '../probes/common/pinning.js';
import { firstError, list, present, result, upperFirst } from './evaluation.js';
import { repoCheck } from './types.js';

const id = 'pinned-actions';

export const pinnedActions = repoCheck({
  id,
  title: 'Actions are pinned to full commit SHAs',
  column: 'pinned',
  risk: 'medium',
  why: 'A tag can be moved to malicious code (as happened to tj-actions/changed-files); a full commit SHA cannot.',
  fix: 'Replace each `uses: owner/repo@tag` by `@<40-hex sha> # tag` (`chainwatch fix pinned-actions`); keep Dependabot on github-actions to update the SHAs.',
  docsAnchor: `check-${id}`,
  probes: ['thirdPartyActionsPinnedBySha', 'dockerImagesPinnedByDigest', 'githubOwnedActionsPinnedBySha'],
  needs: ['files'],
  evaluate(probe) {
    const thirdParty = probe.thirdPartyActionsPinnedBySha;
    const docker = probe.dockerImagesPinnedByDigest;
    const github = probe.githubOwnedActionsPinnedBySha;
    const all = [thirdParty, docker, github];
    const count = (answer: ProbeAnswer<PinningEvidence>) => `${answer.evidence.unpinned} of ${answer.evidence.total}`;
    if (thirdParty.outcome === 'false' || docker.outcome === 'false') {
      const parts = present(
        thirdParty.outcome === 'false' ? `${count(thirdParty)} third-party action references are not pinned to a commit SHA` : null,
        docker.outcome === 'false' ? `${count(docker)} docker images are not pinned by digest` : null,
        github.outcome === 'false' ? `${count(github)} GitHub-owned ones are not pinned either` : null,
      );
      return result(id, 'fail', `${upperFirst(list(parts))}.`, all.flatMap((answer) => answer.findings));
    }
    if (github.outcome === 'false') {
      return result(id, 'partial', `Third-party actions are pinned, but ${count(github)} GitHub-owned action references are not pinned to a commit SHA.`, github.findings);
    }
    const error = firstError(...all);
    if (error) return result(id, 'error', 'A workflow cannot be read, so pinning cannot be confirmed.', error.findings);
    if (all.every((answer) => answer.outcome === 'not-applicable')) return result(id, 'not-applicable', 'No workflow uses an action from another repository.');
    const total = all.reduce((sum, answer) => sum + answer.evidence.total, 0);
    return result(id, 'pass', `All ${total} action references are pinned to full commit SHAs.`);
  },
});
