import { describe, expect, it } from 'vitest';
import { nodeVisible, pathNodes, ringLayout, type LayoutEdge, type LayoutNode } from './graph-layout.js';

const nodes: LayoutNode[] = [
  { id: 'root-a', ecosystem: 'PyPI', root: true },
  { id: 'root-b', ecosystem: 'PyPI', root: true },
  { id: 'mid', ecosystem: 'PyPI', root: false },
  { id: 'leaf', ecosystem: 'npm', root: false },
  { id: 'side', ecosystem: 'PyPI', root: false },
  { id: 'orphan', ecosystem: 'conda', root: false },
];
const edges: LayoutEdge[] = [
  { from: 'root-a', to: 'mid' },
  { from: 'root-b', to: 'mid' },
  { from: 'mid', to: 'leaf' },
  { from: 'root-b', to: 'side' },
  { from: 'leaf', to: 'mid' },
  { from: 'mid', to: 'ghost' },
];

function positions(list: LayoutNode[], edgeList: LayoutEdge[]) {
  const layout = ringLayout(list, edgeList);
  return Object.fromEntries(list.map((node, index) => [node.id, [layout.x[index], layout.y[index], layout.depth[index]]]));
}

describe('ring layout', () => {
  it('puts each node on the ring of its depth from the roots, the unreached on the outer ring', () => {
    const layout = ringLayout(nodes, edges);
    expect(Array.from(layout.depth)).toEqual([0, 0, 1, 2, 1, -1]);
    expect(layout.rings).toHaveLength(4);
    const radius = (index: number) => Math.hypot(layout.x[index]!, layout.y[index]!);
    expect(radius(2)).toBeCloseTo(layout.rings[1]!, 2);
    expect(radius(3)).toBeCloseTo(layout.rings[2]!, 2);
    expect(radius(5)).toBeCloseTo(layout.rings[3]!, 2);
    for (let ring = 1; ring < layout.rings.length; ring++) expect(layout.rings[ring]!).toBeGreaterThan(layout.rings[ring - 1]!);
  });

  it('gives the same positions whatever the order of the input (deterministic)', () => {
    const shuffled = [nodes[4]!, nodes[2]!, nodes[5]!, nodes[0]!, nodes[3]!, nodes[1]!];
    expect(positions(shuffled, [...edges].reverse())).toEqual(positions(nodes, edges));
  });

  it('keeps nodes apart on a crowded ring', () => {
    const many: LayoutNode[] = [{ id: 'r', ecosystem: 'PyPI', root: true }, ...Array.from({ length: 1000 }, (_, index) => ({ id: `n${index}`, ecosystem: 'PyPI', root: false }))];
    const layout = ringLayout(
      many,
      many.slice(1).map((node) => ({ from: 'r', to: node.id })),
    );
    const gap = Math.hypot(layout.x[1]! - layout.x[2]!, layout.y[1]! - layout.y[2]!);
    expect(gap).toBeGreaterThan(1.5);
  });

  // How fast belongs to the bench (`npm run bench -- serve` times the explorer); this checks the result at that size.
  it('lays out 5,000 nodes and 15,000 edges', () => {
    const big: LayoutNode[] = Array.from({ length: 5000 }, (_, index) => ({ id: `n${index}`, ecosystem: index % 3 === 0 ? 'npm' : 'PyPI', root: index < 10 }));
    const bigEdges: LayoutEdge[] = [];
    for (let index = 10; index < 5000; index++) for (let k = 1; k <= 3; k++) bigEdges.push({ from: `n${(index * k * 7919) % index}`, to: `n${index}` });
    const layout = ringLayout(big, bigEdges);
    expect(layout.depth.every((depth) => depth >= 0)).toBe(true);
    expect(Array.from(layout.x).every(Number.isFinite)).toBe(true);
  });

  it('handles a graph without roots and an empty graph', () => {
    expect(Array.from(ringLayout(nodes.map((node) => ({ ...node, root: false })), edges).depth).every((depth) => depth === -1)).toBe(true);
    expect(ringLayout([], []).rings).toEqual([]);
  });
});

describe('paths to a package', () => {
  it('is every node on a path from a root to the target, and nothing else', () => {
    expect([...pathNodes(nodes, edges, 'leaf')].sort()).toEqual(['leaf', 'mid', 'root-a', 'root-b']);
    expect([...pathNodes(nodes, edges, 'side')].sort()).toEqual(['root-b', 'side']);
    expect([...pathNodes(nodes, edges, 'orphan')]).toEqual(['orphan']);
    expect(pathNodes(nodes, edges, 'not-there').size).toBe(0);
  });
});

describe('graph filters', () => {
  const base = { id: 'x', ecosystem: 'npm', root: false, vulnerable: true, concern_rank: 30 };
  it.each([
    [{ ecosystem: null, vulnerable: false, maxRank: null }, base, true],
    [{ ecosystem: 'PyPI', vulnerable: false, maxRank: null }, base, false],
    [{ ecosystem: null, vulnerable: true, maxRank: null }, { ...base, vulnerable: false }, false],
    [{ ecosystem: null, vulnerable: false, maxRank: 25 }, base, false],
    [{ ecosystem: null, vulnerable: false, maxRank: 50 }, base, true],
    [{ ecosystem: null, vulnerable: false, maxRank: 50 }, { ...base, concern_rank: null }, false],
    [{ ecosystem: null, vulnerable: true, maxRank: 5 }, { ...base, root: true, vulnerable: false }, true],
    [{ ecosystem: 'PyPI', vulnerable: false, maxRank: null }, { ...base, root: true }, false],
  ])('%j keeps %j: %s', (filter, node, expected) => {
    expect(nodeVisible(node, filter)).toBe(expected);
  });
});
