/** Runs for tests: a graph as a NewRun with the identity a command line or config would give it. */
import { parseEnvironmentName } from '../ecosystems/pypi/environment.js';
import type { BuiltGraph } from './build.js';
import { parseRoot } from './roots.js';
import { runIdentity } from './run-identity.js';
import { graphRunStatus } from './run.js';
import type { NewRun, RunPart } from './runs.js';

export interface TestRunOptions {
  at: string;
  roots?: string[];
  environments?: string[];
  orgs?: string[];
  /** `command line` (ad hoc) unless given. */
  label?: string;
  profile?: string;
  parts?: RunPart[];
  toolVersion?: string;
}

export function newRun(graph: BuiltGraph | null, options: TestRunOptions): NewRun {
  const roots = (options.roots ?? ['pkg:pypi/jupyterlab']).map((text) => {
    const root = parseRoot(text);
    if (!root.ok) throw root.error;
    return root.value;
  });
  const environmentNames = options.environments ?? ['py3.12-linux'];
  const environments = environmentNames.map((name) => {
    const environment = parseEnvironmentName(name);
    if (!environment.ok) throw environment.error;
    return environment.value;
  });
  const label = options.label ?? 'command line';
  const identity = runIdentity({ roots, environments, orgs: options.orgs ?? [], label, adHoc: label === 'command line' }, options.profile ?? null);
  return {
    startedAt: new Date(options.at),
    toolVersion: options.toolVersion ?? '0.0.0-test',
    command: graph === null ? 'audit' : 'graph',
    status: graph === null ? 'complete' : graphRunStatus(graph),
    identity,
    offline: false,
    ...(graph === null ? {} : { graph: { graph, asGiven: { roots: roots.map((root) => root.purl), environments: environmentNames, config: label } } }),
    ...(options.parts ? { parts: options.parts } : {}),
  };
}
