import { compareText } from '../../core/compare.js';
import { silentSink, type EventSink } from '../../core/events.js';
import { toPurl } from '../../core/package.js';
import type { NpmRegistry } from '../../ecosystems/npm/registry.js';
import type { NpmManifest, NpmPackument } from '../../ecosystems/npm/schema.js';
import type { EdgeKind, GraphEdge } from '../types.js';
import { pickManifest, type PickOptions } from './pick-manifest.js';
import { PlaceDep, type PlacementNotes } from './place-dep.js';
import { parseNpmSpec } from './spec.js';
import { TreeNode, gatherDepSet, setParent, type NodePackage, type TreeEdge } from './tree.js';

/**
 * `resolveNpm`: the tree a fresh `npm install --package-lock-only` writes for
 * a package.json whose `dependencies` are the roots — arborist's
 * buildIdealTree (hoisted strategy, no lockfile, no node_modules), driven by
 * the npm registry client. Each dependency reuses an already placed version
 * that satisfies it (nearest up the tree), else npm's pick (the `latest` tag
 * when it satisfies, else the highest satisfying, deprecated and
 * engine-incompatible versions last); peers come along in the same step and
 * go beside their dependent; optional dependencies are kept whatever their
 * os/cpu (npm records every platform's in the lockfile).
 */

export interface NpmRoot {
  name: string;
  /** A range, version or dist-tag; absent means `*` (npm then prefers `latest`). */
  range?: string;
}

export interface ResolveNpmOptions {
  registry: NpmRegistry;
  events?: EventSink;
  /** Ignore versions published after this instant (npm's `--before`); needs full packuments. */
  before?: Date | null;
  /** The node version `engines.node` is checked against (npm uses the running node). */
  nodeVersion?: string;
  /** The npm version `engines.npm` is checked against; null skips it. */
  npmVersion?: string | null;
  /**
   * Which packument form to fetch. Default: `full` with `before` (publish
   * times are only there), else `abbreviated`. Ask for `full` when the same
   * registry client will be asked for signals afterwards: one request per
   * package instead of two.
   */
  form?: 'abbreviated' | 'full';
}

/** One entry of the lockfile's `packages`, keyed by its install path. */
export interface NpmLockEntry {
  /** `node_modules/a/node_modules/b`. */
  location: string;
  /** The folder name (the alias, for `npm:` aliases). */
  name: string;
  /** The real package name. */
  packageName: string;
  version: string;
  dev: boolean;
  optional: boolean;
  devOptional: boolean;
  peer: boolean;
  extraneous: boolean;
  /** An optional dependency npm would not install on this platform, or one whose load failed. */
  inert: boolean;
  integrity: string | null;
  resolved: string | null;
}

export interface NpmResolution {
  /** Every installed package, sorted by location: what package-lock.json `packages` holds (without the root). */
  packages: NpmLockEntry[];
  /** Dependency edges between packages (and from the root, `from: ''`), by install location. */
  edges: { from: string; to: string | null; name: string; spec: string; type: TreeEdge['type']; valid: boolean }[];
  /** Dependencies that could not be loaded (no such package, no matching version, unsupported spec). */
  failures: { name: string; spec: string; requiredBy: string; reason: string; optional: boolean }[];
  /** npm's "overriding peer dependency" warnings. */
  peerConflicts: string[];
  /** Cases npm handles that this resolver does not model (bundled or shrinkwrapped packages, link loops). */
  unsupported: string[];
  /** Packument requests made through the registry client. */
  packumentRequests: number;
}

const collator = new Intl.Collator('en');
const MAX_STEPS = 1_000_000;

/** npm's queue: shallower nodes first, then by path, so placements do not depend on fetch order. */
class DepsQueue {
  private items: TreeNode[] = [];
  private sorted = true;

  get length(): number {
    return this.items.length;
  }

