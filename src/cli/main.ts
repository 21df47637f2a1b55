import { Command, CommanderError } from 'commander';
import { describeError, processIo, warn, type CliIo } from './io.js';
import { TOOL_VERSION } from './version.js';

type Register = (program: Command, io: CliIo, setExit: (code: number) => void) => void;

/**
 * Every top-level command, in `--help` order, and how to load the module that
 * registers it. Each command lives in its own module with static metadata and
 * a run() function; this is the only place that wires them. A command's
 * module is imported only when it is needed: `chainwatch scan` loads the scan
 * command alone, not the other twelve and what they import.
 */
const COMMANDS: readonly { name: string; load: () => Promise<Register> }[] = [
  { name: 'scan', load: async () => (await import('./commands/scan.js')).registerScan },
  { name: 'versions', load: async () => (await import('./commands/versions.js')).registerVersions },
  { name: 'db', load: async () => (await import('./commands/db.js')).registerDatabase },
  { name: 'graph', load: async () => (await import('./commands/graph.js')).registerGraph },
  { name: 'concerns', load: async () => (await import('./commands/concerns.js')).registerConcerns },
  { name: 'diff', load: async () => (await import('./commands/diff.js')).registerDiff },
  { name: 'runs', load: async () => (await import('./commands/runs.js')).registerRuns },
  { name: 'posture', load: async () => (await import('./commands/posture.js')).registerPosture },
  { name: 'fix', load: async () => (await import('./commands/fix.js')).registerFix },
  { name: 'audit', load: async () => (await import('./commands/audit.js')).registerAudit },
  { name: 'report', load: async () => (await import('./commands/report.js')).registerReport },
  { name: 'serve', load: async () => (await import('./commands/serve.js')).registerServe },
  {
    name: 'advisories',
    load: async () => {
      const [{ registerAdvisories }, { registerAdvisoryActions }] = await Promise.all([import('./commands/advisories.js'), import('./commands/advisory-actions.js')]);
      return (program, io, setExit) => registerAdvisoryActions(registerAdvisories(program, io, setExit), io, setExit);
    },
  },
];

const VERSION_FLAGS = ['-V', '--version'];

/**
 * Builds the command tree: only the command `argv` names when it names one
 * (its parsing, help and errors are the same either way), else every command
 * (`--help`, `help <command>`, a typo that commander suggests a command for),
 * none for `--version`.
 */
export async function buildProgram(io: CliIo, setExit: (code: number) => void, argv: readonly string[] = []): Promise<Command> {
  const program = new Command('chainwatch')
    .description('Supply-chain security for open-source organisations: what users install, where the risk is, where every advisory stands')
    .version(TOOL_VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (text) => void io.stderr.write(text), writeOut: (text) => void io.stdout.write(text) });
  const named = COMMANDS.find((command) => command.name === argv[0]);
  // `--version` prints and exits before any command is looked at.
  const needed = named ? [named] : VERSION_FLAGS.includes(argv[0] ?? '') ? [] : COMMANDS;
  const registers = await Promise.all(needed.map((command) => command.load()));
  for (const register of registers) register(program, io, setExit);
  for (const command of program.commands) {
    command.exitOverride();
    for (const sub of command.commands) sub.exitOverride();
  }
  return program;
}

/** Runs the CLI and returns the exit code: 0 clean, 1 findings at --fail-on, 2 usage or unreadable input. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let exitCode = 0;
  try {
    const program = await buildProgram(
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
