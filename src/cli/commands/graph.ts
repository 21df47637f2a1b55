import type { Command } from 'commander';
import { parseChoice } from '../options.js';
import { loadGraphPipelines } from '../../graph/index.js';
import { loadGraphRenderers, type GraphFormat } from '../../report/index.js';
import { addGraphInputOptions, graphRunDependencies, readRunRequest, reportGraphRun, type GraphDependencies, type GraphInputOptions } from '../graph-inputs.js';
import { describeError, eventRenderer, warn, type CliIo } from '../io.js';
import { redactSecrets } from '../redact.js';
import { TOOL_VERSION } from '../version.js';

export type { GraphDependencies } from '../graph-inputs.js';

export const GRAPH_FORMAT_CHOICES = ['table', 'json', 'dot', 'graphml', 'cyclonedx'] as const;

export interface GraphCommandOptions extends GraphInputOptions {
  format: GraphFormat;
}

/**
 * `chainwatch graph`. Exit codes: 0 a graph was built and saved (unless
 * --no-save), even a partial one (an unreachable source such as conda-forge,
 * or a root that did not resolve, is listed on stderr and in `sources`); 2
 * bad input, nothing could be resolved at all, or the run could not be saved.
 */
export async function runGraph(io: CliIo, purls: string[], options: GraphCommandOptions, dependencies: GraphDependencies = {}): Promise<number> {
  const request = await readRunRequest(purls, options);
  if (!request.ok) {
    warn(io, `chainwatch: ${describeError(request.error)}`);
    return 2;
  }
  const [{ runGraphPipeline }, { renderGraph }] = await Promise.all([loadGraphPipelines(), loadGraphRenderers()]);
  const renderer = eventRenderer(io, { verbose: options.verbose ?? false });
  let run;
  try {
    run = await runGraphPipeline(request.value.inputs, request.value.options, await graphRunDependencies(io, options, renderer, dependencies));
  } finally {
    renderer.stop();
  }
  const exitCode = await reportGraphRun(io, run);
  const text = redactSecrets(await renderGraph(run.graph, options.format, { timestamp: run.createdAt, toolVersion: TOOL_VERSION }), io.env);
  io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  return exitCode;
}

export function registerGraph(program: Command, io: CliIo, setExit: (code: number) => void): void {
  addGraphInputOptions(
    program
      .command('graph')
      .description('Resolve what users install from PyPI, npm and conda-forge, with signals per package; saved as a run in the history (--no-save for experiments)')
      .argument('[purls...]', 'packages to start from: pkg:pypi/jupyterlab, pkg:npm/%40jupyterlab/services@4.4.0, pkg:conda/jupyterlab?channel=conda-forge'),
  )
    .option('-f, --format <format>', `output format: ${GRAPH_FORMAT_CHOICES.join('|')}`, parseChoice(GRAPH_FORMAT_CHOICES), 'table')
    .action(async (purls: string[], options: GraphCommandOptions) => setExit(await runGraph(io, purls, options)));
}
