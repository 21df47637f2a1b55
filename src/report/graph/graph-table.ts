import type { BuiltGraph } from '../../graph/build.js';
import type { GraphSignals } from '../../graph/signals.js';
import type { DependencyGraph } from '../../graph/types.js';
import { alignColumns, groupProblems, plural, signalCell } from './text.js';

export const GRAPH_TABLE_HEADER = ['Package', 'Version', 'Root', 'Deps', 'Used by', 'Released', 'Maint.', 'Licence', 'Advisories', 'Repository'] as const;

/**
 * The terminal view: one row per package (ecosystem order, then name), `?`
 * for an unknown signal; a summary; then every source (unreachable ones said
 * plainly) and every problem.
 */
export function renderGraphTable(graph: DependencyGraph | BuiltGraph): string {
  const dependencies = new Map<string, number>();
  const dependents = new Map<string, number>();
  for (const edge of graph.edges) {
    dependencies.set(edge.from, (dependencies.get(edge.from) ?? 0) + 1);
    dependents.set(edge.to, (dependents.get(edge.to) ?? 0) + 1);
  }
  const rows = graph.nodes.map((node) => {
    const signals = node.signals as GraphSignals;
    return [
      `${node.ecosystem}:${node.name}`,
      node.version,
      node.root ? 'yes' : '',
      String(dependencies.get(node.purl) ?? 0),
      String(dependents.get(node.purl) ?? 0),
      signalCell(signals.releasedAt, (value) => value.slice(0, 10)),
      signalCell(signals.maintainers),
      signalCell(signals.license, (value) => (value.length > 24 ? `${value.slice(0, 23)}…` : value)),
      signalCell(signals.advisories, (ids) => (ids.length === 0 ? '0' : `${ids.length} (${signalCell(signals.advisorySeverity)})`)),
      signalCell(signals.repository, (value) => `${value.url}${value.confidence === 'confirmed' ? '' : ' (claimed)'}`),
    ];
  });
  const byEcosystem = new Map<string, number>();
  for (const node of graph.nodes) byEcosystem.set(node.ecosystem, (byEcosystem.get(node.ecosystem) ?? 0) + 1);
  const byKind = new Map<string, number>();
  for (const edge of graph.edges) byKind.set(edge.kind, (byKind.get(edge.kind) ?? 0) + 1);
  const parts = [
    rows.length > 0 ? alignColumns(GRAPH_TABLE_HEADER, rows) : 'No packages resolved.',
    '',
    `${plural(graph.nodes.length, 'package')} (${[...byEcosystem].map(([name, count]) => `${name} ${count}`).join(', ') || 'none'}), ` +
      `${plural(graph.edges.length, 'edge')} (${[...byKind].map(([name, count]) => `${name} ${count}`).join(', ') || 'none'}), ` +
      `${plural(graph.nodes.filter((node) => node.root).length, 'root')}. ? = not known (see --format json for why).`,
    '',
    'Sources:',
    ...graph.sources.map((source) => `  ${source.name}: ${source.reachable ? 'reachable' : `NOT REACHABLE: ${source.error ?? 'no answer'}`}`),
  ];
  const problems = 'problems' in graph ? graph.problems : [];
  const grouped = groupProblems(problems);
  if (grouped.length > 0) parts.push('', 'Problems:');
  for (const [message, purls] of grouped) parts.push(`  ${purls.join(', ')}: ${message}`);
  return `${parts.join('\n')}\n`;
}
