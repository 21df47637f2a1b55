import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { DEFAULT_RETENTION } from '../../graph/index.js';
import { loadRunRenderers } from '../../report/index.js';
import { loadGraphStore } from '../../store/index.js';
import { selectIdentity, type IdentityOptions } from '../graph-inputs.js';
import { describeError, warn, type CliIo } from '../io.js';
import { parseChoice } from '../options.js';
import { redactSecrets } from '../redact.js';

export const RUNS_FORMAT_CHOICES = ['table', 'json'] as const;

interface RunsOptions {
  history?: string;
  format: (typeof RUNS_FORMAT_CHOICES)[number];
}

interface RunsListOptions extends RunsOptions, Pick<IdentityOptions, 'profile' | 'identity'> {}

interface RunsPruneOptions extends RunsOptions {
  keepLast: number;
  keepMonths: number;
  dryRun?: boolean;
}

function parseCount(minimum: number) {
  return (value: string): number => {
    if (!/^[0-9]+$/.test(value) || Number(value) < minimum) throw new InvalidArgumentError(`expected a whole number of at least ${minimum}`);
    return Number(value);
  };
}

/**
 * Opens the history (read-only unless `write`), runs `work`, closes it. No
 * history yet is said on stderr; `missing` is what the command then does.
 */
async function withHistory(
  io: CliIo,
  options: RunsOptions,
  write: boolean,
  missing: () => number,
  work: (history: Awaited<ReturnType<typeof openStore>>) => Promise<number> | number,
): Promise<number> {
  const [{ existsSync }, { defaultGraphStorePath }] = await Promise.all([import('node:fs'), loadGraphStore()]);
  const path = options.history ?? defaultGraphStorePath(io.env);
  if (!existsSync(path)) {
    warn(io, `chainwatch: no runs yet (${path}): \`chainwatch graph --preset jupyter\` saves one`);
    return missing();
  }
  try {
    const history = await openStore(path, write);
    try {
      return await work(history);
    } finally {
      history.close();
    }
  } catch (error) {
    warn(io, `chainwatch: ${describeError(error)}`);
    return 2;
  }
}

async function openStore(path: string, write: boolean) {
  const { openGraphStore } = await loadGraphStore();
  return openGraphStore(path, write ? {} : { readonly: true });
}

/** `chainwatch runs list`: every run, or one identity's (--profile, --identity), oldest first. */
export async function runRunsList(io: CliIo, options: RunsListOptions): Promise<number> {
  const { renderRuns } = await loadRunRenderers();
  const none = () => {
    io.stdout.write(renderRuns([], options.format));
    return 0;
  };
  return withHistory(io, options, false, none, async (history) => {
    const identity = await selectIdentity(options, () => [...new Set(history.listRuns().map((run) => run.identity.key))]);
    if (!identity.ok) {
      warn(io, `chainwatch: ${describeError(identity.error)}`);
      return 2;
    }
    io.stdout.write(redactSecrets(renderRuns(history.listRuns(identity.value === undefined ? {} : { identity: identity.value }), options.format), io.env));
    return 0;
  });
}

/** `chainwatch runs show ID`: one run's record, parts and the previous run of its identity. */
export async function runRunsShow(io: CliIo, id: string, options: RunsOptions): Promise<number> {
  const { renderRun } = await loadRunRenderers();
  if (!/^[0-9]+$/.test(id.trim())) {
    warn(io, `chainwatch: not a run id: ${JSON.stringify(id)}`);
    return 2;
  }
  return withHistory(io, options, false, () => 2, (history) => {
    const run = history.getRun(Number(id));
    if (!run) {
      warn(io, `chainwatch: no run ${Number(id)} in the history (chainwatch runs list shows them)`);
      return 2;
    }
    io.stdout.write(redactSecrets(renderRun(run, history.previousRun(run.id), options.format), io.env));
    return 0;
  });
}

/** `chainwatch runs prune`: removes what the retention policy does not keep; --dry-run only lists it. */
export async function runRunsPrune(io: CliIo, options: RunsPruneOptions): Promise<number> {
  const { renderPrune } = await loadRunRenderers();
  const dryRun = options.dryRun ?? false;
  const policy = { keepLast: options.keepLast, keepMonths: options.keepMonths };
  const none = () => {
    io.stdout.write(renderPrune([], policy, dryRun, options.format));
    return 0;
  };
  return withHistory(io, options, !dryRun, none, (history) => {
    const before = new Map(history.listRuns().map((run) => [run.id, run]));
    const removed = history.pruneRuns(policy, { dryRun }).map((runId) => before.get(runId)!);
    io.stdout.write(redactSecrets(renderPrune(removed, policy, dryRun, options.format), io.env));
    return 0;
  });
}

export function registerRuns(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const runs = program.command('runs').description('The saved runs: list them, show one, prune old ones');
  const common = (command: Command) =>
    command
      .option('--history <path>', 'the graph history (default: $CHAINWATCH_GRAPH_DB or graph.sqlite in the user cache dir)')
      .option('-f, --format <format>', `output format: ${RUNS_FORMAT_CHOICES.join('|')}`, parseChoice(RUNS_FORMAT_CHOICES), 'table');
  common(runs.command('list').description('Every saved run, oldest first: id, time, status, identity, what it was made from, its parts'))
    .option('--profile <name>', 'only the runs of this profile')
    .option('--identity <key>', 'only the runs of this identity (a hash prefix or profile)')
    .action(async (options: RunsListOptions) => setExit(await runRunsList(io, options)));
  common(runs.command('show').description('One run: its identity (roots, environments, orgs), its parts, the previous run it is compared with').argument('<id>', 'the run id'))
    .action(async (id: string, options: RunsOptions) => setExit(await runRunsShow(io, id, options)));
  common(
    runs
      .command('prune')
      .description(
        `Remove old runs: per identity, keep the last N and the newest run of each month for M months (${DEFAULT_RETENTION.keepLast} and ${DEFAULT_RETENTION.keepMonths} by default, also applied after every saved run); ad-hoc identities keep their last N only`,
      ),
  )
    .option('--keep-last <n>', `runs to keep per identity (default ${DEFAULT_RETENTION.keepLast})`, parseCount(1), DEFAULT_RETENTION.keepLast)
    .option('--keep-months <n>', `months with one run kept each, up to an identity's newest run (default ${DEFAULT_RETENTION.keepMonths}; 0: none)`, parseCount(0), DEFAULT_RETENTION.keepMonths)
    .option('--dry-run', 'only list what would be removed')
    .action(async (options: RunsPruneOptions) => setExit(await runRunsPrune(io, options)));
}
