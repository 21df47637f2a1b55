import type { DependencyGraph, EdgeKind } from '../../graph/types.js';

/** Graphviz DOT: roots bold, one colour per ecosystem, one line style per edge kind. */
const ECOSYSTEM_COLOR: Record<string, string> = { PyPI: '#3572A5', npm: '#CB3837', conda: '#43B02A', Debian: '#A80030' };
const EDGE_STYLE: Record<EdgeKind, string> = {
  runtime: 'style=solid',
  optional: 'style=dashed',
  peer: 'style=dotted',
  dev: 'style=dotted, color="#999999"',
  bundles: 'style=bold, color="#7B3FA0"',
  twin: 'style=bold, color="#43B02A", arrowhead=none',
};

/** A DOT quoted string: backslashes and quotes escaped, newlines as `\n`. */
export function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}

export function renderDot(graph: DependencyGraph): string {
  const lines = ['digraph chainwatch {', '  rankdir=LR;', '  node [shape=box, fontname="Helvetica", fontsize=10];', '  edge [fontname="Helvetica", fontsize=8];'];
  for (const node of graph.nodes) {
    const attributes = [
      `label=${dotString(`${node.name}\n${node.version}`)}`,
      `color=${dotString(ECOSYSTEM_COLOR[node.ecosystem] ?? '#000000')}`,
      `tooltip=${dotString(node.purl)}`,
      ...(node.root ? ['style=bold', 'penwidth=2'] : []),
    ];
    lines.push(`  ${dotString(node.purl)} [${attributes.join(', ')}];`);
  }
  for (const edge of graph.edges) {
    const label = edge.condition ? `${edge.requirement} ; ${edge.condition}` : edge.requirement;
    lines.push(`  ${dotString(edge.from)} -> ${dotString(edge.to)} [label=${dotString(label)}, ${EDGE_STYLE[edge.kind]}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
