/**
 * The real built CLI's `chainwatch serve` as a child process, for the
 * browser tests and the serve bench (no vitest here: the bench imports it).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPOSITORY_ROOT = fileURLToPath(new URL('../..', import.meta.url));

const BUILT_CLI = join(REPOSITORY_ROOT, 'dist', 'cli', 'main.js');
const BUILT_UI = join(REPOSITORY_ROOT, 'dist', 'ui', 'index.html');
// Outside dist/ (the build starts by removing it) and outside node_modules/ (shared by several checkouts).
const BUILD_LOCK = join(tmpdir(), `chainwatch-build-${createHash('sha256').update(REPOSITORY_ROOT).digest('hex').slice(0, 12)}.lock`);

function newestModification(path: string): number {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestModification(join(path, entry)));
  }
  return newest;
}

/** Why dist/ cannot be used as it is (missing, or older than a source), or null when it is current. */
function staleBuild(): string | null {
  if (!existsSync(BUILT_CLI)) return `${BUILT_CLI} is missing`;
  if (!existsSync(BUILT_UI)) return `${BUILT_UI} is missing`;
  const built = Math.min(statSync(BUILT_CLI).mtimeMs, statSync(BUILT_UI).mtimeMs);
  const sources = Math.max(
    ...['src', 'ui', 'package.json', 'vite.config.ts', 'ui/vite.config.ts'].map((path) => newestModification(join(REPOSITORY_ROOT, path))),
  );
  return sources > built ? 'a file under src/ or ui/ is newer than dist/' : null;
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/**
 * Makes sure dist/ (the CLI and the UI) is built from the sources as they
 * are: `npm ci` builds it in CI; in a checkout being edited it may be stale,
 * and testing yesterday's UI would pass wrongly. Test files run in parallel,
 * so one builds under a lock directory while the others wait for it.
 */
export async function ensureBuilt(): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const reason = staleBuild();
    if (reason === null) return;
    let locked = false;
    try {
      mkdirSync(BUILD_LOCK);
      locked = true;
    } catch {
      // Another test file is building; a lock older than the deadline is a crashed build's.
      if (existsSync(BUILD_LOCK) && Date.now() - statSync(BUILD_LOCK).mtimeMs > 180_000) rmSync(BUILD_LOCK, { recursive: true, force: true });
    }
    if (locked) {
      try {
        const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: REPOSITORY_ROOT, encoding: 'utf8', timeout: 170_000 });
        if (result.status !== 0) throw new Error(`npm run build failed (${reason}):\n${result.stdout}\n${result.stderr}`);
      } finally {
        rmSync(BUILD_LOCK, { recursive: true, force: true });
      }
      const after = staleBuild();
      if (after !== null) throw new Error(`npm run build did not produce a current dist/: ${after}`);
      return;
    }
    if (Date.now() > deadline) throw new Error(`gave up waiting for another test file's build (${reason})`);
    await sleep(250);
  }
}

// ---------------------------------------------------------------------------
// `chainwatch serve`

export interface ServeProcess {
  /** `http://127.0.0.1:<port>`, as the server printed it. */
  origin: string;
  /** Everything the server wrote so far. */
  output(): { stdout: string; stderr: string };
  close(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts `node bin/chainwatch serve --db <store> --host 127.0.0.1 --port 0`
 * (the real built CLI, as a user runs it) and reads the address it listens on
 * from its stdout. No token in its environment: on loopback it needs none.
 */
export async function startServe(storePath: string, extraArguments: readonly string[] = []): Promise<ServeProcess> {
  const environment: NodeJS.ProcessEnv = { ...process.env };
  delete environment.CHAINWATCH_SERVE_TOKEN;
  const child = spawn(process.execPath, [join(REPOSITORY_ROOT, 'bin', 'chainwatch'), 'serve', '--db', storePath, '--host', '127.0.0.1', '--port', '0', ...extraArguments], {
    cwd: REPOSITORY_ROOT,
    env: environment,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  exited.then(() => running.delete(child), () => {});

  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`chainwatch serve printed no http://127.0.0.1:<port> within 20 s\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, 20_000);
    const look = (): void => {
      const match = /http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout + stderr);
      if (match && match[1] !== '0') {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${match[1]}`);
      }
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', look);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`chainwatch serve exited (${String(code)}) before listening\nstdout: ${stdout}\nstderr: ${stderr}`));
    });
  });

  return {
    origin,
    output: () => ({ stdout, stderr }),
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
