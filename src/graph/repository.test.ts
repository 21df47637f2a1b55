import { describe, expect, it } from 'vitest';
import { declaredName, manifestLookupFromDirectory, pickRepository, readManifests, repositoryConfidence } from './repository.js';
import { describeWithSharedData, sharedDataPath } from '../../test/shared-data.js';

const projects = sharedDataPath('projects');

describe('pickRepository', () => {
  it('takes the first URL that names a repository', () => {
    expect(pickRepository(['https://jupyter.org', 'https://github.com/jupyter/notebook/issues', 'https://github.com/other/repo'])).toBe('github.com/jupyter/notebook');
    expect(pickRepository(['https://jupyter.org'])).toBeNull();
  });
});

describe('declaredName', () => {
  it.each([
    ['package.json', '{"name": "@jupyterlab/services", "version": "1.0.0"}', { ecosystem: 'npm', name: '@jupyterlab/services' }],
    ['package.json', '{"private": true}', null],
    ['package.json', '{not json', null],
    ['pyproject.toml', '[project]\nname = "Jupyter_Server"\n', { ecosystem: 'PyPI', name: 'jupyter-server' }],
    ['pyproject.toml', '[tool.poetry]\nname = "x"\n', null],
    ['setup.cfg', '[metadata]\nname = traitlets\nversion = 5\n', { ecosystem: 'PyPI', name: 'traitlets' }],
    ['setup.py', 'setup(\n    name="jupyterhub",\n)', { ecosystem: 'PyPI', name: 'jupyterhub' }],
    ['setup.py', 'setup(name=NAME)', null],
    ['meta.yaml', '{% set name = "Jupyter_Core" %}\npackage:\n  name: {{ name|lower }}\n', { ecosystem: 'conda', name: 'jupyter_core' }],
    ['meta.yaml', 'package:\n  name: jupyterlab\n  version: 1\n', { ecosystem: 'conda', name: 'jupyterlab' }],
    ['README.md', 'name = "x"', null],
  ])('%s %j', (fileName, text, expected) => {
    expect(declaredName(fileName, text)).toEqual(expected);
  });
});

describeWithSharedData('manifests of the shared project checkouts', () => {
  it('reads the names jupyterlab/jupyterlab declares (root and staging package.json, pyproject.toml)', () => {
    // ../shared/data/projects/jupyterlab/jupyterlab: package.json "@jupyterlab/repo-top",
    // jupyterlab/staging/package.json "@jupyterlab/application-top", pyproject.toml [project] name "jupyterlab".
    const found = readManifests(`${projects}/jupyterlab/jupyterlab`).map(({ ecosystem, name, manifest }) => `${ecosystem} ${name} ${manifest}`).sort();
    expect(found).toEqual([
      'PyPI jupyterlab pyproject.toml',
      'npm @jupyterlab/application-top jupyterlab/staging/package.json',
      'npm @jupyterlab/repo-top package.json',
    ]);
  });

  it('confirms a package its repository names, and only in its own ecosystem', () => {
    const lookup = manifestLookupFromDirectory(projects);
    expect(repositoryConfidence('github.com/jupyterlab/jupyterlab', 'PyPI', 'jupyterlab', lookup)).toBe('confirmed');
    expect(repositoryConfidence('github.com/jupyter-server/jupyter_server', 'PyPI', 'Jupyter-Server', lookup)).toBe('confirmed');
    expect(repositoryConfidence('github.com/jupyter/notebook', 'PyPI', 'notebook', lookup)).toBe('confirmed');
    // The conda-forge feedstock's recipe names the conda package.
    expect(repositoryConfidence('github.com/conda-forge/jupyterlab-feedstock', 'conda', 'jupyterlab', lookup)).toBe('confirmed');
    // jupyter_server's package.json (a private build manifest) is named "jupyter_server": that names an npm package…
    expect(repositoryConfidence('github.com/jupyter-server/jupyter_server', 'npm', 'jupyter_server', lookup)).toBe('confirmed');
    // …and a package that merely points at a repository is only claimed.
    expect(repositoryConfidence('github.com/jupyterlab/jupyterlab', 'PyPI', 'evil-jupyterlab', lookup)).toBe('claimed');
    expect(repositoryConfidence('github.com/jupyterlab/jupyterlab', 'npm', 'jupyterlab', lookup)).toBe('claimed');
    // A repository not checked out: claimed, never confirmed by default.
    expect(repositoryConfidence('github.com/nobody/nothing', 'PyPI', 'nothing', lookup)).toBe('claimed');
    expect(repositoryConfidence('github.com/jupyterlab/jupyterlab', 'PyPI', 'jupyterlab', undefined)).toBe('claimed');
  });
});
