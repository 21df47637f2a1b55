/**
 * The Graph explorer's scene as flat arrays, and the selections made on them
 * (what to draw and in which order, which node is under the pointer, which
 * nodes get a label), pure so they are tested without a browser.
 *
 * Why flat arrays and not one graphology node per package: the view draws
 * thousands of packages and edges through its own WebGL layer (see
 * graph-webgl.ts for why), which wants typed arrays; sigma's graphology graph
 * holds only the few nodes sigma itself draws and labels (graph-scene.ts).
 */
import type { GraphNode, GraphResponse } from '../api.js';
import { ringLayout } from './graph-layout.js';

export type ColourMode = 'ecosystem' | 'severity';

export const ECOSYSTEM_COLOURS: Record<string, string> = {
  PyPI: '#0072b2',
  npm: '#d55e00',
  conda: '#009e73',
  Debian: '#cc79a7',
};
export const OTHER_COLOUR = '#7a7a7a';
export const SEVERITY_COLOURS: Record<string, string> = {
  critical: '#67000d',
  high: '#cb181d',
  medium: '#f16913',
  low: '#d4a000',
  unknown: '#6b6b6b',
  none: '#6b6b6b',
};
export const SAFE_COLOUR = '#b8c4d0';
export const CROSS_EDGE_COLOUR = '#7b3294';
export const EDGE_COLOUR = '#c3ccd6';
export const DIMMED_NODE = '#e3e7ec';
export const DIMMED_EDGE = '#f0f2f5';

/** Node radii in screen pixels (at the camera's default zoom). */
export const NODE_SIZE = { root: 7, topConcern: 5.5, vulnerable: 4.5, other: 3, highlighted: 9 } as const;
/** Edge widths in screen pixels; sigma's minimum edge thickness (1.7 px) applies to both. */
export const EDGE_SIZE = { cross: 2, other: 0.6 } as const;

export function nodeColour(node: Pick<GraphNode, 'ecosystem' | 'vulnerable' | 'severity'>, mode: ColourMode): string {
  if (mode === 'severity') return node.vulnerable ? (SEVERITY_COLOURS[node.severity ?? 'unknown'] ?? SEVERITY_COLOURS.unknown!) : SAFE_COLOUR;
  return ECOSYSTEM_COLOURS[node.ecosystem] ?? OTHER_COLOUR;
}

export function nodeSize(node: Pick<GraphNode, 'root' | 'concern_rank' | 'vulnerable'>): number {
  if (node.root) return NODE_SIZE.root;
  if (node.concern_rank !== null && node.concern_rank <= 10) return NODE_SIZE.topConcern;
  if (node.vulnerable) return NODE_SIZE.vulnerable;
  return NODE_SIZE.other;
}

/** `#rrggbb` as the four bytes R, G, B, 255 packed little-endian in one number (as a Uint32Array over RGBA bytes reads them). */
export function packColour(hex: string): number {
  const value = Number.parseInt(hex.slice(1, 7), 16);
  return (((value >> 16) & 0xff) | (((value >> 8) & 0xff) << 8) | ((value & 0xff) << 16) | (0xff << 24)) >>> 0;
}

export interface SceneModel {
  /** The graph's nodes, each id once (the first of duplicates), in the input's order. */
  nodes: GraphNode[];
  index: Map<string, number>;
  /** Layout positions and depth, by node index. */
  x: Float64Array;
  y: Float64Array;
  depth: Int32Array;
  size: Float32Array;
  /** The edges, each (from, to) pair once, no self-loops, both ends in the graph. */
  edgeFrom: Int32Array;
  edgeTo: Int32Array;
  /** 1 when the edge joins two ecosystems. */
  edgeCross: Uint8Array;
}

/** The scene of a graph: its nodes laid out in rings (graph-layout.ts), sized, and its edges indexed. */
export function buildSceneModel(data: Pick<GraphResponse, 'nodes' | 'edges'>): SceneModel {
  const index = new Map<string, number>();
  const nodes: GraphNode[] = [];
  for (const node of data.nodes) {
    if (index.has(node.id)) continue;
    index.set(node.id, nodes.length);
    nodes.push(node);
  }
  const layout = ringLayout(nodes, data.edges);
  const count = nodes.length;
  const size = Float32Array.from(nodes, nodeSize);
  const from: number[] = [];
  const to: number[] = [];
  const cross: number[] = [];
  const seen = new Set<number>();
  for (const edge of data.edges) {
    const source = index.get(edge.from);
    const target = index.get(edge.to);
    if (source === undefined || target === undefined || source === target) continue;
    const key = source * count + target;
    if (seen.has(key)) continue;
    seen.add(key);
    from.push(source);
    to.push(target);
    cross.push(nodes[source]!.ecosystem === nodes[target]!.ecosystem ? 0 : 1);
  }
  return { nodes, index, x: layout.x, y: layout.y, depth: layout.depth, size, edgeFrom: Int32Array.from(from), edgeTo: Int32Array.from(to), edgeCross: Uint8Array.from(cross) };
}

/** What the filters and the focus make of each node: 0 hidden, 1 dimmed (off the focused paths), 2 shown. */
export type NodeStates = Uint8Array;
export const HIDDEN = 0;
export const DIMMED = 1;
export const SHOWN = 2;

