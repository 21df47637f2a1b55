import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { ChainwatchError, HostError } from '../core/errors.js';
import { createHttpClient } from '../http/client.js';
import {
  expandNpmEnv,
  fileDefaultsMemo,
  loadCondaConfig,
  loadNpmConfig,
  loadPypiConfig,
  loadRegistryConfig,
  npmAuthorization,
  parsePipConf,
  resolveCondaChannel,
  resolveNpmRegistry,
  resolvePypiIndex,
  splitUrlCredentials,
  type CommandResult,
  type ConfigSources,
} from './registries.js';

const HOME = '/home/ada';
const PROJECT = '/work/app';

interface FakeOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  directories?: string[];
  /** `command arg arg` → result; anything else is "not installed". */
  commands?: Record<string, CommandResult>;
}

/** A machine made of fixtures: files, env, commands; records the commands run. */
function fakeSources(files: Record<string, string>, options: FakeOptions = {}): ConfigSources & { ran: string[] } {
  const ran: string[] = [];
  const memo = new Map<string, string>();
  return {
    ran,
    env: options.env ?? {},
    homeDir: HOME,
    cwd: options.cwd ?? PROJECT,
    readFile: (filePath) => files[filePath] ?? null,
    isDirectory: (directoryPath) => (options.directories ?? []).includes(directoryPath),
    async runCommand(command, args) {
      const line = [command, ...args].join(' ');
      ran.push(line);
      return options.commands?.[line] ?? { exitCode: null, stdout: '', stderr: `spawn ${command} ENOENT` };
    },
    execPath: '/opt/node/bin/node',
    memo: { get: (key) => memo.get(key), set: (key, value) => void memo.set(key, value) },
  };
}

const NPM_DEFAULT = { 'npm config get registry': { exitCode: 0, stdout: 'https://registry.npm.test/\n', stderr: 'npm warn Unknown user config "nodedir".\n' } };
const PIP_PROBE = 'python3 -c from pip._internal.models.index import PyPI; print(PyPI.simple_url)';
const PIP_DEFAULT = { [PIP_PROBE]: { exitCode: 0, stdout: 'https://pypi.test/simple\n', stderr: '' } };

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

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

describe('parsePipConf', () => {
  it('reads sections, both delimiters, comments, continuation lines and DEFAULT', () => {
    const text = [
      '# comment',
      '[DEFAULT]',
      'timeout = 30',
      '[global]',
      'index_url = https://a.test/simple',
      '; comment',
      'extra-index-url =',
      '    https://b.test/simple',
      '    # a comment between continuation lines',
      '    https://c.test/simple',
      '[install]',
      'trusted-host: b.test',
    ].join('\n');
    const { sections, problems } = parsePipConf(text, '/etc/pip.conf');
    expect(problems).toEqual([]);
    expect(Object.fromEntries(Object.entries(sections).map(([name, entries]) => [name, Object.fromEntries(Object.entries(entries).map(([key, entry]) => [key, entry.value]))]))).toEqual({
      global: { 'index-url': 'https://a.test/simple', 'extra-index-url': 'https://b.test/simple\nhttps://c.test/simple', timeout: '30' },
      install: { 'trusted-host': 'b.test', timeout: '30' },
    });
    expect(sections.global!['index-url']!.line).toBe(5);
  });

  it.each([
    ['index-url = x', 1, /before any \[section\]/],
    ['[global]\nthis line has no delimiter', 2, /cannot read/],
    ['[global]\n= value', 2, /cannot read/],
  ])('reports %j at line %i', (text, line, message) => {
    const { sections, problems } = parsePipConf(text, '/p/pip.conf');
    expect(sections).toEqual({});
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(message);
    expect(problems[0]!.location).toEqual({ path: '/p/pip.conf', line });
  });
});

