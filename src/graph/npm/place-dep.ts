import semver from 'semver';
import {
  TreeNode,
  deepestNestingTarget,
  detachNode,
  gatherDepSet,
  peerEntrySets,
  replaceNode,
  setParent,
  type TreeEdge,
} from './tree.js';

/**
 * Where does a dependency go in node_modules? arborist's answer (its
 * can-place-dep and place-dep modules), for `npm install` without --force,
 * --strict-peer-deps, --prefer-dedupe or audit fixes:
 *
 * walk up from the deepest place the dependency may live (not inside a node
 * that has it as a peer) towards the root and keep the highest place where
 * it, and every peer it brings along, fits: nothing there yet (OK), the same
 * package already there (KEEP), or an older version there that every
 * dependent would accept in its stead (REPLACE). Stop at the first CONFLICT.
 * After placing, remove nested copies the new node makes redundant, and place
 * the peers of the placed node from the virtual root they were resolved in.
 */

export type Placement = 'OK' | 'KEEP' | 'REPLACE' | 'CONFLICT';

/** What the resolver learns while placing: warnings npm would print and cases we do not model. */
export interface PlacementNotes {
  peerConflicts: string[];
  unsupported: string[];
}

const collator = new Intl.Collator('en');

export class CanPlaceDep {
  readonly dep: TreeNode;
  readonly target: TreeNode;
  readonly edge: TreeEdge;
  readonly parent: CanPlaceDep | null;
  readonly peerPath: TreeNode[];
  readonly preferDedupe: boolean;
  readonly name: string;
  readonly current: TreeNode | undefined;
  readonly targetEdge: TreeEdge | undefined;
  readonly edgeOverride: boolean;
  readonly children: CanPlaceDep[] = [];
  canPlace: Placement;
  canPlaceSelf: Placement | null = null;
  private peersResult: Placement | null = null;

  constructor(options: { dep: TreeNode; target: TreeNode; edge: TreeEdge; parent?: CanPlaceDep | null; peerPath?: TreeNode[]; preferDedupe?: boolean }) {
    this.dep = options.dep;
    this.target = options.target;
    this.edge = options.edge;
    this.parent = options.parent ?? null;
    this.peerPath = options.peerPath ?? [];
    // Peers always try to dedupe: they are meant to be singletons.
    this.preferDedupe = Boolean(options.preferDedupe) || this.edge.peer;
    this.name = this.edge.name;
    this.current = this.target.children.get(this.name);
    this.targetEdge = this.target.edgesOut.get(this.name);
    this.edgeOverride = !this.dep.satisfies(this.edge);
    this.canPlace = this.checkCanPlace();
    if (!this.canPlaceSelf) this.canPlaceSelf = this.canPlace;
  }

  private checkCanPlace(): Placement {
    const { target, targetEdge, current, dep } = this;
    if (dep.errors.length > 0) return current ? 'REPLACE' : 'OK';
    // Peers cannot go inside their dependents, except at a top.
    if (targetEdge && targetEdge.peer && !target.isTop) return 'CONFLICT';
    if (!current && targetEdge && !dep.satisfies(targetEdge) && targetEdge !== this.edge) return 'CONFLICT';
    return current ? this.checkCanPlaceCurrent(current) : this.checkCanPlaceNoCurrent();
  }

  private checkCanPlaceCurrent(current: TreeNode): Placement {
    const { preferDedupe, target, edge, dep } = this;
    if (dep.matches(current) && (current.satisfies(edge) || this.edgeOverride)) return 'KEEP';

    const currentVersion = current.version;
    const newVersion = dep.version;
    const tryReplace = Boolean(currentVersion && newVersion && semver.gte(newVersion, currentVersion));
    if (tryReplace && dep.canReplace(current)) {
      const peers = this.canPlacePeers('REPLACE');
      if (peers !== 'CONFLICT') return peers;
    }
    if (current.satisfies(edge)) return 'KEEP';
    if (preferDedupe && !tryReplace && dep.canReplace(current)) {
      const peers = this.canPlacePeers('REPLACE');
      if (peers !== 'CONFLICT') return peers;
    }

    // Replace only where this is the deepest place the dependency may go and
    // the conflicting node could go deeper.
    if (target !== this.deepestNestingTarget) return 'CONFLICT';
    if (!edge.peer && target === edge.from) return this.canPlacePeers('REPLACE');
    if (!this.parent && !edge.peer) return 'CONFLICT';

    let canReplace = true;
    const virtualRoot = dep.parent;
    for (const [entryEdge, currentPeers] of peerEntrySets(current)) {
      if (entryEdge === this.edge || entryEdge === this.peerEntryEdge) continue;
      const entryNode = entryEdge.to!;
      const entryReplacement = virtualRoot?.children.get(entryNode.name);
      if (entryReplacement && entryReplacement.canReplace(entryNode, virtualRoot!.children.keys())) continue;

      let canClobber = !entryReplacement;
      if (!entryReplacement) {
        const walk = new Set([entryNode]);
        outer: for (const currentPeer of walk) {
          for (const peerEdge of currentPeer.edgesOut.values()) {
            if (!peerEdge.peer || !peerEdge.valid) continue;
            const replacement = virtualRoot?.children.get(peerEdge.name);
            if (!replacement) {
              if (peerEdge.to) walk.add(peerEdge.to);
              continue;
            }
            if (!replacement.satisfies(peerEdge)) {
              canClobber = false;
              break outer;
            }
          }
        }
      }
      if (canClobber) continue;

      for (const currentPeer of currentPeers) {
        const currentDeepest = deepestNestingTarget(entryEdge.from!, currentPeer.name);
        if (currentDeepest === target || target.isDescendantOf(currentDeepest)) {
          canReplace = false;
          break;
        }
      }
    }
    return canReplace ? this.canPlacePeers('REPLACE') : 'CONFLICT';
  }

