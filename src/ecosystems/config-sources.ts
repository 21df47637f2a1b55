import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { ChainwatchError } from '../core/errors.js';

/**
 * What every ecosystem's configuration reader (npm/config.ts, pypi/config.ts,
 * conda/config.ts) reads through: the machine (env, home, cwd, files, child
 * processes, a memo of asked defaults) as one injected value, so tests run on
 * fixtures and never on this machine's configuration. Bad files are reported
 * as `problems` (ChainwatchError 'invalid-config' with a location), never thrown.
 * No registry host is written in this repository: when nothing is configured,
 * the ecosystem's own tool is asked for its built-in default (askOnce).
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

export function configProblem(message: string, filePath: string, line?: number): ChainwatchError {
  return new ChainwatchError('invalid-config', message, { location: line === undefined ? { path: filePath } : { path: filePath, line } });
}

export function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

export function isHttpUrl(text: string): boolean {
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
export async function askOnce(
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