  push(node: TreeNode): void {
    if (this.items.includes(node)) return;
    this.items.push(node);
    this.sorted = false;
  }

  pop(): TreeNode | undefined {
    if (!this.sorted) {
      const keyed = this.items.map((node) => ({ node, depth: node.depth, location: node.location }));
      keyed.sort((a, b) => a.depth - b.depth || collator.compare(a.location, b.location));
      this.items = keyed.map((entry) => entry.node);
      this.sorted = true;
    }
    return this.items.shift();
  }
}

function integrityOf(manifest: NpmManifest): string | undefined {
  if (manifest.dist?.integrity) return manifest.dist.integrity;
  if (manifest.dist?.shasum) return `sha1-${Buffer.from(manifest.dist.shasum, 'hex').toString('base64')}`;
  return undefined;
}

/** A registry manifest as pacote hands it to arborist: optionalDependencies removed from dependencies, bundles as a list. */
export function toNodePackage(manifest: NpmManifest): NodePackage {
  const optional = manifest.optionalDependencies;
  let dependencies = manifest.dependencies;
  if (dependencies && optional) {
    dependencies = Object.fromEntries(Object.entries(dependencies).filter(([name]) => !(name in optional)));
  }
  const bundleField = manifest.bundleDependencies ?? manifest.bundledDependencies;
  let bundleDependencies: string[] | undefined;
  if (bundleField === true) bundleDependencies = Object.keys(manifest.dependencies ?? {});
  else if (Array.isArray(bundleField)) bundleDependencies = bundleField;
  else if (bundleField && typeof bundleField === 'object') bundleDependencies = Object.keys(bundleField);
  return {
    name: manifest.name,
    version: manifest.version,
    dependencies,
    optionalDependencies: optional,
    peerDependencies: manifest.peerDependencies,
    peerDependenciesMeta: manifest.peerDependenciesMeta,
    bundleDependencies: bundleDependencies && bundleDependencies.length > 0 ? bundleDependencies : undefined,
    hasShrinkwrap: manifest._hasShrinkwrap === true,
    integrity: integrityOf(manifest),
    resolved: manifest.dist?.tarball,
  };
}

export async function resolveNpm(roots: readonly NpmRoot[], options: ResolveNpmOptions): Promise<NpmResolution> {
  const builder = new IdealTreeBuilder(options);
  const tree = await builder.build(roots);
  return builder.result(tree);
}

class IdealTreeBuilder {
  private readonly registry: NpmRegistry;
  private readonly events: EventSink;
  private readonly pick: PickOptions;
  private readonly form: 'abbreviated' | 'full';
  private readonly queue = new DepsQueue();
  private readonly seen = new Set<TreeNode>();
  private readonly virtualRoots = new Map<TreeNode, TreeNode>();
  private readonly peerSetSource = new WeakMap<TreeNode, TreeNode>();
  private readonly manifests = new Map<string, Promise<{ ok: true; pkg: NodePackage } | { ok: false; reason: string }>>();
  private readonly packuments = new Map<string, Promise<NpmPackument | null>>();
  private readonly loadFailures = new Set<TreeNode>();
  private readonly failureDetails = new Map<TreeNode, { spec: string; requiredBy: string; reason: string }>();
  private readonly notes: PlacementNotes = { peerConflicts: [], unsupported: [] };
  private root!: TreeNode;
  private requests = 0;

  constructor(options: ResolveNpmOptions) {
    this.registry = options.registry;
    this.events = options.events ?? silentSink;
    const before = options.before ?? null;
    this.pick = { before, nodeVersion: options.nodeVersion ?? process.version, npmVersion: options.npmVersion ?? null };
    // Publish times (for `before`) are only in full packuments, as npm itself fetches them then.
    this.form = options.form ?? (before ? 'full' : 'abbreviated');
  }

