import { describe, expect, it } from 'vitest';
import { normalizeRepositoryUrl } from './repository-url.js';

describe('normalizeRepositoryUrl', () => {
  it.each([
    ['https://github.com/jupyterlab/jupyterlab', 'github.com/jupyterlab/jupyterlab'],
    ['git+https://github.com/jupyterlab/lumino.git', 'github.com/jupyterlab/lumino'],
    ['git://github.com/jupyter-widgets/ipywidgets.git', 'github.com/jupyter-widgets/ipywidgets'],
    ['git+ssh://git@github.com/jupyter/notebook.git', 'github.com/jupyter/notebook'],
    ['ssh://git@github.com/jupyter/notebook', 'github.com/jupyter/notebook'],
    ['git@github.com:jupyter-server/jupyter_server.git', 'github.com/jupyter-server/jupyter_server'],
    ['https://github.com/jupyterlab/jupyterlab/tree/main/packages/services', 'github.com/jupyterlab/jupyterlab'],
    ['https://github.com/jupyter/nbconvert/issues', 'github.com/jupyter/nbconvert'],
    ['https://github.com/ipython/ipykernel#readme', 'github.com/ipython/ipykernel'],
    ['http://www.github.com/JupyterHub/JupyterHub/', 'github.com/jupyterhub/jupyterhub'],
    ['github:jupyterlab/lumino', 'github.com/jupyterlab/lumino'],
    ['GitHub:jupyterlab/lumino.git', 'github.com/jupyterlab/lumino'],
    ['gitlab:group/project', 'gitlab.com/group/project'],
    ['https://gitlab.com/group/project.git', 'gitlab.com/group/project'],
    ['  https://github.com/a/b  ', 'github.com/a/b'],
    // the identity itself (graph snapshots store it so): idempotent
    ['github.com/jupyter/notebook', 'github.com/jupyter/notebook'],
    ['github.com/Jupyter-Server/jupyter_server.git', 'github.com/jupyter-server/jupyter_server'],
    ['gitlab.com/group/project', 'gitlab.com/group/project'],
    // not repositories
    ['https://jupyter.org', null],
    ['https://jupyterlab.readthedocs.io/en/stable/', null],
    ['https://github.com/jupyterlab', null],
    ['https://github.com/sponsors/someone', null],
    ['https://github.com/orgs/jupyter/projects', null],
    ['git@example.test:owner/repo.git', null],
    ['example.test/owner/repo', null],
    ['github.com/orgs/jupyter', null],
    ['', null],
    ['not a url', null],
  ])('%s → %s', (raw, expected) => {
    expect(normalizeRepositoryUrl(raw)).toBe(expected);
  });

  it('is idempotent: its own output reads back as itself', () => {
    for (const raw of ['git+https://github.com/jupyterlab/lumino.git', 'git@github.com:Jupyter/Notebook.git', 'gitlab:group/project']) {
      const once = normalizeRepositoryUrl(raw)!;
      expect(normalizeRepositoryUrl(once)).toBe(once);
    }
  });

  it('reads npm `owner/repo` shorthand only when told to', () => {
    expect(normalizeRepositoryUrl('jupyterlab/lumino')).toBeNull();
    expect(normalizeRepositoryUrl('jupyterlab/lumino', { allowShorthand: true })).toBe('github.com/jupyterlab/lumino');
  });
});
