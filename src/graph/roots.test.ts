import { describe, expect, it } from 'vitest';
import { parseRoot, uniqueRoots } from './roots.js';

describe('parseRoot', () => {
  it.each([
    ['pkg:pypi/jupyterlab', undefined, 'PyPI', 'jupyterlab', null, {}],
    ['pkg:pypi/Jupyter_Server@2.14.1', undefined, 'PyPI', 'jupyter-server', '2.14.1', {}],
    ['pkg:npm/%40jupyterlab/services@4.4.0', undefined, 'npm', '@jupyterlab/services', '4.4.0', {}],
    ['pkg:npm/left-pad', undefined, 'npm', 'left-pad', null, {}],
    ['pkg:conda/jupyterlab?channel=conda-forge', undefined, 'conda', 'jupyterlab', null, { channel: 'conda-forge' }],
    ['pkg:conda/jupyterlab', undefined, 'conda', 'jupyterlab', null, { channel: 'conda-forge' }],
    ['jupyterlab', 'PyPI', 'PyPI', 'jupyterlab', null, {}],
    ['notebook==7.2.0', 'PyPI', 'PyPI', 'notebook', '7.2.0', {}],
    ['notebook@7.2.0', 'PyPI', 'PyPI', 'notebook', '7.2.0', {}],
    ['@jupyterlab/services', 'npm', 'npm', '@jupyterlab/services', null, {}],
    ['@jupyterlab/services@4.4.0', 'npm', 'npm', '@jupyterlab/services', '4.4.0', {}],
    ['jupyter_server', 'conda', 'conda', 'jupyter_server', null, { channel: 'conda-forge' }],
    ['jupyterlab==4.2.5', 'conda', 'conda', 'jupyterlab', '4.2.5', { channel: 'conda-forge' }],
  ] as const)('%s → %s %s %s', (text, ecosystem, expectedEcosystem, name, version, qualifiers) => {
    const result = parseRoot(text, ecosystem);
    if (!result.ok) throw result.error;
    expect(result.value).toMatchObject({ ecosystem: expectedEcosystem, name, version, qualifiers });
  });

  it('gives bare names a PURL', () => {
    const result = parseRoot('@jupyterlab/services@4.4.0', 'npm');
    expect(result.ok && result.value.purl).toBe('pkg:npm/%40jupyterlab/services@4.4.0');
  });

  it.each([
    ['', undefined, /empty/],
    ['jupyterlab', undefined, /not a PURL/],
    ['pkg:cargo/serde', undefined, /unsupported PURL type/],
    ['pkg:deb/debian/git', undefined, /unsupported PURL type/],
    ['pkg:', undefined, /malformed PURL/],
    ['pkg:npm/x', 'PyPI', /npm package, listed under PyPI/],
    ['jupyter lab', 'PyPI', /not a PyPI package name/],
    ['@jupyterlab/services@', 'npm', /empty version/],
    ['Bad Name', 'npm', /not a npm package name/],
  ] as const)('rejects %j', (text, ecosystem, message) => {
    const result = parseRoot(text, ecosystem);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('invalid-argument');
      expect(result.error.message).toMatch(message);
    }
  });
});

describe('uniqueRoots', () => {
  it('keeps the first of two spellings of one package', () => {
    const roots = ['pkg:pypi/jupyter-server', 'pkg:pypi/Jupyter_Server', 'pkg:pypi/jupyter-server@2.0.0'].map((text) => {
      const result = parseRoot(text);
      if (!result.ok) throw result.error;
      return result.value;
    });
    expect(uniqueRoots(roots).map((root) => root.purl)).toEqual(['pkg:pypi/jupyter-server', 'pkg:pypi/jupyter-server@2.0.0']);
  });
});
