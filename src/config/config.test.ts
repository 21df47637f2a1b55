import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, loadPreset, parseConfig, presetPath } from './config.js';

const FULL = `# an org
orgs: [jupyter, jupyterlab]
packages:
  pypi:
    - jupyterlab
    - "Jupyter_Server==2.14.1"
    - pkg:pypi/notebook@7.2.0
  npm:
    - "@jupyterlab/services"
    - "@jupyterlab/services@4.4.0"
    - pkg:npm/%40lumino/widgets@2.3.0
  conda:
    - jupyterlab
    - pkg:conda/notebook?channel=bioconda
environments: [py3.12-linux, py3.11-macos-arm64, py3.12-linux]
registries:
  npm: https://registry.npm.test/
`;

describe('parseConfig', () => {
  it('reads orgs, roots per ecosystem (names, pins, PURLs), environments and registries', () => {
    const result = parseConfig(FULL, 'chainwatch.yaml');
    if (!result.ok) throw result.error;
    const config = result.value;
    expect(config.orgs).toEqual(['jupyter', 'jupyterlab']);
    expect(config.roots.map((root) => [root.ecosystem, root.name, root.version, root.qualifiers])).toEqual([
      ['PyPI', 'jupyterlab', null, {}],
      ['PyPI', 'jupyter-server', '2.14.1', {}],
      ['PyPI', 'notebook', '7.2.0', {}],
      ['npm', '@jupyterlab/services', null, {}],
      ['npm', '@jupyterlab/services', '4.4.0', {}],
      ['npm', '@lumino/widgets', '2.3.0', {}],
      ['conda', 'jupyterlab', null, { channel: 'conda-forge' }],
      ['conda', 'notebook', null, { channel: 'bioconda' }],
    ]);
    expect(config.roots[4]!.purl).toBe('pkg:npm/%40jupyterlab/services@4.4.0');
    expect(config.environments.map((environment) => [environment.name, environment.environment.sys_platform, environment.environment.platform_machine])).toEqual([
      ['py3.12-linux', 'linux', 'x86_64'],
      ['py3.11-macos-arm64', 'darwin', 'arm64'],
    ]);
    expect(config.registries).toEqual({ npm: 'https://registry.npm.test/' });
  });

  it('takes an empty file as an empty config', () => {
    const result = parseConfig('', 'empty.yaml');
    expect(result.ok && result.value).toMatchObject({ orgs: [], roots: [], environments: [], registries: {} });
  });

  it.each([
    ['an unknown top-level key (typo)', 'orgs: [jupyter]\npackage:\n  pypi: [x]\n', 2, /package: Unrecognized key/i],
    ['an unknown ecosystem section', 'packages:\n  pypi: [jupyterlab]\n  cargo: [serde]\n', 3, /packages\.cargo/],
    ['a name that is not a string', 'packages:\n  npm:\n    - "@jupyterlab/services"\n    - 42\n', 4, /packages\.npm\.1/],
    ['a PURL listed under the wrong ecosystem', 'packages:\n  pypi:\n    - jupyterlab\n    - pkg:npm/left-pad\n', 4, /npm package, listed under PyPI/],
    ['a malformed name', 'packages:\n  pypi:\n    - "jupyter lab"\n', 3, /not a PyPI package name/],
    ['an unknown environment', 'environments:\n  - py3.12-linux\n  - py3.12-beos\n', 3, /environments\[1\].*unknown system/],
    ['a registry that is not a URL', 'registries:\n  pypi: not a url\n', 2, /registries\.pypi: expected an http\(s\) URL/],
    ['a registry over ftp', 'registries:\n  conda: ftp://conda.test/\n', 2, /registries\.conda/],
    ['a bad org name', 'orgs:\n  - jupyter\n  - "not/an/org"\n', 3, /orgs\.1: not a GitHub organisation name/],
    ['orgs as a string', 'orgs: jupyter\n', 1, /orgs: /],
    ['a YAML syntax error', 'orgs: [jupyter\npackages: {}\n', 2, /invalid YAML/],
    ['a duplicate key', 'orgs: [a]\norgs: [b]\n', 2, /invalid YAML/],
  ])('rejects %s with the file and line', (_name, text, line, message) => {
    const result = parseConfig(text, 'org/chainwatch.yaml');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.location).toEqual({ path: 'org/chainwatch.yaml', line });
    expect(result.error.message).toMatch(message);
    expect(result.error.describe()).toMatch(new RegExp(`^org/chainwatch\\.yaml:${line}: `));
  });
});

