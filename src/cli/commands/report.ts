import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { loadAuditReport, type AuditReportModel } from '../../audit/index.js';
import { loadGraphStore } from '../../store/index.js';
import { REPORT_FORMAT_CHOICES, renderAuditReport, type AuditReportFormat } from '../audit-report.js';
import { selectIdentity, type IdentityOptions } from '../graph-inputs.js';
import { describeError, warn, type CliIo } from '../io.js';
import { collect, parseChoice } from '../options.js';
import { redactSecrets } from '../redact.js';
import { writeFileAtomically } from '../write-output.js';

export interface ReportCommandOptions extends IdentityOptions {
  run?: number;
  since?: number;
  history?: string;
  format: AuditReportFormat;
  output?: string;
}

function parseRunId(value: string): number {
  if (!/^[1-9][0-9]*$/.test(value)) throw new InvalidArgumentError('expected a run id (a whole number, from `chainwatch runs list`)');
  return Number(value);
}

/**
 * `chainwatch report`: renders a saved audit run (default: the newest audit
 * run, of the identity named by --profile/--preset/--config/--identity when
 * given) with what changed since the last comparable run (or --since), the
 * actions in priority order and the standing picture. Exit 0 with the report;
 * 2 when the history or the run is missing.
 */
export async function runReport(io: CliIo, options: ReportCommandOptions): Promise<number> {
  const [{ existsSync }, { defaultGraphStorePath, openGraphStore }, { buildAuditReport }] = await Promise.all([import('node:fs'), loadGraphStore(), loadAuditReport()]);
  const path = options.history ?? defaultGraphStorePath(io.env);
  if (!existsSync(path)) {
    warn(io, `chainwatch: no runs yet (${path}): \`chainwatch audit --preset jupyter\` saves one`);
    return 2;
  }
  let model: AuditReportModel;
  try {
    const history = openGraphStore(path, { readonly: true });
    try {
      let runId = options.run;
      if (runId === undefined) {
        const identity = await selectIdentity(options, () => [...new Set(history.listRuns().map((run) => run.identity.key))]);
        if (!identity.ok) {
          warn(io, `chainwatch: ${describeError(identity.error)}`);
          return 2;
        }
        const audits = history.listRuns(identity.value === undefined ? {} : { identity: identity.value }).filter((run) => run.command === 'audit');
        const newest = audits.at(-1);
        if (!newest) {
          warn(io, `chainwatch: no audit run ${identity.value === undefined ? 'in the history' : 'of that identity'} (${path}): \`chainwatch audit\` saves one; \`--run ID\` renders any run`);
          return 2;
        }
        runId = newest.id;
      }
      const built = buildAuditReport(history, runId, options.since === undefined ? {} : { since: options.since });
      if (!built.ok) {
        warn(io, `chainwatch: ${built.message}`);
        return 2;
      }
      model = built.model;
    } finally {
      history.close();
    }
  } catch (error) {
    warn(io, `chainwatch: ${describeError(error)}`);
    return 2;
  }
  const text = redactSecrets(await renderAuditReport(model, options.format), io.env);
  if (options.output) await writeFileAtomically(options.output, text);
  else io.stdout.write(text);
  return 0;
}

export function registerReport(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('report')
    .description('The council\'s report of a saved audit run: what changed since the last comparable run, actions in priority order, the standing picture, trends')
    .option('--run <id>', 'the run to report (default: the newest audit run)', parseRunId)
    .option('--since <id>', 'compare with this run (default: the newest earlier run of the same identity)', parseRunId)
    .option('--history <path>', 'the runs history (default: $CHAINWATCH_GRAPH_DB or graph.sqlite in the user cache dir)')
    .option('--profile <name>', 'the newest audit run of this profile')
    .option('--preset <name>', 'the newest audit run of this preset')
    .option('--config <file>', 'the newest audit run of this chainwatch.yaml')
    .option('--env <name>', 'with --preset/--config: the environments the runs were made for (repeatable)', collect(String), [])
    .option('--identity <key>', 'the newest audit run of this identity (from `chainwatch runs list`)')
    .option('-f, --format <format>', `output format: ${REPORT_FORMAT_CHOICES.join('|')}`, parseChoice(REPORT_FORMAT_CHOICES), 'markdown')
    .option('-o, --output <file>', 'write the report to a file (written whole or not at all) instead of stdout')
    .addHelpText('after', '\nHTML is one self-contained file (no script, no external request): print it, attach it, or publish it on GitHub Pages.\nExit codes: 0 the report; 2 no history, no such run, or bad input.')
    .action(async (options: ReportCommandOptions) => setExit(await runReport(io, options)));
}
