import { ChainwatchError, fail, ok, type Result } from '../core/errors.js';
import type { RegistryOverrides } from '../ecosystems/config-sources.js';
import { parseEnvironmentName, type TargetEnvironment } from '../ecosystems/pypi/environment.js';
import type { RootRequest } from './resolver.js';
import { parseRoot, uniqueRoots } from './roots.js';

/** The environment a run uses when the config and the command line name none. */
export const DEFAULT_ENVIRONMENT_NAME = 'py3.12-linux';

export interface NamedEnvironment {
  /** As written (`py3.12-linux`). */
  name: string;
  environment: TargetEnvironment;
}

/** What one graph run resolves: roots, environments, registry overrides, and where they came from. */
export interface GraphInputs {
  /** `command line`, the config file, or `preset:<name>`. */
  source: string;
  roots: readonly RootRequest[];
  environments: readonly NamedEnvironment[];
  registries: RegistryOverrides;
  /** The config's GitHub organisations: not resolved here, but part of the run's identity (run-identity.ts). */
  orgs?: readonly string[];
  /** Roots were given on the command line: an experiment, saved under its own identity. */
  adHoc?: boolean;
}

/**
 * The inputs of a run: a config file's or preset's (`base`, already read by
 * the front end) plus PURLs and environment names from the command line. The
 * command line's environments replace the file's; none at all means
 * DEFAULT_ENVIRONMENT_NAME. No root at all is an error saying what to give.
 */
export function graphInputs(base: GraphInputs | null, purls: readonly string[], environmentNames: readonly string[]): Result<GraphInputs> {
  const from = base ?? { source: 'command line', roots: [], environments: [], registries: {} };
  const roots: RootRequest[] = [...from.roots];
  for (const purl of purls) {
    const root = parseRoot(purl);
    if (!root.ok) return root;
    roots.push(root.value);
  }
  let environments: NamedEnvironment[] = [...from.environments];
  if (environmentNames.length > 0) {
    environments = [];
    for (const name of environmentNames) {
      const parsed = parseEnvironmentName(name);
      if (!parsed.ok) return parsed;
      if (!environments.some((known) => known.name === name)) environments.push({ name, environment: parsed.value });
    }
  }
  if (environments.length === 0) {
    const fallback = parseEnvironmentName(DEFAULT_ENVIRONMENT_NAME);
    if (fallback.ok) environments = [{ name: DEFAULT_ENVIRONMENT_NAME, environment: fallback.value }];
  }
  if (roots.length === 0) {
    return fail(new ChainwatchError('invalid-argument', 'nothing to resolve: give PURLs (pkg:pypi/jupyterlab), --preset jupyter or --config chainwatch.yaml'));
  }
  return ok({ ...from, roots: uniqueRoots(roots), environments, orgs: from.orgs ?? [], adHoc: purls.length > 0 });
}
