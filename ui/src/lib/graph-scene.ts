import Graph from 'graphology';
import Sigma, { DEFAULT_STYLES } from 'sigma';
import { pathLine } from 'sigma/rendering';
import type { RenderParams } from 'sigma/types';
import type { GraphResponse } from '../api.js';
import {
  CROSS_EDGE_COLOUR,
  DIMMED,
  DIMMED_EDGE,
  DIMMED_NODE,
  EDGE_COLOUR,
  EDGE_SIZE,
  HIDDEN,
  NODE_SIZE,
  SHOWN,
  buildSceneModel,
  edgeDrawOrder,
  labelCandidates,
  nodeAt,
  nodeColour,
  nodeDrawOrder,
  nodeStates,
  packColour,
  type ColourMode,
  type NodeStates,
} from './graph-model.js';
import { BulkLayer } from './graph-webgl.js';

/**
 * The Graph explorer's WebGL scene: sigma 4 (camera, gestures, the frame)
 * over a graphology graph, and a custom layer program (graph-webgl.ts) that
 * draws every package and every edge in one plain draw call each, into a
 * picture kept between frames.
 *
 * sigma's own graph holds only the nodes sigma draws and labels itself: the
 * top packages, the focused package, the one under the pointer (sigma then
 * shows its label), and, once the camera has stopped close enough, the
 * biggest node of each label cell in view; every node when the graph is
 * small. Each is drawn over its twin in the picture, so nothing looks
 * different where sigma takes over. Clicks on a node sigma does not hold
 * are resolved here (nodeAt), as is the pointer's node.
 *
 * Built once per run; the filters and the focus only change states and
 * re-upload the layer's vertices (milliseconds), nothing is laid out again.
 * A frame that only changes what sigma draws (hover, labels) reuses the
 * picture; while the camera moves over a big graph the picture moves and
 * scales with it instead of thousands of items being drawn again, and it is
 * drawn again once the camera stops.
 */

/** Zoomed out further than this (camera ratio), only the top packages and the focus are labelled. */
const LABEL_RATIO = 0.45;
/** Above this many nodes and edges, a moving camera moves their last picture instead of drawing them again (graph-webgl.ts). */
const REUSE_ON_MOVE = 3000;
/** Small graphs are all in sigma's graph: every node can carry a label at any zoom. */
const ALWAYS_LABEL_NODES = 150;
/** sigma's label grid cell (pixels): one label candidate per cell. */
const LABEL_CELL = 120;
/** The camera is taken as stopped this long after its last move. */
const SETTLE_MS = 150;

interface NodeAttributes {
  x: number;
  y: number;
  size: number;
  color: string;
  label: string;
}

/** What syncHeld needs of sigma (its states: hidden, dimmed, highlighted). */
interface NodeStateTarget {
  setNodeState(key: string, state: { isHidden: boolean; isDimmed: boolean; isHighlighted: boolean }): unknown;
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
  const model = buildSceneModel(data);
  const count = model.nodes.length;
  const depth = new Map(model.nodes.map((node, index) => [node.id, model.depth[index]!]));
  const roots = model.nodes.flatMap((node, index) => (node.root ? [index] : []));
  let colours = mode;
  let states: NodeStates = new Uint8Array(count).fill(SHOWN);
  let focus = -1;
  let pointed = -1;
  let inView: number[] = [];

  // ------------------------------------------------------------ sigma's few nodes
  const graph = new Graph<NodeAttributes>({ type: 'directed', multi: false, allowSelfLoops: false });
  const held = new Set<number>();
  const attributes = (index: number): NodeAttributes => {
    const node = model.nodes[index]!;
    return { x: model.x[index]!, y: model.y[index]!, size: model.size[index]!, color: nodeColour(node, colours), label: `${node.name}@${node.version}` };
  };
  const wanted = (): Set<number> => {
    if (count <= ALWAYS_LABEL_NODES) return new Set(model.nodes.keys());
    const out = new Set([...roots, ...inView]);
    if (focus >= 0) out.add(focus);
    if (pointed >= 0) out.add(pointed);
    // sigma draws nothing at all, custom layers included, while its graph is empty: a graph without roots lends it its first node.
    if (out.size === 0 && count > 0) out.add(0);
    return out;
  };
  /** The state sigma shows each held node in, as last set (so an unchanged state is not set again: each set costs sigma a frame). */
  const shownAs = new Map<number, string>();
  /** Makes sigma's graph hold the wanted nodes, with their states. */
  const syncHeld = (sigma: NodeStateTarget | null) => {
    const next = wanted();
    for (const index of [...held]) {
      if (next.has(index)) continue;
      graph.dropNode(model.nodes[index]!.id);
      held.delete(index);
      shownAs.delete(index);
    }
    for (const index of next) {
      if (held.has(index)) continue;
      graph.addNode(model.nodes[index]!.id, attributes(index));
      held.add(index);
    }
    if (sigma === null) return;
    for (const index of held) {
      const state = states[index] === HIDDEN ? 'hidden' : states[index] === DIMMED ? 'dimmed' : index === focus ? 'focus' : 'shown';
      if (shownAs.get(index) === state) continue;
      shownAs.set(index, state);
      sigma.setNodeState(model.nodes[index]!.id, { isHidden: state === 'hidden', isDimmed: state === 'dimmed', isHighlighted: state === 'focus' });
    }
  };
  syncHeld(null);

