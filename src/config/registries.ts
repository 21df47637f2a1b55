import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { parse as parseIni } from 'ini';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { ChainwatchError } from '../core/errors.js';

/**
 * Where the registries are, read the way each ecosystem's own tool reads its
 * configuration: npm from `.npmrc` files and `npm_config_*`, pip from
 * `pip.conf` and `PIP_*` (plus uv's index variables), conda from `.condarc`
 * and `CONDA_*`. No registry host is written in this repository: when nothing
 * is configured, npm and pip are asked for their built-in default; conda has
 * no such question, so an unconfigured conda channel cannot be located.
 *
 * Everything the loaders touch comes through ConfigSources, so tests run on
 * fixtures and never on this machine's configuration. Bad files are reported
 * as `problems` (ChainwatchError 'invalid-config' with a location), never thrown.
 */

export interface CommandResult {
  /** null when the command could not be started (not installed) or was killed. */
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** Remembers the answers of the default-registry questions (a spawn costs 0.2–0.5 s). */
export interface DefaultsMemo {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
}

export interface ConfigSources {
  env: NodeJS.ProcessEnv;
  homeDir: string;
  cwd: string;
  /** File text, or null when it does not exist or cannot be read. */
  readFile(filePath: string): string | null;
  /** True when a directory exists (npm looks for `node_modules` to find the project root). */
  isDirectory(directoryPath: string): boolean;
  runCommand(command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<CommandResult>;
  /** The node executable: npm's global prefix is two levels above it. */
  execPath: string;
  memo: DefaultsMemo;
}

/** The `registries:` section of chainwatch.yaml: wins over the ecosystems' own configuration for the default registry. */
export interface RegistryOverrides {
  npm?: string | undefined;
  pypi?: string | undefined;
  /** The conda-forge channel's URL (`https://conda.example.test/conda-forge/`); its parent serves other channel names. */
  conda?: string | undefined;
}

/** An endpoint and the Authorization header for it alone. */
export interface RegistryEndpoint {
  url: string;
  authorization?: string;
}

const processMemo = new Map<string, string>();

/** The real machine: process env, home, cwd, files, child processes, an in-process memo. */
export function systemConfigSources(overrides: Partial<ConfigSources> = {}): ConfigSources {
  return {
    env: process.env,
    homeDir: homedir(),
    cwd: process.cwd(),
    readFile(filePath) {
      try {
        return readFileSync(filePath, 'utf8');
      } catch {
        return null;
      }
    },
    isDirectory(directoryPath) {
      try {
        return statSync(directoryPath).isDirectory();
      } catch {
        return false;
      }
    },
    runCommand: runSystemCommand,
    execPath: process.execPath,
    memo: { get: (key) => processMemo.get(key), set: (key, value) => void processMemo.set(key, value) },
    ...overrides,
  };
}

function runSystemCommand(command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(command, [...args], { cwd: options.cwd, env: options.env, timeout: 20_000, encoding: 'utf8', windowsHide: true }, (error, stdout, stderr) => {
      if (!error) return resolve({ exitCode: 0, stdout, stderr });
      const code = (error as NodeJS.ErrnoException & { code?: unknown }).code;
      resolve({ exitCode: typeof code === 'number' ? code : null, stdout: stdout ?? '', stderr: stderr ?? '' });
    });
  });
}

/**
 * A memo kept in a small JSON file (e.g. beside the HTTP cache), so a warm run
 * does not spawn npm or Python again; entries older than `maxAgeMs` are asked again.
 */
export function fileDefaultsMemo(filePath: string, options: { maxAgeMs?: number; now?: () => Date } = {}): DefaultsMemo {
  const maxAgeMs = options.maxAgeMs ?? 7 * 24 * 3600 * 1000;
  const now = options.now ?? (() => new Date());
  function read(): Record<string, { value: string; at: string }> {
    try {
      const parsed: unknown = JSON.parse(readFileSync(filePath, 'utf8'));
      return parsed && typeof parsed === 'object' ? (parsed as Record<string, { value: string; at: string }>) : {};
    } catch {
      return {};
    }
  }
  return {
    get(key) {
      const entry = read()[key];
      if (!entry || typeof entry.value !== 'string') return undefined;
      const age = now().getTime() - Date.parse(entry.at);
      return Number.isFinite(age) && age >= 0 && age <= maxAgeMs ? entry.value : undefined;
    },
    set(key, value) {
      const entries = read();
      entries[key] = { value, at: now().toISOString() };
      try {
        mkdirSync(path.dirname(filePath), { recursive: true });
        writeFileSync(filePath, `${JSON.stringify(entries, null, 1)}\n`);
      } catch {
        // A memo that cannot be written only costs a spawn next time.
      }
    },
  };
}

