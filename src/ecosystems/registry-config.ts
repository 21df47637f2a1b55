import { systemConfigSources, type ConfigSources, type RegistryOverrides } from './config-sources.js';
import { loadCondaConfig, type CondaConfig } from './conda/config.js';
import { loadNpmConfig, type NpmConfig } from './npm/config.js';
import { loadPypiConfig, type PypiConfig, type PypiConfigOptions } from './pypi/config.js';

/** The registry configuration of every ecosystem with a registry: one reader per ecosystem folder. */
export interface RegistryConfig {
  npm: NpmConfig;
  pypi: PypiConfig;
  conda: CondaConfig;
}

/**
 * All three, read at once (the npm and pip questions run concurrently).
 * `pipDefault: 'when-asked'` leaves pip's default index to the first
 * pypiIndex() call: a run that resolves no PyPI package starts no Python.
 */
export async function loadRegistryConfig(sources: ConfigSources = systemConfigSources(), overrides: RegistryOverrides = {}, options: PypiConfigOptions = {}): Promise<RegistryConfig> {
  const [npm, pypi] = await Promise.all([loadNpmConfig(sources, overrides), loadPypiConfig(sources, overrides, options)]);
  return { npm, pypi, conda: loadCondaConfig(sources, overrides) };
}
