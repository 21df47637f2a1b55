import type { GraphModule, RegistrySetup } from './module.js';
import { condaGraphModule } from './conda/adapter.js';
import { npmGraphModule } from './npm/adapter.js';
import { pypiGraphModule } from './pypi/adapter.js';
import type { EcosystemResolver } from './resolver.js';
import { GRAPH_ECOSYSTEMS, type GraphEcosystem } from './roots.js';

/**
 * Every ecosystem the graph resolves, and its module (src/graph/<id>/adapter.ts):
 * an explicit typed map, as renovate's lib/modules/datasource/api.ts lists its
 * datasources. Adding an ecosystem to GRAPH_ECOSYSTEMS fails type checking
 * until its module is listed here; nothing registers itself by being imported.
 */
export const graphModules: Readonly<Record<GraphEcosystem, GraphModule>> = {
  PyPI: pypiGraphModule,
  npm: npmGraphModule,
  conda: condaGraphModule,
};

/** Every ecosystem's resolver over the real registries, endpoints from the ecosystems' own configuration. */
export function createRegistryResolvers(setup: RegistrySetup): Record<GraphEcosystem, EcosystemResolver> {
  return Object.fromEntries(GRAPH_ECOSYSTEMS.map((ecosystem) => [ecosystem, graphModules[ecosystem].registryResolver(setup)])) as Record<GraphEcosystem, EcosystemResolver>;
}
