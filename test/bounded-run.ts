import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));

export interface BoundedRun {
  /** True when the script did not finish within the bound and was killed. */
  timedOut: boolean;
  /** What the script wrote to stdout. */
  stdout: string;
  stderr: string;
  status: number | null;
}

/**
 * Runs an ES module body (TypeScript, through tsx) in a child process killed
 * after `timeoutMs`. For "this finishes" tests of synchronous code: a
 * catastrophic regular expression cannot be interrupted in the test's own
 * thread, but a child can be killed, so a regression fails the test instead
 * of hanging the suite. Import modules by absolute URL (`new URL('./x.ts',
 * import.meta.url).href`).
 */
export function runBounded(script: string, timeoutMs: number): BoundedRun {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script], {
    cwd: repositoryRoot,
    encoding: 'utf8',
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
    maxBuffer: 16 * 1024 * 1024,
  });
  const timedOut = (result.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT' || result.signal === 'SIGKILL';
  return { timedOut, stdout: result.stdout ?? '', stderr: result.stderr ?? '', status: result.status };
}