  private checkCanPlaceNoCurrent(): Placement {
    const { target, dep, name } = this;
    // Who, below the target, finds this name further up today and would be shadowed?
    const current = target !== this.peerEntryEdge.from ? target.resolve(name) : null;
    if (current) {
      for (const edge of current.edgesIn) {
        if (edge.from!.isDescendantOf(target) && edge.valid && !dep.satisfies(edge)) return 'CONFLICT';
      }
    }
    return this.canPlacePeers('OK');
  }

  get deepestNestingTarget(): TreeNode {
    const start = this.parent ? this.parent.deepestNestingTarget : this.edge.from!;
    return deepestNestingTarget(start, this.name);
  }

  get top(): CanPlaceDep {
    return this.parent ? this.parent.top : this;
  }

  get peerEntryEdge(): TreeEdge {
    return this.top.edge;
  }

  private canPlacePeers(state: Placement): Placement {
    this.canPlaceSelf = state;
    if (this.peersResult) return this.peersResult;
    const peerPath = [...this.peerPath, this.dep];
    let sawConflict = false;
    for (const peerEdge of this.dep.edgesOut.values()) {
      if (!peerEdge.peer || !peerEdge.to || peerPath.includes(peerEdge.to)) continue;
      const peer = peerEdge.to;
      const check = new CanPlaceDep({
        dep: peer,
        target: deepestNestingTarget(this.target, peer.name),
        parent: this,
        edge: peerEdge,
        peerPath,
        preferDedupe: true,
      });
      this.children.push(check);
      if (check.canPlace === 'CONFLICT') sawConflict = true;
    }
    this.peersResult = sawConflict ? 'CONFLICT' : state;
    return this.peersResult;
  }
}

function describe(node: TreeNode): string {
  return `${node.name}@${node.version || '?'}`;
}

export class PlaceDep {
  readonly dep: TreeNode;
  readonly edge: TreeEdge;
  readonly parent: PlaceDep | null;
  readonly name: string;
  readonly children: PlaceDep[] = [];
  readonly needEvaluation = new Set<TreeNode>();
  readonly notes: PlacementNotes;
  canPlace: CanPlaceDep | null = null;
  canPlaceSelf: CanPlaceDep | null = null;
  placed: TreeNode | null = null;
  private oldDep: TreeNode | undefined;

