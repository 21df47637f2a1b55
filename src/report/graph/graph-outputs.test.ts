import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { rankConcerns, RUN_FACTORS, WEAKNESS_FACTORS } from '../../graph/concerns.js';
import { diffGraphs } from '../../graph/diff.js';
import { renderConcerns, renderDiff, renderGraph } from './index.js';
import { sampleGraph } from './sample-graph.fixture.js';

// renderGraph is async (the CycloneDX library loads only for that format): the documents several tests read, rendered once.
const rendered = {
  table: await renderGraph(sampleGraph(), 'table'),
  graphml: await renderGraph(sampleGraph(), 'graphml'),
  cyclonedx: await renderGraph(sampleGraph(), 'cyclonedx', { timestamp: new Date('2025-01-01T00:00:00Z'), toolVersion: '0.1.0' }),
};

describe('graph json', () => {
  it('has exactly the documented shape, roots included as nodes', async () => {
    const document = JSON.parse(await renderGraph(sampleGraph(), 'json')) as Record<string, Record<string, unknown>[]>;
    expect(Object.keys(document)).toEqual(['nodes', 'edges', 'sources']);
    for (const node of document.nodes!) expect(Object.keys(node)).toEqual(['purl', 'ecosystem', 'name', 'version', 'root', 'signals']);
    expect(document.nodes!.filter((node) => node.root).map((node) => node.purl)).toEqual(['pkg:conda/jupyterlab@4.2.5?channel=conda-forge', 'pkg:pypi/jupyterlab@4.2.5']);
    expect(document.edges![2]).toEqual({ from: 'pkg:pypi/jupyterlab@4.2.5', to: 'pkg:pypi/jupyter-server@2.14.0', requirement: '>=2.4.0,<3', kind: 'runtime' });
    // Only an edge that holds under a marker carries `condition`.
    expect(document.edges![3]).toEqual({ from: 'pkg:pypi/jupyterlab@4.2.5', to: 'pkg:pypi/jupyterlab-widgets@3.0.13', requirement: '~=3.0', kind: 'optional', condition: 'extra == "widgets"' });
    expect(document.sources).toEqual([
      { name: 'advisories /tmp/advisories.sqlite', reachable: true, error: null },
      { name: 'conda-forge', reachable: false, error: 'connect ECONNREFUSED' },
      { name: 'pypi', reachable: true, error: null },
    ]);
    // Unknown signals stay unknown, with their reason.
    expect(document.nodes![2]!.signals).toMatchObject({ maintainers: { known: false, reason: 'PyPI shows no maintainers in the JSON API' } });
  });
});

describe('graph table', () => {
  const table = rendered.table;

  it('lists every package with its counts and signals, ? for unknown', () => {
    const lines = table.split('\n');
    const server = lines.find((line) => line.startsWith('PyPI:jupyter-server '))!;
    // Deps 0, used by 1, released 2024-04-11, maintainers unknown, 1 high advisory, confirmed repository.
    expect(server.split(/\s{2,}/)).toEqual(['PyPI:jupyter-server', '2.14.0', '0', '1', '2024-04-11', '?', 'BSD-3-Clause', '1 (high)', 'github.com/jupyter-server/jupyter_server']);
    const jupyterlab = lines.find((line) => line.startsWith('PyPI:jupyterlab '))!;
    expect(jupyterlab).toMatch(/github\.com\/jupyterlab\/jupyterlab \(claimed\)$/);
  });

  it('says plainly which source could not be reached, and lists problems', () => {
    expect(table).toContain('5 packages (conda 1, npm 1, PyPI 3), 4 edges (twin 1, bundles 1, runtime 1, optional 1), 2 roots.');
    expect(table).toContain('  conda-forge: NOT REACHABLE: connect ECONNREFUSED');
    expect(table).toContain('  pypi: reachable');
    // Two roots stopped by one failure: one line.
    expect(table).toContain('Problems:\n  pkg:conda/notebook?channel=conda-forge, pkg:conda/voila?channel=conda-forge: connect ECONNREFUSED\n');
  });
});

