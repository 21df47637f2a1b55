import { describe, expect, it } from 'vitest';
import { DEFAULT_ENVIRONMENT_NAME, graphInputs } from './inputs.js';
import { parseRoot } from './roots.js';

describe('graphInputs', () => {
  it('adds PURLs to the base roots without duplicates and defaults the environment', () => {
    const root = parseRoot('pkg:pypi/jupyterlab');
    if (!root.ok) throw root.error;
    const base = { source: 'preset:jupyter', roots: [root.value], environments: [], registries: { npm: 'https://registry.example.test/' } };
    const read = graphInputs(base, ['pkg:pypi/JupyterLab', 'pkg:npm/%40jupyterlab/services'], []);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.value.source).toBe('preset:jupyter');
    expect(read.value.roots.map((root) => root.purl)).toEqual(['pkg:pypi/jupyterlab', 'pkg:npm/%40jupyterlab/services']);
    expect(read.value.environments.map((entry) => entry.name)).toEqual([DEFAULT_ENVIRONMENT_NAME]);
    expect(read.value.registries).toEqual({ npm: 'https://registry.example.test/' });
  });

  it('lets the command line environments replace the base ones, once each', () => {
    const read = graphInputs(null, ['pkg:pypi/x'], ['py3.13-windows', 'py3.12-linux', 'py3.13-windows']);
    expect(read.ok && read.value.environments.map((entry) => `${entry.name} ${entry.environment.sys_platform}`)).toEqual(['py3.13-windows win32', 'py3.12-linux linux']);
    expect(read.ok && read.value.source).toBe('command line');
  });

  it.each([
    [['pkg:'], [], /malformed PURL/],
    [['pkg:cargo/serde'], [], /unsupported PURL type/],
    [['pkg:pypi/x'], ['py3.12-beos'], /unknown system/],
    [[], [], /^nothing to resolve: give PURLs/],
  ])('refuses %j %j', (purls, environments, message) => {
    const read = graphInputs(null, purls, environments);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.error.message).toMatch(message);
  });
});
