import { describe, expect, it } from 'vitest';
import { toPurl } from '../core/package.js';
import { diffGraphs } from './diff.js';
import type { GraphSignals } from './signals.js';
import type { DependencyGraph, GraphNode } from './types.js';

const yes = <T>(value: T) => ({ known: true as const, value });
const no = (reason: string) => ({ known: false as const, reason });

function node(ecosystem: 'PyPI' | 'npm', name: string, version: string, signals: GraphSignals = {}): GraphNode {
  return { purl: toPurl(ecosystem, name, version), ecosystem, name, version, root: false, signals };
}

function graph(...nodes: GraphNode[]): DependencyGraph {
  return { nodes, edges: [], sources: [] };
}

describe('diffGraphs', () => {
  it('lists 140,000 added versions of one package (issue 7: push(...list) overflowed the stack; grouping copied the list per node)', () => {
    const nodes = Array.from({ length: 140_000 }, (_, index) => node('npm', 'many', `1.0.${index}`));
    const diff = diffGraphs(graph(node('npm', 'other', '1.0.0')), { nodes, edges: [], sources: [] });
    expect([diff.added.length, diff.removed.length, diff.versionChanges.length]).toEqual([140_000, 1, 0]);
  });

  it('finds added and removed packages and version changes (in version order, not text order)', () => {
    const before = graph(node('PyPI', 'jupyterlab', '4.2.5'), node('PyPI', 'old-thing', '1.0'), node('npm', 'lodash', '4.17.9'), node('npm', 'lodash', '3.10.1'));
    const after = graph(node('PyPI', 'jupyterlab', '4.10.0'), node('PyPI', 'new-thing', '0.1'), node('npm', 'lodash', '4.17.21'), node('npm', 'lodash', '3.10.1'), node('npm', 'lodash', '4.17.10'));
    const diff = diffGraphs(before, after);
    expect(diff.added.map((entry) => entry.purl)).toEqual(['pkg:pypi/new-thing@0.1']);
    expect(diff.removed.map((entry) => entry.purl)).toEqual(['pkg:pypi/old-thing@1.0']);
    expect(diff.versionChanges).toEqual([
      { ecosystem: 'PyPI', name: 'jupyterlab', from: ['4.2.5'], to: ['4.10.0'] },
      { ecosystem: 'npm', name: 'lodash', from: ['4.17.9'], to: ['4.17.10', '4.17.21'] },
    ]);
  });

  it('a second version of a package alongside the old one is an addition', () => {
    const diff = diffGraphs(graph(node('npm', 'semver', '6.3.1')), graph(node('npm', 'semver', '6.3.1'), node('npm', 'semver', '7.6.3')));
    expect(diff.added.map((entry) => entry.purl)).toEqual(['pkg:npm/semver@7.6.3']);
    expect(diff.versionChanges).toEqual([]);
  });

  it('reports new install scripts against the previous version, and on packages new to the graph', () => {
    const before = graph(node('npm', 'esbuild', '0.20.0', { installScripts: yes([]) }), node('npm', 'quiet', '1.0.0', { installScripts: no('abbreviated packument') }));
    const after = graph(
      node('npm', 'esbuild', '0.21.0', { installScripts: yes(['postinstall']) }),
      node('npm', 'quiet', '1.0.1', { installScripts: yes(['install']) }),
      node('npm', 'fresh', '1.0.0', { installScripts: yes(['preinstall']) }),
    );
    expect(diffGraphs(before, after).newInstallScripts).toEqual([
      { purl: 'pkg:npm/esbuild@0.21.0', scripts: ['postinstall'], previous: [] },
      { purl: 'pkg:npm/fresh@1.0.0', scripts: ['preinstall'], previous: null },
      // quiet: the old scripts were unknown, so nothing can be said to be new.
    ]);
  });

  it('reports provenance lost only when both sides are known', () => {
    const before = graph(node('npm', 'a', '1.0.0', { provenance: yes(true) }), node('npm', 'b', '1.0.0', { provenance: no('mirror') }), node('npm', 'c', '1.0.0', { provenance: yes(true) }));
    const after = graph(node('npm', 'a', '1.0.1', { provenance: yes(false) }), node('npm', 'b', '1.0.1', { provenance: yes(false) }), node('npm', 'c', '1.0.1', { provenance: no('mirror') }));
    expect(diffGraphs(before, after).provenanceLost).toEqual([{ purl: 'pkg:npm/a@1.0.1', previousPurl: 'pkg:npm/a@1.0.0' }]);
  });

  it('reports maintainer changes: names when both sides show them, else the count', () => {
    const before = graph(
      node('npm', 'named', '1.0.0', { maintainers: yes(2), maintainerNames: yes(['alice', 'bob']) }),
      node('npm', 'swapped', '1.0.0', { maintainers: yes(1), maintainerNames: yes(['alice']) }),
      node('PyPI', 'counted', '1.0', { maintainers: yes(3), maintainerNames: no('count only') }),
      node('PyPI', 'same', '1.0', { maintainers: yes(2), maintainerNames: no('count only') }),
    );
    const after = graph(
      node('npm', 'named', '1.1.0', { maintainers: yes(3), maintainerNames: yes(['alice', 'bob', 'mallory']) }),
      node('npm', 'swapped', '1.0.1', { maintainers: yes(1), maintainerNames: yes(['mallory']) }),
      node('PyPI', 'counted', '1.1', { maintainers: yes(1), maintainerNames: no('count only') }),
      node('PyPI', 'same', '1.1', { maintainers: yes(2), maintainerNames: no('count only') }),
    );
    expect(diffGraphs(before, after).maintainerChanges).toEqual([
      { purl: 'pkg:pypi/counted@1.1', previousPurl: 'pkg:pypi/counted@1.0', from: 3, to: 1, added: null, removed: null },
      { purl: 'pkg:npm/named@1.1.0', previousPurl: 'pkg:npm/named@1.0.0', from: 2, to: 3, added: ['mallory'], removed: [] },
      // Same count, different person: still a change.
      { purl: 'pkg:npm/swapped@1.0.1', previousPurl: 'pkg:npm/swapped@1.0.0', from: 1, to: 1, added: ['mallory'], removed: ['alice'] },
    ]);
  });

  it('reports advisories new since the old graph (same version newly affected, or a new package)', () => {
    const before = graph(node('PyPI', 'jupyter-server', '2.14.0', { advisories: yes([]) }), node('PyPI', 'unknown-before', '1.0', { advisories: no('no database') }));
    const after = graph(
      node('PyPI', 'jupyter-server', '2.14.0', { advisories: yes(['GHSA-hrw6-wg82-cm62']) }),
      node('PyPI', 'unknown-before', '1.0', { advisories: yes(['GHSA-a']) }),
      node('PyPI', 'brand-new', '0.1', { advisories: yes(['GHSA-b']) }),
    );
    expect(diffGraphs(before, after).newAdvisories).toEqual([
      { purl: 'pkg:pypi/brand-new@0.1', ids: ['GHSA-b'] },
      { purl: 'pkg:pypi/jupyter-server@2.14.0', ids: ['GHSA-hrw6-wg82-cm62'] },
    ]);
  });

  it('two equal graphs differ in nothing', () => {
    const same = graph(node('PyPI', 'x', '1.0', { advisories: yes(['GHSA-a']), installScripts: no('n/a') }));
    expect(Object.values(diffGraphs(same, same)).flat()).toEqual([]);
    expect(Object.values(diffGraphs(graph(), same)).flat()).not.toEqual([]);
  });
});
