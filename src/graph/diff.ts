import type { Ecosystem } from '../core/package.js';
import { getScheme } from '../ecosystems/schemes.js';
import type { GraphSignals } from './signals.js';
import type { DependencyGraph, GraphNode } from './types.js';
import { compareText } from '../core/compare.js';

/**
 * What changed between two graphs (two snapshots). A package is its
 * (ecosystem, name); a version change pairs the versions that left with the
 * ones that came. Signal changes compare each new node with its counterpart in
 * the old graph: the same version if it was there, else the highest old
 * version of the same package. A change is only reported when both sides are
 * known (or the package is new to the graph): an unknown signal never reads
 * as "changed" or "unchanged".
 */

export interface PackageRef {
  purl: string;
  ecosystem: Ecosystem;
  name: string;
  version: string;
}

export interface VersionChange {
  ecosystem: Ecosystem;
  name: string;
  /** Versions only in the old graph, ascending. */
  from: string[];
  /** Versions only in the new graph, ascending. */
  to: string[];
}

export interface InstallScriptChange {
  purl: string;
  scripts: string[];
  /** The counterpart's scripts; null when the package is new to the graph. */
  previous: string[] | null;
}

export interface ProvenanceLoss {
  purl: string;
  /** The old version that had provenance. */
  previousPurl: string;
}

export interface MaintainerChange {
  purl: string;
  previousPurl: string;
  from: number;
  to: number;
  /** Names that appeared / left, when both sides show names; else null (only the count is known). */
  added: string[] | null;
  removed: string[] | null;
}

export interface AdvisoryChange {
  purl: string;
  /** Advisories on this node that its counterpart did not have (all of them when the package is new). */
  ids: string[];
}

export interface GraphDiff {
  added: PackageRef[];
  removed: PackageRef[];
  versionChanges: VersionChange[];
  newInstallScripts: InstallScriptChange[];
  provenanceLost: ProvenanceLoss[];
  maintainerChanges: MaintainerChange[];
  newAdvisories: AdvisoryChange[];
}

function packageKey(node: { ecosystem: Ecosystem; name: string }): string {
  return `${node.ecosystem}\u0000${node.name}`;
}

/** Versions ascending in the ecosystem's own order (unparseable ones last, by text). */
function sortVersions(ecosystem: Ecosystem, versions: Iterable<string>): string[] {
  const scheme = getScheme(ecosystem);
  return [...versions]
    .map((text) => ({ text, parsed: scheme.parse(text) }))
    .sort((a, b) => {
      if (a.parsed.ok && b.parsed.ok) return a.parsed.value.compare(b.parsed.value) || compareText(a.text, b.text);
      if (a.parsed.ok !== b.parsed.ok) return a.parsed.ok ? -1 : 1;
      return compareText(a.text, b.text);
    })
    .map((entry) => entry.text);
}

function groupByPackage(nodes: readonly GraphNode[]): Map<string, GraphNode[]> {
  const groups = new Map<string, GraphNode[]>();
  for (const node of nodes) {
    const group = groups.get(packageKey(node));
    if (group) group.push(node);
    else groups.set(packageKey(node), [node]);
  }
  return groups;
}

function toRef(node: GraphNode): PackageRef {
  return { purl: node.purl, ecosystem: node.ecosystem, name: node.name, version: node.version };
}

export function diffGraphs(previous: DependencyGraph, current: DependencyGraph): GraphDiff {
  const before = groupByPackage(previous.nodes);
  const after = groupByPackage(current.nodes);
  const diff: GraphDiff = { added: [], removed: [], versionChanges: [], newInstallScripts: [], provenanceLost: [], maintainerChanges: [], newAdvisories: [] };

  for (const key of [...new Set([...before.keys(), ...after.keys()])].sort(compareText)) {
    const oldNodes = before.get(key) ?? [];
    const newNodes = after.get(key) ?? [];
    const oldVersions = new Set(oldNodes.map((node) => node.version));
    const newVersions = new Set(newNodes.map((node) => node.version));
    const gone = oldNodes.filter((node) => !newVersions.has(node.version));
    const came = newNodes.filter((node) => !oldVersions.has(node.version));
    if (gone.length > 0 && came.length > 0) {
      const { ecosystem, name } = (came[0] ?? gone[0])!;
      diff.versionChanges.push({ ecosystem, name, from: sortVersions(ecosystem, gone.map((node) => node.version)), to: sortVersions(ecosystem, came.map((node) => node.version)) });
    } else {
      for (const node of gone) diff.removed.push(toRef(node));
      for (const node of came) diff.added.push(toRef(node));
    }
    for (const node of newNodes) compareSignals(node, counterpart(node, oldNodes), diff);
  }
  diff.added.sort((a, b) => compareText(a.purl, b.purl));
  diff.removed.sort((a, b) => compareText(a.purl, b.purl));
  return diff;
}

/** The same version in the old graph, else the highest old version of the package. */
function counterpart(node: GraphNode, oldNodes: readonly GraphNode[]): GraphNode | null {
  const same = oldNodes.find((old) => old.version === node.version);
  if (same) return same;
  if (oldNodes.length === 0) return null;
  const highest = sortVersions(node.ecosystem, oldNodes.map((old) => old.version)).at(-1)!;
  return oldNodes.find((old) => old.version === highest)!;
}

function compareSignals(node: GraphNode, previous: GraphNode | null, diff: GraphDiff): void {
  const now = node.signals as GraphSignals;
  const then = (previous?.signals ?? {}) as GraphSignals;

  if (now.installScripts?.known && now.installScripts.value.length > 0) {
    if (!previous) diff.newInstallScripts.push({ purl: node.purl, scripts: now.installScripts.value, previous: null });
    else if (then.installScripts?.known) {
      const had = new Set(then.installScripts.value);
      if (now.installScripts.value.some((script) => !had.has(script))) {
        diff.newInstallScripts.push({ purl: node.purl, scripts: now.installScripts.value, previous: then.installScripts.value });
      }
    }
  }

  if (previous && then.provenance?.known && then.provenance.value && now.provenance?.known && !now.provenance.value) {
    diff.provenanceLost.push({ purl: node.purl, previousPurl: previous.purl });
  }

  if (previous && then.maintainers?.known && now.maintainers?.known) {
    const namesBefore = then.maintainerNames?.known ? then.maintainerNames.value : null;
    const namesNow = now.maintainerNames?.known ? now.maintainerNames.value : null;
    const added = namesBefore && namesNow ? namesNow.filter((name) => !namesBefore.includes(name)) : null;
    const removed = namesBefore && namesNow ? namesBefore.filter((name) => !namesNow.includes(name)) : null;
    if (then.maintainers.value !== now.maintainers.value || (added?.length ?? 0) > 0 || (removed?.length ?? 0) > 0) {
      diff.maintainerChanges.push({ purl: node.purl, previousPurl: previous.purl, from: then.maintainers.value, to: now.maintainers.value, added, removed });
    }
  }

  if (now.advisories?.known && now.advisories.value.length > 0) {
    if (!previous) diff.newAdvisories.push({ purl: node.purl, ids: [...now.advisories.value] });
    else if (then.advisories?.known) {
      const had = new Set(then.advisories.value);
      const fresh = now.advisories.value.filter((id) => !had.has(id));
      if (fresh.length > 0) diff.newAdvisories.push({ purl: node.purl, ids: fresh });
    }
  }
}
