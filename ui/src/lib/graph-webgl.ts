/**
 * The Graph explorer's bulk drawing: every package and every edge, as a
 * custom layer program in sigma's own WebGL 2 context and frame
 * (Sigma#addCustomLayerProgram): one plain indexed draw call for the edges,
 * one for the nodes, into a picture kept between frames (BulkLayer).
 *
 * Why not sigma's own node and edge programs for the thousands: they draw one
 * instance per node, per edge and per label character (drawArraysInstanced),
 * and nodes twice (once more for picking). Where WebGL runs on the CPU
 * (SwiftShader: Chromium without a GPU, as in CI, the bench and many
 * virtual machines), each instance is its own draw: measured at 10 to 25 µs
 * per instance, 5,000 nodes and 10,000 edges cost 100 ms to 700 ms a frame
 * and seconds for the first one, where the same quads as one plain draw cost
 * a few milliseconds. So sigma keeps the camera, the gestures, the frame,
 * and the few nodes it labels (graph-scene.ts); this layer draws the rest,
 * four vertices per item, the corner taken from gl_VertexID.
 *
 * Sizes follow sigma's rules with `itemSizesReference: 'screen'`: a node's
 * radius is `size / sizeRatio` pixels, an edge `max(size / sizeRatio,
 * minEdgeThickness) / 2` pixels wide, each with a one-pixel antialiased rim,
 * so the bulk looks as sigma's own programs draw it.
 */
import type { RenderParams } from 'sigma/types';
import { applyMatrix, invertAffine, multiplyMatrices, sameMatrix } from './graph-model.js';

const NODE_VERTEX = `#version 300 es
in vec2 a_position;
in float a_size;
in vec4 a_color;
uniform mat3 u_matrix;
uniform vec2 u_resolution;
uniform float u_sizeRatio;
out vec2 v_offset;
out float v_radius;
out vec4 v_color;
void main() {
  int corner = gl_VertexID % 4;
  vec2 direction = vec2(corner == 1 || corner == 3 ? 1.0 : -1.0, corner >= 2 ? 1.0 : -1.0);
  float radius = a_size / u_sizeRatio;
  // One pixel more than the disc, for its antialiased rim.
  float extent = radius + 1.0;
  vec3 centre = u_matrix * vec3(a_position, 1.0);
  gl_Position = vec4(centre.xy + direction * extent * 2.0 / u_resolution, 0.0, 1.0);
  v_offset = direction * extent;
  v_radius = radius;
  v_color = a_color;
}`;

const NODE_FRAGMENT = `#version 300 es
precision mediump float;
in vec2 v_offset;
in float v_radius;
in vec4 v_color;
out vec4 fragColor;
void main() {
  float alpha = clamp(v_radius - length(v_offset) + 0.5, 0.0, 1.0) * v_color.a;
  if (alpha <= 0.0) discard;
  fragColor = vec4(v_color.rgb * alpha, alpha);
}`;

const EDGE_VERTEX = `#version 300 es
in vec2 a_source;
in vec2 a_target;
in float a_size;
in vec4 a_color;
uniform mat3 u_matrix;
uniform vec2 u_resolution;
uniform float u_sizeRatio;
uniform float u_minThickness;
out float v_across;
out float v_halfWidth;
out vec4 v_color;
void main() {
  int corner = gl_VertexID % 4;
  float along = corner == 1 || corner == 3 ? 1.0 : 0.0;
  float side = corner >= 2 ? 1.0 : -1.0;
  vec2 source = (u_matrix * vec3(a_source, 1.0)).xy;
  vec2 target = (u_matrix * vec3(a_target, 1.0)).xy;
  vec2 pixels = (target - source) * u_resolution;
  float span = length(pixels);
  vec2 normal = span > 0.0 ? vec2(-pixels.y, pixels.x) / span : vec2(0.0, 1.0);
  // sigma's edge width: its thickness in pixels, halved (its correction ratio is half a pixel).
  float halfWidth = max(a_size / u_sizeRatio, u_minThickness) * 0.25;
  float extent = halfWidth + 0.5;
  gl_Position = vec4(mix(source, target, along) + normal * side * extent * 2.0 / u_resolution, 0.0, 1.0);
  v_across = side * extent;
  v_halfWidth = halfWidth;
  v_color = a_color;
}`;

