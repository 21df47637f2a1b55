import Graph from 'graphology';
import Sigma, { DEFAULT_STYLES } from 'sigma';
import { pathLine } from 'sigma/rendering';
import type { GraphNode, GraphResponse } from '../api.js';
import { ringLayout } from './graph-layout.js';

/**
 * The Graph explorer's WebGL scene (sigma 4 over a graphology graph). Built
 * once per run; the filters and the focus only change node and edge states
 * (hidden, dimmed), so nothing is rebuilt or re-laid out when they change,
 * and nothing is allocated per frame: the only per-frame hook is the camera
 * listener that turns labels off when zoomed out, and it compares one number.
 */

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
const EDGE_COLOUR = '#c3ccd6';
const DIMMED_NODE = '#e3e7ec';
const DIMMED_EDGE = '#f0f2f5';

/** Zoomed out further than this (camera ratio), labels are not drawn: thousands of them would be noise and cost frames. */
const LABEL_RATIO = 0.45;
/** Above this many edges, edges are not drawn while panning or zooming. */
const HIDE_EDGES_ON_MOVE = 3000;
/** Small graphs keep their labels at any zoom. */
const ALWAYS_LABEL_NODES = 150;

export type ColourMode = 'ecosystem' | 'severity';

interface NodeAttributes {
  x: number;
  y: number;
  size: number;
  color: string;
  label: string;
  ecosystem: string;
  severity: string | null;
  vulnerable: boolean;
}

export function nodeColour(node: Pick<GraphNode, 'ecosystem' | 'vulnerable' | 'severity'>, mode: ColourMode): string {
  if (mode === 'severity') return node.vulnerable ? (SEVERITY_COLOURS[node.severity ?? 'unknown'] ?? SEVERITY_COLOURS.unknown!) : SAFE_COLOUR;
  return ECOSYSTEM_COLOURS[node.ecosystem] ?? OTHER_COLOUR;
}

function nodeSize(node: GraphNode): number {
  if (node.root) return 7;
  if (node.concern_rank !== null && node.concern_rank <= 10) return 5.5;
  if (node.vulnerable) return 4.5;
  return 3;
}

export interface Scene {
  /** Depth of each node from the roots (-1: no root reaches it), from the layout. */
  depth: Map<string, number>;
  /** Applies visibility and the focus: `visible` nodes shown, `highlighted` (when not null) kept bright and the rest dimmed. */
  apply(visible: ReadonlySet<string>, highlighted: ReadonlySet<string> | null, focus: string | null): void;
  setColours(mode: ColourMode): void;
  zoom(direction: 'in' | 'out' | 'reset'): void;
  kill(): void;
}

