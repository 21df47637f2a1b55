/**
 * The public entry of posture/ for the front ends (src/cli, src/server): they
 * import this area only through this file (.dependency-cruiser.cjs checks it).
 * Importing it is cheap (check ids, names, types); the pipelines and the
 * GitHub clients (octokit) load on the first call of their loader.
 */
export type { GithubCollector, GithubCollectorOptions } from './collect/github.js';
export { DEFAULT_GITHUB_API_URL } from './collect/github/options.js';
export type { GithubWrites } from './fix/github-writes.js';
export type { ActionRefResolver } from './fix/pin-actions.js';
export type { RepositoryFix } from './fix/run.js';
export { FIXABLE_CHECKS, isFixableCheck } from './fix/types.js';
export type { GraphHistoryAnswer } from './importance.js';
export type { RegistryConnector } from './package-releases.js';
export type { BadInput, GithubConnection, SourceStatus } from './run.js';
export { CHECK_IDS, isRepositoryName, ORG_CHECK_IDS, type CheckId, type OrgCheckId, type PostureReport } from './types.js';

/** `posture`: collect, evaluate, apply waivers, rank (run.ts). */
export async function loadPosturePipeline() {
  const { runPosture } = await import('./run.js');
  return { runPosture };
}

/** The registries' release dates of the packages repositories publish, for `maintained` (registry-releases.ts, over ecosystems/). */
export async function loadRegistryReleases() {
  const { createRegistryReleases } = await import('./registry-releases.js');
  return { createRegistryReleases };
}

/** `fix`: the patch, pull request or issue per repository (fix/run.ts). */
export async function loadFixPipeline() {
  const { runFix } = await import('./fix/run.js');
  return { runFix };
}

/** The GitHub API collector. */
export async function loadGithubCollector() {
  const { createGithubCollector } = await import('./collect/github.js');
  return { createGithubCollector };
}

/** The pull requests and issues `fix --apply` and `fix --issue` write. */
export async function loadGithubWrites() {
  const { createGithubWrites } = await import('./fix/github-writes.js');
  return { createGithubWrites };
}

/** Tag → commit SHA for pinned-actions: through the GitHub API, or none (saying why). */
export async function loadActionRefResolvers() {
  const [{ unavailableResolver }, { createGithubRefResolver }] = await Promise.all([import('./fix/pin-actions.js'), import('./fix/ref-resolver.js')]);
  return { createGithubRefResolver, unavailableResolver };
}
