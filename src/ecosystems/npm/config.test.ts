import { describe, expect, it } from 'vitest';
import { ChainwatchError } from '../../core/errors.js';
import { expandNpmEnv, loadNpmConfig, npmAuthorization, resolveNpmRegistry } from './config.js';
import { basic, fakeSources, HOME, NPM_DEFAULT, PROJECT } from '../config-sources.fixture.js';

describe('expandNpmEnv', () => {
  const env = { TOKEN: 'abc123', EMPTY: '' };
  it.each([
    ['${TOKEN}', 'abc123'],
    ['//r.test/:_authToken=${TOKEN}', '//r.test/:_authToken=abc123'],
    ['${MISSING}', '${MISSING}'],
    ['${MISSING?}', ''],
    ['${EMPTY}', ''],
    ['\\${TOKEN}', '${TOKEN}'],
    ['\\\\${TOKEN}', '\\abc123'],
    ['\\\\\\${TOKEN}', '\\${TOKEN}'],
    ['a${TOKEN}b${TOKEN?}c', 'aabc123babc123c'],
    ['$TOKEN', '$TOKEN'],
  ])('%s → %s', (input, expected) => {
    expect(expandNpmEnv(input, env)).toBe(expected);
  });
});

describe('npm registry', () => {
  const cases: Array<{
    name: string;
    files?: Record<string, string>;
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    directories?: string[];
    overrides?: { npm?: string };
    packageName: string;
    expected: { url: string; authorization?: string };
    asksNpm?: boolean;
  }> = [
    { name: 'nothing configured: npm is asked', packageName: 'left-pad', expected: { url: 'https://registry.npm.test/' }, asksNpm: true },
    { name: 'user .npmrc', files: { [`${HOME}/.npmrc`]: 'registry=https://mirror.test/npm' }, packageName: 'left-pad', expected: { url: 'https://mirror.test/npm/' } },
    {
      name: 'project .npmrc beats the user one',
      files: { [`${HOME}/.npmrc`]: 'registry=https://user.test/', [`${PROJECT}/package.json`]: '{}', [`${PROJECT}/.npmrc`]: 'registry = https://project.test/' },
      packageName: 'left-pad',
      expected: { url: 'https://project.test/' },
    },
    {
      name: 'the project root is the nearest directory with package.json',
      cwd: `${PROJECT}/packages/ui/src`,
      files: { [`${PROJECT}/package.json`]: '{}', [`${PROJECT}/.npmrc`]: 'registry=https://root.test/', [`${PROJECT}/packages/ui/src/.npmrc`]: 'registry=https://not-read.test/' },
      packageName: 'left-pad',
      expected: { url: 'https://root.test/' },
    },
    {
      name: 'or with node_modules',
      cwd: `${PROJECT}/lib`,
      directories: [`${PROJECT}/lib/node_modules`],
      files: { [`${PROJECT}/lib/.npmrc`]: 'registry=https://lib.test/' },
      packageName: 'left-pad',
      expected: { url: 'https://lib.test/' },
    },
    {
      name: 'npm_config_registry beats files',
      files: { [`${PROJECT}/.npmrc`]: 'registry=https://project.test/' },
      env: { npm_config_registry: 'https://env.test/' },
      packageName: 'left-pad',
      expected: { url: 'https://env.test/' },
    },
    { name: 'NPM_CONFIG_REGISTRY in capitals', env: { NPM_CONFIG_REGISTRY: 'https://caps.test/' }, packageName: 'left-pad', expected: { url: 'https://caps.test/' } },
    { name: 'an empty env value is ignored', env: { npm_config_registry: '' }, files: { [`${HOME}/.npmrc`]: 'registry=https://user.test/' }, packageName: 'x', expected: { url: 'https://user.test/' } },
    {
      name: 'chainwatch config beats everything for the default registry',
      env: { npm_config_registry: 'https://env.test/' },
      overrides: { npm: 'https://chainwatch.test/npm/' },
      packageName: 'left-pad',
      expected: { url: 'https://chainwatch.test/npm/' },
    },
    {
      name: 'a scoped registry serves its scope only',
      files: { [`${HOME}/.npmrc`]: 'registry=https://main.test/\n@jupyterlab:registry=https://jl.test/npm/\n' },
      packageName: '@jupyterlab/services',
      expected: { url: 'https://jl.test/npm/' },
    },
    {
      name: 'another scope falls back to the registry',
      files: { [`${HOME}/.npmrc`]: 'registry=https://main.test/\n@jupyterlab:registry=https://jl.test/npm/\n' },
      packageName: '@lumino/widgets',
      expected: { url: 'https://main.test/' },
    },
    {
      name: 'a scoped registry from the environment',
      env: { 'npm_config_@lumino:registry': 'https://lumino.test/' },
      files: { [`${HOME}/.npmrc`]: 'registry=https://main.test/' },
      packageName: '@lumino/widgets',
      expected: { url: 'https://lumino.test/' },
    },
    {
      name: '_authToken with ${ENV} expansion, for that registry',
      env: { NPM_TOKEN: 'npm_tok_1234567890' },
      files: { [`${HOME}/.npmrc`]: 'registry=https://main.test/\n//main.test/:_authToken=${NPM_TOKEN}\n//other.test/:_authToken=nope\n' },
      packageName: 'left-pad',
      expected: { url: 'https://main.test/', authorization: 'Bearer npm_tok_1234567890' },
    },
    {
      name: 'a path-specific token matches the registry path',
      files: { [`${HOME}/.npmrc`]: 'registry=https://host.test/api/npm/main/\n//host.test/api/npm/main/:_authToken=path-token\n//host.test/:_authToken=host-token\n' },
      packageName: 'left-pad',
      expected: { url: 'https://host.test/api/npm/main/', authorization: 'Bearer path-token' },
    },
    {
      name: 'a host-wide token covers every path on the host',
      files: { [`${HOME}/.npmrc`]: 'registry=https://host.test/api/npm/main/\n//host.test/:_authToken=host-token\n' },
      packageName: 'left-pad',
      expected: { url: 'https://host.test/api/npm/main/', authorization: 'Bearer host-token' },
    },
    {
      name: '_auth becomes Basic as written',
      files: { [`${HOME}/.npmrc`]: `registry=https://main.test/\n//main.test/:_auth=${Buffer.from('bob:pw').toString('base64')}\n` },
      packageName: 'left-pad',
      expected: { url: 'https://main.test/', authorization: basic('bob', 'pw') },
    },
    {
      name: 'username and base64 _password become Basic',
      files: { [`${HOME}/.npmrc`]: `registry=https://main.test/\n//main.test/:username=carol\n//main.test/:_password=${Buffer.from('s3cret').toString('base64')}\n` },
      packageName: 'left-pad',
      expected: { url: 'https://main.test/', authorization: basic('carol', 's3cret') },
    },
    {
      name: 'a top-level _authToken is not sent (npm 9+ wants it scoped to a registry)',
      files: { [`${HOME}/.npmrc`]: 'registry=https://main.test/\n_authToken=legacy\n' },
      packageName: 'left-pad',
      expected: { url: 'https://main.test/' },
    },
    {
      name: 'the scope registry gets its own token, not the main one',
      files: { [`${HOME}/.npmrc`]: '@corp:registry=https://corp.test/\n//corp.test/:_authToken=corp-token\nregistry=https://main.test/\n//main.test/:_authToken=main-token\n' },
      packageName: '@corp/tool',
      expected: { url: 'https://corp.test/', authorization: 'Bearer corp-token' },
    },
    {
      name: 'NPM_CONFIG_USERCONFIG names the user file',
      env: { NPM_CONFIG_USERCONFIG: '/etc/ci/npmrc' },
      files: { [`${HOME}/.npmrc`]: 'registry=https://ignored.test/', '/etc/ci/npmrc': 'registry=https://ci.test/' },
      packageName: 'left-pad',
      expected: { url: 'https://ci.test/' },
    },
    {
      name: 'the global file lives under the node prefix',
      files: { '/opt/node/etc/npmrc': 'registry=https://global.test/' },
      packageName: 'left-pad',
      expected: { url: 'https://global.test/' },
    },
    {
      name: '$PREFIX moves the global file; the user file still wins',
      env: { PREFIX: '/usr/local' },
      files: { '/usr/local/etc/npmrc': 'registry=https://global.test/\n@g:registry=https://g.test/', [`${HOME}/.npmrc`]: 'registry=https://user.test/' },
      packageName: '@g/x',
      expected: { url: 'https://g.test/' },
    },
    {
      name: 'NPM_CONFIG_GLOBALCONFIG names the global file',
      env: { NPM_CONFIG_GLOBALCONFIG: '/srv/npmrc' },
      files: { '/srv/npmrc': 'registry=https://srv.test/' },
      packageName: 'left-pad',
      expected: { url: 'https://srv.test/' },
    },
    {
      name: 'quoted values and inline comments as ini reads them',
      files: { [`${HOME}/.npmrc`]: '; a comment\n# another\nregistry="https://quoted.test/"\n@a:registry=https://a.test/ ; trailing comment\n' },
      packageName: '@a/b',
      expected: { url: 'https://a.test/' },
    },
    {
      name: 'user info in the registry URL becomes Basic',
      files: { [`${HOME}/.npmrc`]: 'registry=https://dave:pa55@main.test/' },
      packageName: 'left-pad',
      expected: { url: 'https://main.test/', authorization: basic('dave', 'pa55') },
    },
  ];

  it.each(cases)('$name', async ({ files = {}, env, cwd, directories, overrides, packageName, expected, asksNpm = false }) => {
    const sources = fakeSources(files, { env, cwd, directories, commands: NPM_DEFAULT });
    const config = await loadNpmConfig(sources, overrides);
    expect(resolveNpmRegistry(packageName, config)).toEqual(expected);
    expect(sources.ran.length > 0).toBe(asksNpm);
    expect(config.problems).toEqual([]);
  });

  it("reads npm's own default from its installation beside node, without running npm: its builtin npmrc first, else its config definitions", async () => {
    // fakeSources' node is /opt/node/bin/node, so npm lives in /opt/node/lib/node_modules/npm.
    const npmRoot = '/opt/node/lib/node_modules/npm';
    const definitions = `${npmRoot}/node_modules/@npmcli/config/lib/definitions/definitions.js`;
    const written = "  registry: new Definition('registry', {\n    default: 'https://default.npm.test/',\n    type: url,\n";
    const fromDefinitions = fakeSources({ [definitions]: written }, { commands: NPM_DEFAULT });
    expect((await loadNpmConfig(fromDefinitions)).defaultRegistry).toBe('https://default.npm.test/');
    const fromBuiltin = fakeSources({ [definitions]: written, [`${npmRoot}/npmrc`]: 'registry=https://builtin.npm.test/\n' }, { commands: NPM_DEFAULT });
    expect((await loadNpmConfig(fromBuiltin)).defaultRegistry).toBe('https://builtin.npm.test/');
    expect([...fromDefinitions.ran, ...fromBuiltin.ran]).toEqual([]);
    // Definitions written some other way: npm is asked, as before.
    const unreadable = fakeSources({ [definitions]: 'module.exports = {}' }, { commands: NPM_DEFAULT });
    expect((await loadNpmConfig(unreadable)).defaultRegistry).toBe('https://registry.npm.test/');
    expect(unreadable.ran).toEqual(['npm config get registry']);
  });

  it('asks npm once per memo', async () => {
    const sources = fakeSources({}, { commands: NPM_DEFAULT });
    await loadNpmConfig(sources);
    await loadNpmConfig(sources);
    expect(sources.ran).toEqual(['npm config get registry']);
  });

  it('without npm and without configuration, a clear error — scoped registries still work', async () => {
    const config = await loadNpmConfig(fakeSources({ [`${HOME}/.npmrc`]: '@jupyterlab:registry=https://jl.test/' }));
    expect(config.defaultRegistry).toBeNull();
    expect(resolveNpmRegistry('@jupyterlab/services', config).url).toBe('https://jl.test/');
    expect(() => resolveNpmRegistry('left-pad', config)).toThrow(ChainwatchError);
    expect(() => resolveNpmRegistry('left-pad', config)).toThrow(/no npm registry is configured.*set `registry=`/);
  });

  it('reports a registry that is not a URL and ignores it', async () => {
    const config = await loadNpmConfig(fakeSources({ [`${HOME}/.npmrc`]: 'registry=not a url' }, { commands: NPM_DEFAULT }));
    expect(config.problems.map((problem) => [problem.code, problem.message, problem.location?.path])).toEqual([['invalid-config', 'npm registry is not an http(s) URL', `${HOME}/.npmrc`]]);
    expect(resolveNpmRegistry('x', config).url).toBe('https://registry.npm.test/');
  });

  it('tarball URLs get the token of their own host only', async () => {
    const config = await loadNpmConfig(fakeSources({ [`${HOME}/.npmrc`]: 'registry=https://main.test/\n//main.test/:_authToken=main-token\n' }));
    expect(npmAuthorization('https://main.test/left-pad/-/left-pad-1.3.0.tgz', config)).toBe('Bearer main-token');
    expect(npmAuthorization('https://cdn.test/left-pad-1.3.0.tgz', config)).toBeUndefined();
    expect(npmAuthorization('https://main.test:8443/x', config)).toBeUndefined();
  });
});
