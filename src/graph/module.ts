import type { TargetEnvironment } from '../ecosystems/pypi/environment.js';
import type { RegistryConfig } from '../ecosystems/registry-config.js';
import type { HttpClient } from '../http/types.js';
import type { RegistryIndexOptions } from './pypi/registry-index.js';
import type { EcosystemResolver } from './resolver.js';
import type { GraphEcosystem } from './roots.js';

/**
 * What the registries give a resolver on this machine: one HTTP client for
 * every registry, each ecosystem's own configuration (src/ecosystems/<id>/config.ts),
 * the run's first target environment (it decides the conda platform) and,
 * for PyPI, where parsed pages are kept and how long they are fresh.
 */
export interface RegistrySetup {
  http: HttpClient;
  registries: RegistryConfig;
  environment: TargetEnvironment;
  pypiIndex?: RegistryIndexOptions;
  /** Only releases uploaded before this instant (`--exclude-newer`). */
  excludeNewer?: Date;
}

/**
 * One ecosystem's part of the graph (src/graph/<id>/adapter.ts), listed in the
 * typed map of modules.ts: adding an ecosystem to GRAPH_ECOSYSTEMS fails type
 * checking until its module is there.
 */
export interface GraphModule {
  ecosystem: GraphEcosystem;
  /** The source names it talks to by default (`npm`, `pypi`, `conda-forge`). */
  sourceNames: readonly string[];
  /** Its resolver over the real registry, endpoints from the ecosystem's own configuration. */
  registryResolver(setup: RegistrySetup): EcosystemResolver;
}
