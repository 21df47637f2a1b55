import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { loadGraphPipelines } from '../../graph/index.js';
import { loadGraphRenderers } from '../../report/index.js';
import { loadGraphStore } from '../../store/index.js';
import { addGraphInputOptions, graphRunDependencies, readRunRequest, reportGraphRun, selectIdentity, type GraphDependencies, type GraphInputOptions } from '../graph-inputs.js';
import { describeError, eventRenderer, warn, type CliIo } from '../io.js';
import { redactSecrets } from '../redact.js';
import { parseChoice } from '../options.js';

export const CONCERN_FORMAT_CHOICES = ['table', 'json', 'markdown'] as const;

export interface ConcernsCommandOptions extends GraphInputOptions {
  top?: number;
  format: (typeof CONCERN_FORMAT_CHOICES)[number];
  snapshot?: string;
  identity?: string;
}

function parseTop(value: string): number {
  if (!/^[0-9]+$/.test(value) || Number(value) === 0) throw new InvalidArgumentError('expected a positive whole number');
  return Number(value);
}

/**
 * `chainwatch concerns`: the packages of greatest concern. With PURLs,
 * --preset or --config it builds (and saves, unless --no-save) a fresh graph
 * first; otherwise it ranks the latest run of one identity (--profile,
 * --identity, else the newest run that was not ad hoc), or --snapshot REF.
 * No snapshot and nothing to build from is bad input (exit 2).
 */
export async function runConcerns(io: CliIo, purls: string[], options: ConcernsCommandOptions, dependencies: GraphDependencies = {}): Promise<number> {
  const [{ runConcernsPipeline }, { renderConcerns }] = await Promise.all([loadGraphPipelines(), loadGraphRenderers()]);
  const top = options.top === undefined ? {} : { top: options.top };
  const wantsFreshGraph = purls.length > 0 || options.preset !== undefined || options.config !== undefined;
  let rendered: string;
  let exitCode = 0;
  if (wantsFreshGraph) {
    const request = await readRunRequest(purls, options);
    if (!request.ok) {
      warn(io, `chainwatch: ${describeError(request.error)}`);
      return 2;
    }
    const renderer = eventRenderer(io, { verbose: options.verbose ?? false });
    let result;
    try {
      result = await runConcernsPipeline({ fresh: { ...request.value, dependencies: await graphRunDependencies(io, options, renderer, dependencies) } }, top);
    } finally {
      renderer.stop();
    }
    // A fresh run never looks a snapshot up.
    if (!result.ok) throw result.error;
    exitCode = await reportGraphRun(io, result.run!);
    rendered = renderConcerns(result.concerns, options.format);
  } else {
    const [{ existsSync }, { defaultGraphStorePath, openGraphStore }] = await Promise.all([import('node:fs'), loadGraphStore()]);
    const path = options.history ?? defaultGraphStorePath(io.env);
    const noHistory = `chainwatch: no graph snapshots yet (${path}): run \`chainwatch graph --preset jupyter\` (or with PURLs / --config), or give them to this command`;
    if (!existsSync(path)) {
      warn(io, noHistory);
      return 2;
    }
    let result;
    try {
      const history = openGraphStore(path, { readonly: true });
      try {
        const identity = await selectIdentity({ ...(options.profile === undefined ? {} : { profile: options.profile }), ...(options.identity === undefined ? {} : { identity: options.identity }) }, () => history.identities());
        if (!identity.ok) {
          warn(io, `chainwatch: ${describeError(identity.error)}`);
          return 2;
        }
        result = await runConcernsPipeline({ snapshot: { history, reference: options.snapshot ?? 'latest', ...(identity.value === undefined ? {} : { identity: identity.value }) } }, top);
      } finally {
        history.close();
      }
    } catch (error) {
      warn(io, `chainwatch: ${describeError(error)}`);
      return 2;
    }
    if (!result.ok) {
      warn(io, result.empty ? noHistory : `chainwatch: ${result.error.message}`);
      return 2;
    }
    rendered = renderConcerns(result.concerns, options.format);
  }
  io.stdout.write(redactSecrets(rendered, io.env));
  return exitCode;
}

export function registerConcerns(program: Command, io: CliIo, setExit: (code: number) => void): void {
  addGraphInputOptions(
    program
      .command('concerns')
      .description('Rank the packages of greatest concern (reach × weakness, every factor shown) from the latest graph run (of --profile or --identity), or from a fresh graph of the given PURLs/preset/config')
      .argument('[purls...]', 'build a fresh graph from these packages first'),
  )
    .option('--top <n>', 'show the first N rows', parseTop)
    .option('--snapshot <ref>', 'rank this snapshot: an id, latest or latest~N (default latest)')
    .option('--identity <key>', 'without inputs: rank the runs of this identity (a hash prefix or profile from `chainwatch runs list`; default: the newest run that was not ad hoc)')
    .option('-f, --format <format>', `output format: ${CONCERN_FORMAT_CHOICES.join('|')}`, parseChoice(CONCERN_FORMAT_CHOICES), 'table')
    .action(async (purls: string[], options: ConcernsCommandOptions) => setExit(await runConcerns(io, purls, options)));
}