describe('PyPI index', () => {
  const cases: Array<{
    name: string;
    files?: Record<string, string>;
    env?: NodeJS.ProcessEnv;
    overrides?: { pypi?: string };
    expected: { url: string; authorization?: string };
    from: string;
  }> = [
    { name: 'nothing configured: pip is asked', expected: { url: 'https://pypi.test/simple/' }, from: 'pip default' },
    { name: '/etc/pip.conf [global]', files: { '/etc/pip.conf': '[global]\nindex-url = https://etc.test/simple\n' }, expected: { url: 'https://etc.test/simple/' }, from: '/etc/pip.conf [global]' },
    {
      name: 'XDG_CONFIG_DIRS global file is below /etc/pip.conf',
      env: { XDG_CONFIG_DIRS: '/opt/xdg' },
      files: { '/opt/xdg/pip/pip.conf': '[global]\nindex-url = https://xdg.test/simple', '/etc/pip.conf': '[global]\nindex-url = https://etc.test/simple' },
      expected: { url: 'https://etc.test/simple/' },
      from: '/etc/pip.conf [global]',
    },
    {
      name: 'the user file beats the global one',
      files: { '/etc/pip.conf': '[global]\nindex-url = https://etc.test/simple', [`${HOME}/.config/pip/pip.conf`]: '[global]\nindex-url = https://user.test/simple' },
      expected: { url: 'https://user.test/simple/' },
      from: `${HOME}/.config/pip/pip.conf [global]`,
    },
    {
      name: 'the XDG user file beats the legacy ~/.pip one',
      env: { XDG_CONFIG_HOME: `${HOME}/cfg` },
      files: { [`${HOME}/.pip/pip.conf`]: '[global]\nindex-url = https://legacy.test/simple', [`${HOME}/cfg/pip/pip.conf`]: '[global]\nindex-url = https://new.test/simple' },
      expected: { url: 'https://new.test/simple/' },
      from: `${HOME}/cfg/pip/pip.conf [global]`,
    },
    {
      name: '[install] in a lower file beats [global] in a higher one (pip orders by section first)',
      files: { '/etc/pip.conf': '[install]\nindex-url = https://install.test/simple', [`${HOME}/.config/pip/pip.conf`]: '[global]\nindex-url = https://user.test/simple' },
      expected: { url: 'https://install.test/simple/' },
      from: '/etc/pip.conf [install]',
    },
    {
      name: 'the virtualenv file beats the user file',
      env: { VIRTUAL_ENV: '/venv' },
      files: { [`${HOME}/.config/pip/pip.conf`]: '[global]\nindex-url = https://user.test/simple', '/venv/pip.conf': '[global]\nindex-url = https://venv.test/simple' },
      expected: { url: 'https://venv.test/simple/' },
      from: '/venv/pip.conf [global]',
    },
    {
      name: 'PIP_CONFIG_FILE beats the site file and hides the user files',
      env: { PIP_CONFIG_FILE: '/ci/pip.conf', VIRTUAL_ENV: '/venv' },
      files: { '/ci/pip.conf': '[global]\nextra-index-url = https://extra.test/simple', [`${HOME}/.config/pip/pip.conf`]: '[global]\nindex-url = https://user.test/simple', '/etc/pip.conf': '[global]\nindex-url = https://etc.test/simple' },
      expected: { url: 'https://etc.test/simple/' },
      from: '/etc/pip.conf [global]',
    },
    {
      name: 'PIP_CONFIG_FILE=/dev/null reads no file',
      env: { PIP_CONFIG_FILE: '/dev/null' },
      files: { '/etc/pip.conf': '[global]\nindex-url = https://etc.test/simple' },
      expected: { url: 'https://pypi.test/simple/' },
      from: 'pip default',
    },
    { name: 'an empty value is ignored', files: { '/etc/pip.conf': '[global]\nindex-url =\n' }, expected: { url: 'https://pypi.test/simple/' }, from: 'pip default' },
    {
      name: 'PIP_INDEX_URL beats files',
      env: { PIP_INDEX_URL: 'https://env.test/simple' },
      files: { '/etc/pip.conf': '[install]\nindex-url = https://etc.test/simple' },
      expected: { url: 'https://env.test/simple/' },
      from: 'PIP_INDEX_URL',
    },
    { name: 'UV_DEFAULT_INDEX', env: { UV_DEFAULT_INDEX: 'https://uv.test/simple', UV_INDEX_URL: 'https://uv-old.test/simple' }, expected: { url: 'https://uv.test/simple/' }, from: 'UV_DEFAULT_INDEX' },
    { name: 'UV_INDEX_URL', env: { UV_INDEX_URL: 'https://uv-old.test/simple' }, expected: { url: 'https://uv-old.test/simple/' }, from: 'UV_INDEX_URL' },
    {
      name: 'chainwatch config beats everything',
      env: { PIP_INDEX_URL: 'https://env.test/simple' },
      overrides: { pypi: 'https://chainwatch.test/simple/' },
      expected: { url: 'https://chainwatch.test/simple/' },
      from: 'chainwatch config',
    },
    {
      name: 'credentials in the URL become Authorization and leave the URL',
      env: { PIP_INDEX_URL: 'https://erin:p%40ss@private.test/simple' },
      expected: { url: 'https://private.test/simple/', authorization: basic('erin', 'p@ss') },
      from: 'PIP_INDEX_URL',
    },
  ];

  it.each(cases)('$name', async ({ files = {}, env, overrides, expected, from }) => {
    const config = await loadPypiConfig(fakeSources(files, { env, commands: PIP_DEFAULT }), overrides);
    expect(resolvePypiIndex(config)).toEqual(expected);
    expect(config.from).toBe(from);
    expect(config.problems).toEqual([]);
  });

  it('extra indexes from PIP_EXTRA_INDEX_URL, uv and files', async () => {
    const fromEnv = await loadPypiConfig(
      fakeSources({}, { env: { PIP_EXTRA_INDEX_URL: 'https://x1.test/simple https://u:p@x2.test/simple', UV_INDEX: 'internal=https://x3.test/simple' }, commands: PIP_DEFAULT }),
    );
    expect(fromEnv.extraIndexes).toEqual([
      { url: 'https://x1.test/simple/' },
      { url: 'https://x2.test/simple/', authorization: basic('u', 'p') },
      { url: 'https://x3.test/simple/' },
    ]);
    const fromFile = await loadPypiConfig(fakeSources({ '/etc/pip.conf': '[global]\nextra-index-url =\n  https://a.test/simple\n  https://b.test/simple\n' }, { commands: PIP_DEFAULT }));
    expect(fromFile.extraIndexes.map((index) => index.url)).toEqual(['https://a.test/simple/', 'https://b.test/simple/']);
  });

  it('falls back from python3 to python to pip --help, asking once', async () => {
    const help = 'Package Index Options:\n  -i, --index-url <url>       Base URL of the Python Package Index (default\n                              https://help.test/simple). This should point to a\n';
    const sources = fakeSources({}, { commands: { 'pip install --help': { exitCode: 0, stdout: help, stderr: '' } } });
    const config = await loadPypiConfig(sources);
    expect(config.index).toEqual({ url: 'https://help.test/simple/' });
    await loadPypiConfig(sources);
    expect(sources.ran).toEqual([PIP_PROBE, 'python -c from pip._internal.models.index import PyPI; print(PyPI.simple_url)', 'python3 -m pip install --help', 'pip install --help']);
  });

  it('without pip and without configuration: a clear error', async () => {
    const config = await loadPypiConfig(fakeSources({}));
    expect(config.index).toBeNull();
    expect(() => resolvePypiIndex(config)).toThrow(/no PyPI index is configured.*PIP_INDEX_URL/);
  });

  it('reports a broken pip.conf with its line and goes on', async () => {
    const config = await loadPypiConfig(
      fakeSources({ '/etc/pip.conf': '[global]\nindex-url = https://etc.test/simple\n', [`${HOME}/.config/pip/pip.conf`]: '[global]\n\nbroken line\n' }, { commands: PIP_DEFAULT }),
    );
    expect(config.index?.url).toBe('https://etc.test/simple/');
    expect(config.problems.map((problem) => problem.location)).toEqual([{ path: `${HOME}/.config/pip/pip.conf`, line: 3 }]);
  });

  it('reports an index that is not a URL and uses the next source', async () => {
    const config = await loadPypiConfig(fakeSources({ '/etc/pip.conf': '[global]\nindex-url = https://etc.test/simple' }, { env: { PIP_INDEX_URL: 'relative/path' } }));
    expect(config.index?.url).toBe('https://etc.test/simple/');
    expect(config.problems.map((problem) => problem.message)).toEqual(['PyPI index URL from PIP_INDEX_URL is not an http(s) URL']);
  });
});

