/**
 * The Graph explorer's layout and selections, pure so they are tested without
 * a browser.
 *
 * Layout: concentric rings by depth from the roots (the roots in the middle,
 * what they depend on directly on the first ring, and so on; what no root
 * reaches on the outer ring). ForceAtlas2 is not installed, and a force
 * layout would be the wrong tool anyway: it costs seconds of iterations at
 * 5,000 nodes, moves on every load, and hides the one thing this view is
 * about, how far a package is from what people install. Rings cost one
 * breadth-first walk and one sort per ring, give the same picture for the
 * same graph every time, and keep a wide layer (hundreds of direct
 * dependencies) readable where a row would be a line thousands of units long.
 * Within a ring, nodes sit near the mean angle of their parents on the ring
 * inside (one barycentre pass), so a subtree stays together.
 */

export interface LayoutNode {
  id: string;
  ecosystem: string;
  root: boolean;
}

export interface LayoutEdge {
  from: string;
  to: string;
}

export interface Layout {
  /** Positions, by the index of the node in the input. */
  x: Float64Array;
  y: Float64Array;
  /** Distance from the nearest root along dependency edges; -1 when no root reaches it. */
  depth: Int32Array;
  /** Radius of each ring, ring `rings.length - 1` being the unreached nodes when there are any. */
  rings: number[];
}

/** Room each node takes on a ring, and between rings. */
const SPACING = 1;
const RING_GAP = 6;

export function ringLayout(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[]): Layout {
  const count = nodes.length;
  if (count === 0) return { x: new Float64Array(0), y: new Float64Array(0), depth: new Int32Array(0), rings: [] };
  const indexOf = new Map<string, number>();
  nodes.forEach((node, index) => indexOf.set(node.id, index));
  // Adjacency in both directions, as index lists, ignoring edges to unknown nodes.
  const children: number[][] = nodes.map(() => []);
  const parents: number[][] = nodes.map(() => []);
  for (const edge of edges) {
    const from = indexOf.get(edge.from);
    const to = indexOf.get(edge.to);
    if (from === undefined || to === undefined || from === to) continue;
    children[from]!.push(to);
    parents[to]!.push(from);
  }

  const depth = new Int32Array(count).fill(-1);
  let frontier: number[] = [];
  nodes.forEach((node, index) => {
    if (node.root) {
      depth[index] = 0;
      frontier.push(index);
    }
  });
  while (frontier.length > 0) {
    const next: number[] = [];
    for (const index of frontier) {
      for (const child of children[index]!) {
        if (depth[child] === -1) {
          depth[child] = depth[index]! + 1;
          next.push(child);
        }
      }
    }
    frontier = next;
  }

  let maxDepth = 0;
  for (let index = 0; index < count; index++) maxDepth = Math.max(maxDepth, depth[index]!);
  const ringCount = maxDepth + 1 + (depth.some((value) => value === -1) ? 1 : 0);
  const ringOf = (index: number) => (depth[index] === -1 ? ringCount - 1 : depth[index]!);
  const members: number[][] = Array.from({ length: ringCount }, () => []);
  for (let index = 0; index < count; index++) members[ringOf(index)]!.push(index);

  const x = new Float64Array(count);
  const y = new Float64Array(count);
  const angle = new Float64Array(count);
  const rings: number[] = [];
  const byId = (a: number, b: number) => (nodes[a]!.id < nodes[b]!.id ? -1 : nodes[a]!.id > nodes[b]!.id ? 1 : 0);
  let radius = 0;
  members.forEach((ring, ringIndex) => {
    // Sort key: the mean direction of the parents already placed (on inner rings), else the ecosystem.
    const key = new Map<number, number>();
    for (const index of ring) {
      const placed = parents[index]!.filter((parent) => ringOf(parent) < ringIndex).sort((a, b) => a - b);
      if (placed.length === 0) continue;
      let sumX = 0;
      let sumY = 0;
      for (const parent of placed) {
        sumX += Math.cos(angle[parent]!);
        sumY += Math.sin(angle[parent]!);
      }
      key.set(index, normaliseAngle(Math.atan2(sumY, sumX)));
    }
    ring.sort((a, b) => {
      const keyA = key.get(a);
      const keyB = key.get(b);
      if (keyA !== undefined && keyB !== undefined && keyA !== keyB) return keyA - keyB;
      if ((keyA === undefined) !== (keyB === undefined)) return keyA === undefined ? 1 : -1;
      const ecosystem = nodes[a]!.ecosystem < nodes[b]!.ecosystem ? -1 : nodes[a]!.ecosystem > nodes[b]!.ecosystem ? 1 : 0;
      return ecosystem !== 0 ? ecosystem : byId(a, b);
    });
    const circumference = ring.length * SPACING * 2;
    const needed = ring.length <= 1 && ringIndex === 0 ? 0 : circumference / (2 * Math.PI);
    radius = ringIndex === 0 ? needed : Math.max(radius + RING_GAP, needed);
    rings.push(radius);
    ring.forEach((index, position) => {
      const theta = ring.length === 0 ? 0 : (2 * Math.PI * position) / ring.length;
      angle[index] = theta;
      x[index] = round(radius * Math.cos(theta));
      y[index] = round(radius * Math.sin(theta));
    });
  });
  return { x, y, depth, rings };
}

