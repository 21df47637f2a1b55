import { opendir, stat } from 'node:fs/promises';
import { join, relative, isAbsolute, resolve, sep } from 'node:path';
import { ChainwatchError } from '../core/errors.js';

/** Directories a scan never descends into unless asked: installed trees and VCS internals, not the project's declared state. */
export const DEFAULT_SKIPPED_DIRECTORIES: readonly string[] = ['node_modules', '.git', '.hg', '.svn'];

export interface WalkOptions {
  /** Directory names not to descend into (default: DEFAULT_SKIPPED_DIRECTORIES). */
  skipDirectories?: readonly string[];
  /** Base for display paths; paths under it are shown relative to it (default: process.cwd()). */
  displayBase?: string;
}

export interface WalkedFile {
  absolutePath: string;
  /** What reports show: relative to the display base when under it, else absolute; always `/`-separated. */
  displayPath: string;
}

export function displayPathFor(absolutePath: string, base: string): string {
  const rel = relative(base, absolutePath);
  const shown = rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? absolutePath : rel;
  return shown.split(sep).join('/');
}

/**
 * Lists the files under each target (a target may itself be a file). Symbolic
 * links to directories are not followed, so a link loop cannot hang the walk.
 * Unreadable targets and directories become errors; the walk goes on.
 */
export async function walkTargets(
  targets: readonly string[],
  options: WalkOptions = {},
): Promise<{ files: WalkedFile[]; errors: ChainwatchError[] }> {
  const skipped = new Set(options.skipDirectories ?? DEFAULT_SKIPPED_DIRECTORIES);
  const base = resolve(options.displayBase ?? process.cwd());
  const files: WalkedFile[] = [];
  const errors: ChainwatchError[] = [];
  const seen = new Set<string>();

  function add(absolutePath: string): void {
    if (seen.has(absolutePath)) return;
    seen.add(absolutePath);
    files.push({ absolutePath, displayPath: displayPathFor(absolutePath, base) });
  }

  async function visitDirectory(directory: string): Promise<void> {
    let handle;
    try {
      handle = await opendir(directory);
    } catch (cause) {
      errors.push(unreadable(directory, base, cause));
      return;
    }
    const subdirectories: string[] = [];
    const names: string[] = [];
    for await (const entry of handle) {
      if (entry.isDirectory()) {
        if (!skipped.has(entry.name)) subdirectories.push(entry.name);
      } else if (entry.isFile()) {
        names.push(entry.name);
      }
    }
    // Sorted so that reports are deterministic whatever order the filesystem returns.
    for (const name of names.sort()) add(join(directory, name));
    for (const name of subdirectories.sort()) await visitDirectory(join(directory, name));
  }

  for (const target of targets) {
    const absolute = resolve(target);
    try {
      const info = await stat(absolute);
      if (info.isDirectory()) await visitDirectory(absolute);
      else add(absolute);
    } catch (cause) {
      errors.push(unreadable(absolute, base, cause));
    }
  }
  return { files, errors };
}

function unreadable(path: string, base: string, cause: unknown): ChainwatchError {
  const reason = (cause as NodeJS.ErrnoException)?.code === 'ENOENT' ? 'no such file or directory' : 'cannot be read';
  return new ChainwatchError('unreadable-file', reason, { location: { path: displayPathFor(path, base) }, cause });
}