  async build(roots: readonly NpmRoot[]): Promise<TreeNode> {
    const dependencies: Record<string, string> = {};
    for (const root of roots) dependencies[root.name] = root.range ?? '*';
    this.root = new TreeNode({ name: 'chainwatch-npm-root', pkg: { dependencies }, loadDev: true });
    this.queue.push(this.root);
    let steps = 0;
    while (this.queue.length > 0) {
      const node = this.queue.pop()!;
      await this.buildDepStep(node);
      // npm's loop re-queues nodes whose edges a placement broke; it always settles. If it does not, that is a bug here.
      if (++steps > MAX_STEPS) throw new Error(`npm resolution did not settle after ${MAX_STEPS} steps`);
    }
    calcDepFlags(this.root);
    this.pruneFailedOptional();
    return this.root;
  }

  private packument(name: string): Promise<NpmPackument | null> {
    let pending = this.packuments.get(name);
    if (!pending) {
      this.requests += 1;
      pending = this.registry.packument(name, this.form);
      this.packuments.set(name, pending);
      // Failures surface where the packument is awaited; keep the prefetch from going unhandled.
      pending.catch(() => undefined);
    }
    return pending;
  }

  /** Fetch ahead: every dependency of a package we are about to use will be asked for soon. */
  private prefetch(pkg: NodePackage): void {
    const specs = [
      ...Object.entries(pkg.dependencies ?? {}),
      ...Object.entries(pkg.optionalDependencies ?? {}),
      ...Object.entries(pkg.peerDependencies ?? {}),
    ];
    for (const [name, raw] of specs) {
      const spec = parseNpmSpec(raw);
      if (spec.type === 'unsupported') continue;
      void this.packument(spec.type === 'alias' ? spec.packageName : name);
    }
  }

  private fetchManifest(name: string, spec: string): Promise<{ ok: true; pkg: NodePackage } | { ok: false; reason: string }> {
    const key = `${name}@${spec}`;
    let pending = this.manifests.get(key);
    if (!pending) {
      pending = (async () => {
        const parsed = parseNpmSpec(spec);
        if (parsed.type === 'unsupported') return { ok: false as const, reason: `unsupported spec "${spec}" (only registry versions, ranges, tags and npm: aliases)` };
        const packageName = parsed.type === 'alias' ? parsed.packageName : name;
        const packument = await this.packument(packageName);
        if (!packument) return { ok: false as const, reason: `no package ${packageName} in the registry` };
        const picked = pickManifest(packument, parsed, this.pick);
        if (!picked.ok) return { ok: false as const, reason: `${packageName}@${spec}: ${picked.reason}` };
        const pkg = toNodePackage(picked.manifest);
        this.prefetch(pkg);
        return { ok: true as const, pkg };
      })();
      this.manifests.set(key, pending);
    }
    return pending;
  }

  private async nodeFromSpec(name: string, spec: string, parent: TreeNode, edge: TreeEdge): Promise<TreeNode> {
    const manifest = await this.fetchManifest(name, spec);
    if (manifest.ok) return new TreeNode({ name, pkg: manifest.pkg, parent });
    const failure = new TreeNode({ name, parent, error: manifest.reason });
    this.loadFailures.add(failure);
    this.failureDetails.set(failure, { spec, requiredBy: edge.from?.location ?? '', reason: manifest.reason });
    return failure;
  }

  private virtualRoot(node: TreeNode, reuse = false): TreeNode {
    const existing = reuse ? this.virtualRoots.get(node) : undefined;
    if (existing) return existing;
    const virtualRoot = new TreeNode({ name: node.name, sourceReference: node });
    this.virtualRoots.set(node, virtualRoot);
    return virtualRoot;
  }

