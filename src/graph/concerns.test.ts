import { describe, expect, it } from 'vitest';
import { CONCERN_WEIGHTS, computeReach, rankConcerns, weaknessFactors, type ConcernContext, type ConcernFinding, type RepositoryPostureInput } from './concerns.js';
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

describe('concerns with the run context (the audit\'s findings and posture)', () => {
  const repository = (url: string, confidence: 'confirmed' | 'claimed' = 'claimed') => ({ repository: yes({ url, confidence }) });
  const checks = (...outcomes: string[]): RepositoryPostureInput => ({ checks: outcomes.map((outcome, index) => ({ id: `check-${index}`, outcome })) });
  const postureOf = (node: GraphNode, postures: Record<string, RepositoryPostureInput>) =>
    weaknessFactors(node.signals as GraphSignals, { node, repositoryPosture: new Map(Object.entries(postures)) }).find((factor) => factor.name === 'repositoryPosture')!;

  it.each([
    ['all pass', ['pass', 'pass', 'pass'], 0, 'acme/lib (claimed): 3 pass'],
    ['all fail', ['fail', 'fail'], 1, 'acme/lib (claimed): fail: check-0, check-1; 0 pass'],
    ['a partial counts half', ['pass', 'partial'], 0.25, 'acme/lib (claimed): partial: check-1; 1 pass'],
    // (0 + 0 + 1 + 0.5) / 4: not-available, not-applicable and error are left out, never counted as bad.
    ['a mix, the unevaluated left out', ['pass', 'pass', 'fail', 'partial', 'not-available', 'not-applicable', 'error'], 0.375, 'acme/lib (claimed): fail: check-2; partial: check-3; 2 pass; 3 not evaluated'],
    ['nothing evaluated', ['not-available', 'error'], null, 'acme/lib (claimed): none of its 2 checks could be evaluated'],
  ])('repositoryPosture: %s', (_name, outcomes, value, detail) => {
    const factor = postureOf(node('lib', repository('github.com/acme/lib')), { 'acme/lib': checks(...outcomes) });
    expect(factor).toEqual({ name: 'repositoryPosture', weight: CONCERN_WEIGHTS.weakness.repositoryPosture, value, detail });
  });

  it.each([
    ['no repository signal', {}, 'no repository known'],
    ['an unknown repository', { repository: no('the registry named no source repository') }, 'no repository known: the registry named no source repository'],
    ['a repository the posture run did not cover', repository('github.com/other/lib'), 'repository not in the posture run: github.com/other/lib'],
    ['a repository on another code host', repository('gitlab.com/acme/lib'), 'repository not in the posture run: gitlab.com/acme/lib'],
  ])('repositoryPosture is unknown, with the reason: %s', (_name, signals, detail) => {
    expect(postureOf(node('lib', signals as GraphSignals), { 'acme/lib': checks('fail') })).toMatchObject({ value: null, detail });
  });

  it("matches the graph's repository to posture's owner/repo through core's normalisation, whatever the spelling", () => {
    const factor = postureOf(node('lib', repository('git+https://github.com/Acme/Lib.git', 'confirmed')), { 'acme/lib': checks('fail', 'pass') });
    expect(factor).toMatchObject({ value: 0.5, detail: 'acme/lib: fail: check-0; 1 pass' });
  });

  it('leaves the factor out entirely without posture, so a ranking from the graph alone is unchanged', () => {
    const lib = node('lib', { ...repository('github.com/acme/lib'), advisories: yes([]) }, true);
    const graph: DependencyGraph = { nodes: [lib], edges: [], sources: [] };
    const withFindings = rankConcerns(graph, { context: { findings: { byPurl: new Map(), notChecked: new Map() } } }).rows[0]!;
    expect(withFindings.weakness.factors.map((factor) => factor.name)).not.toContain('repositoryPosture');
    expect(withFindings.weakness.total).toBe(7);
    expect(rankConcerns(graph, { context: {} })).toEqual(rankConcerns(graph));
    const withPosture = rankConcerns(graph, { context: { repositoryPosture: new Map([['acme/lib', checks('fail')]]) } }).rows[0]!;
    expect(withPosture.weakness).toMatchObject({ known: 2, total: 8 });
    // (3·0 + 1.5·1) / (3 + 1.5): the known posture factor weighs in.
    const w = CONCERN_WEIGHTS.weakness;
    expect(withPosture.weakness.score).toBeCloseTo(w.repositoryPosture / (w.advisories + w.repositoryPosture), 12);
  });

  describe('the advisories factor from the findings', () => {
    const pkg = node('lib', { advisories: yes(['GHSA-old']), advisorySeverity: yes('critical') });
    const advisories = (context: ConcernContext) => weaknessFactors(pkg.signals as GraphSignals, { ...context, node: pkg }).find((factor) => factor.name === 'advisories')!;
    const findings = (list: ConcernFinding[], notChecked: [string, string][] = []): ConcernContext => ({
      findings: { byPurl: new Map([[pkg.purl, list]]), notChecked: new Map(notChecked) },
    });

    it('replaces the node\'s own signals, saying when the severity was borrowed from an alias', () => {
      expect(advisories(findings([{ id: 'PYSEC-2024-1', severity: 'high', borrowedFrom: 'GHSA-aaaa-bbbb-cccc' }]))).toMatchObject({
        value: CONCERN_WEIGHTS.severity.high,
        detail: '1 (high, severity from the alias GHSA-aaaa-bbbb-cccc): PYSEC-2024-1',
      });
    });

    it('takes the highest severity; among equals the one whose own record gave it', () => {
      const factor = advisories(
        findings([
          { id: 'PYSEC-2', severity: 'medium', borrowedFrom: 'GHSA-2' },
          { id: 'PYSEC-1', severity: 'high', borrowedFrom: 'GHSA-1' },
          { id: 'GHSA-3', severity: 'high' },
          { id: 'PYSEC-4', severity: 'unknown' },
        ]),
      );
      expect(factor).toMatchObject({ value: CONCERN_WEIGHTS.severity.high, detail: '4 (high): GHSA-3, PYSEC-1, PYSEC-2, PYSEC-4' });
    });

    it('is none known when the findings have none for the package, whatever the signal said', () => {
      expect(advisories({ findings: { byPurl: new Map(), notChecked: new Map() } })).toMatchObject({ value: 0, detail: 'none known' });
    });

    it('is unknown, with the reason, when the findings could not check the ecosystem, even where the signal said "none"', () => {
      const notChecked: [string, string][] = [['npm', 'not checked: the advisory database holds no npm advisory']];
      expect(advisories(findings([], notChecked))).toMatchObject({ value: null, detail: 'not checked: the advisory database holds no npm advisory' });
      const none = node('none', { advisories: yes([]) });
      expect(weaknessFactors(none.signals as GraphSignals, { ...findings([], notChecked), node: none })[0]).toMatchObject({ name: 'advisories', value: null });
      // The node's own reason, when it has one, says more (conda: OSV publishes none).
      const conda = node('conda-like', { advisories: no('OSV publishes no advisories for conda packages (see the PyPI twin)') });
      expect(weaknessFactors(conda.signals as GraphSignals, { ...findings([], notChecked), node: conda })[0]).toMatchObject({ value: null, detail: 'OSV publishes no advisories for conda packages (see the PyPI twin)' });
    });
  });

  it("moves a package up when its repository's posture is bad", () => {
    const same: GraphSignals = { advisories: yes([]), maintainers: yes(1) };
    const graph: DependencyGraph = {
      nodes: [node('app', {}, true), node('alpha', { ...same, ...repository('github.com/acme/alpha') }), node('beta', { ...same, ...repository('github.com/acme/beta') })],
      edges: [edge('app', 'alpha'), edge('app', 'beta')],
      sources: [],
    };
    // The same reach and the same signals: without posture the purl decides.
    expect(rankConcerns(graph).rows.map((row) => row.name)).toEqual(['alpha', 'beta', 'app']);
    const repositoryPosture = new Map([
      ['acme/alpha', checks('pass', 'pass', 'pass')],
      ['acme/beta', checks('fail', 'fail', 'partial')],
    ]);
    const ranked = rankConcerns(graph, { context: { repositoryPosture } }).rows;
    expect(ranked.map((row) => row.name)).toEqual(['beta', 'alpha', 'app']);
    expect(ranked[0]!.score!).toBeGreaterThan(ranked[1]!.score!);
  });
});
