import { opendir, realpath, stat } from 'node:fs/promises';
import { dirname, join, relative, isAbsolute, resolve, sep } from 'node:path';
import { compareText } from '../core/compare.js';
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
  /**
   * The real path (symbolic links resolved) of the scanned tree the file was
   * found in: the target directory, or the directory of a target file.
   * Whatever the file makes chainwatch read besides itself (a `-r` include)
   * must resolve inside it.
   */
  treeRoot: string;
  /**
   * Set when the entry will not be read, with the reason: a symbolic link
   * that leads outside the tree, to a missing file or to something that is
   * not a regular file, or a FIFO, device or socket. The inventory reports
   * it when an extractor claims the path; other such entries are not lockfiles.
   */
  skipped?: string;
}

export function displayPathFor(absolutePath: string, base: string): string {
  const rel = relative(base, absolutePath);
  const shown = rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? absolutePath : rel;
  return shown.split(sep).join('/');
}

/** True when `realPath` is `root` or under it; both must be real paths (symbolic links resolved). */
export function isInsideTree(realPath: string, root: string): boolean {
  if (realPath === root) return true;
  return realPath.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);
}

/**
 * Kernel and device file systems: never read through a link or an include,
 * even when the scanned tree is `/` (their files are environments, memory
 * and endless streams, not lockfiles).
 */
export function isSystemPath(realPath: string): boolean {
  return sep === '/' && /^\/(?:proc|sys|dev)(?:\/|$)/.test(realPath);
}

const NOT_REGULAR = 'is not a regular file (a device, FIFO or socket is never read)';

/**
 * Lists the files under each target (a target may itself be a file). A
 * symbolic link to a regular file inside the tree is listed like the file; a
 * link leading anywhere else is listed with the reason it is not read.
 * Symbolic links to directories are not followed, so a link loop cannot hang
 * the walk. Unreadable targets and directories become errors; the walk goes on.
 * The walk keeps its own stack, so the depth of a tree costs no call stack.
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

  function add(absolutePath: string, treeRoot: string, skippedBecause?: string): void {
    if (seen.has(absolutePath)) return;
    seen.add(absolutePath);
    files.push({ absolutePath, displayPath: displayPathFor(absolutePath, base), treeRoot, ...(skippedBecause ? { skipped: skippedBecause } : {}) });
  }

  /** Why a symbolic link to a file is not read, or undefined when it is a regular file inside the tree. */
  async function linkProblem(path: string, treeRoot: string): Promise<string | undefined | 'directory'> {
    let real: string;
    try {
      real = await realpath(path);
    } catch {
      return 'is a symbolic link to a missing or unreadable file';
    }
    if (!isInsideTree(real, treeRoot) || isSystemPath(real)) return 'is a symbolic link to a file outside the scanned tree; it is not read';
    let info;
    try {
      info = await stat(real);
    } catch {
      return 'is a symbolic link to a missing or unreadable file';
    }
    if (info.isDirectory()) return 'directory';
    if (!info.isFile()) return `is a symbolic link to a file that ${NOT_REGULAR}`;
    return undefined;
  }

  async function visitTree(root: string, treeRoot: string): Promise<void> {
    // Depth first, entries sorted, so that reports are deterministic whatever order the filesystem returns.
    const pending: string[] = [root];
    while (pending.length > 0) {
      const directory = pending.pop()!;
      let handle;
      try {
        handle = await opendir(directory);
      } catch (cause) {
        errors.push(unreadable(directory, base, cause));
        continue;
      }
      const subdirectories: string[] = [];
      const entries: { name: string; skipped?: string }[] = [];
      try {
        for await (const entry of handle) {
          if (entry.isDirectory()) {
            if (!skipped.has(entry.name)) subdirectories.push(entry.name);
          } else if (entry.isFile()) {
            entries.push({ name: entry.name });
          } else if (entry.isSymbolicLink()) {
            const problem = await linkProblem(join(directory, entry.name), treeRoot);
            // A link to a directory is not followed (loops); it holds no file of its own to report.
            if (problem === 'directory') continue;
            entries.push({ name: entry.name, ...(problem ? { skipped: problem } : {}) });
          } else {
            entries.push({ name: entry.name, skipped: NOT_REGULAR });
          }
        }
      } catch (cause) {
        errors.push(unreadable(directory, base, cause));
        continue;
      }
      entries.sort((a, b) => compareText(a.name, b.name));
      for (const entry of entries) add(join(directory, entry.name), treeRoot, entry.skipped);
      subdirectories.sort();
      for (let index = subdirectories.length - 1; index >= 0; index--) pending.push(join(directory, subdirectories[index]!));
    }
  }

  for (const target of targets) {
    const absolute = resolve(target);
    try {
      const info = await stat(absolute);
      if (info.isDirectory()) await visitTree(absolute, await realpath(absolute));
      // A file named on the command line is read wherever its links lead: the user chose it.
      else if (info.isFile()) add(absolute, await realpath(dirname(absolute)));
      // Whatever its name: `chainwatch scan /dev/stdin` must say why nothing was read.
      else errors.push(new ChainwatchError('unreadable-file', NOT_REGULAR, { location: { path: displayPathFor(absolute, base) } }));
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
