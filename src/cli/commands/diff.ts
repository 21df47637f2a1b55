import type { Command } from 'commander';
import { loadGraphInputs, loadGraphPipelines } from '../../graph/index.js';
import { loadGraphRenderers } from '../../report/index.js';
import { loadGraphStore } from '../../store/index.js';
import { selectIdentity, type IdentityOptions } from '../graph-inputs.js';
import { describeError, warn, type CliIo } from '../io.js';
import { collect, parseChoice } from '../options.js';
import { redactSecrets } from '../redact.js';

export const DIFF_FORMAT_CHOICES = ['table', 'json', 'markdown'] as const;

export interface DiffCommandOptions extends IdentityOptions {
  history?: string;
  format: (typeof DIFF_FORMAT_CHOICES)[number];
}

/**
 * `chainwatch diff [OLD] [NEW]`: what changed between two graph runs
 * (default: the previous and the latest run of one identity: --profile,
 * --preset/--config, --identity, else the newest run that was not ad hoc).
 * References are ids, `latest` or `latest~N`. Runs asked differently, or
 * where only one reached a source, are compared all the same, with a note on stderr. Exit 0
 * with the changes (even none); 2 when a run is missing or the history
 * cannot be read.
 */
export async function runDiff(io: CliIo, references: string[], options: DiffCommandOptions): Promise<number> {
  const [{ existsSync }, { defaultGraphStorePath, openGraphStore }, { diffSnapshots }, { renderDiff }, { describeIdentity, shortIdentity }] = await Promise.all([
    import('node:fs'),
    loadGraphStore(),
    loadGraphPipelines(),
    loadGraphRenderers(),
    loadGraphInputs(),
  ]);
  if (references.length > 2) {
    warn(io, 'chainwatch: diff takes at most two snapshots (OLD NEW)');
    return 2;
  }
  const [oldReference = 'latest~1', newReference = 'latest'] = references;
  const path = options.history ?? defaultGraphStorePath(io.env);
  if (!existsSync(path)) {
    warn(io, `chainwatch: no graph snapshots yet (${path}): run \`chainwatch graph\` twice to have something to compare`);
    return 2;
  }
  try {
    const history = openGraphStore(path, { readonly: true });
    try {
      const identity = await selectIdentity(options, () => history.identities());
      if (!identity.ok) {
        warn(io, `chainwatch: ${describeError(identity.error)}`);
        return 2;
      }
      const result = diffSnapshots(history, oldReference, newReference, identity.value);
      if (!result.ok) {
        warn(io, `chainwatch: ${result.error.message}`);
        return 2;
      }
      const { previous, current } = result;
      const name = (snapshot: typeof previous) => `${describeIdentity(snapshot.identity)}${snapshot.identity.profile === null ? ` (${shortIdentity(snapshot.identity.key)})` : ''}`;
      if (previous.identity.key !== current.identity.key) {
        warn(io, `chainwatch: note: run ${previous.id} and run ${current.id} were asked differently (${name(previous)}; ${name(current)}): packages only one of them asked for show as added or removed`);
      } else if (previous.identity.hash !== current.identity.hash) {
        warn(io, `chainwatch: note: the roots, environments or orgs of ${name(current)} changed between run ${previous.id} and run ${current.id}`);
      }
      // A source both runs missed hides the same packages from both; one that only one run missed makes changes up.
      const unreachable = (snapshot: typeof previous) => new Set(snapshot.graph.sources.filter((source) => !source.reachable).map((source) => source.name));
      const [missedBefore, missedNow] = [unreachable(previous), unreachable(current)];
      for (const [snapshot, missed, other] of [[previous, missedBefore, missedNow], [current, missedNow, missedBefore]] as const) {
        const only = [...missed].filter((name) => !other.has(name));
        if (only.length > 0) warn(io, `chainwatch: note: run ${snapshot.id} could not reach ${only.join(', ')}: what it could not see shows as removed or added`);
      }
      const header = { previous: { id: previous.id, createdAt: previous.createdAt }, current: { id: current.id, createdAt: current.createdAt } };
      io.stdout.write(redactSecrets(renderDiff(result.diff, header, options.format), io.env));
      return 0;
    } finally {
      history.close();
    }
  } catch (error) {
    warn(io, `chainwatch: ${describeError(error)}`);
    return 2;
  }
}

export function registerDiff(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('diff')
    .description('What changed between two graph runs asked the same way: packages added/removed, versions, new install scripts, provenance lost, maintainers, new advisories')
    .argument('[old]', 'the older run: an id, latest or latest~N (default latest~1)')
    .argument('[new]', 'the newer run (default latest)')
    .option('--history <path>', 'the graph history (default: $CHAINWATCH_GRAPH_DB or graph.sqlite in the user cache dir)')
    .option('--profile <name>', 'compare runs of this profile')
    .option('--preset <name>', 'compare runs of this preset (its roots, environments and orgs)')
    .option('--config <file>', 'compare runs of this chainwatch.yaml')
    .option('--env <name>', 'with --preset/--config: the environments the runs were made for (repeatable)', collect(String), [])
    .option('--identity <key>', 'compare runs of this identity (a hash prefix or profile from `chainwatch runs list`)')
    .option('-f, --format <format>', `output format: ${DIFF_FORMAT_CHOICES.join('|')}`, parseChoice(DIFF_FORMAT_CHOICES), 'table')
    .action(async (oldReference: string | undefined, newReference: string | undefined, options: DiffCommandOptions) =>
      setExit(await runDiff(io, [oldReference, newReference].filter((value): value is string => value !== undefined), options)),
    );
}
