import path from 'node:path';
import { ChainwatchError } from '../../core/errors.js';
import { askOnce, configProblem, isHttpUrl, splitUrlCredentials, withTrailingSlash, type ConfigSources, type RegistryEndpoint, type RegistryOverrides } from '../config-sources.js';

/**
 * Where PyPI packages are fetched from, read the way pip (and uv's index
 * variables) read it: `PIP_INDEX_URL` and uv's variables, `pip.conf` files in
 * pip's order. When nothing is configured, pip itself is asked for its default.
 */

export interface PypiConfig {
  /** The index URL without credentials, or null when nothing configured it and pip gave no default. */
  index: RegistryEndpoint | null;
  extraIndexes: RegistryEndpoint[];
  /** Where the index URL came from: `chainwatch config`, `PIP_INDEX_URL`, a file path with section, or `pip default`. */
  from: string | null;
  /** The pip configuration files read, lowest priority first. */
  files: string[];
  problems: ChainwatchError[];
  /**
   * Read with `pipDefault: 'when-asked'` and nothing configured the index:
   * asks pip for its built-in default on the first call (pypiIndex() calls
   * it), so a run that reads no PyPI page starts no Python (0.1–0.5 s).
   */
  askPipDefault?: () => Promise<RegistryEndpoint | null>;
}

export interface PypiConfigOptions {
  /** When to ask pip for its default index if nothing configures one: while reading (default), or on first use (pypiIndex). */
  pipDefault?: 'now' | 'when-asked';
}

interface IniSections {
  [section: string]: Record<string, { value: string; line: number }>;
}

/**
 * Python configparser (RawConfigParser, as pip uses it): `[section]`,
 * `key = value` or `key: value`, full-line `#`/`;` comments, indented
 * continuation lines, `[DEFAULT]` applying to every section. Keys are
 * lower-cased; pip also treats `_` as `-`.
 */
export function parsePipConf(text: string, filePath: string): { sections: IniSections; problems: ChainwatchError[] } {
  const sections: IniSections = {};
  const problems: ChainwatchError[] = [];
  let current: string | null = null;
  let lastKey: { section: string; key: string; indent: number } | null = null;
  const lines = text.split(/\r\n|\n|\r/);
  for (const [index, raw] of lines.entries()) {
    const lineNumber = index + 1;
    const trimmed = raw.trim();
    const indent = raw.length - raw.trimStart().length;
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) {
      continue;
    }
    if (lastKey && indent > lastKey.indent && current !== null) {
      const entry = sections[lastKey.section]![lastKey.key]!;
      entry.value = entry.value === '' ? trimmed : `${entry.value}\n${trimmed}`;
      continue;
    }
    const header = /^\[(.+)\]/.exec(trimmed);
    if (header) {
      current = header[1]!;
      sections[current] ??= {};
      lastKey = null;
      continue;
    }
    if (current === null) {
      problems.push(configProblem('pip configuration: a setting before any [section]', filePath, lineNumber));
      return { sections: {}, problems };
    }
    const option = /^(.*?)\s*[=:]\s*(.*)$/.exec(trimmed);
    if (!option || option[1] === '') {
      problems.push(configProblem(`pip configuration: cannot read ${JSON.stringify(trimmed)}`, filePath, lineNumber));
      return { sections: {}, problems };
    }
    const key = option[1]!.toLowerCase().replace(/_/g, '-').replace(/^--/, '');
    sections[current]![key] = { value: option[2]!, line: lineNumber };
    lastKey = { section: current, key, indent };
  }
  const defaults = sections.DEFAULT;
  if (defaults) {
    delete sections.DEFAULT;
    for (const section of Object.values(sections)) {
      for (const [key, entry] of Object.entries(defaults)) section[key] ??= entry;
    }
  }
  return { sections, problems };
}

/** pip's configuration files, lowest priority first (Linux/XDG layout). */
export function pipConfigFiles(sources: ConfigSources): string[] {
  const env = sources.env;
  const configFile = env.PIP_CONFIG_FILE;
  if (configFile === '/dev/null') return [];
  const xdgDirs = (env.XDG_CONFIG_DIRS || '/etc/xdg').split(':').filter(Boolean);
  const globalFiles = [...xdgDirs.map((directory) => path.join(directory, 'pip', 'pip.conf')), '/etc/pip.conf'];
  const configHome = env.XDG_CONFIG_HOME || path.join(sources.homeDir, '.config');
  const userFiles = [path.join(sources.homeDir, '.pip', 'pip.conf'), path.join(configHome, 'pip', 'pip.conf')];
  const siteFiles = env.VIRTUAL_ENV ? [path.join(env.VIRTUAL_ENV, 'pip.conf')] : [];
  // pip skips the user files when PIP_CONFIG_FILE names a file that exists; that file ranks above the site file.
  const configFileExists = configFile !== undefined && configFile !== '' && sources.readFile(configFile) !== null;
  return [...globalFiles, ...(configFileExists ? [] : userFiles), ...siteFiles, ...(configFile ? [configFile] : [])];
}

/**
 * The PyPI index, highest first: chainwatch config, `PIP_INDEX_URL`,
 * `UV_DEFAULT_INDEX`, `UV_INDEX_URL`, then pip's files (`[install]` over
 * `[global]`, later files over earlier), then pip's own default (asked of
 * Python, see readme). Extra indexes: `PIP_EXTRA_INDEX_URL`, uv's `UV_INDEX`
 * and `UV_EXTRA_INDEX_URL`, or the files' `extra-index-url`.
 */
