/**
 * The registries a posture run asks for release dates (`posture
 * --registry-releases`): the endpoints pip and npm are configured to use
 * (and chainwatch.yaml's `registries:`), through the HTTP client and its
 * cache in the user cache directory. Opened only when some repository
 * publishes a package, closed by the run.
 */
import { loadRegistryConfiguration } from '../ecosystems/index.js';
import { loadHttpClient } from '../http/index.js';
import { loadRegistryReleases, type RegistryConnector } from '../posture/index.js';
import { describeError, warn, type CliIo } from './io.js';

export function registryReleasesConnector(io: CliIo, overrides: { npm?: string; pypi?: string } = {}): RegistryConnector {
  return async () => {
    const [{ createHttpClient }, { systemConfigSources, loadRegistryConfig }, { createRegistryReleases }, { userHttpCache }] = await Promise.all([
      loadHttpClient(),
      loadRegistryConfiguration(),
      loadRegistryReleases(),
      import('./stores.js'),
    ]);
    const registries = await loadRegistryConfig(systemConfigSources({ env: io.env, cwd: io.cwd }), overrides);
    for (const problem of [...registries.npm.problems, ...registries.pypi.problems]) warn(io, `chainwatch: ${describeError(problem)}`);
    return createRegistryReleases({ http: createHttpClient({ openCache: await userHttpCache(io.env) }), registries });
  };
}
