/**
 * A machine made of fixtures for the registry configuration readers' tests:
 * files, env, commands (none run for real), a memo. Shared by
 * config-sources.test.ts and npm/, pypi/, conda/config.test.ts.
 */
import type { CommandResult, ConfigSources } from './config-sources.js';

export const HOME = '/home/ada';
export const PROJECT = '/work/app';

export interface FakeOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  directories?: string[];
  /** `command arg arg` → result; anything else is "not installed". */
  commands?: Record<string, CommandResult>;
}

/** A machine made of fixtures: files, env, commands; records the commands run. */
export function fakeSources(files: Record<string, string>, options: FakeOptions = {}): ConfigSources & { ran: string[] } {
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

export const NPM_DEFAULT = { 'npm config get registry': { exitCode: 0, stdout: 'https://registry.npm.test/\n', stderr: 'npm warn Unknown user config "nodedir".\n' } };
export const PIP_PROBE = 'python3 -c from pip._internal.models.index import PyPI; print(PyPI.simple_url)';
export const PIP_DEFAULT = { [PIP_PROBE]: { exitCode: 0, stdout: 'https://pypi.test/simple\n', stderr: '' } };

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