function configProblem(message: string, filePath: string, line?: number): ChainwatchError {
  return new ChainwatchError('invalid-config', message, { location: line === undefined ? { path: filePath } : { path: filePath, line } });
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function isHttpUrl(text: string): boolean {
  try {
    const parsed = new URL(text);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:';
  } catch {
    return false;
  }
}

/** User info in a URL becomes a Basic Authorization header and leaves the URL. */
export function splitUrlCredentials(url: string): RegistryEndpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url };
  }
  if (!parsed.username && !parsed.password) return { url };
  const user = decodeComponent(parsed.username);
  const password = decodeComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.toString(), authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Asks a tool for a value once (per memo), trying each candidate command in turn. */
async function askOnce(
  sources: ConfigSources,
  key: string,
  candidates: ReadonlyArray<{ command: string; args: readonly string[]; pick: (stdout: string) => string | null }>,
): Promise<string | null> {
  const remembered = sources.memo.get(key);
  if (remembered !== undefined) return remembered;
  for (const candidate of candidates) {
    const result = await sources.runCommand(candidate.command, candidate.args, { cwd: sources.cwd, env: sources.env });
    if (result.exitCode !== 0) continue;
    const value = candidate.pick(result.stdout);
    if (value !== null && isHttpUrl(value)) {
      sources.memo.set(key, value);
      return value;
    }
  }
  return null;
}

// ---------------------------------------------------------------------------
// npm

/**
 * `${VAR}` expansion as npm does it in .npmrc keys and values: `${VAR?}` is
 * empty when VAR is unset, `${VAR}` stays as written; backslashes before `$`
 * escape it (an odd count keeps the expression literally, halving the backslashes).
 */
export function expandNpmEnv(text: string, env: NodeJS.ProcessEnv): string {
  return text.replace(/(?<!\\)(\\*)\$\{([^${}?]+)(\?)?\}/g, (whole: string, backslashes: string, name: string, optional: string | undefined) => {
    if (backslashes.length % 2 === 1) return whole.slice((backslashes.length + 1) / 2);
    const value = env[name] ?? (optional ? '' : `\${${name}}`);
    return backslashes.slice(backslashes.length / 2) + value;
  });
}

export interface NpmConfig {
  /** Merged settings (string values only), highest layer winning: env > project > user > global. */
  values: Record<string, string>;
  /** The .npmrc files read, lowest layer first. */
  files: string[];
  /** npm's built-in default registry, when no layer sets `registry` (asked of `npm config get registry`). */
  defaultRegistry: string | null;
  /** Why there is no registry at all, when that is so. */
  missingRegistry: string | null;
  problems: ChainwatchError[];
}

/** npm's project root: the nearest directory upwards with package.json or node_modules, else cwd. */
function npmLocalPrefix(sources: ConfigSources): string {
  let directory = path.resolve(sources.cwd);
  for (;;) {
    if (sources.readFile(path.join(directory, 'package.json')) !== null || sources.isDirectory(path.join(directory, 'node_modules'))) return directory;
    const parent = path.dirname(directory);
    if (parent === directory) return path.resolve(sources.cwd);
    directory = parent;
  }
}

function readNpmrc(filePath: string, sources: ConfigSources, problems: ChainwatchError[]): Record<string, string> | null {
  const text = sources.readFile(filePath);
  if (text === null) return null;
  let parsed: Record<string, unknown>;
  try {
    parsed = parseIni(text) as Record<string, unknown>;
  } catch (error) {
    problems.push(configProblem(`cannot parse .npmrc: ${(error as Error).message}`, filePath));
    return null;
  }
  return stringEntries(parsed, sources.env);
}

/** npm keeps only top-level settings; values of any type arrive as strings here (`true` → 'true'). */
function stringEntries(parsed: Record<string, unknown>, env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number') {
      out[expandNpmEnv(key, env)] = expandNpmEnv(String(value), env);
    }
  }
  return out;
}

/** `npm_config_*` (any case): `_` becomes `-` and the key is lower-cased, except `//host/:key` forms. */
function npmEnvLayer(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!/^npm_config_/i.test(name) || value === undefined || value === '') continue;
    let key = name.slice('npm_config_'.length);
    if (!key.startsWith('//')) key = key.replace(/(?!^)_/g, '-').toLowerCase();
    out[expandNpmEnv(key, env)] = expandNpmEnv(value, env);
  }
  return out;
}

