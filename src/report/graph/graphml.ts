import type { GraphSignals } from '../../graph/signals.js';
import type { DependencyGraph } from '../../graph/types.js';

/**
 * GraphML (graphml.graphdrawing.org), written by hand: no XML writer is a
 * dependency, and the format needs only elements, attributes and escaping.
 * Node ids are `n0…` (a purl is not an XML NMTOKEN); the purl is node data.
 */
const NODE_KEYS = [
  ['purl', 'string'],
  ['ecosystem', 'string'],
  ['name', 'string'],
  ['version', 'string'],
  ['root', 'boolean'],
  ['advisories', 'string'],
  ['license', 'string'],
  ['repository', 'string'],
] as const;
const EDGE_KEYS = [
  ['kind', 'string'],
  ['requirement', 'string'],
  ['condition', 'string'],
] as const;

/** Text and attribute escaping; characters XML 1.0 forbids are dropped. */
export function xmlEscape(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export function renderGraphml(graph: DependencyGraph): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
    ...NODE_KEYS.map(([name, type]) => `  <key id="node-${name}" for="node" attr.name="${name}" attr.type="${type}"/>`),
    ...EDGE_KEYS.map(([name, type]) => `  <key id="edge-${name}" for="edge" attr.name="${name}" attr.type="${type}"/>`),
    '  <graph id="chainwatch" edgedefault="directed">',
  ];
  const ids = new Map(graph.nodes.map((node, index) => [node.purl, `n${index}`]));
  const data = (key: string, value: string) => `      <data key="${key}">${xmlEscape(value)}</data>`;
  for (const node of graph.nodes) {
    const signals = node.signals as GraphSignals;
    lines.push(`    <node id="${ids.get(node.purl)}">`, data('node-purl', node.purl), data('node-ecosystem', node.ecosystem), data('node-name', node.name), data('node-version', node.version), data('node-root', String(node.root)));
    if (signals.advisories?.known) lines.push(data('node-advisories', signals.advisories.value.join(' ')));
    if (signals.license?.known) lines.push(data('node-license', signals.license.value));
    if (signals.repository?.known) lines.push(data('node-repository', signals.repository.value.url));
    lines.push('    </node>');
  }
  graph.edges.forEach((edge, index) => {
    const source = ids.get(edge.from);
    const target = ids.get(edge.to);
    if (source === undefined || target === undefined) return;
    lines.push(`    <edge id="e${index}" source="${source}" target="${target}">`, data('edge-kind', edge.kind), data('edge-requirement', edge.requirement));
    if (edge.condition) lines.push(data('edge-condition', edge.condition));
    lines.push('    </edge>');
  });
  lines.push('  </graph>', '</graphml>');
  return `${lines.join('\n')}\n`;
}