const EDGE_FRAGMENT = `#version 300 es
precision mediump float;
in float v_across;
in float v_halfWidth;
in vec4 v_color;
out vec4 fragColor;
void main() {
  float alpha = clamp(v_halfWidth - abs(v_across) + 0.5, 0.0, 1.0) * v_color.a;
  if (alpha <= 0.0) discard;
  fragColor = vec4(v_color.rgb * alpha, alpha);
}`;

/** The cached picture, drawn as one quad moved and scaled as the camera has moved since. */
const CACHE_VERTEX = `#version 300 es
uniform mat3 u_transform;
// The part of the picture the items cover (clip coordinates when it was drawn): the rest is empty.
uniform vec4 u_rect;
out vec2 v_uv;
void main() {
  int corner = gl_VertexID % 4;
  vec2 position = vec2(corner == 1 || corner == 3 ? u_rect.z : u_rect.x, corner >= 2 ? u_rect.w : u_rect.y);
  v_uv = position * 0.5 + 0.5;
  gl_Position = vec4((u_transform * vec3(position, 1.0)).xy, 0.0, 1.0);
}`;

const CACHE_FRAGMENT = `#version 300 es
precision mediump float;
uniform sampler2D u_picture;
in vec2 v_uv;
out vec4 fragColor;
void main() {
  vec4 color = texture(u_picture, v_uv);
  // Most of the picture is empty: skipping the blend there is most of this pass's cost without a GPU.
  if (color.a == 0.0) discard;
  fragColor = color;
}`;

/** sigma binds its data textures to units 0 to 7; the cache keeps to one of its own. */
const CACHE_TEXTURE_UNIT = 12;

/** One item's four vertices: x, y (and for edges x, y of the other end), size, colour as four bytes. */
const NODE_FLOATS = 4;
const EDGE_FLOATS = 6;

export interface NodeItems {
  count: number;
  /** Per item, in draw order: position (framed graph coordinates, as sigma's matrix takes them), radius, packed RGBA colour. */
  x: Float32Array;
  y: Float32Array;
  size: Float32Array;
  colour: Uint32Array;
}

export interface EdgeItems {
  count: number;
  sourceX: Float32Array;
  sourceY: Float32Array;
  targetX: Float32Array;
  targetY: Float32Array;
  size: Float32Array;
  colour: Uint32Array;
}

interface Attribute {
  name: string;
  size: number;
  type: 'float' | 'colour';
}

/** A program drawing `count` quads from one interleaved vertex buffer (four vertices per quad) and a shared index buffer. */
class QuadLayer {
  private readonly program: WebGLProgram;
  private readonly vertexArray: WebGLVertexArrayObject;
  private readonly vertices: WebGLBuffer;
  private readonly indices: WebGLBuffer;
  private readonly uniforms = new Map<string, WebGLUniformLocation | null>();
  private indexCapacity = 0;
  private count = 0;