  private problemEdges(node: TreeNode): TreeEdge[] {
    const bundled = new Set(node.isProjectRoot ? [] : (node.package.bundleDependencies ?? []));
    const problems: TreeEdge[] = [];
    for (const edge of node.edgesOut.values()) {
      if (bundled.has(edge.name)) continue;
      if (edge.to && this.loadFailures.has(edge.to)) continue;
      if (!edge.to) {
        if (edge.type !== 'peerOptional') problems.push(edge);
        continue;
      }
      if (!edge.valid) problems.push(edge);
    }
    return problems;
  }

  private async buildDepStep(node: TreeNode): Promise<void> {
    if (this.seen.has(node) || node.root !== this.root) return;
    if (node.package.hasShrinkwrap) {
      // With --package-lock-only npm unpacks the tarball and takes the dependencies from its npm-shrinkwrap.json.
      this.notes.unsupported.push(`${node.name}@${node.version} ships npm-shrinkwrap.json: npm would install its locked tree`);
    }
    if (node !== this.root && node.package.bundleDependencies) {
      this.notes.unsupported.push(`${node.name}@${node.version} bundles ${node.package.bundleDependencies.join(', ')}: npm records the bundled tree from the tarball`);
    }
    this.seen.add(node);
    this.events.emit({ type: 'progress', task: 'npm-resolve', done: this.seen.size, detail: node.location || '(root)' });

    const tasks: { edge: TreeEdge; dep: TreeNode }[] = [];
    const peerSource = this.peerSetSource.get(node) ?? node;
    const problems = this.problemEdges(node);
    // Start every fetch at once; placement below stays in npm's order.
    for (const edge of problems) void this.fetchManifest(edge.name, edge.spec).catch(() => undefined);
    for (const edge of problems) {
      if (edge.peerConflicted) continue;
      const source = edge.peer ? peerSource : node;
      const virtualRoot = this.virtualRoot(source, true);
      const virtualEdge = virtualRoot.edgesOut.get(edge.name);
      const virtualDep = virtualEdge && virtualEdge.valid ? virtualEdge.to : null;
      const required = new Set<TreeNode>([edge.from!]);
      const parent = edge.peer ? virtualRoot : null;
      let dep: TreeNode | null = virtualDep && virtualDep.satisfies(edge) ? virtualDep : null;
      if (!dep && edge.type === 'peerOptional') dep = findHoistableNode(edge.from!.resolveParent ?? edge.from!, edge);
      if (!dep) dep = await this.nodeFromEdge(edge, parent, null, required);
      tasks.push({ edge, dep });
    }

    tasks.sort((a, b) => collator.compare(a.edge.name, b.edge.name));
    for (const { edge, dep } of tasks) {
      const placement = new PlaceDep({ edge, dep, notes: this.notes });
      this.visitPlacement(placement);
    }
  }

  private visitPlacement(placement: PlaceDep): void {
    const { placed, edge, canPlace } = placement;
    if (placed) {
      if (placed.errors.length > 0) {
        this.loadFailures.add(placed);
        const detail = this.failureDetails.get(placement.dep);
        if (detail) this.failureDetails.set(placed, detail);
      }
      if (canPlace && (canPlace.canPlaceSelf === 'OK' || canPlace.canPlaceSelf === 'REPLACE')) {
        for (const edgeIn of placed.edgesIn) {
          if (edgeIn === edge) continue;
          if (!edgeIn.peerConflicted && !edgeIn.valid) {
            this.seen.delete(edgeIn.from!);
            this.queue.push(edgeIn.from!);
          }
        }
      }
      this.queue.push(placed);
      for (const dep of placement.needEvaluation) {
        this.seen.delete(dep);
        this.queue.push(dep);
      }
    }
    for (const child of placement.children) this.visitPlacement(child);
  }