export function nodeStates(model: SceneModel, visible: ReadonlySet<string>, highlighted: ReadonlySet<string> | null): NodeStates {
  const states = new Uint8Array(model.nodes.length);
  model.nodes.forEach((node, index) => {
    states[index] = !visible.has(node.id) ? HIDDEN : highlighted !== null && !highlighted.has(node.id) ? DIMMED : SHOWN;
  });
  return states;
}

/**
 * The nodes to draw, back to front: the dimmed first, then the shown, so what
 * the focus brings out is drawn over the rest. Hidden nodes are left out.
 */
export function nodeDrawOrder(states: NodeStates): Int32Array {
  const order: number[] = [];
  for (const wanted of [DIMMED, SHOWN]) for (let index = 0; index < states.length; index++) if (states[index] === wanted) order.push(index);
  return Int32Array.from(order);
}

/**
 * The edges to draw, back to front: an edge is drawn when both its ends are;
 * dimmed (an end dimmed) before bright, and within each the cross-ecosystem
 * edges last, so they stay visible over the others.
 */
export function edgeDrawOrder(model: SceneModel, states: NodeStates): Int32Array {
  // Four buckets, in draw order: dimmed, dimmed cross, shown, shown cross.
  const buckets: number[][] = [[], [], [], []];
  for (let edge = 0; edge < model.edgeFrom.length; edge++) {
    const state = Math.min(states[model.edgeFrom[edge]!]!, states[model.edgeTo[edge]!]!);
    if (state === HIDDEN) continue;
    buckets[(state === SHOWN ? 2 : 0) + model.edgeCross[edge]!]!.push(edge);
  }
  return Int32Array.from(buckets.flat());
}

/**
 * The node under a point, or -1: among the nodes drawn, the one whose disc
 * (radius `size[node] * pixelsPerSize` pixels, plus `slack`) contains the
 * point, the nearest centre when several do; the last drawn wins a tie, as it
 * is the one on top. Positions and the point are in the same space, `unit`
 * being the length of one screen pixel there.
 */
export function nodeAt(
  positions: { x: ArrayLike<number>; y: ArrayLike<number> },
  size: ArrayLike<number>,
  order: ArrayLike<number>,
  point: { x: number; y: number },
  unit: number,
  pixelsPerSize: number,
  slack = 2,
): number {
  let best = -1;
  let bestDistance = Infinity;
  for (let position = 0; position < order.length; position++) {
    const node = order[position]!;
    const distance = Math.hypot(positions.x[node]! - point.x, positions.y[node]! - point.y) / unit;
    if (distance <= size[node]! * pixelsPerSize + slack && distance <= bestDistance) {
      best = node;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * The nodes worth a label in a view: the view cut into square cells `cell`
 * wide, and in each cell the biggest node drawn there (the first in `order`
 * on a tie). Positions, the view and the cell are in the same space.
 */
export function labelCandidates(
  positions: { x: ArrayLike<number>; y: ArrayLike<number> },
  size: ArrayLike<number>,
  order: ArrayLike<number>,
  view: { x1: number; y1: number; x2: number; y2: number },
  cell: number,
): number[] {
  const best = new Map<string, number>();
  for (let position = 0; position < order.length; position++) {
    const node = order[position]!;
    const x = positions.x[node]!;
    const y = positions.y[node]!;
    if (x < view.x1 || x > view.x2 || y < view.y1 || y > view.y2) continue;
    const key = `${Math.floor((x - view.x1) / cell)}:${Math.floor((y - view.y1) / cell)}`;
    const current = best.get(key);
    if (current === undefined || size[node]! > size[current]!) best.set(key, node);
  }
  return [...best.values()].sort((a, b) => a - b);
}

// ---------------------------------------------------------------- camera matrices (sigma's: 3×3, column-major)

/** `m × (x, y, 1)`, m a 3×3 column-major matrix (as WebGL takes it). */
export function applyMatrix(m: ArrayLike<number>, x: number, y: number): [number, number] {
  return [m[0]! * x + m[3]! * y + m[6]!, m[1]! * x + m[4]! * y + m[7]!];
}

export function sameMatrix(a: Float32Array, b: Float32Array): boolean {
  for (let index = 0; index < 9; index++) if (a[index] !== b[index]) return false;
  return true;
}

/** The inverse of an affine 3×3 matrix (column-major, as WebGL takes it; sigma's camera matrix is one). */
export function invertAffine(m: ArrayLike<number>): Float32Array {
  const [a, b, , c, d, , e, f] = [m[0]!, m[1]!, m[2]!, m[3]!, m[4]!, m[5]!, m[6]!, m[7]!];
  const determinant = a * d - b * c;
  return Float32Array.from([d / determinant, -b / determinant, 0, -c / determinant, a / determinant, 0, (c * f - d * e) / determinant, (b * e - a * f) / determinant, 1]);
}

/** `left × right`, both 3×3 column-major. */
export function multiplyMatrices(left: ArrayLike<number>, right: ArrayLike<number>): Float32Array {
  const out = new Float32Array(9);
  for (let column = 0; column < 3; column++)
    for (let row = 0; row < 3; row++) {
      let sum = 0;
      for (let k = 0; k < 3; k++) sum += left[k * 3 + row]! * right[column * 3 + k]!;
      out[column * 3 + row] = sum;
    }
  return out;
}
