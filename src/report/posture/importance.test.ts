import { describe, expect, it } from 'vitest';
import type { DependencyGraph, GraphNode } from '../../graph/types.js';
import { importanceFromGraph, importanceFromList, importanceFromPackages, mergeImportance, orderByImportance } from './importance.js';

const JUPYTER_PACKAGES = [
  { ecosystem: 'PyPI', name: 'jupyterlab' },
  { ecosystem: 'PyPI', name: 'notebook' },
  { ecosystem: 'PyPI', name: 'jupyter_server' },
  { ecosystem: 'npm', name: '@jupyterlab/notebook' },
  { ecosystem: 'npm', name: '@lumino/widgets' },
];

describe('importanceFromPackages', () => {
  it('matches repositories to the config packages by normalised name or npm scope, first match wins', () => {
    const repos = ['jupyter/notebook', 'jupyterlab/lumino', 'jupyter-server/jupyter_server', 'jupyterlab/jupyterlab', 'jupyter/nbformat'];
    expect(importanceFromPackages(JUPYTER_PACKAGES, repos)).toEqual([
      { repo: 'jupyter/notebook', score: 4 / 5, reason: "2nd of the config's packages: notebook" },
      { repo: 'jupyterlab/lumino', score: 1 / 5, reason: "5th of the config's packages: @lumino/widgets" },
      { repo: 'jupyter-server/jupyter_server', score: 3 / 5, reason: "3rd of the config's packages: jupyter_server" },
      // Both jupyterlab (1st) and the @jupyterlab scope (4th) match: the first counts.
      { repo: 'jupyterlab/jupyterlab', score: 1, reason: "1st of the config's packages: jupyterlab" },
    ]);
  });
});

function node(purl: string, name: string, root: boolean, repository?: string): GraphNode {
  return {
    purl,
    ecosystem: 'PyPI',
    name,
    version: '1',
    root,
    signals: repository ? { repository: { known: true, value: { url: repository, confidence: 'confirmed' } } } : {},
  };
}

describe('importanceFromGraph', () => {
  it('scores a repository by the highest reach of the packages that name it', () => {
    // Two roots both depend on jupyter-server; jupyterlab is one root: jupyter-server reaches more.
    const graph: DependencyGraph = {
      nodes: [
        node('pkg:pypi/jupyterlab@1', 'jupyterlab', true, 'https://github.com/jupyterlab/jupyterlab'),
        node('pkg:pypi/notebook@1', 'notebook', true, 'git+https://github.com/jupyter/notebook.git'),
        node('pkg:pypi/jupyter-server@1', 'jupyter-server', false, 'https://github.com/Jupyter-Server/jupyter_server/tree/main'),
        node('pkg:pypi/other@1', 'other', false),
      ],
      edges: [
        { from: 'pkg:pypi/jupyterlab@1', to: 'pkg:pypi/jupyter-server@1', requirement: '>=2', kind: 'runtime' },
        { from: 'pkg:pypi/notebook@1', to: 'pkg:pypi/jupyter-server@1', requirement: '>=2', kind: 'runtime' },
      ],
      sources: [],
    };
    const scores = importanceFromGraph(graph, ['jupyterlab/jupyterlab', 'jupyter-server/jupyter_server', 'ipython/ipykernel']);
    expect(scores.map((entry) => entry.repo).sort()).toEqual(['jupyter-server/jupyter_server', 'jupyterlab/jupyterlab']);
    const byRepo = new Map(scores.map((entry) => [entry.repo, entry]));
    expect(byRepo.get('jupyter-server/jupyter_server')!.score).toBeGreaterThan(byRepo.get('jupyterlab/jupyterlab')!.score);
    expect(byRepo.get('jupyter-server/jupyter_server')!.reason).toMatch(/^reach [0-9.]+ of pkg:pypi\/jupyter-server@1$/);
  });
});

describe('mergeImportance and orderByImportance', () => {
  it('keeps the highest score per repository, case-insensitively', () => {
    const merged = mergeImportance(importanceFromList(['a/x', 'b/y']), [{ repo: 'B/Y', score: 0.9, reason: 'graph' }]);
    expect(merged).toEqual([
      { repo: 'a/x', score: 1, reason: '1st listed as important' },
      { repo: 'b/y', score: 0.9, reason: 'graph' },
    ]);
  });

  it('orders by score, then name; repositories without a score come last', () => {
    const items = ['z/none', 'a/none', 'm/low', 'q/high'].map((repo) => ({ repo }));
    const ordered = orderByImportance(items, [
      { repo: 'q/high', score: 1, reason: '' },
      { repo: 'm/low', score: 0.2, reason: '' },
    ]);
    expect(ordered.map((item) => item.repo)).toEqual(['q/high', 'm/low', 'a/none', 'z/none']);
  });
});
