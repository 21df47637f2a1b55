import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import type { RepoFile } from '../types.js';
import type { FileChange } from './types.js';

import { SHARED_PROJECTS } from '../../../test/shared-data.js';

/** The shared real-repository fixtures (read-only; the product never needs them). */
export { SHARED_PROJECTS };

/** Every `<org>/<repo>` of the shared repositories, sorted (read when called: only suites that need the shared data call it). */
export function sharedRepoNames(): string[] {
  return readdirSync(SHARED_PROJECTS)
    .flatMap((org) => readdirSync(join(SHARED_PROJECTS, org)).map((repo) => `${org}/${repo}`))
    .sort();
}

/** Every path of a fixture repository (as a collector would list the tree), and the posture-relevant files' texts. */
export function loadSharedProject(repo: string): { root: string; paths: string[]; files: RepoFile[] } {
  const root = join(SHARED_PROJECTS, repo);
  const paths = walk(root, root).filter((path) => path !== '.git-facts.json');
  const relevant = (path: string): boolean =>
    path.startsWith('.github/') || /(^|\/)(package\.json|action\.ya?ml|renovate\.json5?|\.renovaterc(\.json5?)?)$/.test(path) || path === 'SECURITY.md';
  const files = paths.filter(relevant).map((path) => ({ path, text: readFileSync(join(root, path), 'utf8') }));
  return { root, paths, files };
}

function walk(directory: string, root: string, out: string[] = []): string[] {
  for (const name of readdirSync(directory).sort()) {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) walk(path, root, out);
    else out.push(relative(root, path).split('\\').join('/'));
  }
  return out;
}

/**
 * Applies a diff with git in a fresh repository holding the `before` texts:
 * `git apply --check` first, then for real; returns the files' texts after.
 * A diff git refuses throws (with git's message), failing the test.
 */
export function gitApply(changes: readonly FileChange[], diff: string): Map<string, string> {
  const directory = mkdtempSync(join(tmpdir(), 'chainwatch-fix-'));
  try {
    execFileSync('git', ['init', '-q'], { cwd: directory });
    for (const change of changes) {
      if (change.before === null) continue;
      mkdirSync(dirname(join(directory, change.path)), { recursive: true });
      writeFileSync(join(directory, change.path), change.before);
    }
    execFileSync('git', ['apply', '--check', '-'], { cwd: directory, input: diff, stdio: ['pipe', 'pipe', 'pipe'] });
    execFileSync('git', ['apply', '-'], { cwd: directory, input: diff, stdio: ['pipe', 'pipe', 'pipe'] });
    return new Map(changes.map((change) => [change.path, readFileSync(join(directory, change.path), 'utf8')]));
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
