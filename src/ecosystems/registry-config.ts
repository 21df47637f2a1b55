import { systemConfigSources, type ConfigSources, type RegistryOverrides } from './config-sources.js';
import { loadCondaConfig, type CondaConfig } from './conda/config.js';
import { loadNpmConfig, type NpmConfig } from './npm/config.js';
import { loadPypiConfig, type PypiConfig } from './pypi/config.js';

/** The registry configuration of every ecosystem with a registry: one reader per ecosystem folder. */
export interface RegistryConfig {
  npm: NpmConfig;
  pypi: PypiConfig;
  conda: CondaConfig;
}

/** All three, read at once (the npm and pip questions run concurrently). */
export async function loadRegistryConfig(sources: ConfigSources = systemConfigSources(), overrides: RegistryOverrides = {}): Promise<RegistryConfig> {
  const [npm, pypi] = await Promise.all([loadNpmConfig(sources, overrides), loadPypiConfig(sources, overrides)]);
  return { npm, pypi, conda: loadCondaConfig(sources, overrides) };
}
