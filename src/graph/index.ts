/**
 * The public entry of graph/ for the front ends (src/cli, src/server): they
 * import this area only through this file (.dependency-cruiser.cjs checks it).
 * Importing it is cheap; each loader imports its modules on first call, so
 * `chainwatch --help` pays for no resolver.
 */
export type { GraphInputs } from './inputs.js';
export type { GraphRunDependencies, GraphRunOptions, GraphRunReport, ResolverFactory } from './run.js';
export { DEFAULT_RETENTION, type NewRun } from './runs.js';

/** Roots and environments from PURLs, a preset or chainwatch.yaml, and the identity of what they ask (profiles, `--identity`). */
export async function loadGraphInputs() {
  const [{ graphInputs, parseExcludeNewer }, { describeIdentity, graphRunIdentity, matchIdentity, parseProfileName, shortIdentity }] = await Promise.all([import('./inputs.js'), import('./run-identity.js')]);
  return { describeIdentity, graphInputs, graphRunIdentity, matchIdentity, parseExcludeNewer, parseProfileName, shortIdentity };
}


/** The pipelines of run.ts (graph, concerns, diff) and the real registries' resolvers. */
export async function loadGraphPipelines() {
  const { diffSnapshots, graphAsGiven, registryResolverFactory, runConcernsPipeline, runGraphPipeline } = await import('./run.js');
  return { diffSnapshots, graphAsGiven, registryResolverFactory, runConcernsPipeline, runGraphPipeline };
}
