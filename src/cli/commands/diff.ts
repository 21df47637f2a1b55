import type { Command } from 'commander';
import { loadGraphPipelines } from '../../graph/index.js';
import { loadGraphRenderers } from '../../report/index.js';
import { loadGraphStore } from '../../store/index.js';
import { describeError, warn, type CliIo } from '../io.js';
import { redactSecrets } from '../redact.js';
import { parseChoice } from '../options.js';

export const DIFF_FORMAT_CHOICES = ['table', 'json', 'markdown'] as const;

export interface DiffCommandOptions {
  history?: string;
  format: (typeof DIFF_FORMAT_CHOICES)[number];
}

/**
 * `chainwatch diff [OLD] [NEW]`: what changed between two graph snapshots
 * (default: the previous and the latest). References are ids, `latest` or
 * `latest~N`. Exit 0 with the changes (even none); 2 when a snapshot is
 * missing or the history cannot be read.
 */
export async function runDiff(io: CliIo, references: string[], options: DiffCommandOptions): Promise<number> {
  const [{ existsSync }, { defaultGraphStorePath, openGraphStore }, { diffSnapshots }, { renderDiff }] = await Promise.all([
    import('node:fs'),
    loadGraphStore(),
    loadGraphPipelines(),
    loadGraphRenderers(),
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
      const result = diffSnapshots(history, oldReference, newReference);
      if (!result.ok) {
        warn(io, `chainwatch: ${result.error.message}`);
        return 2;
      }
      const { previous, current } = result;
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
    .description('What changed between two graph snapshots: packages added/removed, versions, new install scripts, provenance lost, maintainers, new advisories')
    .argument('[old]', 'the older snapshot: an id, latest or latest~N (default latest~1)')
    .argument('[new]', 'the newer snapshot (default latest)')
    .option('--history <path>', 'the graph history (default: $CHAINWATCH_GRAPH_DB or graph.sqlite in the user cache dir)')
    .option('-f, --format <format>', `output format: ${DIFF_FORMAT_CHOICES.join('|')}`, parseChoice(DIFF_FORMAT_CHOICES), 'table')
    .action(async (oldReference: string | undefined, newReference: string | undefined, options: DiffCommandOptions) =>
      setExit(await runDiff(io, [oldReference, newReference].filter((value): value is string => value !== undefined), options)),
    );
}
