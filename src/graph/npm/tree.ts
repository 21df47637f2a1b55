import semver from 'semver';
import { parseNpmSpec, specAccepts } from './spec.js';

/**
 * The node_modules tree that npm (arborist) builds, reduced to what a
 * registry-only `npm install --package-lock-only` needs: nodes with a parent
 * and children, dependency edges that always point at what `require` would
 * find from their node (the nearest `node_modules/<name>` going up), and the
 * few questions arborist asks of them (satisfies, matches, canReplace,
 * canDedupe). Links, workspaces, overrides and bundled or shrinkwrapped
 * subtrees are out of scope (see readme.md).
 *
 * The invariant arborist keeps with its incremental reloads is kept here
 * directly: after every move, `edge.to === edge.from.resolve(edge.name)`.
 */

export type EdgeType = 'prod' | 'optional' | 'peer' | 'peerOptional' | 'dev';

/** What a node knows of its package: a registry manifest, normalised as pacote does. */
export interface NodePackage {
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional: boolean }>;
  devDependencies?: Record<string, string>;
  bundleDependencies?: string[];
  hasShrinkwrap?: boolean;
  integrity?: string;
  resolved?: string;
}

export class TreeEdge {
  from: TreeNode | null;
  readonly name: string;
  readonly spec: string;
  readonly type: EdgeType;
  to: TreeNode | null = null;
  peerConflicted = false;

  constructor(from: TreeNode, name: string, spec: string, type: EdgeType) {
    this.from = from;
    this.name = name;
    this.spec = spec;
    this.type = type;
    from.edgesOut.get(name)?.detach();
    from.edgesOut.set(name, this);
    indexEdge(from.root, this);
    this.reload();
  }

  get peer(): boolean {
    return this.type === 'peer' || this.type === 'peerOptional';
  }

  get optional(): boolean {
    return this.type === 'optional' || this.type === 'peerOptional';
  }

  get dev(): boolean {
    return this.type === 'dev';
  }

  satisfiedBy(node: TreeNode): boolean {
    if (node.name !== this.name || !this.from) return false;
    return specAccepts(parseNpmSpec(this.spec), node.packageName ?? node.name, node.version, node.fromRegistry);
  }

  /** null when fine; MISSING, PEER LOCAL, INVALID or DETACHED otherwise (arborist's Edge#error). */
  get error(): string | null {
    if (!this.from) return 'DETACHED';
    if (!this.to) return this.optional ? null : 'MISSING';
    if (this.peer && this.from === this.to.parent && !this.from.isTop) return 'PEER LOCAL';
    if (!this.satisfiedBy(this.to)) return 'INVALID';
    return null;
  }

  get valid(): boolean {
    return this.error === null;
  }

  reload(): void {
    const next = this.from ? this.from.resolve(this.name) : null;
    if (next === this.to) return;
    this.to?.edgesIn.delete(this);
    this.to = next;
    next?.edgesIn.add(this);
  }

  detach(): void {
    this.to?.edgesIn.delete(this);
    if (this.from) {
      this.from.edgesOut.delete(this.name);
      unindexEdge(this.from.root, this);
    }
    this.to = null;
    this.from = null;
  }
}

let nextNodeId = 0;

export class TreeNode {
  /** Creation order: a stable tie-break for debugging, not used in decisions. */
  readonly id = nextNodeId++;
  name: string;
  readonly package: NodePackage;
  readonly sourceReference: TreeNode | null;
  parent: TreeNode | null = null;
  root: TreeNode = this;
  readonly children = new Map<string, TreeNode>();
  readonly edgesOut = new Map<string, TreeEdge>();
  readonly edgesIn = new Set<TreeEdge>();
  /** A load failure (no such package, no matching version, unsupported spec). */
  readonly errors: string[];
  /** Root only: every node of the tree in the order it was added, the root first. */
  readonly inventory = new Set<TreeNode>();
  /** Root only: the edges of the tree by dependency name, so a move reloads only what it can change. */
  readonly edgeIndex = new Map<string, Set<TreeEdge>>();

  // Dependency flags, computed after the build (arborist's calcDepFlags).
  dev = true;
  optional = true;
  devOptional = true;
  peer = true;
  extraneous = true;
  inert = false;

  constructor(options: { name: string; pkg?: NodePackage; parent?: TreeNode | null; sourceReference?: TreeNode | null; error?: string; loadDev?: boolean }) {
    this.name = options.name;
    this.sourceReference = options.sourceReference ?? null;
    this.package = this.sourceReference ? this.sourceReference.package : (options.pkg ?? {});
    this.errors = options.error ? [options.error] : [];
    this.inventory.add(this);
    if (options.parent) setParent(this, options.parent);
    // Only the project (and virtual roots standing in for it) have devDependencies.
    loadDependencies(this, options.loadDev ?? (this.sourceReference ? this.sourceReference.isTop : false));
  }

