import { describe, expect, it } from 'vitest';
import { CONCERN_WEIGHTS, computeReach, rankConcerns, weaknessFactors } from './concerns.js';
import type { GraphSignals } from './signals.js';
import type { DependencyGraph, EdgeKind, GraphNode } from './types.js';

function node(name: string, signals: GraphSignals = {}, root = false): GraphNode {
  return { purl: `pkg:npm/${name}@1.0.0`, ecosystem: 'npm', name, version: '1.0.0', root, signals };
}

function edge(from: string, to: string, kind: EdgeKind = 'runtime') {
  return { from: `pkg:npm/${from}@1.0.0`, to: `pkg:npm/${to}@1.0.0`, requirement: '^1.0.0', kind };
}

const yes = <T>(value: T) => ({ known: true as const, value });
const no = (reason: string) => ({ known: false as const, reason });

describe('computeReach', () => {
  // a and b are roots; a → c, b → c, c → d, a → d; d → e only as a dev edge.
  const graph: DependencyGraph = {
    nodes: [node('a', {}, true), node('b', {}, true), node('c'), node('d'), node('e')],
    edges: [edge('a', 'c'), edge('b', 'c'), edge('c', 'd'), edge('a', 'd'), edge('d', 'e', 'dev')],
    sources: [],
  };
  const reach = computeReach(graph);
  const of = (name: string) => reach.get(`pkg:npm/${name}@1.0.0`)!;

  it.each([
    ['a', 1, 1],
    ['b', 1, 1],
    ['c', 2, 2],
    // a→d, a→c→d, b→c→d
    ['d', 2, 3],
    // only reached by a dev edge: nobody installs it
    ['e', 0, 0],
  ])('%s: %i roots reach it by %i paths', (name, roots, paths) => {
    expect(of(name)).toMatchObject({ rootsReaching: roots, rootsTotal: 2, paths });
  });

  it('is most central where everything ends up', () => {
    expect(of('d').centrality).toBe(1);
    expect(of('c').centrality).toBeGreaterThan(of('a').centrality);
    expect(of('e').centrality).toBeLessThan(of('d').centrality);
  });

  it('combines the three reach factors with the documented weights', () => {
    const w = CONCERN_WEIGHTS.reach;
    const expected = (w.roots * (2 / 2) + w.paths * (Math.log1p(3) / Math.log1p(CONCERN_WEIGHTS.pathCap)) + w.centrality * 1) / (w.roots + w.paths + w.centrality);
    expect(of('d').score).toBeCloseTo(expected, 12);
  });

  it('counts paths through a cycle once around', () => {
    const cyclic: DependencyGraph = {
      nodes: [node('x', {}, true), node('y'), node('z')],
      edges: [edge('x', 'y'), edge('y', 'x'), edge('y', 'z'), edge('x', 'z')],
      sources: [],
    };
    const result = computeReach(cyclic);
    expect([...result.values()].map((entry) => entry.paths)).toEqual([1, 1, 2]);
    expect([...result.values()].map((entry) => entry.rootsReaching)).toEqual([1, 1, 1]);
  });

  it('caps the path count without losing exactness below the cap', () => {
    // A ladder of 70 diamonds doubles the paths each step: 2^70 is beyond any float's exactness.
    const nodes = [node('n0', {}, true)];
    const edges = [];
    for (let step = 0; step < 70; step++) {
      nodes.push(node(`l${step}`), node(`r${step}`), node(`n${step + 1}`));
      edges.push(edge(`n${step}`, `l${step}`), edge(`n${step}`, `r${step}`), edge(`l${step}`, `n${step + 1}`), edge(`r${step}`, `n${step + 1}`));
    }
    const result = computeReach({ nodes, edges, sources: [] });
    expect(result.get('pkg:npm/n10@1.0.0')!.paths).toBe(1024);
    expect(result.get('pkg:npm/n70@1.0.0')!.paths).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('weaknessFactors', () => {
  it('judges every factor from its signal', () => {
    const signals: GraphSignals = {
      advisories: yes(['GHSA-1', 'GHSA-2']),
      advisorySeverity: yes('high'),
      daysSinceLastRelease: yes(400),
      maintainers: yes(1),
      provenance: yes(false),
      provenanceDropped: yes(true),
      installScripts: yes(['postinstall']),
      deprecated: yes('use something else'),
      yanked: no('npm has no yanked releases'),
    };
    expect(weaknessFactors(signals).map(({ name, value, detail }) => [name, value, detail])).toEqual([
      ['advisories', 0.8, '2 (high): GHSA-1, GHSA-2'],
      ['stale', 1, 'last release 400 days ago'],
      ['singleMaintainer', 1, '1 maintainer'],
      ['noProvenance', 1, 'no provenance'],
      ['provenanceDropped', 1, 'the previous version had provenance'],
      ['installScripts', 1, 'postinstall'],
      ['deprecatedOrYanked', 1, 'deprecated: use something else'],
    ]);
  });

  it('keeps unknown signals unknown, with their reason', () => {
    const factors = weaknessFactors({ advisories: no('no advisory database yet'), maintainers: no('stripped by a mirror') });
    expect(factors.every((factor) => factor.value === null)).toBe(true);
    expect(factors.find((factor) => factor.name === 'advisories')!.detail).toBe('no advisory database yet');
    expect(factors.find((factor) => factor.name === 'stale')!.detail).toBe('not collected');
  });

  it.each([
    ['neither (PyPI: yanked known, deprecation not a thing)', { yanked: yes(false), deprecated: no('PyPI has no deprecation flag') }, 0],
    ['yanked', { yanked: yes(true), deprecated: no('PyPI has no deprecation flag') }, 1],
    ['deprecated', { deprecated: yes('old'), yanked: no('npm has no yanked releases') }, 1],
    ['neither known', { deprecated: no('x'), yanked: no('y') }, null],
  ])('deprecated or yanked: %s', (_name, signals, value) => {
    expect(weaknessFactors(signals as GraphSignals).find((factor) => factor.name === 'deprecatedOrYanked')!.value).toBe(value);
  });
});

describe('rankConcerns', () => {
  const healthy: GraphSignals = {
    advisories: yes([]),
    daysSinceLastRelease: yes(10),
    maintainers: yes(5),
    provenance: yes(true),
    provenanceDropped: yes(false),
    installScripts: yes([]),
    deprecated: yes(false),
  };
  const graph: DependencyGraph = {
    nodes: [
      node('app', healthy, true),
      // Everything depends on it, it has a critical advisory and one maintainer; the rest is unknown.
      node('tiny', { advisories: yes(['GHSA-x']), advisorySeverity: yes('critical'), maintainers: yes(1) }),
      // The same known facts as tiny, but far less reach.
      node('side', { advisories: yes(['GHSA-x']), advisorySeverity: yes('critical'), maintainers: yes(1) }),
      node('mystery', {}),
      node('lib', healthy),
    ],
    edges: [edge('app', 'lib'), edge('lib', 'tiny'), edge('app', 'tiny'), edge('mystery', 'side'), edge('app', 'mystery')],
    sources: [],
  };

  it('ranks reach × weakness, unknown weakness last, and shows coverage', () => {
    const report = rankConcerns(graph);
    expect(report.rows.map((row) => [row.rank, row.name])).toEqual([
      [1, 'tiny'],
      [2, 'side'],
      [3, 'lib'],
      [4, 'app'],
      [5, 'mystery'],
    ]);
    const tiny = report.rows[0]!;
    // Only advisories (critical: 1, weight 3) and single maintainer (1, weight 1.5) are known: weakness 1, coverage 2/7.
    expect(tiny.weakness).toMatchObject({ score: 1, known: 2, total: 7 });
    expect(tiny.score).toBe(Math.round(tiny.reach.score * 100 * 100) / 100);
    const mystery = report.rows[4]!;
    expect(mystery.weakness).toMatchObject({ score: null, known: 0 });
    expect(mystery.score).toBeNull();
    expect(report.ranked).toBe(5);
    expect(report.rootsTotal).toBe(1);
  });

  it('does not fall into the denominator trap: unknown factors neither lower nor raise the weakness', () => {
    const partial = rankConcerns({ nodes: [node('p', { advisories: yes([]), maintainers: yes(1) }, true)], edges: [], sources: [] }).rows[0]!;
    const w = CONCERN_WEIGHTS.weakness;
    // (3·0 + 1.5·1) / (3 + 1.5), not (1.5) / (sum of all seven weights).
    expect(partial.weakness.score).toBeCloseTo(w.singleMaintainer / (w.advisories + w.singleMaintainer), 12);
  });

  it('keeps the top N', () => {
    const report = rankConcerns(graph, { top: 2 });
    expect(report.rows.map((row) => row.name)).toEqual(['tiny', 'side']);
    expect(report.ranked).toBe(5);
  });
});
