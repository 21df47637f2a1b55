import { processIo, type CliIo } from './io.js';
import { runProgram, type CommandEntry } from './program.js';
import { SCAN_COMMAND } from './scan-main.js';

/**
 * Every top-level command, in `--help` order, and how to load the module that
 * registers it. Each command lives in its own module with static metadata and
 * a run() function; this is the only place that wires them. A command's
 * module is imported only when it is needed: `chainwatch scan` loads the scan
 * command alone, not the other twelve and what they import.
 */
const COMMANDS: readonly CommandEntry[] = [
  SCAN_COMMAND,
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

/** Runs the CLI and returns the exit code: 0 clean, 1 findings at --fail-on, 2 usage or unreadable input. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  return runProgram(COMMANDS, argv, io);
}
