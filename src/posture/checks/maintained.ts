import { list, reasonOf, result } from './evaluation.js';
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
    // Whether it is archived, as the dashboard separates archived repositories: null when the forge could not be asked.
    const flag = archived.outcome === 'true' ? true : archived.outcome === 'false' ? false : null;
    return { ...evaluateActivity(), archived: flag };

    function evaluateActivity() {
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
      // A release counts as activity as a commit does: a package released last month is maintained, whatever the history read shows.
      const releaseDays = release.evidence.daysSinceLastRelease;
      const registry = release.evidence.registryRelease;
      if (typeof releaseDays === 'number' && releaseDays <= context.settings.recentCommitDays) {
        const what = registry ? `${registry.name} ${registry.version} released on ${registry.ecosystem}` : `release ${String(release.evidence.lastRelease)}`;
        return result(
          id,
          'pass',
          `Active: ${what} ${releaseDays} days ago (${String(release.evidence.lastReleaseDate).slice(0, 10)}); ${noRecentCommit(commits.evidence.lastCommit, context.settings.recentCommitDays)}.`,
        );
      }
      const lastActivity = smallest([commits.evidence.daysSinceLastCommit, releaseDays]);
      // Named when the newest activity is a registry release, which the repository's own history does not show.
      const registryNote = registry && lastActivity === releaseDays ? ` (${registry.name} ${registry.version} on ${registry.ecosystem}, ${registry.date.slice(0, 10)})` : '';
      if (lastActivity !== null && lastActivity <= context.settings.inactiveAfterDays) {
        return result(id, 'partial', `No commit in the last ${context.settings.recentCommitDays} days; last activity ${lastActivity} days ago${registryNote}.`, commits.findings);
      }
      const releases = probe.hasReleases;
      const advisories = probe.hasOpenAdvisories;
      const idle = lastActivity === null ? 'No commits or releases' : `No commit or release for ${lastActivity} days`;
      if (releases.outcome === 'true' && advisories.outcome === 'false') {
        return result(id, 'pass', `Finished: ${idle.toLowerCase()}${registryNote}, but it has releases and no open security advisories.`);
      }
      // A package whose registry could not be asked may have been released since: "could not tell" is never scored as abandoned.
      const unknownReleases = release.evidence.unknownRegistryReleases ?? [];
      if (unknownReleases.length > 0) {
        const names = list(unknownReleases.map((entry) => `${entry.name} (${entry.ecosystem})`));
        return result(
          id,
          'not-available',
          `${idle} in the history read, but whether ${names} ${unknownReleases.length === 1 ? 'was' : 'were'} released since is unknown: ${unknownReleases[0]!.reason}.`,
          unknownReleases.map((entry) => ({ message: `the newest release of ${entry.name} on ${entry.ecosystem} is unknown: ${entry.reason}`, package: entry.name })),
        );
      }
      const why =
        advisories.outcome === 'true'
          ? `${advisories.evidence.open} open security advisories`
          : releases.outcome === 'false'
            ? 'no releases'
            : 'open security advisories are unknown, so it cannot be told apart from finished';
      return result(id, 'fail', `Abandoned: ${idle.toLowerCase()}${registryNote}; ${why}.`, [...commits.findings, ...release.findings, ...advisories.findings]);
    }
  },
});

/** `no commit in the last 90 days (last 2025-11-07)`, or that the commit history is unknown. */
function noRecentCommit(lastCommit: string | null | undefined, window: number): string {
  if (lastCommit === undefined) return 'the commit history is unknown';
  return `no commit in the last ${window} days in the history read${lastCommit === null ? '' : ` (last ${lastCommit.slice(0, 10)})`}`;
}

/** The smallest known number (a loop: no spreading of arrays into a call). */
function smallest(values: readonly (number | null | undefined)[]): number | null {
  let found: number | null = null;
  for (const value of values) if (typeof value === 'number' && (found === null || value < found)) found = value;
  return found;
}
