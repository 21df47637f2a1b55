import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChainwatchError } from '../core/errors.js';
import type { DependencyGraph, GraphNode } from '../graph/types.js';
import { importanceFromGraph, importanceFromList, importanceFromPackages, mergeImportance, parseImportanceList, rankRepositories, readImportanceList } from './importance.js';

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

describe('importanceFromGraph on what the graph stores', () => {
  it('reads the `github.com/owner/repo` identity graph signals carry (not only URLs)', () => {
    // graph/signals.ts stores pickRepository()'s identity, never the registry's URL.
    const graph: DependencyGraph = {
      nodes: [node('pkg:pypi/notebook@1', 'notebook', true, 'github.com/jupyter/notebook'), node('pkg:pypi/nbformat@1', 'nbformat', false, 'github.com/jupyter/nbformat')],
      edges: [{ from: 'pkg:pypi/notebook@1', to: 'pkg:pypi/nbformat@1', requirement: '>=5', kind: 'runtime' }],
      sources: [],
    };
    expect(importanceFromGraph(graph, ['jupyter/notebook', 'Jupyter/NBFormat', 'jupyter/nbconvert']).map((entry) => entry.repo).sort()).toEqual(['jupyter/nbformat', 'jupyter/notebook']);
  });
});

describe('mergeImportance', () => {
  it('keeps the highest score per repository, case-insensitively', () => {
    const merged = mergeImportance(importanceFromList(['a/x', 'b/y']), [{ repo: 'B/Y', score: 0.9, reason: 'graph' }]);
    expect(merged).toEqual([
      { repo: 'a/x', score: 1, reason: '1st listed as important' },
      { repo: 'b/y', score: 0.9, reason: 'graph' },
    ]);
  });
});

describe('parseImportanceList', () => {
  it.each([
    ['a YAML list', '- jupyter/nbformat\n- jupyter/notebook\n', ['jupyter/nbformat', 'jupyter/notebook']],
    ['a JSON list', '["jupyter/nbformat"]', ['jupyter/nbformat']],
  ])('reads %s', (_name, text, expected) => {
    expect(parseImportanceList(text, 'list.yaml')).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['a mapping', 'a: 1\n', 'list.yaml: expected a list of owner/name, most important first'],
    ['a name without owner', '- nbformat\n', 'list.yaml: expected a list of owner/name, most important first'],
    ['broken YAML', '- a/b\n  c: [\n', /^list\.yaml:\d+: invalid YAML: /],
    // 5,000 levels of `[`: refused by the nesting guard before the parser runs (the YAML library overflowed the stack on it).
    ['text nested too deeply', `${'['.repeat(5000)}\n`, 'list.yaml:1: invalid YAML: nested deeper than 256 levels'],
  ])('refuses %s, naming the file', (_name, text, expected) => {
    const result = parseImportanceList(text, 'list.yaml');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.describe()).toMatch(expected);
  });
});

describe('readImportanceList and rankRepositories', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'chainwatch-importance-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads through the bounded reader: a missing file or a directory is an error naming it, never a hang or a crash', async () => {
    const missing = await readImportanceList(join(dir, 'nope.yaml'));
    expect(missing.ok || missing.error.describe()).toBe(`${join(dir, 'nope.yaml')}: does not exist`);
    const directory = await readImportanceList(dir);
    expect(directory.ok || directory.error.code).toBe('unreadable-file');
  });

  it('merges the list, the config packages and the graph history, and says which it used', async () => {
    const list = join(dir, 'list.yaml');
    writeFileSync(list, '- jupyter/nbformat\n');
    const graph: DependencyGraph = { nodes: [node('pkg:pypi/notebook@1', 'notebook', true, 'https://github.com/jupyter/notebook')], edges: [], sources: [] };
    const ranking = await rankRepositories(['jupyter/nbformat', 'jupyter/notebook', 'jupyterlab/jupyterlab'], {
      listPath: list,
      packages: JUPYTER_PACKAGES,
      latestGraph: async () => ({ kind: 'graph', graph }),
    });
    expect(ranking).toEqual({
      kind: 'ranked',
      importance: [
        { repo: 'jupyter/nbformat', score: 1, reason: `1st in ${list}` },
        { repo: 'jupyterlab/jupyterlab', score: 1, reason: "1st of the config's packages: jupyterlab" },
        // notebook is 2nd of the packages (0.8); its reach in the graph scores higher, and wins.
        { repo: 'jupyter/notebook', score: expect.closeTo(0.82, 2), reason: 'reach 0.82 of pkg:pypi/notebook@1' },
      ],
      note: `importance from the list in ${list}, the order of the config's packages, the reach of their packages in the latest graph snapshot`,
    });
  });

  it('a bad list is bad input before the history is asked; a missing history is bad input; an unreadable one is noted', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'a: 1\n');
    let asked = 0;
    const latestGraph = async () => {
      asked++;
      return { kind: 'none' } as const;
    };
    expect(await rankRepositories(['a/b'], { listPath: bad, packages: [], latestGraph })).toMatchObject({ kind: 'bad-input', input: 'importance' });
    expect(asked).toBe(0);
    const missing = new ChainwatchError('unreadable-file', 'no such file', { location: { path: 'h.sqlite' } });
    expect(await rankRepositories(['a/b'], { packages: [], latestGraph: async () => ({ kind: 'missing', error: missing }) })).toEqual({ kind: 'bad-input', input: 'history', error: missing });
    const broken = new Error('file is not a database');
    expect(await rankRepositories(['a/b'], { packages: [], latestGraph: async () => ({ kind: 'unusable', error: broken }) })).toEqual({
      kind: 'ranked',
      importance: [],
      note: '',
      historyError: broken,
    });
  });
});