/**
 * Reads npm's configuration layers in npm's order (lowest first): global
 * (`$NPM_CONFIG_GLOBALCONFIG`, else `<prefix>/etc/npmrc`), user
 * (`$NPM_CONFIG_USERCONFIG`, else `~/.npmrc`), project (`<project root>/.npmrc`),
 * then `npm_config_*`. Asks `npm config get registry` only when no layer
 * sets `registry` and no override is given.
 */
export async function loadNpmConfig(sources: ConfigSources, overrides: RegistryOverrides = {}): Promise<NpmConfig> {
  const problems: ChainwatchError[] = [];
  const files: string[] = [];
  const envLayer = npmEnvLayer(sources.env);
  const home = sources.homeDir;
  const expandHome = (file: string): string => (file.startsWith('~/') ? path.join(home, file.slice(2)) : file);

  const localPrefix = npmLocalPrefix(sources);
  const projectFile = path.join(localPrefix, '.npmrc');
  const projectLayer = readNpmrc(projectFile, sources, problems);

  const userFile = path.resolve(sources.cwd, expandHome(envLayer.userconfig ?? projectLayer?.userconfig ?? path.join(home, '.npmrc')));
  // npm skips the project file when it is the user file (running in the home directory).
  const project = projectFile === userFile ? null : projectLayer;
  const userLayer = readNpmrc(userFile, sources, problems);

  const prefix = envLayer.prefix ?? userLayer?.prefix ?? sources.env.PREFIX ?? path.dirname(path.dirname(sources.execPath));
  const globalFile = path.resolve(sources.cwd, expandHome(envLayer.globalconfig ?? userLayer?.globalconfig ?? path.join(prefix, 'etc', 'npmrc')));
  const globalLayer = readNpmrc(globalFile, sources, problems);

  const values: Record<string, string> = {};
  for (const [file, layer] of [
    [globalFile, globalLayer],
    [userFile, userLayer],
    [projectFile, project],
  ] as const) {
    if (!layer) continue;
    files.push(file);
    Object.assign(values, layer);
  }
  Object.assign(values, envLayer);
  if (overrides.npm) values.registry = overrides.npm;

  for (const [key, value] of Object.entries(values)) {
    if ((key === 'registry' || key.endsWith(':registry')) && !isHttpUrl(value)) {
      problems.push(configProblem(`npm ${key} is not an http(s) URL`, files.at(-1) ?? 'environment'));
      delete values[key];
    }
  }

  let defaultRegistry: string | null = null;
  let missingRegistry: string | null = null;
  if (values.registry === undefined) {
    defaultRegistry = await askOnce(sources, 'npm:registry', [{ command: 'npm', args: ['config', 'get', 'registry'], pick: (stdout) => stdout.trim().split('\n').at(-1)?.trim() ?? null }]);
    if (defaultRegistry === null) {
      missingRegistry =
        'no npm registry is configured and `npm config get registry` gave no answer (is npm installed?): set `registry=` in ~/.npmrc, npm_config_registry, or registries.npm in chainwatch.yaml';
    }
  }
  return { values, files, defaultRegistry, missingRegistry, problems };
}

/**
 * The registry a package is fetched from (its scope's `@scope:registry`, else
 * `registry`, else npm's default) and the Authorization header npm would send
 * there. Throws ChainwatchError('invalid-config') when no registry is known.
 */
export function resolveNpmRegistry(packageName: string, config: NpmConfig): RegistryEndpoint {
  const scope = packageName.startsWith('@') && packageName.includes('/') ? packageName.slice(0, packageName.indexOf('/')) : null;
  const configured = (scope ? config.values[`${scope}:registry`] : undefined) ?? config.values.registry ?? config.defaultRegistry;
  if (!configured) throw new ChainwatchError('invalid-config', config.missingRegistry ?? 'no npm registry is configured');
  const { url, authorization: fromUrl } = splitUrlCredentials(withTrailingSlash(configured));
  const authorization = npmAuthorization(url, config) ?? fromUrl;
  return authorization === undefined ? { url } : { url, authorization };
}

/**
 * The Authorization header npm sends to `url` (a registry or a tarball URL):
 * the `//host/path/:_authToken`, `:_auth` or `:username` + `:_password`
 * settings of the longest matching path, walking up to `//host/`.
 * Credentials are never sent to another registry's URL.
 */
