import { Command, CommanderError } from 'commander';
import { describeError, warn, type CliIo } from './io.js';
import { TOOL_VERSION } from './version.js';

type Register = (program: Command, io: CliIo, setExit: (code: number) => void) => void;

/** A top-level command: its name, and how to load the module that registers it. */
export interface CommandEntry {
  name: string;
  load: () => Promise<Register>;
}

const VERSION_FLAGS = ['-V', '--version'];

/**
 * Builds the command tree from `commands`: only the command `argv` names when
 * it names one (its parsing, help and errors are the same either way), else
 * every command (`--help`, `help <command>`, a typo that commander suggests a
 * command for), none for `--version`.
 */
export async function buildProgram(commands: readonly CommandEntry[], io: CliIo, setExit: (code: number) => void, argv: readonly string[] = []): Promise<Command> {
  const program = new Command('chainwatch')
    .description('Supply-chain security for open-source organisations: what users install, where the risk is, where every advisory stands')
    .version(TOOL_VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (text) => void io.stderr.write(text), writeOut: (text) => void io.stdout.write(text) });
  const named = commands.find((command) => command.name === argv[0]);
  // `--version` prints and exits before any command is looked at.
  const needed = named ? [named] : VERSION_FLAGS.includes(argv[0] ?? '') ? [] : commands;
  const registers = await Promise.all(needed.map((command) => command.load()));
  for (const register of registers) register(program, io, setExit);
  for (const command of program.commands) {
    command.exitOverride();
    for (const sub of command.commands) sub.exitOverride();
  }
  return program;
}

/** Runs the CLI over `commands` and returns the exit code: 0 clean, 1 findings at --fail-on, 2 usage or unreadable input. */
export async function runProgram(commands: readonly CommandEntry[], argv: string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  try {
    const program = await buildProgram(
      commands,
      io,
      (code) => {
        exitCode = code;
      },
      argv,
    );
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    warn(io, `chainwatch: ${describeError(error)}`);
    return 2;
  }
}
