import { Command, CommanderError } from 'commander';

/**
 * Builds the command tree. Each command lives in its own module with static
 * metadata and a run() function; this is the only place that wires them.
 */
export function buildProgram(): Command {
  const program = new Command('chainwatch')
    .description('Supply-chain security for open-source organisations')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text), writeOut: (text) => process.stdout.write(text) });
  return program;
}

/** Runs the CLI and returns the exit code: 0 clean, 1 findings at --fail-on, 2 usage or unreadable input. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 2;
    }
    throw error;
  }
}