  private async nodeFromEdge(edge: TreeEdge, parentOrNull: TreeNode | null, secondEdge: TreeEdge | null, required: Set<TreeNode>): Promise<TreeNode> {
    const parent = parentOrNull ?? this.virtualRoot(edge.from!);
    const first = await this.nodeFromSpec(edge.name, edge.spec, parent, edge);
    const second = secondEdge && !secondEdge.valid ? await this.nodeFromSpec(edge.name, secondEdge.spec, parent, secondEdge) : null;
    const node = second && edge.valid ? second : first;
    setParent(node, parent);
    if (
      (required.has(edge.from!) && edge.type !== 'peerOptional') ||
      (secondEdge && required.has(secondEdge.from!) && secondEdge.type !== 'peerOptional')
    ) {
      required.add(node);
    }
    if (parent.sourceReference) this.peerSetSource.set(node, parent.sourceReference);
    return this.loadPeerSet(node, required);
  }

  /** Load the peers (and their peers) of a node into its virtual root, so the whole set is placed together. */
  private async loadPeerSet(node: TreeNode, required: Set<TreeNode>): Promise<TreeNode> {
    const peerEdges = [...node.edgesOut.values()]
      .filter((edge) => edge.peer && !(edge.valid && edge.to))
      .sort((a, b) => collator.compare(a.name, b.name));
    for (const edge of peerEdges) {
      if (!node.parent) break;
      if (edge.valid && edge.to) continue;
      const parentEdge = node.parent.edgesOut.get(edge.name);
      if (!edge.to) {
        if (!parentEdge) {
          await this.nodeFromEdge(edge, node.parent, null, required);
          continue;
        }
        const dep = await this.nodeFromEdge(parentEdge, node.parent, edge, required);
        if (edge.valid) continue;
        // npm fails with ERESOLVE only for the project's own peer conflicts; we record it and go on.
        if (!required.has(dep) || !node.parent?.sourceReference?.isProjectRoot) {
          edge.peerConflicted = true;
          continue;
        }
        edge.peerConflicted = true;
        this.notes.peerConflicts.push(`ERESOLVE: ${node.name}@${node.version} wants peer ${edge.name}@${edge.spec}, the project has ${edge.name}@${parentEdge.spec}`);
        continue;
      }
      const current = edge.to;
      const dep = await this.nodeFromEdge(edge, null, null, required);
      if (dep.canReplace(current)) {
        await this.nodeFromEdge(edge, node.parent, null, required);
        continue;
      }
      // Otherwise npm leaves the conflicting peer for placement to sort out (or fail on).
    }
    return node;
  }

  private pruneFailedOptional(): void {
    for (const node of this.loadFailures) {
      if (node.root !== this.root) continue;
      for (const member of optionalSet(node)) member.inert = true;
    }
  }

  result(tree: TreeNode): NpmResolution {
    const packages: NpmLockEntry[] = [];
    const edges: NpmResolution['edges'] = [];
    for (const node of tree.inventory) {
      for (const edge of node.edgesOut.values()) {
        edges.push({ from: node.location, to: edge.to?.location ?? null, name: edge.name, spec: edge.spec, type: edge.type, valid: edge.valid });
      }
      if (node === tree) continue;
      // npm leaves versionless failed optional dependencies out of the lockfile.
      if (node.inert && !node.version) continue;
      packages.push({
        location: node.location,
        name: node.name,
        packageName: node.packageName ?? node.name,
        version: node.version,
        dev: node.dev,
        optional: node.optional,
        devOptional: node.devOptional && !node.dev && !node.optional,
        peer: node.peer,
        extraneous: node.extraneous,
        inert: node.inert,
        integrity: node.integrity,
        resolved: node.resolved,
      });
    }
    packages.sort((a, b) => compareText(a.location, b.location));
    const failures: NpmResolution['failures'] = [];
    for (const node of this.loadFailures) {
      const detail = this.failureDetails.get(node);
      if (!detail || node.root !== tree) continue;
      failures.push({ name: node.name, ...detail, optional: node.optional });
    }
    return {
      packages,
      edges,
      failures,
      peerConflicts: [...this.notes.peerConflicts],
      unsupported: [...new Set(this.notes.unsupported)],
      packumentRequests: this.requests,
    };
  }
}

