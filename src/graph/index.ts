/**
 * The public entry of graph/ for the front ends (src/cli, src/server): they
 * import this area only through this file (.dependency-cruiser.cjs checks it).
 * Importing it is cheap; each loader imports its modules on first call, so
 * `chainwatch --help` pays for no resolver.
 */
export type { GraphInputs } from './inputs.js';
export type { GraphRunDependencies, GraphRunReport, ResolverFactory } from './run.js';

/** Roots and environments from PURLs, a preset or chainwatch.yaml. */
export async function loadGraphInputs() {
  const { graphInputs } = await import('./inputs.js');
  return { graphInputs };
}

/** The pipelines of run.ts (graph, concerns, diff) and the real registries' resolvers. */
export async function loadGraphPipelines() {
  const { diffSnapshots, registryResolverFactory, runConcernsPipeline, runGraphPipeline } = await import('./run.js');
  return { diffSnapshots, registryResolverFactory, runConcernsPipeline, runGraphPipeline };
}
