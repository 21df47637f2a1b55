import { reasonOf, result } from './evaluation.js';
import { repoCheck } from './types.js';

const id = 'maintained';

export const maintained = repoCheck({
  id,
  title: 'The repository is maintained (or finished, not abandoned)',
  column: 'maintained',
  risk: 'high',
  why: 'Someone has to be there to fix the next vulnerability; a finished project with releases and no open advisories is fine, an abandoned one is not.',
  fix: 'Keep committing and releasing; if the project is done, say so and keep advisories at zero; if it is abandoned, archive it and point users elsewhere.',
  docsAnchor: `check-${id}`,
  probes: ['isArchived', 'hasRecentCommits', 'hasRecentRelease', 'hasReleases', 'hasOpenAdvisories'],
  needs: ['git', 'api'],
  evaluate(probe, context) {
    const archived = probe.isArchived;
    if (archived.outcome === 'true') return result(id, 'fail', 'The repository is archived.', archived.findings);
    const commits = probe.hasRecentCommits;
    const release = probe.hasRecentRelease;
    if (commits.outcome === 'not-available' && release.outcome === 'not-available') {
      return result(id, 'not-available', `Commit and release history is unknown: ${reasonOf(commits)}.`);
    }
    if (commits.outcome === 'false' && commits.evidence.lastCommit === null) return result(id, 'fail', 'The repository has no commits.', commits.findings);
    if (commits.outcome === 'true') {
      return result(id, 'pass', `Active: ${commits.evidence.commitsInWindow} commit(s) in the last ${context.settings.recentCommitDays} days (last ${String(commits.evidence.lastCommit).slice(0, 10)}).`);
    }
    const lastActivity = smallest([commits.evidence.daysSinceLastCommit, release.evidence.daysSinceLastRelease]);
    if (lastActivity !== null && lastActivity <= context.settings.inactiveAfterDays) {
      return result(id, 'partial', `No commit in the last ${context.settings.recentCommitDays} days; last activity ${lastActivity} days ago.`, commits.findings);
    }
    const releases = probe.hasReleases;
    const advisories = probe.hasOpenAdvisories;
    const idle = lastActivity === null ? 'No commits or releases' : `No commit or release for ${lastActivity} days`;
    if (releases.outcome === 'true' && advisories.outcome === 'false') {
      return result(id, 'pass', `Finished: ${idle.toLowerCase()}, but it has releases and no open security advisories.`);
    }
    const why =
      advisories.outcome === 'true'
        ? `${advisories.evidence.open} open security advisories`
        : releases.outcome === 'false'
          ? 'no releases'
          : 'open security advisories are unknown, so it cannot be told apart from finished';
    return result(id, 'fail', `Abandoned: ${idle.toLowerCase()}; ${why}.`, [...commits.findings, ...release.findings, ...advisories.findings]);
  },
});

/** The smallest known number (a loop: no spreading of arrays into a call). */
function smallest(values: readonly (number | null | undefined)[]): number | null {
  let found: number | null = null;
  for (const value of values) if (typeof value === 'number' && (found === null || value < found)) found = value;
  return found;
}