describe('dot', () => {
  it('is a digraph with one statement per node and edge, quotes escaped', async () => {
    const dot = await renderGraph(sampleGraph(), 'dot');
    expect(dot.startsWith('digraph chainwatch {\n')).toBe(true);
    expect(dot.trimEnd().endsWith('}')).toBe(true);
    expect(dot.match(/^ {2}"pkg:[^"]+" \[label=/gm)).toHaveLength(5);
    expect(dot.match(/ -> /g)).toHaveLength(4);
    expect(dot).toContain('"pkg:pypi/jupyterlab@4.2.5" [label="jupyterlab\\n4.2.5", color="#3572A5", tooltip="pkg:pypi/jupyterlab@4.2.5", style=bold, penwidth=2];');
    expect(dot).toContain('"pkg:pypi/jupyterlab@4.2.5" -> "pkg:pypi/jupyterlab-widgets@3.0.13" [label="~=3.0 ; extra == \\"widgets\\"", style=dashed];');
  });
});

describe('graphml', () => {
  const xml = rendered.graphml;

  it('is well-formed XML', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
  });

  it('the validator can fail: a broken document is rejected', () => {
    expect(XMLValidator.validate(xml.replace('</graph>', ''))).not.toBe(true);
  });

  it('declares every key it uses, and every edge joins two declared nodes', () => {
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name, _path, _leaf, isAttribute) => !isAttribute && ['key', 'node', 'edge', 'data'].includes(name) }).parse(xml) as {
      graphml: { xmlns: string; key: { id: string; for: string }[]; graph: { edgedefault: string; node: { id: string; data: { key: string; '#text': string | number | boolean }[] }[]; edge: { source: string; target: string; data: { key: string }[] }[] } };
    };
    const { graphml } = parsed;
    expect(graphml.xmlns).toBe('http://graphml.graphdrawing.org/xmlns');
    expect(graphml.graph.edgedefault).toBe('directed');
    const keys = new Set(graphml.key.map((key) => key.id));
    const nodeIds = new Set(graphml.graph.node.map((node) => node.id));
    expect(nodeIds.size).toBe(5);
    expect(graphml.graph.edge).toHaveLength(4);
    for (const edge of graphml.graph.edge) {
      expect(nodeIds.has(edge.source) && nodeIds.has(edge.target)).toBe(true);
      for (const data of edge.data) expect(keys.has(data.key)).toBe(true);
    }
    for (const node of graphml.graph.node) for (const data of node.data) expect(keys.has(data.key)).toBe(true);
    // Escaped in the document, and read back as written.
    expect(xml).toContain('<data key="node-license">BSD-3-Clause &amp; &quot;quoted&quot; &lt;tag&gt;</data>');
    const jupyterlab = graphml.graph.node.find((node) => node.data.some((data) => data['#text'] === 'pkg:pypi/jupyterlab@4.2.5'))!;
    expect(jupyterlab.data.find((data) => data.key === 'node-license')!['#text']).toBe('BSD-3-Clause & "quoted" <tag>');
  });
});