  constructor(options: { dep: TreeNode; edge: TreeEdge; parent?: PlaceDep | null; notes: PlacementNotes }) {
    this.dep = options.dep;
    this.edge = options.edge;
    this.parent = options.parent ?? null;
    this.name = this.edge.name;
    this.notes = options.notes;

    // Nothing to do when the edge is fine as it is.
    if (this.edge.to && !this.edge.error) return;

    const start = this.startNode();
    for (const target of start.ancestry()) {
      const targetEdge = target.edgesOut.get(this.name);
      if (!target.isTop && targetEdge && targetEdge.peer) continue;
      const check = new CanPlaceDep({ dep: this.dep, edge: this.edge, parent: this.parent?.canPlace ?? null, target });
      if (check.canPlaceSelf !== 'CONFLICT') this.canPlaceSelf = check;
      if (check.canPlace !== 'CONFLICT') this.canPlace = check;
      else break;
      // A load failure goes in the first place tried: it fails the build or is pruned anyway.
      if (this.dep.errors.length > 0) break;
    }

    if (!this.canPlace) {
      // npm stops here with ERESOLVE when the conflict is the project's own;
      // we record it and carry on as npm does for conflicts that are not.
      if (!this.canPlaceSelf) {
        this.warnPeerConflict();
        return;
      }
      this.canPlace = this.canPlaceSelf;
    }

    const target = this.canPlace.target;
    const placement = this.canPlace.canPlace === 'CONFLICT' ? this.canPlace.canPlaceSelf : this.canPlace.canPlace;
    if (placement === 'KEEP') {
      if (this.edge.peer && !this.edge.valid) this.warnPeerConflict();
      this.pruneDedupable(target);
      return;
    }

    // npm links to an earlier copy to break a1 -> b1 -> a2 -> b2 -> a1 nesting loops.
    for (let ancestor: TreeNode | null = target; ancestor; ancestor = ancestor.resolveParent) {
      if (ancestor.matches(this.dep) && !ancestor.isTop) {
        this.notes.unsupported.push(`${describe(this.dep)}: a nesting loop npm breaks with a link at ${target.location || '(root)'}`);
        return;
      }
    }

    const virtualRoot = this.dep.parent;
    this.placed = new TreeNode({ name: this.dep.name, pkg: this.dep.package, error: this.dep.errors[0] });
    this.oldDep = target.children.get(this.name);
    if (this.oldDep) this.replaceOldDep();
    else setParent(this.placed, target);

    if (this.edge.peer && !this.placed.satisfies(this.edge)) this.warnPeerConflict();

    // An update may leave a now-redundant copy deeper down.
    if (this.edge.valid && this.edge.to && this.edge.to !== this.placed) this.pruneDedupable(this.edge.to, false);
    for (const node of [...target.root.inventory]) {
      if (node.name !== this.name) continue;
      if (node.isDescendantOf(target) && !node.isTop) {
        this.pruneDedupable(node, false);
        if (node.root === target.root) for (const kid of [...node.children.values()]) this.pruneDedupable(kid, false);
      }
    }

    // Place the peers of what we placed, from the virtual root they were resolved in.
    for (const peerEdge of [...this.placed.edgesOut.values()]) {
      if (peerEdge.valid || !peerEdge.peer || peerEdge.peerConflicted) continue;
      const peer = virtualRoot?.children.get(peerEdge.name);
      if (!peer || !peer.satisfies(peerEdge)) continue;
      this.children.push(new PlaceDep({ parent: this, dep: peer, edge: peerEdge, notes: this.notes }));
    }
  }

  private replaceOldDep(): void {
    const oldDep = this.oldDep!;
    const placed = this.placed!;
    const target = oldDep.parent!;
    const oldDeps: TreeNode[] = [];
    for (const [name, edge] of oldDep.edgesOut) {
      if (!placed.edgesOut.has(name) && edge.to) {
        const to = edge.to;
        for (const node of gatherDepSet([to], (candidate) => candidate.to !== to)) oldDeps.push(node);
      }
    }

    const prunePeerSets: TreeNode[] = [];
    for (const edge of oldDep.edgesIn) {
      if (placed.satisfies(edge) || !edge.peer || edge.from!.parent !== target || edge.peerConflicted) continue;
      for (const entryEdge of peerEntrySets(edge.from!).keys()) {
        const entryNode = entryEdge.to!;
        const deepest = deepestNestingTarget(entryNode, '');
        if (deepest !== target && !entryEdge.from!.isProjectRoot) {
          for (const node of gatherDepSet([entryNode], (candidate) => candidate.to !== entryNode && !candidate.peerConflicted)) prunePeerSets.push(node);
        } else {
          this.warnPeerConflict(edge, this.dep);
        }
      }
    }

    replaceNode(placed, oldDep);
    this.pruneForReplacement(placed, oldDeps);
    for (const dep of prunePeerSets) {
      for (const edge of dep.edgesIn) this.needEvaluation.add(edge.from!);
      detachNode(dep);
    }
  }

  private pruneForReplacement(node: TreeNode, oldDeps: readonly TreeNode[]): void {
    const invalid = new Set([...node.edgesOut.values()].filter((edge) => edge.to && !edge.valid).map((edge) => edge.to!));
    for (const dep of oldDeps) {
      for (const member of gatherDepSet([dep], (edge) => edge.to !== dep && edge.valid)) invalid.add(member);
    }
    const deps = gatherDepSet(invalid, (edge) => edge.from !== node && edge.to !== node && edge.valid);
    for (const dep of deps) detachNode(dep);
  }

  /** Remove a node that something further up now serves as well (arborist's basic dedupe). */
  private pruneDedupable(node: TreeNode, descend = true): void {
    if (node.canDedupe(false, false)) {
      const deps = gatherDepSet([node], (edge) => edge.to !== node && edge.valid);
      for (const dep of deps) detachNode(dep);
      return;
    }
    if (descend) {
      const children = [...node.children.values()].sort((a, b) => collator.compare(a.location, b.location));
      for (const child of children) this.pruneDedupable(child);
    }
  }

  private warnPeerConflict(edge: TreeEdge = this.edge, dep: TreeNode = this.dep): void {
    edge.peerConflicted = true;
    this.notes.peerConflicts.push(`${edge.from ? describe(edge.from) : '?'} wants ${edge.name}@${edge.spec}, overridden by ${describe(dep)}`);
  }

  private startNode(): TreeNode {
    const from = this.parent ? this.parent.startNode() : this.edge.from!;
    return deepestNestingTarget(from, this.name);
  }
}