describe('conda channels', () => {
  it('with nothing configured, conda-forge cannot be located', () => {
    const config = loadCondaConfig(fakeSources({}));
    expect(config).toMatchObject({ channels: [], channelAlias: null, files: [], problems: [] });
    expect(resolveCondaChannel('conda-forge', config)).toBeNull();
  });

  const cases: Array<{ name: string; files?: Record<string, string>; env?: NodeJS.ProcessEnv; overrides?: { conda?: string }; channel: string; expected: string | null }> = [
    { name: 'channel_alias from ~/.condarc', files: { [`${HOME}/.condarc`]: 'channel_alias: https://conda.test\n' }, channel: 'conda-forge', expected: 'https://conda.test/conda-forge/' },
    { name: 'a labelled channel', files: { [`${HOME}/.condarc`]: 'channel_alias: https://conda.test/\n' }, channel: 'conda-forge/label/dev', expected: 'https://conda.test/conda-forge/label/dev/' },
    {
      name: '$CONDA_PREFIX/.condarc beats ~/.condarc',
      env: { CONDA_PREFIX: '/opt/env' },
      files: { [`${HOME}/.condarc`]: 'channel_alias: https://home.test/', '/opt/env/.condarc': 'channel_alias: https://prefix.test/' },
      channel: 'conda-forge',
      expected: 'https://prefix.test/conda-forge/',
    },
    {
      name: '$CONDARC beats every file',
      env: { CONDARC: '/srv/condarc', CONDA_PREFIX: '/opt/env' },
      files: { '/opt/env/.condarc': 'channel_alias: https://prefix.test/', '/srv/condarc': 'channel_alias: https://condarc.test/' },
      channel: 'conda-forge',
      expected: 'https://condarc.test/conda-forge/',
    },
    {
      name: 'CONDA_CHANNEL_ALIAS beats files',
      env: { CONDA_CHANNEL_ALIAS: 'https://env.test/' },
      files: { [`${HOME}/.conda/.condarc`]: 'channel_alias: https://file.test/' },
      channel: 'conda-forge',
      expected: 'https://env.test/conda-forge/',
    },
    {
      name: 'custom_channels win over the alias',
      files: { [`${HOME}/.condarc`]: 'channel_alias: https://alias.test/\ncustom_channels:\n  conda-forge: https://mirror.test/channels\n' },
      channel: 'conda-forge',
      expected: 'https://mirror.test/channels/conda-forge/',
    },
    { name: 'a URL is its own base', channel: 'https://conda.test/my-channel/', expected: 'https://conda.test/my-channel/' },
    { name: 'defaults is not resolved', files: { [`${HOME}/.condarc`]: 'channel_alias: https://conda.test/' }, channel: 'defaults', expected: null },
    { name: 'chainwatch config names conda-forge itself', overrides: { conda: 'https://conda.test/cf-mirror/conda-forge' }, channel: 'conda-forge', expected: 'https://conda.test/cf-mirror/conda-forge/' },
    { name: 'and serves other names beside it', overrides: { conda: 'https://conda.test/cf-mirror/conda-forge/' }, channel: 'bioconda', expected: 'https://conda.test/cf-mirror/bioconda/' },
  ];

  it.each(cases)('$name', ({ files = {}, env, overrides, channel, expected }) => {
    const config = loadCondaConfig(fakeSources(files, { env }), overrides);
    expect(config.problems).toEqual([]);
    expect(resolveCondaChannel(channel, config)).toBe(expected);
  });

  it('merges channels as conda does: higher sources first, duplicates dropped', () => {
    const config = loadCondaConfig(
      fakeSources(
        { '/etc/conda/.condarc': 'channels:\n  - defaults\n  - bioconda\n', [`${HOME}/.condarc`]: 'channels:\n  - conda-forge\n  - bioconda\n' },
        { env: { CONDA_CHANNELS: 'pytorch, conda-forge' } },
      ),
    );
    expect(config.channels).toEqual(['pytorch', 'conda-forge', 'bioconda', 'defaults']);
    expect(config.files).toEqual(['/etc/conda/.condarc', `${HOME}/.condarc`]);
  });

  it.each([
    ['channel_alias: https://a.test/\nchannel_alias: https://b.test/\n', 2, /cannot parse.*unique/],
    ['- just\n- a list\n', 1, /not a mapping/],
    ['channels: conda-forge\n', 1, /channels must be a list/],
    ['channels: [a]\nchannel_alias: not-a-url\n', 2, /channel_alias must be/],
    ['custom_channels:\n  x: 12\n', 2, /custom_channels entries/],
  ])('reports a bad .condarc (%j) at line %i', (text, line, message) => {
    const config = loadCondaConfig(fakeSources({ [`${HOME}/.condarc`]: text }));
    expect(config.problems).toHaveLength(1);
    expect(config.problems[0]!.message).toMatch(message);
    expect(config.problems[0]!.location).toEqual({ path: `${HOME}/.condarc`, line });
  });

  it('an empty .condarc is fine', () => {
    expect(loadCondaConfig(fakeSources({ [`${HOME}/.condarc`]: '' })).problems).toEqual([]);
  });
});