export function npmAuthorization(url: string, config: NpmConfig): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const values = config.values;
  let key = `//${parsed.host}${parsed.pathname}`;
  while (key.length > 2) {
    const token = values[`${key}:_authToken`];
    if (token) return `Bearer ${token}`;
    const auth = values[`${key}:_auth`];
    if (auth) return `Basic ${auth}`;
    const username = values[`${key}:username`];
    const password = values[`${key}:_password`];
    if (username && password) {
      const decoded = Buffer.from(password, 'base64').toString('utf8');
      return `Basic ${Buffer.from(`${username}:${decoded}`).toString('base64')}`;
    }
    // `//host/a/b/` → `//host/a/b` → `//host/a/` → ... (npm accepts keys with and without the trailing slash).
    key = key.replace(/([^/]+|\/)$/, '');
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// PyPI

export interface PypiConfig {
  /** The index URL without credentials, or null when nothing configured it and pip gave no default. */
  index: RegistryEndpoint | null;
  extraIndexes: RegistryEndpoint[];
  /** Where the index URL came from: `chainwatch config`, `PIP_INDEX_URL`, a file path with section, or `pip default`. */
  from: string | null;
  /** The pip configuration files read, lowest priority first. */
  files: string[];
  problems: ChainwatchError[];
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
export async function loadPypiConfig(sources: ConfigSources, overrides: RegistryOverrides = {}): Promise<PypiConfig> {
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
  if (index === null) {
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

  return { index, extraIndexes, from, files, problems };
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

/** The index to use; throws ChainwatchError('invalid-config') when none is known. */
export function resolvePypiIndex(config: PypiConfig): RegistryEndpoint {
  if (config.index) return config.index;
  throw new ChainwatchError(
    'invalid-config',
    'no PyPI index is configured and pip gave no default (is Python with pip installed?): set PIP_INDEX_URL, index-url in pip.conf, or registries.pypi in chainwatch.yaml',
  );
}

// ---------------------------------------------------------------------------
// conda

export interface CondaConfig {
  /** Merged `channels`, highest-priority source first, duplicates removed (conda's sequence merge). */
  channels: string[];
  channelAlias: string | null;
  /** `custom_channels`: channel name → base URL it lives under. */
  customChannels: Record<string, string>;
  /** registries.conda from chainwatch.yaml. */
  override: string | null;
  /** The .condarc files read, lowest priority first. */
  files: string[];
  problems: ChainwatchError[];
}

/** conda's search path (Unix), lowest priority first; `condarc.d` directories are not read. */
export function condarcFiles(sources: ConfigSources): string[] {
  const env = sources.env;
  const home = sources.homeDir;
  const files = ['/etc/conda/.condarc', '/etc/conda/condarc', '/var/lib/conda/.condarc', '/var/lib/conda/condarc'];
  if (env.CONDA_ROOT) files.push(path.join(env.CONDA_ROOT, '.condarc'), path.join(env.CONDA_ROOT, 'condarc'));
  if (env.XDG_CONFIG_HOME) files.push(path.join(env.XDG_CONFIG_HOME, 'conda', '.condarc'), path.join(env.XDG_CONFIG_HOME, 'conda', 'condarc'));
  files.push(
    path.join(home, '.config', 'conda', '.condarc'),
    path.join(home, '.config', 'conda', 'condarc'),
    path.join(home, '.conda', '.condarc'),
    path.join(home, '.conda', 'condarc'),
    path.join(home, '.condarc'),
  );
  if (env.CONDA_PREFIX) files.push(path.join(env.CONDA_PREFIX, '.condarc'), path.join(env.CONDA_PREFIX, 'condarc'));
  if (env.CONDARC) files.push(env.CONDARC);
  return [...new Set(files)];
}

/** Reads `.condarc` files and `CONDA_CHANNELS` / `CONDA_CHANNEL_ALIAS`. No command is run. */
export function loadCondaConfig(sources: ConfigSources, overrides: RegistryOverrides = {}): CondaConfig {
  const problems: ChainwatchError[] = [];
  const files: string[] = [];
  const channelLists: string[][] = [];
  let channelAlias: string | null = null;
  const customChannels: Record<string, string> = {};

  for (const file of condarcFiles(sources)) {
    const text = sources.readFile(file);
    if (text === null) continue;
    files.push(file);
    const lineCounter = new LineCounter();
    const document = parseDocument(text, { lineCounter, prettyErrors: false });
    if (document.errors.length > 0) {
      const first = document.errors[0]!;
      problems.push(configProblem(`cannot parse .condarc: ${first.message.split('\n')[0]}`, file, lineCounter.linePos(first.pos[0]).line));
      continue;
    }
    const contents = document.contents;
    if (contents === null || (isScalar(contents) && contents.value === null)) continue;
    if (!isMap(contents)) {
      problems.push(configProblem('.condarc is not a mapping', file, 1));
      continue;
    }
    const lineOf = (node: unknown): number | undefined => {
      const range = (node as { range?: [number, number, number] } | null)?.range;
      return range ? lineCounter.linePos(range[0]).line : undefined;
    };
    const channels = contents.get('channels', true);
    if (channels !== undefined) {
      if (isSeq(channels) && channels.items.every((item) => isScalar(item) && typeof item.value === 'string')) {
        channelLists.push(channels.items.map((item) => String((item as { value: unknown }).value).replace(/\s*#!\w+$/, '').trim()));
      } else {
        problems.push(configProblem('channels must be a list of channel names or URLs', file, lineOf(channels)));
      }
    }
    const alias = contents.get('channel_alias', true);
    if (alias !== undefined) {
      const value = isScalar(alias) ? alias.value : undefined;
      if (typeof value === 'string' && isHttpUrl(value)) channelAlias = value;
      else problems.push(configProblem('channel_alias must be an http(s) URL', file, lineOf(alias)));
    }
    const custom = contents.get('custom_channels', true);
    if (custom !== undefined) {
      if (isMap(custom)) {
        for (const pair of custom.items) {
          const name = isScalar(pair.key) ? pair.key.value : undefined;
          const value = isScalar(pair.value) ? pair.value.value : undefined;
          if (typeof name === 'string' && typeof value === 'string' && isHttpUrl(value)) customChannels[name] = value;
          else problems.push(configProblem('custom_channels entries must map a name to an http(s) URL', file, lineOf(pair.key)));
        }
      } else {
        problems.push(configProblem('custom_channels must be a mapping', file, lineOf(custom)));
      }
    }
  }

  const env = sources.env;
  if (env.CONDA_CHANNELS) channelLists.push(env.CONDA_CHANNELS.split(',').map((channel) => channel.trim()).filter(Boolean));
  if (env.CONDA_CHANNEL_ALIAS) {
    if (isHttpUrl(env.CONDA_CHANNEL_ALIAS)) channelAlias = env.CONDA_CHANNEL_ALIAS;
    else problems.push(configProblem('CONDA_CHANNEL_ALIAS is not an http(s) URL', 'CONDA_CHANNEL_ALIAS'));
  }

  // Later sources rank higher: their channels come first; duplicates keep the first place.
  const channels = [...new Set(channelLists.reverse().flat())];
  const override = overrides.conda && isHttpUrl(overrides.conda) ? withTrailingSlash(overrides.conda) : null;
  if (overrides.conda && override === null) problems.push(configProblem('registries.conda is not an http(s) URL', 'chainwatch config'));
  return { channels, channelAlias, customChannels, override, files, problems };
}

/**
 * The base URL of a channel (with a trailing slash; `<base><subdir>/repodata.json`),
 * or null when it cannot be located. A URL is its own base; a name is looked
 * up in chainwatch's override (the channel it names, its parent as alias for
 * others), then `custom_channels`, then `channel_alias`. conda's built-in
 * alias is deliberately not known here: with nothing configured, the caller
 * reports the channel as unreachable. `defaults` is not resolved.
 */
export function resolveCondaChannel(name: string, config: CondaConfig): string | null {
  const channel = name.trim().replace(/\/+$/, '');
  if (channel === '' || channel === 'defaults') return null;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(channel)) return withTrailingSlash(channel);
  if (config.override) {
    const overrideUrl = new URL(config.override);
    const lastSegment = overrideUrl.pathname.replace(/\/+$/, '').split('/').at(-1);
    if (lastSegment === channel) return config.override;
  }
  const firstSegment = channel.split('/')[0]!;
  const custom = config.customChannels[firstSegment];
  if (custom) return `${withTrailingSlash(custom)}${channel}/`;
  if (config.channelAlias) return `${withTrailingSlash(config.channelAlias)}${channel}/`;
  if (config.override) return `${new URL('..', config.override).toString()}${channel}/`;
  return null;
}

// ---------------------------------------------------------------------------

export interface RegistryConfig {
  npm: NpmConfig;
  pypi: PypiConfig;
  conda: CondaConfig;
}

/** All three, read at once (the npm and pip questions run concurrently). */
export async function loadRegistryConfig(sources: ConfigSources = systemConfigSources(), overrides: RegistryOverrides = {}): Promise<RegistryConfig> {
  const [npm, pypi] = await Promise.all([loadNpmConfig(sources, overrides), loadPypiConfig(sources, overrides)]);
  return { npm, pypi, conda: loadCondaConfig(sources, overrides) };
}