  get version(): string {
    return this.package.version ?? '';
  }

  get packageName(): string | null {
    return this.package.name ?? null;
  }

  get integrity(): string | null {
    return this.package.integrity ?? null;
  }

  get resolved(): string | null {
    return this.package.resolved ?? null;
  }

  /** Every node we create from a manifest came from a registry. */
  get fromRegistry(): boolean {
    return this.errors.length === 0 && this.package.version !== undefined;
  }

  get isTop(): boolean {
    return this.parent === null;
  }

  get isProjectRoot(): boolean {
    return this.root === this;
  }

  get resolveParent(): TreeNode | null {
    return this.parent;
  }

  get depth(): number {
    return this.parent ? this.parent.depth + 1 : 0;
  }

  /** `node_modules/a/node_modules/@s/b`; the root is `''`. */
  get location(): string {
    if (!this.parent) return '';
    const above = this.parent.location;
    return `${above}${above ? '/' : ''}node_modules/${this.name}`;
  }

  /** This node, its parent, and so on up to the root. */
  *ancestry(): Generator<TreeNode> {
    yield this;
    for (let node = this.resolveParent; node; node = node.resolveParent) yield node;
  }

  /** What `require(name)` finds from here: the nearest node_modules/<name> going up. */
  resolve(name: string): TreeNode | null {
    return this.children.get(name) ?? this.parent?.resolve(name) ?? null;
  }

  isDescendantOf(other: TreeNode): boolean {
    for (const node of this.ancestry()) if (node === other) return true;
    return false;
  }

  satisfies(edge: TreeEdge): boolean {
    return this.name === edge.name && edge.satisfiedBy(this);
  }

  matches(other: TreeNode): boolean {
    if (other === this) return true;
    if (other.name !== this.name) return false;
    if (this.isProjectRoot && other.isProjectRoot) return false;
    if (this.integrity && other.integrity) return this.integrity === other.integrity;
    if (this.resolved && other.resolved) return this.resolved === other.resolved;
    return Boolean(this.packageName && this.packageName === other.packageName && this.version && this.version === other.version);
  }

  /** Could `replacement` take this node's place without breaking anything that depends on this node? */
  canReplaceWith(replacement: TreeNode, ignorePeers?: Iterable<string>): boolean {
    if (replacement.name !== this.name || replacement.packageName !== this.packageName) return false;
    const ignored = new Set(ignorePeers ?? []);
    const depSet = gatherDepSet([this], (edge) => edge.to !== this && edge.valid);
    for (const edge of this.edgesIn) {
      const from = edge.from!;
      if (!this.isTop && from.parent === this.parent && edge.peer && ignored.has(from.name)) continue;
      if (!depSet.has(from) && !edge.satisfiedBy(replacement)) return false;
    }
    return true;
  }

  canReplace(current: TreeNode, ignorePeers?: Iterable<string>): boolean {
    return current.canReplaceWith(this, ignorePeers);
  }

  /** Can this node go, because what its dependents would find further up serves them as well? */
  canDedupe(preferDedupe = false, explicitRequest = false): boolean {
    if (!this.resolveParent || !this.resolveParent.resolveParent) return false;
    if (this.edgesIn.size === 0) return true;
    const other = this.resolveParent.resolveParent.resolve(this.name);
    if (!other) return false;
    if (other.matches(this)) return true;
    if (!other.canReplace(this)) return false;
    if (preferDedupe || semver.eq(other.version, this.version, true)) return true;
    if (semver.gt(other.version, this.version, true)) return true;
    return explicitRequest;
  }
}

function indexEdge(root: TreeNode, edge: TreeEdge): void {
  let set = root.edgeIndex.get(edge.name);
  if (!set) {
    set = new Set();
    root.edgeIndex.set(edge.name, set);
  }
  set.add(edge);
}

function unindexEdge(root: TreeNode, edge: TreeEdge): void {
  root.edgeIndex.get(edge.name)?.delete(edge);
}

/** Edge order matters to placement: peer, optional peer, prod, optional — later kinds replace earlier ones of the same name. */
function loadDependencies(node: TreeNode, loadDev: boolean): void {
  const pkg = node.package;
  const meta = pkg.peerDependenciesMeta ?? {};
  const peers = Object.entries(pkg.peerDependencies ?? {});
  for (const [name, spec] of peers) if (!meta[name]?.optional) new TreeEdge(node, name, spec, 'peer');
  for (const [name, spec] of peers) if (meta[name]?.optional) new TreeEdge(node, name, spec, 'peerOptional');
  for (const [name, spec] of Object.entries(pkg.dependencies ?? {})) new TreeEdge(node, name, spec, 'prod');
  for (const [name, spec] of Object.entries(pkg.optionalDependencies ?? {})) new TreeEdge(node, name, spec, 'optional');
  if (loadDev) for (const [name, spec] of Object.entries(pkg.devDependencies ?? {})) new TreeEdge(node, name, spec, 'dev');
}

