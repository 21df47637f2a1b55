import { Enums, Models, Serialize, Spec } from '@cyclonedx/cyclonedx-library';
import { SIGNAL_NAMES, type GraphSignals } from '../../graph/signals.js';
import type { DependencyGraph, Signal } from '../../graph/types.js';
import { nameBasedUuid } from '../cyclonedx.js';
import { toGraphJson } from './graph-json.js';

export interface GraphCycloneDxOptions {
  /** When the graph was built; becomes `metadata.timestamp` and part of the serial number. */
  timestamp?: Date;
  toolVersion?: string;
}

/** Fixed namespace for the graph BOM's name-based serial numbers (distinct from the scan's). */
const SERIAL_NAMESPACE = '0b7f2c52-8f0e-4d3c-9a1e-6b2d9f1c4e77';

/** Signals as properties, `chainwatch:signal:<name>` = the value as JSON, or `unknown: <reason>`. */
export const SIGNAL_PROPERTY_PREFIX = 'chainwatch:signal:';

function signalText(signal: Signal<unknown>): string {
  return signal.known ? JSON.stringify(signal.value) : `unknown: ${signal.reason}`;
}

/**
 * CycloneDX 1.6 with the dependency graph: one component per node (`bom-ref`
 * = purl), `dependencies` from the edges, the roots hanging off
 * `metadata.component`. A node whose dependencies were never resolved (only
 * reached through a `bundles` or `twin` edge, and with none of its own) is
 * left out of `dependencies`: CycloneDX reads an empty `dependsOn` as "has
 * none", and unknown must not read as none.
 */
export function buildGraphCycloneDx(graph: DependencyGraph, options: GraphCycloneDxOptions = {}): Serialize.JSON.Types.Normalized.Bom {
  const components = new Map<string, Models.Component>();
  for (const node of graph.nodes) {
    const signals = node.signals as GraphSignals;
    const properties = new Models.PropertyRepository();
    for (const name of SIGNAL_NAMES) {
      const signal = signals[name] as Signal<unknown> | undefined;
      if (signal) properties.add(new Models.Property(`${SIGNAL_PROPERTY_PREFIX}${name}`, signalText(signal)));
    }
    if (node.root) properties.add(new Models.Property('chainwatch:root', 'true'));
    const externalReferences = new Models.ExternalReferenceRepository();
    if (signals.repository?.known) {
      externalReferences.add(
        new Models.ExternalReference(`https://${signals.repository.value.url}`, Enums.ExternalReferenceType.VCS, { comment: `source repository (${signals.repository.value.confidence})` }),
      );
    }
    components.set(
      node.purl,
      new Models.Component(Enums.ComponentType.Library, node.name, { bomRef: node.purl, version: node.version, purl: node.purl, properties, externalReferences }),
    );
  }
  for (const edge of graph.edges) {
    const from = components.get(edge.from);
    const to = components.get(edge.to);
    if (from && to) from.dependencies.add(to.bomRef);
  }
  const application = new Models.Component(Enums.ComponentType.Application, 'chainwatch graph', { bomRef: 'chainwatch-graph-roots' });
  for (const node of graph.nodes) if (node.root) application.dependencies.add(components.get(node.purl)!.bomRef);
  const tool = new Models.Component(Enums.ComponentType.Application, 'chainwatch', options.toolVersion === undefined ? {} : { version: options.toolVersion });
  const serialName = `${options.timestamp?.toISOString() ?? ''}\n${JSON.stringify(toGraphJson(graph))}`;
  const bom = new Models.Bom({
    serialNumber: `urn:uuid:${nameBasedUuid(SERIAL_NAMESPACE, serialName)}`,
    metadata: new Models.Metadata({
      ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }),
      tools: new Models.Tools({ components: new Models.ComponentRepository([tool]) }),
      component: application,
    }),
    components: new Models.ComponentRepository(components.values()),
  });
  // Our own deterministic order: the library's sortLists compares with localeCompare.
  const normalized = new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6).makeForBom().normalize(bom, { sortLists: false });
  const unresolved = unresolvedNodes(graph);
  if (normalized.dependencies) normalized.dependencies = normalized.dependencies.filter((dependency) => !unresolved.has(dependency.ref));
  return normalized;
}

function unresolvedNodes(graph: DependencyGraph): Set<string> {
  const hasOutgoing = new Set(graph.edges.map((edge) => edge.from));
  const incoming = new Map<string, boolean>();
  for (const edge of graph.edges) {
    const onlyCross = edge.kind === 'bundles' || edge.kind === 'twin';
    incoming.set(edge.to, (incoming.get(edge.to) ?? true) && onlyCross);
  }
  return new Set([...incoming].filter(([purl, onlyCross]) => onlyCross && !hasOutgoing.has(purl)).map(([purl]) => purl));
}

export function renderGraphCycloneDx(graph: DependencyGraph, options: GraphCycloneDxOptions = {}): string {
  return `${JSON.stringify(buildGraphCycloneDx(graph, options), null, 2)}\n`;
}