export async function loadPypiConfig(sources: ConfigSources, overrides: RegistryOverrides = {}, options: PypiConfigOptions = {}): Promise<PypiConfig> {
  const problems: ChainwatchError[] = [];
  const files: string[] = [];
  // section.key → value, later files winning, as pip's configuration dictionary.
  const merged = new Map<string, { value: string; file: string }>();
  for (const file of pipConfigFiles(sources)) {
    const text = sources.readFile(file);
    if (text === null) continue;
    files.push(file);
    const parsed = parsePipConf(text, file);
    problems.push(...parsed.problems);
    for (const [section, entries] of Object.entries(parsed.sections)) {
      for (const [key, entry] of Object.entries(entries)) merged.set(`${section}.${key}`, { value: entry.value, file });
    }
  }
  const fromFiles = (key: string): { value: string; from: string } | null => {
    for (const section of ['install', 'global']) {
      const entry = merged.get(`${section}.${key}`);
      // pip ignores empty values.
      if (entry && entry.value.trim() !== '') return { value: entry.value.trim(), from: `${entry.file} [${section}]` };
    }
    return null;
  };

  const env = sources.env;
  const candidates: Array<{ value: string | undefined; from: string }> = [
    { value: overrides.pypi, from: 'chainwatch config' },
    { value: env.PIP_INDEX_URL, from: 'PIP_INDEX_URL' },
    { value: env.UV_DEFAULT_INDEX, from: 'UV_DEFAULT_INDEX' },
    { value: env.UV_INDEX_URL, from: 'UV_INDEX_URL' },
  ];
  const fileIndex = fromFiles('index-url');
  if (fileIndex) candidates.push({ value: fileIndex.value, from: fileIndex.from });

  let index: RegistryEndpoint | null = null;
  let from: string | null = null;
  for (const candidate of candidates) {
    const value = candidate.value?.trim();
    if (!value) continue;
    const url = stripUvIndexName(value);
    if (!isHttpUrl(url)) {
      problems.push(configProblem(`PyPI index URL from ${candidate.from} is not an http(s) URL`, candidate.from));
      continue;
    }
    index = splitUrlCredentials(withTrailingSlash(url));
    from = candidate.from;
    break;
  }
  let askPipDefault: PypiConfig['askPipDefault'];
  if (index === null && options.pipDefault === 'when-asked') {
    let asked: Promise<RegistryEndpoint | null> | undefined;
    askPipDefault = () => (asked ??= askPipDefaultIndex(sources).then((learned) => (learned ? { url: withTrailingSlash(learned) } : null)));
  } else if (index === null) {
    const learned = await askPipDefaultIndex(sources);
    if (learned) {
      index = { url: withTrailingSlash(learned) };
      from = 'pip default';
    }
  }

  const extraText = env.PIP_EXTRA_INDEX_URL ?? fromFiles('extra-index-url')?.value ?? '';
  const uvExtras = [env.UV_INDEX ?? '', env.UV_EXTRA_INDEX_URL ?? ''].join(' ');
  const extraIndexes = [...extraText.split(/\s+/), ...uvExtras.split(/\s+/)]
    .map((value) => stripUvIndexName(value.trim()))
    .filter((value) => value !== '' && isHttpUrl(value))
    .map((value) => splitUrlCredentials(withTrailingSlash(value)));

  return { index, extraIndexes, from, files, problems, ...(askPipDefault ? { askPipDefault } : {}) };
}

/** uv's `UV_INDEX` entries may be `name=url`. */
function stripUvIndexName(value: string): string {
  const named = /^([A-Za-z0-9_.-]+)=(.+)$/.exec(value);
  return named && isHttpUrl(named[2]!) ? named[2]! : value;
}

/**
 * pip's built-in index, asked of pip itself so no host is written here: the
 * `PyPI.simple_url` constant pip's own option default is built from, else the
 * `(default …)` that `pip install --help` prints for `--index-url`.
 */
async function askPipDefaultIndex(sources: ConfigSources): Promise<string | null> {
  const fromConstant = (stdout: string): string | null => stdout.trim().split('\n').at(-1)?.trim() ?? null;
  const fromHelp = (stdout: string): string | null => {
    const start = stdout.indexOf('--index-url');
    if (start < 0) return null;
    const match = /\(default\s+(\S+?)\)/.exec(stdout.slice(start, start + 400).replace(/\s+/g, ' '));
    return match?.[1] ?? null;
  };
  const probe = 'from pip._internal.models.index import PyPI; print(PyPI.simple_url)';
  return askOnce(sources, 'pip:index-url', [
    { command: 'python3', args: ['-c', probe], pick: fromConstant },
    { command: 'python', args: ['-c', probe], pick: fromConstant },
    { command: 'python3', args: ['-m', 'pip', 'install', '--help'], pick: fromHelp },
    { command: 'pip', args: ['install', '--help'], pick: fromHelp },
  ]);
}

/** The index to use; throws ChainwatchError('invalid-config') when none is known (a config read with `pipDefault: 'when-asked'` needs pypiIndex). */
export function resolvePypiIndex(config: PypiConfig): RegistryEndpoint {
  if (config.index) return config.index;
  throw noIndex();
}

/** The index to use, asking pip for its default now if the config left that for later; throws ChainwatchError('invalid-config') when none is known. */
export async function pypiIndex(config: PypiConfig): Promise<RegistryEndpoint> {
  const index = config.index ?? (await config.askPipDefault?.()) ?? null;
  if (index) return index;
  throw noIndex();
}

function noIndex(): ChainwatchError {
  return new ChainwatchError(
    'invalid-config',
    'no PyPI index is configured and pip gave no default (is Python with pip installed?): set PIP_INDEX_URL, index-url in pip.conf, or registries.pypi in chainwatch.yaml',
  );
}