describe('splitUrlCredentials', () => {
  it.each([
    ['https://pypi.test/simple/', { url: 'https://pypi.test/simple/' }],
    ['https://u:p@pypi.test/simple/', { url: 'https://pypi.test/simple/', authorization: basic('u', 'p') }],
    ['https://__token__:pypi-abc@pypi.test/simple/', { url: 'https://pypi.test/simple/', authorization: basic('__token__', 'pypi-abc') }],
    ['https://user@pypi.test/', { url: 'https://pypi.test/', authorization: basic('user', '') }],
  ])('%s', (url, expected) => {
    expect(splitUrlCredentials(url)).toEqual(expected);
  });
});

describe('fileDefaultsMemo', () => {
  const directories: string[] = [];
  afterEach(() => {
    for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
  });

  it('keeps answers across memo instances until they are too old', () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'chainwatch-memo-'));
    directories.push(directory);
    const file = path.join(directory, 'sub', 'defaults.json');
    let now = new Date('2025-06-01T00:00:00Z');
    fileDefaultsMemo(file, { now: () => now }).set('npm:registry', 'https://registry.npm.test/');
    const later = fileDefaultsMemo(file, { now: () => now, maxAgeMs: 1000 });
    expect(later.get('npm:registry')).toBe('https://registry.npm.test/');
    expect(later.get('pip:index-url')).toBeUndefined();
    now = new Date('2025-06-01T00:00:02Z');
    expect(later.get('npm:registry')).toBeUndefined();
  });
});

