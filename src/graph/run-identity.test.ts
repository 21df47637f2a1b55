import { describe, expect, it } from 'vitest';
import { parseEnvironmentName } from '../ecosystems/pypi/environment.js';
import { graphInputs } from './inputs.js';
import { parseRoot } from './roots.js';
import { graphRunIdentity, identityHash, legacyIdentity, matchIdentity, parseProfileName, runIdentity, shortIdentity } from './run-identity.js';

function rootsOf(texts: string[]) {
  return texts.map((text) => {
    const root = parseRoot(text);
    if (!root.ok) throw root.error;
    return root.value;
  });
}

function identityOf(roots: string[], environments: string[], orgs: string[], label = 'chainwatch.yaml') {
  return runIdentity({
    roots: rootsOf(roots),
    environments: environments.map((name) => {
      const environment = parseEnvironmentName(name);
      if (!environment.ok) throw environment.error;
      return environment.value;
    }),
    orgs,
    label,
    adHoc: false,
  });
}

const BASE = identityOf(['pkg:pypi/jupyterlab', 'pkg:npm/%40jupyterlab/services', 'pkg:conda/notebook'], ['py3.12-linux', 'py3.11-macos-arm64'], ['jupyter', 'jupyterlab']);

describe('run identity', () => {
  it('is the hash of the normalised inputs: the key of a run without a profile', () => {
    expect(BASE.key).toMatch(/^[0-9a-f]{64}$/);
    expect(BASE.key).toBe(BASE.hash);
    expect(BASE.key).toBe(identityHash(BASE.inputs));
    expect(BASE.inputs).toEqual({
      roots: ['pkg:conda/notebook?channel=conda-forge', 'pkg:npm/%40jupyterlab/services', 'pkg:pypi/jupyterlab'],
      environments: ['cpython3.11.0-darwin-arm64', 'cpython3.12.0-linux-x86_64'],
      orgs: ['jupyter', 'jupyterlab'],
    });
  });

  it.each([
    ['roots in another order', identityOf(['pkg:conda/notebook', 'pkg:pypi/jupyterlab', 'pkg:npm/%40jupyterlab/services'], ['py3.12-linux', 'py3.11-macos-arm64'], ['jupyter', 'jupyterlab'])],
    ['environments and orgs in another order', identityOf(['pkg:pypi/jupyterlab', 'pkg:npm/%40jupyterlab/services', 'pkg:conda/notebook'], ['py3.11-macos-arm64', 'py3.12-linux'], ['jupyterlab', 'jupyter'])],
    [
      'names as the ecosystems normalise them, spelled environments, org case, the default channel written out, duplicates',
      identityOf(
        ['pkg:pypi/JupyterLab', 'pkg:pypi/jupyterlab', 'pkg:npm/%40jupyterlab/services', 'pkg:conda/Notebook?channel=conda-forge'],
        ['py312-Linux', 'python3.11-darwin-aarch64', 'py3.12-linux'],
        ['Jupyter', 'jupyterlab', 'JUPYTERLAB'],
      ),
    ],
    ['another label (the same ask from another file)', identityOf(['pkg:pypi/jupyterlab', 'pkg:npm/%40jupyterlab/services', 'pkg:conda/notebook'], ['py3.12-linux', 'py3.11-macos-arm64'], ['jupyter', 'jupyterlab'], 'preset:jupyter')],
  ])('is the same for %s', (_name, other) => {
    expect(other.key).toBe(BASE.key);
  });

  it.each([
    ['one more root', identityOf(['pkg:pypi/jupyterlab', 'pkg:npm/%40jupyterlab/services', 'pkg:conda/notebook', 'pkg:pypi/voila'], ['py3.12-linux', 'py3.11-macos-arm64'], ['jupyter', 'jupyterlab'])],
    ['a pinned version', identityOf(['pkg:pypi/jupyterlab@4.2.5', 'pkg:npm/%40jupyterlab/services', 'pkg:conda/notebook'], ['py3.12-linux', 'py3.11-macos-arm64'], ['jupyter', 'jupyterlab'])],
    ['another channel', identityOf(['pkg:pypi/jupyterlab', 'pkg:npm/%40jupyterlab/services', 'pkg:conda/notebook?channel=defaults'], ['py3.12-linux', 'py3.11-macos-arm64'], ['jupyter', 'jupyterlab'])],
    ['one environment fewer', identityOf(['pkg:pypi/jupyterlab', 'pkg:npm/%40jupyterlab/services', 'pkg:conda/notebook'], ['py3.12-linux'], ['jupyter', 'jupyterlab'])],
    ['another org', identityOf(['pkg:pypi/jupyterlab', 'pkg:npm/%40jupyterlab/services', 'pkg:conda/notebook'], ['py3.12-linux', 'py3.11-macos-arm64'], ['jupyter'])],
  ])('differs for %s', (_name, other) => {
    expect(other.key).not.toBe(BASE.key);
  });

  it('is a profile name when one is given, keeping the hash of the inputs', () => {
    const profile = parseProfileName(' Weekly ');
    expect(profile).toEqual({ ok: true, value: 'weekly' });
    const named = runIdentity({ roots: [], environments: [], orgs: [], label: 'command line', adHoc: true }, 'weekly');
    expect(named).toMatchObject({ key: 'profile:weekly', profile: 'weekly', adHoc: false });
    expect(shortIdentity(named.key)).toBe('profile:weekly');
    expect(shortIdentity(BASE.key)).toBe(BASE.key.slice(0, 12));
    expect(parseProfileName('../etc')).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    expect(parseProfileName('')).toMatchObject({ ok: false });
  });

  it('of a graph run: PURLs on the command line are ad hoc, a config is not, and its orgs count', () => {
    const roots = rootsOf(['pkg:pypi/jupyterlab']);
    const fromConfig = graphInputs({ source: 'preset:jupyter', roots, environments: [], registries: {}, orgs: ['jupyter'] }, [], []);
    const plusPurl = graphInputs({ source: 'preset:jupyter', roots, environments: [], registries: {}, orgs: ['jupyter'] }, ['pkg:pypi/voila'], []);
    const adHoc = graphInputs(null, ['pkg:pypi/jupyterlab'], []);
    if (!fromConfig.ok || !plusPurl.ok || !adHoc.ok) throw new Error('inputs');
    expect(graphRunIdentity(fromConfig.value)).toMatchObject({ adHoc: false, label: 'preset:jupyter', inputs: { orgs: ['jupyter'] } });
    expect(graphRunIdentity(plusPurl.value).adHoc).toBe(true);
    expect(graphRunIdentity(adHoc.value)).toMatchObject({ adHoc: true, label: 'command line', inputs: { orgs: [] } });
    // The same roots asked with and without orgs are different identities.
    expect(graphRunIdentity(adHoc.value).key).not.toBe(graphRunIdentity(fromConfig.value).key);
    expect(graphRunIdentity(fromConfig.value, 'weekly').key).toBe('profile:weekly');
  });

  it('of a snapshot saved before identities: its stored roots and environments, no orgs', () => {
    const legacy = legacyIdentity({ roots: ['pkg:pypi/JupyterLab', 'pkg:npm/%40jupyterlab/services', 'pkg:conda/notebook?channel=conda-forge'], environments: ['py3.12-linux', 'py3.11-macos-arm64'], config: 'preset:jupyter' });
    expect(legacy.key).toBe(identityHash({ ...BASE.inputs, orgs: [] }));
    expect(legacy).toMatchObject({ label: 'preset:jupyter', adHoc: false });
    expect(legacyIdentity({ roots: ['pkg:pypi/x'], environments: [] })).toMatchObject({ label: 'command line', adHoc: true });
    // What no longer parses is hashed as written rather than dropped.
    expect(legacyIdentity({ roots: ['pkg:cargo/serde'], environments: ['py3.12-beos'] }).inputs).toEqual({ roots: ['pkg:cargo/serde'], environments: ['py3.12-beos'], orgs: [] });
  });

  it('--identity finds a key by itself, a profile name or a unique hash prefix of 6 or more', () => {
    const keys = ['abcdef0123', 'abcdef9999', '0123456789', 'profile:weekly'];
    expect(matchIdentity(keys, '0123456789')).toEqual({ ok: true, value: '0123456789' });
    expect(matchIdentity(keys, '012345')).toEqual({ ok: true, value: '0123456789' });
    expect(matchIdentity(keys, 'Weekly')).toEqual({ ok: true, value: 'profile:weekly' });
    expect(matchIdentity(keys, 'profile:weekly')).toEqual({ ok: true, value: 'profile:weekly' });
    expect(matchIdentity(keys, 'abcdef')).toMatchObject({ ok: false, error: { message: expect.stringMatching(/ambiguous/) } });
    expect(matchIdentity(keys, '01234')).toMatchObject({ ok: false, error: { message: expect.stringMatching(/no runs of identity/) } });
  });
});