  constructor(
    private readonly gl: WebGL2RenderingContext,
    vertexSource: string,
    fragmentSource: string,
    private readonly floatsPerVertex: number,
    attributes: readonly Attribute[],
  ) {
    this.program = linkProgram(gl, vertexSource, fragmentSource);
    this.vertexArray = gl.createVertexArray();
    this.vertices = gl.createBuffer();
    this.indices = gl.createBuffer();
    gl.bindVertexArray(this.vertexArray);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.vertices);
    const stride = floatsPerVertex * 4;
    let offset = 0;
    for (const attribute of attributes) {
      const location = gl.getAttribLocation(this.program, attribute.name);
      if (location >= 0) {
        gl.enableVertexAttribArray(location);
        if (attribute.type === 'colour') gl.vertexAttribPointer(location, 4, gl.UNSIGNED_BYTE, true, stride, offset);
        else gl.vertexAttribPointer(location, attribute.size, gl.FLOAT, false, stride, offset);
      }
      offset += attribute.type === 'colour' ? 4 : attribute.size * 4;
    }
    gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, this.indices);
    gl.bindVertexArray(null);
    gl.bindBuffer(gl.ARRAY_BUFFER, null);
  }

  /** Uploads the vertices (`count` quads, four vertices each). */
  upload(data: Float32Array, count: number): void {
    const { gl } = this;
    this.count = count;
    gl.bindVertexArray(this.vertexArray);
    if (count > this.indexCapacity) {
      // Two triangles per quad: 0 1 2, 2 1 3.
      const indices = new Uint32Array(count * 6);
      for (let quad = 0; quad < count; quad++) {
        const base = quad * 4;
        indices.set([base, base + 1, base + 2, base + 2, base + 1, base + 3], quad * 6);
      }
      gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, indices, gl.STATIC_DRAW);
      this.indexCapacity = count;
    }
    gl.bindBuffer(gl.ARRAY_BUFFER, this.vertices);
    gl.bufferData(gl.ARRAY_BUFFER, data.subarray(0, count * 4 * this.floatsPerVertex), gl.DYNAMIC_DRAW);
    gl.bindBuffer(gl.ARRAY_BUFFER, null);
    gl.bindVertexArray(null);
  }

  draw(params: RenderParams, extraUniforms: Record<string, number> = {}): void {
    if (this.count === 0) return;
    const { gl } = this;
    gl.useProgram(this.program);
    gl.uniformMatrix3fv(this.uniform('u_matrix'), false, params.matrix);
    gl.uniform2f(this.uniform('u_resolution'), params.width, params.height);
    gl.uniform1f(this.uniform('u_sizeRatio'), params.sizeRatio);
    for (const [name, value] of Object.entries(extraUniforms)) gl.uniform1f(this.uniform(name), value);
    // Premultiplied alpha, as sigma blends.
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA);
    gl.bindVertexArray(this.vertexArray);
    gl.drawElements(gl.TRIANGLES, this.count * 6, gl.UNSIGNED_INT, 0);
    gl.bindVertexArray(null);
  }

  kill(): void {
    const { gl } = this;
    gl.deleteBuffer(this.vertices);
    gl.deleteBuffer(this.indices);
    gl.deleteVertexArray(this.vertexArray);
    gl.deleteProgram(this.program);
  }

  private uniform(name: string): WebGLUniformLocation | null {
    if (!this.uniforms.has(name)) this.uniforms.set(name, this.gl.getUniformLocation(this.program, name));
    return this.uniforms.get(name)!;
  }
}

function linkProgram(gl: WebGL2RenderingContext, vertexSource: string, fragmentSource: string): WebGLProgram {
  const program = gl.createProgram();
  for (const [type, source] of [
    [gl.VERTEX_SHADER, vertexSource],
    [gl.FRAGMENT_SHADER, fragmentSource],
  ] as const) {
    const shader = gl.createShader(type);
    if (shader === null) throw new Error('WebGL could not create a shader');
    gl.shaderSource(shader, source);
    gl.compileShader(shader);
    gl.attachShader(program, shader);
    gl.deleteShader(shader);
  }
  gl.linkProgram(program);
  // Checked once, after linking: asking for each shader's status first would wait for the GPU twice more.
  if (!gl.getProgramParameter(program, gl.LINK_STATUS)) throw new Error(`the graph's WebGL program did not link: ${gl.getProgramInfoLog(program) ?? 'no log'}`);
  return program;
}

/** Writes the items into the interleaved layout the programs read: floats, then the colour's four bytes in the last float's place. */
function interleave(floats: Float32Array, count: number, perVertex: number, columns: readonly Float32Array[], colour: Uint32Array): Float32Array {
  const words = new Uint32Array(floats.buffer, floats.byteOffset, floats.length);
  for (let item = 0; item < count; item++) {
    for (let vertex = 0; vertex < 4; vertex++) {
      const base = (item * 4 + vertex) * perVertex;
      for (let column = 0; column < columns.length; column++) floats[base + column] = columns[column]![item]!;
      words[base + columns.length] = colour[item]!;
    }
  }
  return floats;
}

/**
 * Every node and edge, drawn into a texture (the picture) and the picture
 * onto the canvas. The picture is drawn again when the items or the camera
 * have changed, except while the camera moves (`reuse`): then the picture it
 * holds is drawn moved and scaled as the camera has moved since (an affine
 * transform of one quad), so a pan or a zoom costs one textured quad a frame
 * instead of thousands of items, and everything stays in view. What was
 * outside the view when the picture was drawn is missing until the move ends
 * and it is drawn again. A frame that only changes what sigma draws (hover,
 * a label) reuses the picture as it is.
 */