function normaliseAngle(theta: number): number {
  const full = 2 * Math.PI;
  return ((theta % full) + full) % full;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/**
 * The nodes on the paths from the roots to `target`: every node that can
 * reach it (walking dependency edges backwards) and that a root reaches, and
 * the target itself. Empty when the target is not in the graph.
 */
export function pathNodes(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[], target: string): Set<string> {
  const known = new Set(nodes.map((node) => node.id));
  if (!known.has(target)) return new Set();
  const parents = new Map<string, string[]>();
  const children = new Map<string, string[]>();
  for (const edge of edges) {
    if (!known.has(edge.from) || !known.has(edge.to)) continue;
    (parents.get(edge.to) ?? parents.set(edge.to, []).get(edge.to)!).push(edge.from);
    (children.get(edge.from) ?? children.set(edge.from, []).get(edge.from)!).push(edge.to);
  }
  const ancestors = walk([target], parents);
  const reached = walk(
    nodes.filter((node) => node.root).map((node) => node.id),
    children,
  );
  const out = new Set<string>();
  for (const id of ancestors) if (reached.has(id) || id === target) out.add(id);
  return out;
}

function walk(start: readonly string[], next: ReadonlyMap<string, readonly string[]>): Set<string> {
  const seen = new Set(start);
  const queue = [...start];
  for (let head = 0; head < queue.length; head++) {
    for (const neighbour of next.get(queue[head]!) ?? []) {
      if (!seen.has(neighbour)) {
        seen.add(neighbour);
        queue.push(neighbour);
      }
    }
  }
  return seen;
}

export interface GraphFilter {
  /** Only this ecosystem; null for all. */
  ecosystem: string | null;
  /** Only packages with a known vulnerability. */
  vulnerable: boolean;
  /** Only packages ranked this high or higher among the concerns (1 = the worst); null for all. */
  maxRank: number | null;
}

export interface FilterableNode {
  id: string;
  ecosystem: string;
  root: boolean;
  vulnerable: boolean;
  concern_rank: number | null;
}

/**
 * Whether a node passes the filters. Roots always stay, so what is shown is
 * still anchored to what people install.
 */
export function nodeVisible(node: FilterableNode, filter: GraphFilter): boolean {
  if (node.root) return filter.ecosystem === null || node.ecosystem === filter.ecosystem;
  if (filter.ecosystem !== null && node.ecosystem !== filter.ecosystem) return false;
  if (filter.vulnerable && !node.vulnerable) return false;
  if (filter.maxRank !== null && (node.concern_rank === null || node.concern_rank > filter.maxRank)) return false;
  return true;
}
