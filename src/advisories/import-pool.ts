import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { runImportTask, type ImportOutcome, type ImportTask } from './import-tasks.js';

/**
 * Runs import tasks (import-tasks.ts) on worker threads, or on the calling
 * thread when there are none. The calling thread keeps the database
 * transaction and writes; the workers read, inflate, parse, validate and
 * serialise.
 */

/** Fewer inputs than this are always read on the calling thread, whatever was asked: starting threads costs more than they save there. */
export const PARALLEL_THRESHOLD = 256;

/**
 * Without an explicit thread count, inputs below this many stay on the
 * calling thread too. Measured on 2 CPUs under load (load average 8–10),
 * whole `db import` of the 2,661 PyPA files: 0.9 s on the calling thread,
 * 1.2–1.6 s with two threads (their start and the hand-over cost more than
 * the ~0.6 s of work they share); a 220k-record export spends ~15 s of CPU,
 * which threads spread.
 */
export const DEFAULT_PARALLEL_INPUTS = 10_000;

/** One thread per CPU (at most 8): the calling thread mostly waits on SQLite meanwhile. */
export function defaultWorkerCount(): number {
  return Math.min(availableParallelism(), 8);
}

/** How many threads to start for `inputs` inputs when `workers` were asked for (undefined: the default); 0: none. */
export function threadsFor(inputs: number, workers: number | undefined): number {
  const count = workers === undefined ? (inputs >= DEFAULT_PARALLEL_INPUTS ? defaultWorkerCount() : 0) : Math.max(0, Math.floor(workers));
  return count > 1 && inputs >= PARALLEL_THRESHOLD ? count : 0;
}

export interface TaskRunner {
  /** The outcomes of one task; `transfer` lists buffers moved (not copied) to the thread. */
  run(task: ImportTask, transfer?: ArrayBuffer[]): Promise<ImportOutcome[]>;
  close(): Promise<void>;
}

/**
 * A worker's young generation: V8's default (16 MB semi-spaces) let each
 * thread hold about 45 MB of heap, most of it garbage, while it parses
 * records of a few kilobytes (peak RSS 450 MB with two threads on the
 * 220k-record export, the writing thread's page cache at 64 MiB). 8 MB cut
 * that to 390 MB but cost each thread ~1.2 s of garbage collection; at 16 MB
 * with the import's page cache at 32 MiB (sqlite-store.ts IMPORT_CACHE_KIB)
 * the whole process takes 0.5–1 s less CPU at 365–373 MB. Old objects are
 * not limited: a 16 MB record still parses.
 */
const YOUNG_GENERATION_MB = 16;

/**
 * Starts one worker: `import-worker.js` beside this module in the bundle
 * (dist/cli, where package.json's build line puts it). From the TypeScript
 * sources (tests, benches run through tsx) there is only the `.ts` file: a
 * small bootstrap registers tsx in the thread first (Node 20 ignores
 * `--import` in a worker's execArgv).
 */
function startWorker(): Worker {
  const built = new URL('./import-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) return new Worker(built, { resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
  const tsxRoot = path.dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const bootstrap = `
    const { workerData } = require('node:worker_threads');
    import(workerData.tsx).then((tsx) => { tsx.register(); return import(workerData.entry); });
  `;
  return new Worker(bootstrap, {
    eval: true,
    resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    workerData: { tsx: pathToFileURL(path.join(tsxRoot, 'dist', 'esm', 'api', 'index.mjs')).href, entry: new URL('./import-worker.ts', import.meta.url).href },
  });
}

const inThread: TaskRunner = { run: (task) => runImportTask(task), close: async () => {} };

type Pending = { resolve: (outcomes: ImportOutcome[]) => void; reject: (error: unknown) => void };

/** `count` worker threads, each given the next task when it has the fewest outstanding; 0 runs tasks on this thread. */
export function startTaskRunner(count: number): TaskRunner {
  if (count <= 0) return inThread;
  const workers = Array.from({ length: count }, startWorker);
  const outstanding = workers.map(() => 0);
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let failure: unknown = null;
  let closing = false;
  const failAll = (error: unknown) => {
    failure ??= error;
    for (const task of pending.values()) task.reject(failure);
    pending.clear();
  };
  workers.forEach((worker, slot) => {
    worker.on('message', (message: { id: number; outcomes?: ImportOutcome[]; failure?: string }) => {
      const task = pending.get(message.id);
      if (!task) return;
      pending.delete(message.id);
      outstanding[slot]!--;
      if (message.outcomes) task.resolve(message.outcomes);
      else task.reject(new Error(`advisory import thread failed: ${message.failure}`));
    });
    worker.on('error', failAll);
    worker.on('exit', (code) => {
      if (!closing) failAll(new Error(`advisory import thread stopped early (exit code ${code})`));
    });
  });
  return {
    run(task, transfer = []) {
      if (failure !== null) return Promise.reject(failure);
      let slot = 0;
      for (let other = 1; other < workers.length; other++) if (outstanding[other]! < outstanding[slot]!) slot = other;
      const id = nextId++;
      outstanding[slot]!++;
      return new Promise<ImportOutcome[]>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        workers[slot]!.postMessage({ id, task }, transfer);
      });
    },
    async close() {
      closing = true;
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}

/**
 * Runs `tasks` with at most `window` in flight and yields their outcomes in
 * task order, whatever order the threads finish in.
 */
export async function* inOrder(runner: TaskRunner, tasks: AsyncIterable<{ task: ImportTask; transfer?: ArrayBuffer[] }>, window: number): AsyncGenerator<ImportOutcome[]> {
  const inFlight: Promise<ImportOutcome[]>[] = [];
  for await (const { task, transfer } of tasks) {
    const result = runner.run(task, transfer);
    // Awaited later, in order; until then a failure must not count as unhandled.
    result.catch(() => {});
    inFlight.push(result);
    if (inFlight.length >= window) yield await inFlight.shift()!;
  }
  while (inFlight.length > 0) yield await inFlight.shift()!;
}
