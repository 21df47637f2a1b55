import { parentPort } from 'node:worker_threads';
import { runImportTaskPacked, type ImportTask } from './import-tasks.js';

/**
 * The entry point of an import's worker threads (import-pool.ts starts them):
 * each message is one task, answered with its outcomes under the same id.
 * Built as its own file beside the CLI (package.json's build line), so the
 * bundle can start it.
 */
parentPort?.on('message', (message: { id: number; task: ImportTask }) => {
  runImportTaskPacked(message.task).then(
    ({ outcomes, transfer }) => parentPort!.postMessage({ id: message.id, outcomes }, transfer),
    (error: unknown) => parentPort!.postMessage({ id: message.id, failure: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
