import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { DependencyGraph } from '../../graph/types.js';
import { describeError, warn, type CliIo } from '../io.js';
import { redactSecrets } from '../redact.js';
import { addGraphInputOptions, buildAndSaveGraph, readGraphInputs, type GraphDependencies, type GraphInputOptions } from './graph.js';
import { parseChoice } from '../options.js';

export const CONCERN_FORMAT_CHOICES = ['table', 'json', 'markdown'] as const;

export interface ConcernsCommandOptions extends GraphInputOptions {
  top?: number;
  format: (typeof CONCERN_FORMAT_CHOICES)[number];
  snapshot?: string;
}

function parseTop(value: string): number {
  if (!/^[0-9]+$/.test(value) || Number(value) === 0) throw new InvalidArgumentError('expected a positive whole number');
  return Number(value);
}

/**
 * `chainwatch concerns`: the packages of greatest concern. With PURLs,
 * --preset or --config it builds (and saves) a fresh graph first; otherwise it
 * ranks the latest snapshot (or --snapshot REF). No snapshot and nothing to
 * build from is bad input (exit 2).
 */
export async function runConcerns(io: CliIo, purls: string[], options: ConcernsCommandOptions, dependencies: GraphDependencies = {}): Promise<number> {
  const wantsFreshGraph = purls.length > 0 || options.preset !== undefined || options.config !== undefined;
  let graph: DependencyGraph;
  let exitCode = 0;
  if (wantsFreshGraph) {
    const inputs = await readGraphInputs(purls, options);
    if (!inputs.ok) {
      warn(io, `chainwatch: ${inputs.message}`);
      return 2;
    }
    const built = await buildAndSaveGraph(io, inputs.config, options, dependencies);
    graph = built.run.graph;
    exitCode = built.exitCode;
  } else {
    const loaded = await loadSnapshotGraph(io, options.history, options.snapshot ?? 'latest');
    if (!loaded) return 2;
    graph = loaded;
  }
  const [{ rankConcerns }, { renderConcerns }] = await Promise.all([import('../../graph/concerns.js'), import('../../report/graph/index.js')]);
  const report = rankConcerns(graph, options.top === undefined ? {} : { top: options.top });
  io.stdout.write(redactSecrets(renderConcerns(report, options.format), io.env));
  return exitCode;
}

/** A snapshot's graph from the history, or null after saying why. */
export async function loadSnapshotGraph(io: CliIo, historyPath: string | undefined, reference: string): Promise<DependencyGraph | null> {
  const { existsSync } = await import('node:fs');
  const { defaultGraphStorePath, openGraphStore } = await import('../../store/graph-store.js');
  const path = historyPath ?? defaultGraphStorePath(io.env);
  const noHistory = `chainwatch: no graph snapshots yet (${path}): run \`chainwatch graph --preset jupyter\` (or with PURLs / --config), or give them to this command`;
  if (!existsSync(path)) {
    warn(io, noHistory);
    return null;
  }
  try {
    const store = openGraphStore(path, { readonly: true });
    try {
      const id = store.resolveReference(reference);
      if (!id.ok) {
        warn(io, id.error.message.startsWith('no graph snapshots yet') ? noHistory : `chainwatch: ${id.error.message}`);
        return null;
      }
      return store.loadSnapshot(id.value)!.graph;
    } finally {
      store.close();
    }
  } catch (error) {
    warn(io, `chainwatch: ${describeError(error)}`);
    return null;
  }
}

export function registerConcerns(program: Command, io: CliIo, setExit: (code: number) => void): void {
  addGraphInputOptions(
    program
      .command('concerns')
      .description('Rank the packages of greatest concern (reach × weakness, every factor shown) from the latest graph snapshot, or from a fresh graph of the given PURLs/preset/config')
      .argument('[purls...]', 'build a fresh graph from these packages first'),
  )
    .option('--top <n>', 'show the first N rows', parseTop)
    .option('--snapshot <ref>', 'rank this snapshot: an id, latest or latest~N (default latest)')
    .option('-f, --format <format>', `output format: ${CONCERN_FORMAT_CHOICES.join('|')}`, parseChoice(CONCERN_FORMAT_CHOICES), 'table')
    .action(async (purls: string[], options: ConcernsCommandOptions) => setExit(await runConcerns(io, purls, options)));
}