function findHoistableNode(start: TreeNode, edge: TreeEdge): TreeNode | null {
  // Breadth first, with a read index instead of shift() and a loop instead of push(...children): a node may have any number of children.
  const queue = [...start.children.values()];
  for (let next = 0; next < queue.length; next++) {
    const node = queue[next]!;
    if (node.name === edge.name && node.satisfies(edge)) return node;
    for (const child of node.children.values()) queue.push(child);
  }
  return null;
}

/** arborist's calcDepFlags: flags start true and are cleared along non-dev, non-optional, non-peer edges from the root. */
function calcDepFlags(root: TreeNode): void {
  root.dev = false;
  root.optional = false;
  root.devOptional = false;
  root.peer = false;
  root.extraneous = false;
  const seen = new Set<TreeNode>();
  const queue = [root];
  let node: TreeNode | undefined;
  while ((node = queue.pop())) {
    seen.add(node);
    if (!node.extraneous) {
      for (let up = node.resolveParent; up?.extraneous; up = up.resolveParent) up.extraneous = false;
    }
    for (const { peer, optional, dev, to } of node.edgesOut.values()) {
      if (!to) continue;
      let changed = false;
      if (to.extraneous && !node.extraneous && !(peer && optional)) {
        to.extraneous = false;
        changed = true;
      }
      if (to.dev && !node.dev && !dev) {
        to.dev = false;
        changed = true;
      }
      if (to.optional && !node.optional && !optional) {
        to.optional = false;
        changed = true;
      }
      if (to.devOptional && !node.devOptional && !node.dev && !node.optional && !dev && !optional) {
        to.devOptional = false;
        changed = true;
      }
      if (to.peer && !node.peer && !peer) {
        to.peer = false;
        changed = true;
      }
      if (changed) queue.push(to);
    }
  }
  seen.delete(root);
  for (const visited of seen) {
    if (visited.devOptional && (visited.dev || visited.optional)) visited.devOptional = false;
  }
}

/** The nodes that go with a failed optional dependency: up to the optional edges, and what only they need. */
function optionalSet(node: TreeNode): Set<TreeNode> {
  const set = new Set([node]);
  for (const member of set) {
    for (const edge of member.edgesIn) if (!edge.optional) set.add(edge.from!);
  }
  return gatherDepSet(set, (edge) => !set.has(edge.to!) && !edge.from!.inert);
}

/**
 * name@version of every installed package: what the comparison with npm's lockfile uses.
 * @internal A test seam: resolve.test.ts compares it with npm's answer.
 */
export function installedSet(resolution: NpmResolution): string[] {
  return [...new Set(resolution.packages.map((entry) => `${entry.packageName}@${entry.version}`))].sort();
}

/** The resolution as graph edges between purls, with npm's edge kinds. */
export function toGraphEdges(resolution: NpmResolution, rootPurl: string): GraphEdge[] {
  const purlAt = new Map<string, string>([['', rootPurl]]);
  for (const entry of resolution.packages) purlAt.set(entry.location, toPurl('npm', entry.packageName, entry.version));
  const kinds: Record<TreeEdge['type'], EdgeKind> = { prod: 'runtime', optional: 'optional', peer: 'peer', peerOptional: 'peer', dev: 'dev' };
  const edges: GraphEdge[] = [];
  const seen = new Set<string>();
  for (const edge of resolution.edges) {
    if (edge.to === null) continue;
    const from = purlAt.get(edge.from);
    const to = purlAt.get(edge.to);
    if (!from || !to) continue;
    const key = `${from}\u0000${to}\u0000${edge.type}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const graphEdge: GraphEdge = { from, to, requirement: edge.spec, kind: kinds[edge.type] };
    if (edge.type === 'peerOptional') graphEdge.condition = 'optional peer';
    edges.push(graphEdge);
  }
  return edges;
}
