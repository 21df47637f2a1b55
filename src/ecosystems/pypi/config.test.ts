import { describe, expect, it } from 'vitest';
import { loadPypiConfig, parsePipConf, pypiIndex, resolvePypiIndex } from './config.js';
import { basic, fakeSources, HOME, PIP_DEFAULT, PIP_PROBE } from '../config-sources.fixture.js';

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

  it("with pipDefault 'when-asked', pip is asked on the first pypiIndex() only, and once", async () => {
    const sources = fakeSources({}, { commands: PIP_DEFAULT });
    const config = await loadPypiConfig(sources, {}, { pipDefault: 'when-asked' });
    expect(sources.ran).toEqual([]);
    expect(config.index).toBeNull();
    expect(await pypiIndex(config)).toEqual({ url: 'https://pypi.test/simple/' });
    expect(await pypiIndex(config)).toEqual({ url: 'https://pypi.test/simple/' });
    expect(sources.ran).toEqual([PIP_PROBE]);
  });

  it("with pipDefault 'when-asked', a configured index starts no Python at all", async () => {
    const sources = fakeSources({}, { env: { PIP_INDEX_URL: 'https://env.test/simple' }, commands: PIP_DEFAULT });
    const config = await loadPypiConfig(sources, {}, { pipDefault: 'when-asked' });
    expect(await pypiIndex(config)).toEqual({ url: 'https://env.test/simple/' });
    expect(sources.ran).toEqual([]);
  });

  it("with pipDefault 'when-asked', no pip and no configuration: the same clear error, from pypiIndex()", async () => {
    const config = await loadPypiConfig(fakeSources({}), {}, { pipDefault: 'when-asked' });
    await expect(pypiIndex(config)).rejects.toThrow(/no PyPI index is configured.*PIP_INDEX_URL/);
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