describe('loadConfigFile', () => {
  it('reads a file and names it in errors; an absent file is unreadable-file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chainwatch-config-'));
    try {
      const path = join(dir, 'chainwatch.yaml');
      writeFileSync(path, 'packages:\n  npm: ["@lumino/widgets"]\n');
      const good = loadConfigFile(path);
      expect(good.ok && good.value.roots.map((root) => root.purl)).toEqual(['pkg:npm/%40lumino/widgets']);
      expect(good.ok && good.value.source).toBe(path);
      const missing = loadConfigFile(join(dir, 'absent.yaml'));
      expect(!missing.ok && missing.error.code).toBe('unreadable-file');
      expect(!missing.ok && missing.error.location?.path).toBe(join(dir, 'absent.yaml'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a FIFO or device is an error at once, not a hang; invalid UTF-8 is an error at its line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chainwatch-config-'));
    try {
      const fifo = join(dir, 'fifo.yaml');
      execFileSync('mkfifo', [fifo]);
      const fromFifo = loadConfigFile(fifo);
      expect(!fromFifo.ok && fromFifo.error.describe()).toBe(`${fifo}: cannot read config: is not a regular file (a device, FIFO or socket is never read)`);
      expect(!loadConfigFile('/dev/zero').ok).toBe(true);
      const latin1 = join(dir, 'latin1.yaml');
      writeFileSync(latin1, Buffer.concat([Buffer.from('orgs: [jupyter]\nroots: [caf'), Buffer.from([0xe9]), Buffer.from(']\n')]));
      const bad = loadConfigFile(latin1);
      expect(!bad.ok && [bad.error.code, bad.error.location]).toEqual(['invalid-encoding', { path: latin1, line: 2 }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the jupyter preset', () => {
  const preset = loadPreset('jupyter');

  it('loads, and names the packages the issue lists in each ecosystem', () => {
    if (!preset.ok) throw preset.error;
    const purls = new Set(preset.value.roots.map((root) => root.purl));
    for (const purl of [
      'pkg:pypi/jupyterlab',
      'pkg:pypi/notebook',
      'pkg:pypi/jupyterhub',
      'pkg:pypi/jupyter-server',
      'pkg:pypi/voila',
      'pkg:pypi/ipywidgets',
      'pkg:pypi/nbconvert',
      'pkg:pypi/ipykernel',
      'pkg:pypi/jupyter-client',
      'pkg:pypi/jupyter-core',
      'pkg:pypi/nbformat',
      'pkg:pypi/traitlets',
      'pkg:npm/%40jupyterlab/application',
      'pkg:npm/%40jupyterlab/services',
      'pkg:npm/%40jupyter-widgets/base',
      'pkg:npm/%40lumino/widgets',
      'pkg:conda/jupyterlab?channel=conda-forge',
    ]) {
      expect(purls, purl).toContain(purl);
    }
    // Unpinned: the newest release of each.
    expect(preset.value.roots.every((root) => root.version === null)).toBe(true);
    expect(preset.value.environments.map((environment) => environment.name)).toEqual(['py3.12-linux']);
  });

  it('lists the Project Jupyter GitHub organisations and none that was ruled out', () => {
    if (!preset.ok) throw preset.error;
    expect(preset.value.orgs).toEqual(expect.arrayContaining(['jupyter', 'jupyterlab', 'jupyterhub', 'jupyter-server', 'ipython', 'jupyter-widgets', 'voila-dashboards', 'jupyter-xeus', 'jupyterlite']));
    expect(preset.value.orgs).not.toContain('jupyter-naas');
    expect(preset.value.orgs.length).toBeGreaterThanOrEqual(15);
  });

  it('is found beside the sources', () => {
    expect(presetPath('jupyter')).toMatch(/src[\\/]config[\\/]presets[\\/]jupyter\.yaml$/);
  });

  it('an unknown preset is invalid-argument', () => {
    const result = loadPreset('django');
    expect(!result.ok && result.error.code).toBe('invalid-argument');
    expect(!result.ok && result.error.message).toMatch(/known: jupyter/);
  });
});

describe('parseConfig on YAML nested too deep', () => {
  it('is a parse error with its line, never handed to the YAML parser', () => {
    const result = parseConfig(`roots:\n  pypi: ${'['.repeat(100_000)}\n`, 'chainwatch.yaml');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.describe()).toMatch(/^chainwatch\.yaml:2: .*nested deeper than 64 levels/);
  });
});
