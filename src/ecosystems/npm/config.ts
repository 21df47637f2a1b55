import path from 'node:path';
import { parse as parseIni } from 'ini';
import { ChainwatchError } from '../../core/errors.js';
import { askOnce, configProblem, isHttpUrl, splitUrlCredentials, withTrailingSlash, type ConfigSources, type RegistryEndpoint, type RegistryOverrides } from '../config-sources.js';

/**
 * Where npm packages are fetched from, read the way npm reads it: `.npmrc`
 * layers and `npm_config_*`, scoped registries, credentials per URL. When
 * nothing sets `registry`, npm itself is asked (`npm config get registry`).
 */

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

/** Where npm's own definitions file sits inside its installation, and how its `registry` default is written there. */
const NPM_DEFINITIONS = path.join('node_modules', '@npmcli', 'config', 'lib', 'definitions', 'definitions.js');
const REGISTRY_DEFAULT = /\bregistry: new Definition\(\s*'registry',\s*\{\s*default:\s*'([^']+)'/;

/**
 * The registry npm falls back on when no layer sets one, read from npm's own
 * installation beside the running node (`<node prefix>/lib/node_modules/npm`,
 * or `node_modules/npm` next to node.exe): its builtin `npmrc` layer, else the
 * default in its config definitions (@npmcli/config). What `npm config get
 * registry` would print, without starting npm (0.25 s on every run that
 * reaches the registry). Null when that installation is not there or not
 * laid out so: then npm is asked.
 */
function installedNpmDefault(sources: ConfigSources, problems: ChainwatchError[]): string | null {
  const nodeDirectory = path.dirname(sources.execPath);
  for (const root of [path.join(path.dirname(nodeDirectory), 'lib', 'node_modules', 'npm'), path.join(nodeDirectory, 'node_modules', 'npm')]) {
    const definitions = sources.readFile(path.join(root, NPM_DEFINITIONS));
    if (definitions === null) continue;
    const builtin = readNpmrc(path.join(root, 'npmrc'), sources, problems)?.registry;
    if (builtin !== undefined && isHttpUrl(builtin)) return builtin;
    const fallback = REGISTRY_DEFAULT.exec(definitions)?.[1];
    return fallback !== undefined && isHttpUrl(fallback) ? fallback : null;
  }
  return null;
}

/**
 * Reads npm's configuration layers in npm's order (lowest first): global
 * (`$NPM_CONFIG_GLOBALCONFIG`, else `<prefix>/etc/npmrc`), user
 * (`$NPM_CONFIG_USERCONFIG`, else `~/.npmrc`), project (`<project root>/.npmrc`),
 * then `npm_config_*`. When no layer sets `registry` and no override is
 * given, npm's own default: read from its installation (installedNpmDefault),
 * else asked of `npm config get registry`.
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
    defaultRegistry =
      installedNpmDefault(sources, problems) ??
      (await askOnce(sources, 'npm:registry', [{ command: 'npm', args: ['config', 'get', 'registry'], pick: (stdout) => stdout.trim().split('\n').at(-1)?.trim() ?? null }]));
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