export class BulkLayer {
  private readonly nodes: QuadLayer;
  private readonly edges: QuadLayer;
  private nodeFloats = new Float32Array(0);
  private edgeFloats = new Float32Array(0);
  private nodeCount = 0;
  private edgeCount = 0;
  private readonly cacheProgram: WebGLProgram;
  private readonly cacheVertexArray: WebGLVertexArrayObject;
  private readonly transformLocation: WebGLUniformLocation | null;
  private readonly pictureLocation: WebGLUniformLocation | null;
  private readonly rectLocation: WebGLUniformLocation | null;
  private readonly framebuffer: WebGLFramebuffer;
  private readonly texture: WebGLTexture;
  private textureWidth = 0;
  private textureHeight = 0;
  /** The items' bounding boxes (framed graph coordinates), and the biggest node; the picture's clip rectangle they cover. */
  private nodeBounds = emptyBounds();
  private edgeBounds = emptyBounds();
  private largestNode = 0;
  private cachedRect = new Float32Array(4);
  /** The matrix the picture was drawn with, and the items' version then; null: no picture. */
  private cachedMatrix: Float32Array | null = null;
  private cachedVersion = -1;
  private version = 0;

  constructor(private readonly gl: WebGL2RenderingContext) {
    this.nodes = new QuadLayer(gl, NODE_VERTEX, NODE_FRAGMENT, NODE_FLOATS, [
      { name: 'a_position', size: 2, type: 'float' },
      { name: 'a_size', size: 1, type: 'float' },
      { name: 'a_color', size: 1, type: 'colour' },
    ]);
    this.edges = new QuadLayer(gl, EDGE_VERTEX, EDGE_FRAGMENT, EDGE_FLOATS, [
      { name: 'a_source', size: 2, type: 'float' },
      { name: 'a_target', size: 2, type: 'float' },
      { name: 'a_size', size: 1, type: 'float' },
      { name: 'a_color', size: 1, type: 'colour' },
    ]);
    this.cacheProgram = linkProgram(gl, CACHE_VERTEX, CACHE_FRAGMENT);
    this.cacheVertexArray = gl.createVertexArray();
    this.transformLocation = gl.getUniformLocation(this.cacheProgram, 'u_transform');
    this.pictureLocation = gl.getUniformLocation(this.cacheProgram, 'u_picture');
    this.rectLocation = gl.getUniformLocation(this.cacheProgram, 'u_rect');
    this.framebuffer = gl.createFramebuffer();
    this.texture = gl.createTexture();
  }

  setNodes(items: NodeItems): void {
    const needed = items.count * 4 * NODE_FLOATS;
    if (this.nodeFloats.length < needed) this.nodeFloats = new Float32Array(needed);
    this.nodes.upload(interleave(this.nodeFloats, items.count, NODE_FLOATS, [items.x, items.y, items.size], items.colour), items.count);
    this.nodeCount = items.count;
    this.nodeBounds = boundsOf([items.x], [items.y], items.count);
    this.largestNode = items.size.subarray(0, items.count).reduce((largest, size) => Math.max(largest, size), 0);
    this.version++;
  }

  setEdges(items: EdgeItems): void {
    const needed = items.count * 4 * EDGE_FLOATS;
    if (this.edgeFloats.length < needed) this.edgeFloats = new Float32Array(needed);
    this.edges.upload(interleave(this.edgeFloats, items.count, EDGE_FLOATS, [items.sourceX, items.sourceY, items.targetX, items.targetY, items.size], items.colour), items.count);
    this.edgeCount = items.count;
    this.edgeBounds = boundsOf([items.sourceX, items.targetX], [items.sourceY, items.targetY], items.count);
    this.version++;
  }

  /**
   * Draws the items; `reuse`: the camera is moving, draw the picture moved
   * rather than draw it again. Returns false when what it drew is such a
   * moved picture, which wants drawing again once the camera stops.
   */
  render(params: RenderParams, reuse: boolean): boolean {
    if (this.nodeCount === 0 && this.edgeCount === 0) return true;
    const width = Math.round(params.width * params.pixelRatio);
    const height = Math.round(params.height * params.pixelRatio);
    const usable = this.cachedMatrix !== null && this.cachedVersion === this.version && width === this.textureWidth && height === this.textureHeight;
    const exact = usable && sameMatrix(this.cachedMatrix!, params.matrix);
    if (!exact && !(usable && reuse)) this.paint(params, width, height);
    this.drawPicture(params.matrix);
    return exact || !(usable && reuse);
  }