describe('cyclonedx', () => {
  const text = rendered.cyclonedx;
  const bom = JSON.parse(text) as {
    specVersion: string;
    metadata: { component: { 'bom-ref': string } };
    components: { 'bom-ref': string; purl: string; properties?: { name: string; value: string }[]; externalReferences?: { type: string; url: string }[] }[];
    dependencies: { ref: string; dependsOn?: string[] }[];
  };

  it('passes the library strict validator for CycloneDX 1.6', async () => {
    const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot6);
    expect(await validator.validate(text)).toBeNull();
  });

  it('the validator can fail', async () => {
    const broken = JSON.parse(text) as { dependencies: { ref: unknown }[] };
    broken.dependencies[0]!.ref = 42;
    expect(await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(JSON.stringify(broken))).not.toBeNull();
  });

  it('carries the dependency graph, roots under the metadata component, unresolved nodes left out', () => {
    expect(bom.specVersion).toBe('1.6');
    const byRef = new Map(bom.dependencies.map((dependency) => [dependency.ref, dependency.dependsOn ?? []]));
    expect(byRef.get(bom.metadata.component['bom-ref'])).toEqual(['pkg:conda/jupyterlab@4.2.5?channel=conda-forge', 'pkg:pypi/jupyterlab@4.2.5']);
    expect(byRef.get('pkg:pypi/jupyterlab@4.2.5')).toEqual(['pkg:pypi/jupyter-server@2.14.0', 'pkg:pypi/jupyterlab-widgets@3.0.13']);
    expect(byRef.get('pkg:pypi/jupyterlab-widgets@3.0.13')).toEqual(['pkg:npm/%40jupyter-widgets/jupyterlab-manager@5.0.13']);
    // The labextension is reached only by a `bundles` edge: its own dependencies are unknown, not none.
    expect(byRef.has('pkg:npm/%40jupyter-widgets/jupyterlab-manager@5.0.13')).toBe(false);
    // jupyter-server was resolved and has no dependencies in this graph: listed with none.
    expect(byRef.get('pkg:pypi/jupyter-server@2.14.0')).toEqual([]);
  });

  it('keeps signals as properties and the repository as a vcs reference', () => {
    const server = bom.components.find((component) => component['bom-ref'] === 'pkg:pypi/jupyter-server@2.14.0')!;
    expect(server.properties).toContainEqual({ name: 'chainwatch:signal:advisories', value: '["GHSA-hrw6-wg82-cm62"]' });
    expect(server.properties).toContainEqual({ name: 'chainwatch:signal:maintainers', value: 'unknown: PyPI shows no maintainers in the JSON API' });
    expect(server.externalReferences).toEqual([expect.objectContaining({ type: 'vcs', url: 'https://github.com/jupyter-server/jupyter_server' })]);
  });

  it('is the same text for the same graph and time', async () => {
    expect(await renderGraph(sampleGraph(), 'cyclonedx', { timestamp: new Date('2025-01-01T00:00:00Z'), toolVersion: '0.1.0' })).toBe(text);
  });
});