  const sigma = new Sigma(graph, container, {
    // Straight edges only: sigma's default edge program also supports self-loops, which makes every edge
    // carry a loop's segments. sigma draws no edge here (the bulk layer does), but it builds the program.
    primitives: { edges: { paths: [pathLine()] } },
    customNodeState: { isDimmed: false, isWarmingUp: false },
    customEdgeState: { isDimmed: false },
    styles: {
      nodes: [
        DEFAULT_STYLES.nodes,
        { whenState: 'isDimmed', then: { color: DIMMED_NODE, labelVisibility: 'hidden' } },
        { whenState: 'isHighlighted', then: { labelVisibility: 'visible', size: NODE_SIZE.highlighted } },
        // See warmUp below: a backdrop drawn in no colour at all.
        { whenState: 'isWarmingUp', then: { backdropVisibility: 'visible', backdropColor: 'rgba(0, 0, 0, 0)', backdropShadowColor: 'rgba(0, 0, 0, 0)' } },
      ],
      edges: [DEFAULT_STYLES.edges],
    } as never,
    settings: {
      // Leaving the view detaches the container before the effect's cleanup kills sigma: a frame in between must not throw.
      allowInvalidContainer: true,
      renderLabels: true,
      // sigma holds no edge; with these on, it draws once more when a drag ends, which brings the bulk edges back.
      hideEdgesOnMove: true,
      hideLabelsOnMove: true,
      labelDensity: 0.6,
      labelGridCellSize: LABEL_CELL,
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
  // The frame is the whole layout, whichever nodes sigma's graph holds at the moment.
  sigma.setCustomBBox(extent(model.x, model.y));
  syncHeld(sigma);

  const camera = sigma.getCamera();
  const mouse = sigma.getMouseCaptor();
  const touch = sigma.getTouchCaptor();
  const moving = () => camera.isAnimating() || mouse.isMoving || mouse.draggedEvents > 0 || mouse.currentWheelDirection !== 0 || touch.isMoving;

  // ------------------------------------------------------------ the bulk layers
  // Positions in sigma's framed graph space, which its matrix takes; fixed by the custom bounding box.
  const framedX = new Float32Array(count);
  const framedY = new Float32Array(count);
  let framing = '';
  const frame = (): boolean => {
    const corner = sigma.graphToFramedGraph({ x: 0, y: 0 });
    const unit = sigma.graphToFramedGraph({ x: 1, y: 1 });
    const key = `${corner.x},${corner.y},${unit.x},${unit.y}`;
    if (key === framing) return false;
    framing = key;
    for (let index = 0; index < count; index++) {
      const position = sigma.graphToFramedGraph({ x: model.x[index]!, y: model.y[index]! });
      framedX[index] = position.x;
      framedY[index] = position.y;
    }
    return true;
  };
  frame();

  let nodeOrder = nodeDrawOrder(states);
  let shownOrder = nodeOrder.filter((index) => states[index] === SHOWN);
  let edgeOrder = edgeDrawOrder(model, states);
  let bulk: BulkLayer | null = null;
  const colourTable = new Map<string, number>();
  const packed = (hex: string) => colourTable.get(hex) ?? colourTable.set(hex, packColour(hex)).get(hex)!;

  const uploadNodes = () => {
    if (bulk === null) return;
    const items = { count: nodeOrder.length, x: new Float32Array(nodeOrder.length), y: new Float32Array(nodeOrder.length), size: new Float32Array(nodeOrder.length), colour: new Uint32Array(nodeOrder.length) };
    nodeOrder.forEach((index, position) => {
      items.x[position] = framedX[index]!;
      items.y[position] = framedY[index]!;
      items.size[position] = model.size[index]!;
      items.colour[position] = packed(states[index] === DIMMED ? DIMMED_NODE : nodeColour(model.nodes[index]!, colours));
    });
    bulk.setNodes(items);
  };
  const uploadEdges = () => {
    if (bulk === null) return;
    const length = edgeOrder.length;
    const items = {
      count: length,
      sourceX: new Float32Array(length),
      sourceY: new Float32Array(length),
      targetX: new Float32Array(length),
      targetY: new Float32Array(length),
      size: new Float32Array(length),
      colour: new Uint32Array(length),
    };
    edgeOrder.forEach((edge, position) => {
      const from = model.edgeFrom[edge]!;
      const to = model.edgeTo[edge]!;
      const cross = model.edgeCross[edge] === 1;
      items.sourceX[position] = framedX[from]!;
      items.sourceY[position] = framedY[from]!;
      items.targetX[position] = framedX[to]!;
      items.targetY[position] = framedY[to]!;
      items.size[position] = cross ? EDGE_SIZE.cross : EDGE_SIZE.other;
      const dimmed = states[from] === DIMMED || states[to] === DIMMED;
      items.colour[position] = packed(dimmed ? DIMMED_EDGE : cross ? CROSS_EDGE_COLOUR : EDGE_COLOUR);
    });
    bulk.setEdges(items);
  };

  // The settle timer: once the camera has stopped, the labels in view are chosen and skipped edges drawn.
  let settleTimer: ReturnType<typeof setTimeout> | null = null;
  const settleLater = () => {
    if (settleTimer !== null) clearTimeout(settleTimer);
    settleTimer = setTimeout(settle, SETTLE_MS);
  };
  /** The last frame drew the bulk's picture moved with the camera: draw it again once the camera stops. */
  let pictureMoved = false;
  const settle = () => {
    settleTimer = null;
    if (moving()) return settleLater();
    if (count > ALWAYS_LABEL_NODES) {
      inView = camera.ratio <= LABEL_RATIO ? viewCandidates() : [];
      syncHeld(sigma);
    }
    if (pictureMoved) {
      pictureMoved = false;
      sigma.scheduleRender();
    }
  };
  const viewCandidates = (): number[] => {
    const { width, height } = sigma.getDimensions();
    const corners = [sigma.viewportToFramedGraph({ x: 0, y: 0 }), sigma.viewportToFramedGraph({ x: width, y: height })];
    const unit = pixelUnit();
    const view = { x1: Math.min(corners[0]!.x, corners[1]!.x), y1: Math.min(corners[0]!.y, corners[1]!.y), x2: Math.max(corners[0]!.x, corners[1]!.x), y2: Math.max(corners[0]!.y, corners[1]!.y) };
    return labelCandidates({ x: framedX, y: framedY }, model.size, shownOrder, view, LABEL_CELL * unit);
  };
  /** The length of one screen pixel in framed graph space. */
  const pixelUnit = () => {
    const a = sigma.viewportToFramedGraph({ x: 0, y: 0 });
    const b = sigma.viewportToFramedGraph({ x: 1, y: 0 });
    return Math.hypot(b.x - a.x, b.y - a.y);
  };
  /** The drawn node at a point of the viewport, or -1. */
  const nodeAtPoint = (point: { x: number; y: number }) =>
    nodeAt({ x: framedX, y: framedY }, model.size, nodeOrder, sigma.viewportToFramedGraph(point), pixelUnit(), sigma.scaleSize(1));

  /**
   * Without a GPU (SwiftShader) a WebGL program's first draw compiles it: 100 to 200 ms for sigma's
   * hover backdrop, which would otherwise stall the first hover, typically as a pan starts. Once the
   * first frame is shown, one held node is drawn for a frame with a backdrop of no colour at all.
   */
  let warmUpTimer: ReturnType<typeof setTimeout> | null = null;
  const warmUp = () => {
    warmUpTimer = null;
    const index = [...held].find((node) => states[node] !== HIDDEN);
    if (index === undefined) return;
    const id = model.nodes[index]!.id;
    sigma.setNodeState(id, { isWarmingUp: true });
    sigma.once('afterRender', () => {
      if (graph.hasNode(id)) sigma.setNodeState(id, { isWarmingUp: false });
    });
  };
  let framesDrawn = 0;
  // At the nodes' depth, before sigma's own nodes: they are drawn over their twins in the picture. sigma draws no edge.
  sigma.addCustomLayerProgram('graph-bulk', 'nodes', (gl) => {
    bulk = new BulkLayer(gl);
    uploadEdges();
    uploadNodes();
    return {
      render(params: RenderParams) {
        const exact = bulk?.render(params, count + model.edgeFrom.length > REUSE_ON_MOVE && moving()) ?? true;
        if (!exact) {
          pictureMoved = true;
          settleLater();
        }
        if (framesDrawn++ === 0) warmUpTimer = setTimeout(warmUp, SETTLE_MS);
      },
      cacheData() {
        if (frame()) {
          uploadEdges();
          uploadNodes();
        }
      },
      kill() {
        bulk?.kill();
        bulk = null;
      },
    };
  });

  camera.on('updated', settleLater);
  sigma.on('clickNode', ({ node }) => onClickNode(node));
  sigma.on('clickStage', ({ event }) => {
    const index = nodeAtPoint(event);
    if (index >= 0) onClickNode(model.nodes[index]!.id);
  });
  // The node under the pointer joins sigma's graph, so sigma shows its label (and a click on it is sigma's).
  sigma.on('moveBody', ({ event }) => {
    if (count <= ALWAYS_LABEL_NODES || mouse.isMouseDown) return;
    const index = nodeAtPoint(event);
    if (index === pointed) return;
    pointed = index;
    syncHeld(sigma);
  });
  sigma.on('leaveStage', () => {
    if (pointed < 0) return;
    pointed = -1;
    syncHeld(sigma);
  });

  const update = (nextStates: NodeStates) => {
    states = nextStates;
    nodeOrder = nodeDrawOrder(states);
    shownOrder = nodeOrder.filter((index) => states[index] === SHOWN);
    edgeOrder = edgeDrawOrder(model, states);
    uploadNodes();
    uploadEdges();
    syncHeld(sigma);
    sigma.scheduleRender();
    // The labels in view are chosen among the nodes shown: choose again.
    settleLater();
  };

  return {
    depth,
    apply(visible, highlighted, focusId) {
      const nextFocus = focusId === null ? -1 : (model.index.get(focusId) ?? -1);
      const next = nodeStates(model, visible, highlighted);
      // The view applies the same selection again when it re-renders for other reasons: nothing to redo then.
      if (nextFocus === focus && sameStates(next, states)) return;
      focus = nextFocus;
      update(next);
      if (focus >= 0) {
        const id = model.nodes[focus]!.id;
        container.removeAttribute('data-camera-on');
        // Once the camera has arrived (not cancelled by another move), the container says on which package: what waits for the move reads it.
        void camera.animate({ x: framedX[focus]!, y: framedY[focus]!, ratio: Math.min(camera.ratio, 0.5) }, { duration: 400 }).then(() => {
          if (!camera.isAnimating()) container.setAttribute('data-camera-on', id);
        });
      }
    },
    setColours(next) {
      colours = next;
      for (const index of held) graph.setNodeAttribute(model.nodes[index]!.id, 'color', nodeColour(model.nodes[index]!, colours));
      uploadNodes();
      sigma.scheduleRender();
    },
    zoom(direction) {
      if (direction === 'in') void camera.zoomIn({ duration: 200 });
      else if (direction === 'out') void camera.zoomOut({ duration: 200 });
      else void camera.reset({ duration: 200 });
    },
    kill() {
      if (settleTimer !== null) clearTimeout(settleTimer);
      if (warmUpTimer !== null) clearTimeout(warmUpTimer);
      // A focus animation still running would draw into a container the view has just left.
      camera.cancelAnimation();
      camera.removeListener('updated', settleLater);
      sigma.kill();
    },
  };
}

function sameStates(a: NodeStates, b: NodeStates): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false;
  return true;
}

/** The layout's bounding box, as sigma's custom bounding box takes it. */
function extent(x: Float64Array, y: Float64Array): { x: [number, number]; y: [number, number] } {
  if (x.length === 0) return { x: [0, 1], y: [0, 1] };
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let index = 0; index < x.length; index++) {
    minX = Math.min(minX, x[index]!);
    maxX = Math.max(maxX, x[index]!);
    minY = Math.min(minY, y[index]!);
    maxY = Math.max(maxY, y[index]!);
  }
  return { x: [minX, maxX], y: [minY, maxY] };
}
