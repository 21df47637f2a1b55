import { Command, CommanderError } from 'commander';
import { registerAdvisoryActions } from './commands/advisory-actions.js';
import { registerAdvisories } from './commands/advisories.js';
import { registerAudit } from './commands/audit.js';
import { registerConcerns } from './commands/concerns.js';
import { registerDatabase } from './commands/db.js';
import { registerDiff } from './commands/diff.js';
import { registerFix } from './commands/fix.js';
import { registerGraph } from './commands/graph.js';
import { registerPosture } from './commands/posture.js';
import { registerReport } from './commands/report.js';
import { registerRuns } from './commands/runs.js';
import { registerScan } from './commands/scan.js';
import { registerServe } from './commands/serve.js';
import { registerVersions } from './commands/versions.js';
import { describeError, processIo, warn, type CliIo } from './io.js';
import { TOOL_VERSION } from './version.js';

/**
 * Builds the command tree. Each command lives in its own module with static
 * metadata and a run() function; this is the only place that wires them.
 */
export function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command('chainwatch')
    .description('Supply-chain security for open-source organisations: what users install, where the risk is, where every advisory stands')
    .version(TOOL_VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (text) => void io.stderr.write(text), writeOut: (text) => void io.stdout.write(text) });
  registerScan(program, io, setExit);
  registerVersions(program, io, setExit);
  registerDatabase(program, io, setExit);
  registerGraph(program, io, setExit);
  registerConcerns(program, io, setExit);
  registerDiff(program, io, setExit);
  registerRuns(program, io, setExit);
  registerPosture(program, io, setExit);
  registerFix(program, io, setExit);
  registerAudit(program, io, setExit);
  registerReport(program, io, setExit);
  registerServe(program, io, setExit);
  registerAdvisoryActions(registerAdvisories(program, io, setExit), io, setExit);
  for (const command of program.commands) {
    command.exitOverride();
    for (const sub of command.commands) sub.exitOverride();
  }
  return program;
}

/** Runs the CLI and returns the exit code: 0 clean, 1 findings at --fail-on, 2 usage or unreadable input. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    warn(io, `chainwatch: ${describeError(error)}`);
    return 2;
  }
}
