import type { DependencyGraph, EdgeKind, GraphNode, PackageSignals } from '../../graph/types.js';

/**
 * The documented JSON form of a graph:
 * `{"nodes":[{"purl","ecosystem","name","version","root","signals"}],
 *   "edges":[{"from","to","requirement","kind"}], "sources":[{"name","reachable","error"}]}`.
 * An edge that exists only under a PEP 508 marker or platform also carries
 * `condition`; a source that answered has `"error": null`. Signals are
 * `{"known":true,"value":…}` or `{"known":false,"reason":"…"}`.
 */
export interface GraphJsonDocument {
  nodes: { purl: string; ecosystem: GraphNode['ecosystem']; name: string; version: string; root: boolean; signals: PackageSignals }[];
  edges: { from: string; to: string; requirement: string; kind: EdgeKind; condition?: string }[];
  sources: { name: string; reachable: boolean; error: string | null }[];
}

export function toGraphJson(graph: DependencyGraph): GraphJsonDocument {
  return {
    nodes: graph.nodes.map(({ purl, ecosystem, name, version, root, signals }) => ({ purl, ecosystem, name, version, root, signals })),
    edges: graph.edges.map(({ from, to, requirement, kind, condition }) => ({ from, to, requirement, kind, ...(condition === undefined ? {} : { condition }) })),
    sources: graph.sources.map(({ name, reachable, error }) => ({ name, reachable, error: error ?? null })),
  };
}

export function renderGraphJson(graph: DependencyGraph): string {
  return `${JSON.stringify(toGraphJson(graph), null, 2)}\n`;
}