function subtreeOf(node: TreeNode): TreeNode[] {
  const nodes: TreeNode[] = [];
  const stack = [node];
  while (stack.length > 0) {
    const next = stack.pop()!;
    nodes.push(next);
    const kids = [...next.children.values()];
    for (let index = kids.length - 1; index >= 0; index -= 1) stack.push(kids[index]!);
  }
  return nodes;
}

function moveSubtree(nodes: readonly TreeNode[], from: TreeNode, to: TreeNode): void {
  if (from === to) return;
  for (const node of nodes) {
    from.inventory.delete(node);
    to.inventory.add(node);
    for (const edge of node.edgesOut.values()) unindexEdge(from, edge);
    node.root = to;
    for (const edge of node.edgesOut.values()) indexEdge(to, edge);
  }
}

function reloadAfterMove(nodes: readonly TreeNode[], roots: readonly TreeNode[]): void {
  const names = new Set(nodes.map((node) => node.name));
  for (const root of roots) {
    for (const name of names) {
      const edges = root.edgeIndex.get(name);
      if (edges) for (const edge of [...edges]) edge.reload();
    }
  }
  for (const node of nodes) for (const edge of node.edgesOut.values()) edge.reload();
}

/** Takes a node (and everything under it) out of its tree: it becomes the root of its own. */
export function detachNode(node: TreeNode): void {
  const parent = node.parent;
  if (!parent) return;
  const oldRoot = node.root;
  if (parent.children.get(node.name) === node) parent.children.delete(node.name);
  node.parent = null;
  const nodes = subtreeOf(node);
  moveSubtree(nodes, oldRoot, node);
  reloadAfterMove(nodes, [oldRoot, node]);
}

/** Moves a node (and its subtree) under `parent`, clobbering a child of the same name, as arborist's parent setter. */
export function setParent(node: TreeNode, parent: TreeNode | null): void {
  if (parent === node.parent || parent === node) return;
  if (node.parent) detachNode(node);
  if (!parent) return;
  const existing = parent.children.get(node.name);
  if (existing && existing !== node) detachNode(existing);
  const oldRoot = node.root;
  parent.children.set(node.name, node);
  node.parent = parent;
  const nodes = subtreeOf(node);
  moveSubtree(nodes, oldRoot, parent.root);
  reloadAfterMove(nodes, [parent.root]);
}

/** `replacement` takes `current`'s place and its children (arborist's Node#replace). */
export function replaceNode(replacement: TreeNode, current: TreeNode): void {
  for (const kid of [...current.children.values()]) setParent(kid, replacement);
  if (current.parent) setParent(replacement, current.parent);
}

/**
 * The nodes reachable from `set` that nothing outside the set depends on
 * (through edges that pass `edgeFilter`): what can go when the set goes.
 */
export function gatherDepSet(set: Iterable<TreeNode>, edgeFilter: (edge: TreeEdge) => boolean): Set<TreeNode> {
  const deps = new Set(set);
  for (const node of deps) {
    for (const edge of node.edgesOut.values()) if (edge.to && edgeFilter(edge)) deps.add(edge.to);
  }
  let changed = true;
  while (changed && deps.size > 0) {
    changed = false;
    for (const dep of deps) {
      for (const edge of dep.edgesIn) {
        if (!deps.has(edge.from!) && edgeFilter(edge)) {
          changed = true;
          deps.delete(dep);
          break;
        }
      }
    }
  }
  return deps;
}

/** Deepest place a dependency named `name` of `start` may go: not inside a node that has it as a peer. */
export function deepestNestingTarget(start: TreeNode, name: string): TreeNode {
  for (const target of start.ancestry()) {
    if (target.isProjectRoot || !target.resolveParent) return target;
    const edge = target.edgesOut.get(name);
    if (!edge || !edge.peer) return target;
  }
  return start;
}

/** The peer groups `node` belongs to, keyed by the edge that brought each group in. */
export function peerEntrySets(node: TreeNode): Map<TreeEdge, Set<TreeNode>> {
  const union = new Set([node]);
  for (const member of union) {
    for (const edge of member.edgesOut.values()) if (edge.valid && edge.peer && edge.to) union.add(edge.to);
    for (const edge of member.edgesIn) if (edge.valid && edge.peer) union.add(edge.from!);
  }
  const entrySets = new Map<TreeEdge, Set<TreeNode>>();
  for (const peer of union) {
    for (const edge of peer.edgesIn) {
      if (!edge.valid) continue;
      if (!edge.peer || edge.from!.isTop) {
        const sub = new Set([peer]);
        for (const member of sub) {
          for (const out of member.edgesOut.values()) if (out.valid && out.peer && out.to) sub.add(out.to);
        }
        if (sub.has(node)) entrySets.set(edge, sub);
      }
    }
  }
  return entrySets;
}