describe('concerns outputs', () => {
  const report = rankConcerns(sampleGraph());

  it('table: one row per package with every factor, ? for unknown, and the formula', () => {
    const table = renderConcerns(report, 'table');
    const header = table.split('\n')[0]!;
    expect(header.split(/\s{2,}/)).toEqual(['#', 'Score', 'Package', 'Version', 'Roots', 'Paths', 'Central', 'Reach', 'Weak', 'Known', 'Advis.', 'Stale', '1-maint', 'No-prov', 'Prov-lost', 'Scripts', 'Depr/yank']);
    const manager = table.split('\n').find((line) => line.includes('npm:@jupyter-widgets/jupyterlab-manager'))!;
    const cells = manager.split(/\s{2,}/);
    // advisories 0, stale ?, single maintainer 1, no provenance ?, provenance lost ?, scripts 1, deprecated/yanked ?; 3 of 7 known.
    expect(cells.slice(9)).toEqual(['3/7', '0', '?', '1', '?', '?', '1', '?']);
    expect(table).toMatch(/weakness = Σ weight·value \/ Σ weight over the KNOWN factors only/);
  });

  it('json: every factor with weight, value and detail', () => {
    const document = JSON.parse(renderConcerns(report, 'json')) as { rows: { weakness: { factors: { name: string; weight: number; value: number | null; detail: string }[] } }[]; weights: unknown };
    for (const row of document.rows) expect(row.weakness.factors.map((factor) => factor.name)).toEqual([...WEAKNESS_FACTORS]);
    expect(document.weights).toMatchObject({ weakness: { advisories: 3 } });
  });

  it('markdown: a table and a factor section per row', () => {
    const markdown = renderConcerns(report, 'markdown');
    expect(markdown).toMatch(/^# Packages of greatest concern\n/);
    expect(markdown.match(/^### \d+\. /gm)).toHaveLength(5);
    expect(markdown).toContain('| advisories | 3 | 0.8 | 1 (high): GHSA-hrw6-wg82-cm62 |');
  });
});

describe("concerns outputs with the audit's posture", () => {
  const checks = (outcomes: Record<string, string>) => ({ checks: Object.entries(outcomes).map(([id, outcome]) => ({ id, outcome })) });
  const report = rankConcerns(sampleGraph(), {
    context: { repositoryPosture: new Map([['jupyter-server/jupyter_server', checks({ 'pinned-actions': 'fail', 'security-policy': 'pass', 'branch-protection': 'partial', maintained: 'not-available' })]]) },
  });

  it('table: a Repo-post column after the signal factors, and its formula line', () => {
    const table = renderConcerns(report, 'table');
    expect(table.split('\n')[0]!.split(/\s{2,}/).slice(-2)).toEqual(['Depr/yank', 'Repo-post']);
    const server = table.split('\n').find((line) => line.includes('PyPI:jupyter-server '))!;
    // (1 + 0 + 0.5) / 3
    expect(server.split(/\s{2,}/).at(-1)).toBe('0.5');
    const lab = table.split('\n').find((line) => line.includes('PyPI:jupyterlab '))!;
    expect(lab.split(/\s{2,}/).at(-1)).toBe('?');
    expect(table).toContain("repositoryPosture = the share of the source repository's evaluated posture checks that do not pass");
  });

  it('json: every row has the run factor after the signal factors, with its weight', () => {
    const document = JSON.parse(renderConcerns(report, 'json')) as { rows: { purl: string; weakness: { total: number; factors: { name: string; value: number | null; detail: string }[] } }[]; weights: unknown };
    for (const row of document.rows) expect(row.weakness.factors.map((factor) => factor.name)).toEqual([...WEAKNESS_FACTORS, ...RUN_FACTORS]);
    const server = document.rows.find((row) => row.purl === 'pkg:pypi/jupyter-server@2.14.0')!;
    expect(server.weakness.total).toBe(8);
    expect(server.weakness.factors.at(-1)).toEqual({ name: 'repositoryPosture', weight: 1.5, value: 0.5, detail: 'jupyter-server/jupyter_server: fail: pinned-actions; partial: branch-protection; 1 pass; 1 not evaluated' });
    expect(document.weights).toMatchObject({ weakness: { repositoryPosture: 1.5 } });
  });

  it('markdown: the column, and the factor in each row\'s table with its detail', () => {
    const markdown = renderConcerns(report, 'markdown');
    expect(markdown).toMatch(/\| Depr\/yank \| Repo-post \|\n/);
    expect(markdown).toContain('| repositoryPosture | 1.5 | 0.5 | jupyter-server/jupyter\\_server: fail: pinned-actions; partial: branch-protection; 1 pass; 1 not evaluated |');
    expect(markdown).toContain('| repositoryPosture | 1.5 | unknown | repository not in the posture run: github.com/jupyterlab/jupyterlab |');
  });
});

describe('diff outputs', () => {
  const before = sampleGraph();
  const after = sampleGraph();
  after.nodes[2] = { ...after.nodes[2]!, purl: 'pkg:pypi/jupyter-server@2.14.2', version: '2.14.2', signals: { advisories: { known: true, value: [] } } };
  after.nodes[1] = { ...after.nodes[1]!, signals: { ...after.nodes[1]!.signals, maintainers: { known: true, value: 2 } } };
  const diff = diffGraphs(before, after);
  const header = { previous: { id: 1, createdAt: '2025-01-01T00:00:00.000Z' }, current: { id: 2, createdAt: '2025-02-01T00:00:00.000Z' } };

  it('text: every section, with counts', () => {
    const text = renderDiff(diff, header, 'table');
    expect(text).toContain('Snapshot 1 (2025-01-01T00:00:00.000Z) → snapshot 2 (2025-02-01T00:00:00.000Z)');
    expect(text).toContain('Version changes (1)\n  PyPI:jupyter-server 2.14.0 → 2.14.2');
    expect(text).toContain('Maintainer changes (1)\n  pkg:npm/%40jupyter-widgets/jupyterlab-manager@5.0.13: 1 → 2 (names not shown by the registry)');
    expect(text).toContain('New advisories (0)\n  none');
  });

  it('json and markdown carry the same changes', () => {
    const document = JSON.parse(renderDiff(diff, header, 'json')) as { previous: { id: number }; versionChanges: unknown[] };
    expect(document.previous.id).toBe(1);
    expect(document.versionChanges).toEqual([{ ecosystem: 'PyPI', name: 'jupyter-server', from: ['2.14.0'], to: ['2.14.2'] }]);
    expect(renderDiff(diff, header, 'markdown')).toContain('## Version changes (1)\n\n- `PyPI:jupyter-server 2.14.0 → 2.14.2`');
  });
});