  kill(): void {
    const { gl } = this;
    this.nodes.kill();
    this.edges.kill();
    gl.deleteProgram(this.cacheProgram);
    gl.deleteVertexArray(this.cacheVertexArray);
    gl.deleteFramebuffer(this.framebuffer);
    gl.deleteTexture(this.texture);
  }

  private paint(params: RenderParams, width: number, height: number): void {
    const { gl } = this;
    gl.activeTexture(gl.TEXTURE0 + CACHE_TEXTURE_UNIT);
    gl.bindTexture(gl.TEXTURE_2D, this.texture);
    if (width !== this.textureWidth || height !== this.textureHeight) {
      gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, width, height, 0, gl.RGBA, gl.UNSIGNED_BYTE, null);
      // Nearest: the picture is drawn pixel for pixel when the camera has not moved; cheaper, too, without a GPU.
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
      gl.bindFramebuffer(gl.FRAMEBUFFER, this.framebuffer);
      gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, this.texture, 0);
      this.textureWidth = width;
      this.textureHeight = height;
    }
    gl.activeTexture(gl.TEXTURE0);
    gl.bindFramebuffer(gl.FRAMEBUFFER, this.framebuffer);
    gl.viewport(0, 0, width, height);
    gl.clearColor(0, 0, 0, 0);
    gl.clear(gl.COLOR_BUFFER_BIT);
    this.edges.draw(params, { u_minThickness: params.minEdgeThickness });
    this.nodes.draw(params);
    // Back to the canvas, as sigma left it.
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    gl.viewport(0, 0, width, height);
    this.cachedMatrix = Float32Array.from(params.matrix);
    this.cachedVersion = this.version;
    // The items' box in the picture, wider by the biggest node's radius and a few pixels for rims, within the picture.
    const bounds = { x1: Math.min(this.nodeBounds.x1, this.edgeBounds.x1), y1: Math.min(this.nodeBounds.y1, this.edgeBounds.y1), x2: Math.max(this.nodeBounds.x2, this.edgeBounds.x2), y2: Math.max(this.nodeBounds.y2, this.edgeBounds.y2) };
    const corners = [applyMatrix(params.matrix, bounds.x1, bounds.y1), applyMatrix(params.matrix, bounds.x2, bounds.y2)];
    const margin = this.largestNode / params.sizeRatio + 4;
    const marginX = (margin * 2) / params.width;
    const marginY = (margin * 2) / params.height;
    this.cachedRect = Float32Array.from([
      Math.max(-1, Math.min(corners[0]![0], corners[1]![0]) - marginX),
      Math.max(-1, Math.min(corners[0]![1], corners[1]![1]) - marginY),
      Math.min(1, Math.max(corners[0]![0], corners[1]![0]) + marginX),
      Math.min(1, Math.max(corners[0]![1], corners[1]![1]) + marginY),
    ]);
  }

  private drawPicture(matrix: Float32Array): void {
    const { gl } = this;
    gl.useProgram(this.cacheProgram);
    gl.uniformMatrix3fv(this.transformLocation, false, multiplyMatrices(matrix, invertAffine(this.cachedMatrix!)));
    gl.activeTexture(gl.TEXTURE0 + CACHE_TEXTURE_UNIT);
    gl.bindTexture(gl.TEXTURE_2D, this.texture);
    gl.uniform1i(this.pictureLocation, CACHE_TEXTURE_UNIT);
    gl.uniform4fv(this.rectLocation, this.cachedRect);
    gl.activeTexture(gl.TEXTURE0);
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA);
    gl.bindVertexArray(this.cacheVertexArray);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    gl.bindVertexArray(null);
  }
}

interface Bounds {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

function emptyBounds(): Bounds {
  return { x1: Infinity, y1: Infinity, x2: -Infinity, y2: -Infinity };
}

function boundsOf(xs: readonly Float32Array[], ys: readonly Float32Array[], count: number): Bounds {
  const bounds = emptyBounds();
  for (const column of xs)
    for (let item = 0; item < count; item++) {
      bounds.x1 = Math.min(bounds.x1, column[item]!);
      bounds.x2 = Math.max(bounds.x2, column[item]!);
    }
  for (const column of ys)
    for (let item = 0; item < count; item++) {
      bounds.y1 = Math.min(bounds.y1, column[item]!);
      bounds.y2 = Math.max(bounds.y2, column[item]!);
    }
  return bounds;
}
