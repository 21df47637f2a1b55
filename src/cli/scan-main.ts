import { processIo, type CliIo } from './io.js';
import { runProgram, type CommandEntry } from './program.js';

/** `chainwatch scan`: main.ts lists it with the other commands. */
export const SCAN_COMMAND: CommandEntry = { name: 'scan', load: async () => (await import('./commands/scan.js')).registerScan };

/**
 * The entry of the scan command's own bundle (dist/cli/scan-main.cjs, see the
 * build script), which bin/chainwatch runs for `chainwatch scan …`: main.ts's
 * main() with the scan command alone, in one file that starts without a
 * chunk graph to resolve and that Node 20 can load from a V8 code cache
 * (code-cache.ts).
 */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  return runProgram([SCAN_COMMAND], argv, io);
}
