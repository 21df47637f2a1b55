import { describe, expect, it } from 'vitest';
import type { GraphNode } from '../api.js';
import {
  DIMMED,
  HIDDEN,
  NODE_SIZE,
  SHOWN,
  applyMatrix,
  buildSceneModel,
  edgeDrawOrder,
  invertAffine,
  labelCandidates,
  multiplyMatrices,
  nodeAt,
  nodeDrawOrder,
  nodeStates,
  packColour,
} from './graph-model.js';

function node(id: string, ecosystem: string, extra: Partial<GraphNode> = {}): GraphNode {
  return { id, ecosystem, name: id, version: '1.0', root: false, vulnerable: false, severity: null, concern_rank: null, ...extra };
}

const nodes: GraphNode[] = [
  node('root', 'PyPI', { root: true }),
  node('py', 'PyPI'),
  node('js', 'npm', { vulnerable: true, severity: 'high' }),
  node('worst', 'PyPI', { concern_rank: 3 }),
  node('py', 'PyPI', { version: 'duplicate' }),
];
const edges = [
  { from: 'root', to: 'py', kind: 'runtime' },
  { from: 'root', to: 'js', kind: 'runtime' },
  { from: 'py', to: 'worst', kind: 'runtime' },
  { from: 'root', to: 'py', kind: 'optional' },
  { from: 'py', to: 'py', kind: 'runtime' },
  { from: 'js', to: 'ghost', kind: 'runtime' },
  { from: 'js', to: 'worst', kind: 'runtime' },
];
const model = buildSceneModel({ nodes, edges });

describe('scene model', () => {
  it('keeps each node once, each edge once, no self-loop and no edge to a node not in the graph', () => {
    expect(model.nodes.map((entry) => entry.id)).toEqual(['root', 'py', 'js', 'worst']);
    expect(model.nodes[1]!.version).toBe('1.0');
    const pairs = Array.from(model.edgeFrom, (from, edge) => `${model.nodes[from]!.id}>${model.nodes[model.edgeTo[edge]!]!.id}`);
    expect(pairs).toEqual(['root>py', 'root>js', 'py>worst', 'js>worst']);
    expect(Array.from(model.edgeCross)).toEqual([0, 1, 0, 1]);
  });

  it('sizes nodes by what they are, and takes positions and depth from the layout', () => {
    expect(Array.from(model.size)).toEqual([NODE_SIZE.root, NODE_SIZE.other, NODE_SIZE.vulnerable, NODE_SIZE.topConcern]);
    expect(Array.from(model.depth)).toEqual([0, 1, 1, 2]);
    expect([model.x[0], model.y[0]]).toEqual([0, 0]);
  });
});

describe('draw order', () => {
  it('leaves hidden nodes out and draws the dimmed under the shown', () => {
    const states = nodeStates(model, new Set(['root', 'py', 'js']), new Set(['root', 'js']));
    expect(Array.from(states)).toEqual([SHOWN, DIMMED, SHOWN, HIDDEN]);
    expect(Array.from(nodeDrawOrder(states))).toEqual([1, 0, 2]);
  });

  it('draws an edge when both ends are drawn: dimmed first, and the cross-ecosystem edges over the others', () => {
    const all = nodeStates(model, new Set(['root', 'py', 'js', 'worst']), null);
    // root>py, py>worst (same ecosystem) before root>js, js>worst (cross).
    expect(Array.from(edgeDrawOrder(model, all))).toEqual([0, 2, 1, 3]);
    const focused = nodeStates(model, new Set(['root', 'py', 'js']), new Set(['root', 'js']));
    // worst hidden: py>worst and js>worst go; root>py is dimmed (py is), root>js bright.
    expect(Array.from(edgeDrawOrder(model, focused))).toEqual([0, 1]);
  });
});

describe('picking and labels', () => {
  const positions = { x: [0, 10, 10.5, 50], y: [0, 0, 0, 50] };
  const size = [7, 3, 3, 3];

  it('finds the node whose disc holds the point, the nearest centre when discs overlap', () => {
    const order = [0, 1, 2, 3];
    expect(nodeAt(positions, size, order, { x: 0.5, y: 0.5 }, 1, 1)).toBe(0);
    expect(nodeAt(positions, size, order, { x: 10.4, y: 0 }, 1, 1)).toBe(2);
    expect(nodeAt(positions, size, order, { x: 9.9, y: 1 }, 1, 1)).toBe(1);
    expect(nodeAt(positions, size, order, { x: 30, y: 30 }, 1, 1)).toBe(-1);
    // Only the nodes drawn count; a disc is size × pixels-per-size pixels wide (plus 2 of slack), a pixel `unit` long.
    expect(nodeAt(positions, size, [1, 3], { x: 0, y: 0 }, 1, 1)).toBe(-1);
    expect(nodeAt(positions, size, order, { x: 44, y: 50 }, 1, 1)).toBe(-1);
    expect(nodeAt(positions, size, order, { x: 44, y: 50 }, 1, 2)).toBe(3);
    expect(nodeAt(positions, size, order, { x: 44, y: 50 }, 2, 1)).toBe(3);
  });

  it('chooses the biggest node of each cell in view', () => {
    const view = { x1: -5, y1: -5, x2: 20, y2: 20 };
    expect(labelCandidates(positions, size, [0, 1, 2, 3], view, 100)).toEqual([0]);
    expect(labelCandidates(positions, size, [1, 2, 3], view, 100)).toEqual([1]);
    expect(labelCandidates(positions, size, [0, 1, 2, 3], view, 10)).toEqual([0, 1]);
    expect(labelCandidates(positions, size, [0, 1, 2, 3], { x1: 40, y1: 40, x2: 60, y2: 60 }, 10)).toEqual([3]);
  });
});

describe('colours and matrices', () => {
  it('packs #rrggbb as the bytes R, G, B, 255 in memory order', () => {
    const bytes = new Uint8Array(Uint32Array.of(packColour('#7b3294')).buffer);
    expect(Array.from(bytes)).toEqual([0x7b, 0x32, 0x94, 255]);
  });

  it('inverts an affine camera matrix and multiplies back to the identity', () => {
    const camera = [0.99, 0, 0, 0, 1.78, 0, -0.49, -0.89, 1];
    const identity = multiplyMatrices(camera, invertAffine(camera));
    Array.from(identity).forEach((value, index) => expect(value).toBeCloseTo([1, 0, 0, 0, 1, 0, 0, 0, 1][index]!, 5));
    const [x, y] = applyMatrix(camera, 0.5, 0.5);
    expect(x).toBeCloseTo(0.005, 5);
    expect(y).toBeCloseTo(0.0, 5);
    const moved = [0.99, 0, 0, 0, 1.78, 0, -0.29, -0.89, 1];
    // The transform from the old picture to the new one moves it by the camera's shift.
    const [shiftX, shiftY] = applyMatrix(multiplyMatrices(moved, invertAffine(camera)), 0, 0);
    expect(shiftX).toBeCloseTo(0.2, 5);
    expect(shiftY).toBeCloseTo(0, 5);
  });
});
