import type { BuiltGraph } from '../../graph/build.js';

/**
 * A small graph in buildGraph's shape and order: a PyPI root, its dependency
 * with a known advisory, a wheel that bundles an npm labextension, a conda
 * twin, and an unreachable conda-forge source. Hand-written for the renderer
 * tests; names and versions are real Jupyter packages, signal values invented.
 */
export function sampleGraph(): BuiltGraph {
  return {
    nodes: [
      {
        purl: 'pkg:conda/jupyterlab@4.2.5?channel=conda-forge',
        ecosystem: 'conda',
        name: 'jupyterlab',
        version: '4.2.5',
        root: true,
        signals: { license: { known: true, value: 'BSD-3-Clause' }, advisories: { known: false, reason: 'OSV publishes no advisories for conda packages (see the PyPI twin)' } },
      },
      {
        purl: 'pkg:npm/%40jupyter-widgets/jupyterlab-manager@5.0.13',
        ecosystem: 'npm',
        name: '@jupyter-widgets/jupyterlab-manager',
        version: '5.0.13',
        root: false,
        signals: {
          installScripts: { known: true, value: ['postinstall'] },
          maintainers: { known: true, value: 1 },
          provenance: { known: false, reason: 'a mirror may strip attestations' },
          advisories: { known: true, value: [] },
          advisorySeverity: { known: true, value: 'none' },
        },
      },
      {
        purl: 'pkg:pypi/jupyter-server@2.14.0',
        ecosystem: 'PyPI',
        name: 'jupyter-server',
        version: '2.14.0',
        root: false,
        signals: {
          releasedAt: { known: true, value: '2024-04-11T00:00:00.000Z' },
          maintainers: { known: false, reason: 'PyPI shows no maintainers in the JSON API' },
          advisories: { known: true, value: ['GHSA-hrw6-wg82-cm62'] },
          advisorySeverity: { known: true, value: 'high' },
          license: { known: true, value: 'BSD-3-Clause' },
          repository: { known: true, value: { url: 'github.com/jupyter-server/jupyter_server', confidence: 'confirmed' } },
        },
      },
      {
        purl: 'pkg:pypi/jupyterlab@4.2.5',
        ecosystem: 'PyPI',
        name: 'jupyterlab',
        version: '4.2.5',
        root: true,
        signals: {
          releasedAt: { known: true, value: '2024-08-30T00:00:00.000Z' },
          advisories: { known: true, value: [] },
          advisorySeverity: { known: true, value: 'none' },
          yanked: { known: true, value: false },
          repository: { known: true, value: { url: 'github.com/jupyterlab/jupyterlab', confidence: 'claimed' } },
          license: { known: true, value: 'BSD-3-Clause & "quoted" <tag>' },
        },
      },
      {
        purl: 'pkg:pypi/jupyterlab-widgets@3.0.13',
        ecosystem: 'PyPI',
        name: 'jupyterlab-widgets',
        version: '3.0.13',
        root: false,
        signals: { advisories: { known: true, value: [] } },
      },
    ],
    edges: [
      { from: 'pkg:conda/jupyterlab@4.2.5?channel=conda-forge', to: 'pkg:pypi/jupyterlab@4.2.5', requirement: '==4.2.5', kind: 'twin' },
      { from: 'pkg:pypi/jupyterlab-widgets@3.0.13', to: 'pkg:npm/%40jupyter-widgets/jupyterlab-manager@5.0.13', requirement: '5.0.13', kind: 'bundles' },
      { from: 'pkg:pypi/jupyterlab@4.2.5', to: 'pkg:pypi/jupyter-server@2.14.0', requirement: '>=2.4.0,<3', kind: 'runtime' },
      { from: 'pkg:pypi/jupyterlab@4.2.5', to: 'pkg:pypi/jupyterlab-widgets@3.0.13', requirement: '~=3.0', kind: 'optional', condition: 'extra == "widgets"' },
    ],
    sources: [
      { name: 'advisories /tmp/advisories.sqlite', reachable: true },
      { name: 'conda-forge', reachable: false, error: 'connect ECONNREFUSED' },
      { name: 'pypi', reachable: true },
    ],
    problems: [
      { purl: 'pkg:conda/notebook?channel=conda-forge', message: 'connect ECONNREFUSED' },
      { purl: 'pkg:conda/voila?channel=conda-forge', message: 'connect ECONNREFUSED' },
    ],
  };
}