/** Lays the graph out and starts sigma in `container`; throws when the browser has no usable WebGL 2. */
export function createScene(container: HTMLElement, data: GraphResponse, mode: ColourMode, onClickNode: (id: string) => void): Scene {
  const layout = ringLayout(data.nodes, data.edges);
  const graph = new Graph<NodeAttributes>({ type: 'directed', multi: false, allowSelfLoops: false });
  const depth = new Map<string, number>();
  data.nodes.forEach((node, index) => {
    depth.set(node.id, layout.depth[index]!);
    if (graph.hasNode(node.id)) return;
    graph.addNode(node.id, {
      x: layout.x[index]!,
      y: layout.y[index]!,
      size: nodeSize(node),
      color: nodeColour(node, mode),
      label: `${node.name}@${node.version}`,
      ecosystem: node.ecosystem,
      severity: node.severity,
      vulnerable: node.vulnerable,
    });
  });
  for (const edge of data.edges) {
    if (!graph.hasNode(edge.from) || !graph.hasNode(edge.to) || edge.from === edge.to || graph.hasEdge(edge.from, edge.to)) continue;
    const cross = graph.getNodeAttribute(edge.from, 'ecosystem') !== graph.getNodeAttribute(edge.to, 'ecosystem');
    graph.addEdge(edge.from, edge.to, { color: cross ? CROSS_EDGE_COLOUR : EDGE_COLOUR, size: cross ? 2 : 0.6, cross, zIndex: cross ? 1 : 0 });
  }

  const sigma = new Sigma(graph, container, {
    // Straight edges only: sigma's default edge program also supports self-loops, which makes every edge
    // carry a loop's segments (about 66 vertices instead of a few); the graph has no self-loops.
    primitives: { edges: { paths: [pathLine()] } },
    customNodeState: { isDimmed: false },
    customEdgeState: { isDimmed: false },
    styles: {
      nodes: [
        DEFAULT_STYLES.nodes,
        { whenState: 'isDimmed', then: { color: DIMMED_NODE, labelVisibility: 'hidden' } },
        { whenState: 'isHighlighted', then: { labelVisibility: 'visible', size: 9 } },
      ],
      edges: [DEFAULT_STYLES.edges, { whenState: 'isDimmed', then: { color: DIMMED_EDGE } }],
    } as never,
    settings: {
      // Leaving the view detaches the container before the effect's cleanup kills sigma: a frame in between must not throw.
      allowInvalidContainer: true,
      renderLabels: graph.order <= ALWAYS_LABEL_NODES,
      // Thousands of edges are the costliest part of a frame (each is clipped to its nodes' shapes on the
      // GPU): while the camera moves they are left out, and drawn again when it stops.
      hideEdgesOnMove: graph.size > HIDE_EDGES_ON_MOVE,
      hideLabelsOnMove: true,
      labelDensity: 0.6,
      labelGridCellSize: 120,
      labelRenderedSizeThreshold: 5,
      enableCameraRotation: false,
      enableCameraMouseRotation: false,
      minCameraRatio: 0.02,
      maxCameraRatio: 4,
      gestureTarget: 'graph',
      // Sizes are pixels on screen, whatever the layout's units.
      itemSizesReference: 'screen',
    },
  });

  let labels = graph.order <= ALWAYS_LABEL_NODES;
  const camera = sigma.getCamera();
  const onCamera = (state: { ratio: number }) => {
    const wanted = graph.order <= ALWAYS_LABEL_NODES || state.ratio <= LABEL_RATIO;
    if (wanted !== labels) {
      labels = wanted;
      sigma.setSetting('renderLabels', wanted);
    }
  };
  camera.on('updated', onCamera);
  sigma.on('clickNode', ({ node }) => onClickNode(node));

  const nodes = graph.nodes();
  const edges = graph.edges();
  return {
    depth,
    apply(visible, highlighted, focus) {
      const hiddenNodes: string[] = [];
      const shownNodes: string[] = [];
      const dimmedNodes: string[] = [];
      const brightNodes: string[] = [];
      for (const node of nodes) {
        (visible.has(node) ? shownNodes : hiddenNodes).push(node);
        (highlighted === null || highlighted.has(node) ? brightNodes : dimmedNodes).push(node);
      }
      sigma.setNodesState(hiddenNodes, { isHidden: true });
      sigma.setNodesState(shownNodes, { isHidden: false });
      sigma.setNodesState(dimmedNodes, { isDimmed: true, isHighlighted: false });
      sigma.setNodesState(brightNodes, { isDimmed: false, isHighlighted: false });
      if (focus !== null && graph.hasNode(focus)) sigma.setNodeState(focus, { isHighlighted: true });
      const hiddenEdges: string[] = [];
      const shownEdges: string[] = [];
      const dimmedEdges: string[] = [];
      const brightEdges: string[] = [];
      for (const edge of edges) {
        const source = graph.source(edge);
        const target = graph.target(edge);
        (visible.has(source) && visible.has(target) ? shownEdges : hiddenEdges).push(edge);
        (highlighted === null || (highlighted.has(source) && highlighted.has(target)) ? brightEdges : dimmedEdges).push(edge);
      }
      sigma.setEdgesState(hiddenEdges, { isHidden: true });
      sigma.setEdgesState(shownEdges, { isHidden: false });
      sigma.setEdgesState(dimmedEdges, { isDimmed: true });
      sigma.setEdgesState(brightEdges, { isDimmed: false });
      if (focus !== null && graph.hasNode(focus)) {
        const position = sigma.getNodeDisplayData(focus);
        if (position) {
          container.removeAttribute('data-camera-on');
          // Once the camera has arrived (not cancelled by another move), the container says on which package: what waits for the move reads it.
          void camera.animate({ x: position.x, y: position.y, ratio: Math.min(camera.ratio, 0.5) }, { duration: 400 }).then(() => {
            if (!camera.isAnimating()) container.setAttribute('data-camera-on', focus);
          });
        }
      }
    },
    setColours(next) {
      const byId = new Map(data.nodes.map((node) => [node.id, node]));
      graph.updateEachNodeAttributes(
        (id, attributes) => {
          attributes.color = nodeColour(byId.get(id)!, next);
          return attributes;
        },
        { attributes: ['color'] },
      );
    },
    zoom(direction) {
      if (direction === 'in') void camera.zoomIn({ duration: 200 });
      else if (direction === 'out') void camera.zoomOut({ duration: 200 });
      else void camera.reset({ duration: 200 });
    },
    kill() {
      // A focus animation still running would draw into a container the view has just left.
      camera.cancelAnimation();
      camera.removeListener('updated', onCamera);
      sigma.kill();
    },
  };
}