describe('loadRegistryConfig', () => {
  it('reads all three from one set of sources', async () => {
    const config = await loadRegistryConfig(
      fakeSources({ [`${HOME}/.condarc`]: 'channel_alias: https://conda.test/' }, { commands: { ...NPM_DEFAULT, ...PIP_DEFAULT } }),
      { npm: undefined },
    );
    expect(resolveNpmRegistry('left-pad', config.npm).url).toBe('https://registry.npm.test/');
    expect(resolvePypiIndex(config.pypi).url).toBe('https://pypi.test/simple/');
    expect(resolveCondaChannel('conda-forge', config.conda)).toBe('https://conda.test/conda-forge/');
  });
});

describe('secrets from configuration never reach failures or errors', () => {
  const TOKEN = 'npm_AbCdEfGhIjKlMnOpQrStUvWxYz012345';
  const PASSWORD = 'pip-index-password-42';

  it.each([
    ['an .npmrc _authToken', 'npm'],
    ['a password in PIP_INDEX_URL', 'pypi'],
  ] as const)('%s', async (_name, ecosystem) => {
    const sources = fakeSources(
      { [`${HOME}/.npmrc`]: 'registry=https://registry.npm.test/\n//registry.npm.test/:_authToken=${NPM_TOKEN}\n' },
      { env: { NPM_TOKEN: TOKEN, PIP_INDEX_URL: `https://frank:${PASSWORD}@pypi.test/simple/` } },
    );
    const endpoint = ecosystem === 'npm' ? resolveNpmRegistry('left-pad', await loadNpmConfig(sources)) : resolvePypiIndex(await loadPypiConfig(sources));
    expect(endpoint.authorization).toBeDefined();
    const target = ecosystem === 'npm' ? `${endpoint.url}left-pad` : `${endpoint.url}numpy/`;

    const agent = new MockAgent();
    agent.disableNetConnect();
    const parsed = new URL(target);
    // The server fails and its error message repeats what it was sent.
    agent
      .get(parsed.origin)
      .intercept({ path: parsed.pathname, method: 'GET' })
      .replyWithError(new Error(`refused request with authorization ${endpoint.authorization} for ${target}`))
      .times(2);
    const client = createHttpClient({ dispatcher: agent, retry: { retries: 1 }, sleep: async () => {} });
    const error = await client.get({ url: target, source: ecosystem, headers: { Authorization: endpoint.authorization! } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HostError);
    const shown = JSON.stringify({ message: (error as Error).message, cause: String((error as Error).cause), failures: client.failures() });
    expect(shown).not.toContain(TOKEN);
    expect(shown).not.toContain(PASSWORD);
    expect(shown).not.toContain(endpoint.authorization!.split(' ')[1]);
    expect(client.failures()).toEqual([{ source: ecosystem, url: target, error: (error as Error).message }]);
    await client.close();
    await agent.close();
  });
});
