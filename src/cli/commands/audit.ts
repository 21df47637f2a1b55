import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { SeverityLevel } from '../../advisories/index.js';
import { loadAuditPipeline, loadAuditReport, type AuditReportModel, type AuditRun, type AuditSource, type AuditSteps, type GraphFindings, type StepOutcome } from '../../audit/index.js';
import { ChainwatchError, systemClock, type ChainwatchEvent, type EventSink } from '../../core/index.js';
import type { DeskRun } from '../../disclosure/index.js';
import { DEFAULT_RETENTION, loadGraphInputs, loadGraphPipelines, type GraphRunReport, type NewRun } from '../../graph/index.js';
import { loadPosturePipeline, type PostureReport } from '../../posture/index.js';
import { loadAuditRenderers, loadDeskRenderers, loadGraphRenderers, loadScanJsonDocument } from '../../report/index.js';
import { loadScanPipeline, type ScanReport } from '../../scan/index.js';
import { loadAdvisoryStore, loadGraphStore } from '../../store/index.js';
import { renderAuditReport } from '../audit-report.js';
import { openDeskContext, runDeskWith } from '../desk-inputs.js';
import { EXCLUDE_NEWER_HELP, graphRunDependencies, readRunRequest, type GraphDependencies } from '../graph-inputs.js';
import { describeError, eventRenderer, warn, type CliIo } from '../io.js';
import { collect, parseChoice } from '../options.js';
import { DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS, githubConnector, githubToken, NO_TOKEN, sourceErrorDescriber, type PostureWiring } from '../posture-wiring.js';
import { redactSecrets } from '../redact.js';
import { TOOL_VERSION } from '../version.js';
import { writeFileAtomically } from '../write-output.js';
import { imageRegistryWiring } from '../scan-wiring.js';


export const AUDIT_FORMAT_CHOICES = ['table', 'json', 'markdown', 'html'] as const;
const FAIL_ON_LEVELS = ['low', 'medium', 'high', 'critical'] as const;

export interface AuditCommandOptions {
  preset?: string;
  config?: string;
  env: string[];
  offline?: boolean;
  local: string[];
  checkouts?: string;
  db?: string;
  history?: string;
  profile?: string;
  save?: boolean;
  excludeNewer?: string;
  failOn?: SeverityLevel;
  format: (typeof AUDIT_FORMAT_CHOICES)[number];
  output?: string;
  verbose?: boolean;
}

/** What tests replace: the resolvers (no network), the clock, the GitHub collector. */
export type AuditDependencies = GraphDependencies & Pick<PostureWiring, 'githubCollector'>;

type Concerns = { rows: unknown[]; ranked: number };
/** The posture report and the repositories' importance (from the config's packages and this run's graph). */
type Posture = { report: PostureReport; importance: { repo: string; score: number; reason: string }[]; importanceNote: string };
/** The desk's run and its JSON document, as `advisories list --format json` prints it. */
type Desk = { run: DeskRun; json: unknown };
/** Each configured image as `scan --image --format json` describes it (image, packages per ecosystem, findings with their layers), and the findings for the gate. */
type Images = { json: ImageAudit[]; findings: ScanReport['findings'] };
interface ImageAudit {
  source: string;
  image: unknown;
  packages: Record<string, number>;
  findings: unknown[];
  errors: unknown[];
  coverage: unknown[];
}
type Run = AuditRun<GraphRunReport, GraphFindings & { json: unknown[] }, Posture, Desk, Concerns, Images>;

/** Part names of an audit run in the history, beside the graph part. */
const PART_SCHEMA_VERSION = 1;

/**
 * `chainwatch audit`: graph → findings → posture → advisories → concerns in
 * one run (src/audit/run.ts), saved in the history as one run with the
 * config's identity (unless --no-save). Exit codes: 0 complete; 1 a finding
 * reaches --fail-on; 2 partial (a source not reached, a step failed or could
 * not check an ecosystem) or bad input.
 */
export async function runAuditCommand(io: CliIo, options: AuditCommandOptions, dependencies: AuditDependencies = {}): Promise<number> {
  if (options.preset === undefined && options.config === undefined) {
    warn(io, 'chainwatch: give --preset NAME or --config FILE: the audit runs what a configuration asks');
    return 2;
  }
  const request = await readRunRequest([], { ...options, save: false });
  if (!request.ok) {
    warn(io, `chainwatch: ${describeError(request.error)}`);
    return 2;
  }
  const { inputs } = request.value;
  const orgs = inputs.orgs ?? [];
  const token = githubToken(io.env);
  const clock = dependencies.clock ?? systemClock;
  const [{ runAudit, auditExitCode, matchGraphPackages, rankConcerns }, { graphAsGiven, runGraphPipeline }, { defaultDatabasePath, sqliteAdvisoryStores }, { gateFindings }] = await Promise.all([
    loadAuditPipeline(),
    loadGraphPipelines(),
    loadAdvisoryStore(),
    loadScanPipeline(),
  ]);
  const databasePath = options.db ?? defaultDatabasePath(io.env);
  const renderer = eventRenderer(io, { verbose: options.verbose ?? false });
  // The run's own step lines are printed terminal or not: a CI log never sits silent through a step.
  const auditEvents: EventSink = {
    emit(event: ChainwatchEvent) {
      if (event.type === 'log') warn(io, `chainwatch: audit ${event.message}`);
      else renderer.emit(event);
    },
  };

  const images = inputs.images ?? [];
  const steps: AuditSteps<GraphRunReport, GraphFindings & { json: unknown[] }, Posture, Desk, Concerns, Images> = {
    graph: async () => {
      // As scan does: a first run downloads OSV's exports for the config's ecosystems (the graph's signals and the findings read them), and names those it could not reach.
      const sources: AuditSource[] = [];
      if (!existsSync(databasePath) && !options.offline) {
        const { downloadDatabase } = await import('../advisory-database.js');
        const ecosystems = [...new Set(inputs.roots.map((root) => root.ecosystem))].sort();
        for (const status of await downloadDatabase(io, databasePath, ecosystems, undefined, renderer)) sources.push({ name: status.name, reachable: status.reachable, error: status.error ?? null });
      }
      const report = await runGraphPipeline(inputs, request.value.options, await graphRunDependencies(io, options, renderer, dependencies));
      sources.push(...report.graph.sources.map((source) => ({ name: source.name, reachable: source.reachable, error: source.error ?? null })));
      if (report.graph.nodes.length === 0) return { value: report, sources, partial: 'no package could be resolved' };
      return { value: report, sources };
    },
    findings: async ({ graph }) => {
      if (graph === null || graph.graph.nodes.length === 0) throw new ChainwatchError('invalid-argument', 'no graph to match: the graph step resolved nothing');
      if (!existsSync(databasePath)) {
        throw new ChainwatchError('source-unreachable', `no advisory database at ${databasePath}: run \`chainwatch db update\` or \`chainwatch db import\``);
      }
      const reader = sqliteAdvisoryStores.openReader(databasePath);
      let matched: GraphFindings;
      try {
        matched = matchGraphPackages(graph.graph.nodes, reader);
      } finally {
        reader.close();
      }
      // Findings in scan's JSON shape, through scan's own renderer.
      const asScan: ScanReport = { tool: { name: 'chainwatch', version: TOOL_VERSION }, targets: [], files: [], packages: [], findings: matched.findings, notScannable: [], errors: [], sources: [], coverage: matched.coverage };
      const { toScanJsonDocument } = await loadScanJsonDocument();
      const json: unknown[] = toScanJsonDocument(asScan).findings;
      // The database is already among the graph step's sources.
      const outcome: StepOutcome<GraphFindings & { json: unknown[] }> = { value: { ...matched, json }, sources: [] };
      const notChecked = matched.coverage.filter((entry) => !entry.checked && entry.packages > 0);
      if (notChecked.length > 0) {
        outcome.partial = `not checked: ${notChecked.map((entry) => `${entry.packages} ${entry.ecosystem} package${entry.packages === 1 ? '' : 's'}`).join(', ')}: the database holds no advisory for ${notChecked.length === 1 ? 'that ecosystem' : 'those ecosystems'}`;
      }
      return outcome;
    },
    ...(images.length === 0
      ? {}
      : {
          images: async (): Promise<StepOutcome<Images>> => {
            const [{ scan }, { toScanJsonDocument }] = await Promise.all([loadScanPipeline(), loadScanJsonDocument()]);
            const haveDatabase = existsSync(databasePath);
            const sources: AuditSource[] = [];
            const value: Images = { json: [], findings: [] };
            const problems: string[] = [];
            let unreadImages = 0;
            const pull = await imageRegistryWiring(io, [], renderer);
            try {
              for (const target of images) {
                // Offline, a reference is not pulled: said as a source not reached, as for every other source.
                if (options.offline && !existsSync(target)) {
                  const error = 'offline: image references are not pulled';
                  sources.push({ name: `image ${target}`, reachable: false, error });
                  value.json.push({ source: target, image: null, packages: {}, findings: [], errors: [{ path: target, line: null, code: 'source-unreachable', message: error }], coverage: [] });
                  unreadImages += 1;
                  continue;
                }
                const report = await scan({ targets: [], image: { target }, imageRegistry: pull.registry, databasePath: haveDatabase ? databasePath : null, advisoryStores: sqliteAdvisoryStores, toolVersion: TOOL_VERSION, events: renderer });
                const json = toScanJsonDocument(report);
                const packages: Record<string, number> = {};
                for (const pkg of report.packages) packages[pkg.ecosystem] = (packages[pkg.ecosystem] ?? 0) + 1;
                value.json.push({ source: target, image: json.image, packages, findings: json.findings, errors: json.errors, coverage: json.coverage });
                for (const finding of report.findings) value.findings.push(finding);
                const unread = report.image === undefined || report.image.layers.length === 0;
                sources.push({ name: `image ${target}`, reachable: !unread, error: unread ? (report.errors[0]?.message ?? 'not read') : null });
                if (unread) unreadImages += 1;
                else if (report.errors.length > 0) problems.push(`${target}: ${report.errors.length} error${report.errors.length === 1 ? '' : 's'}`);
                const notChecked = report.coverage.filter((entry) => !entry.checked && entry.packages > 0).map((entry) => `${entry.packages} ${entry.ecosystem}`);
                if (notChecked.length > 0) problems.push(`${target}: not checked: ${notChecked.join(', ')}`);
              }
            } finally {
              await pull.close();
            }
            if (unreadImages > 0) problems.unshift(`${unreadImages} of ${images.length} image${images.length === 1 ? '' : 's'} not read (named below)`);
            return problems.length > 0 ? { value, sources, partial: problems.join('; ') } : { value, sources };
          },
        }),
    posture:
      (token === undefined || orgs.length === 0) && options.local.length === 0
        ? { skipped: `${orgs.length === 0 ? 'no orgs in the configuration' : NO_TOKEN} and no --local checkouts` }
        : async ({ graph }) => {
            const { runPosture } = await loadPosturePipeline();
            const outcome = await runPosture(
              { orgs: token === undefined ? [] : orgs, local: options.local, packages: inputs.roots.map((root) => ({ ecosystem: root.ecosystem, name: root.name })), hints: false },
              {
                clock,
                events: renderer,
                connectGithub: githubConnector(io, dependencies, renderer, { bestPractices: false, maxRateLimitWaitSeconds: DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS }),
                describeError: sourceErrorDescriber(io),
                // Repositories ranked by the reach of their packages in this run's graph, not whatever the history holds last.
                latestGraph: async () => (graph !== null && graph.graph.nodes.length > 0 ? { kind: 'graph', graph: graph.graph } : { kind: 'none' }),
              },
            );
            if (outcome.kind === 'bad-input') throw outcome.error;
            const sources = (outcome.kind === 'report' ? outcome.report.sources : outcome.sources).map((source) => ({ name: source.name, reachable: source.reachable, error: source.error ?? null }));
            if (outcome.kind === 'nothing-collected') throw new ChainwatchError('source-unreachable', 'no repository could be collected');
            return { value: { report: outcome.report, importance: outcome.importance, importanceNote: outcome.importanceNote }, sources };
          },
    advisories:
      orgs.length === 0
        ? { skipped: 'no orgs in the configuration' }
        : token === undefined
          ? { skipped: `${NO_TOKEN}: the orgs' security advisories were not read` }
          : async () => {
              const deskOptions = { org: [], fromDir: [], manual: [], ...(options.config === undefined ? {} : { config: options.config }), ...(options.preset === undefined ? {} : { preset: options.preset }) };
              const context = await openDeskContext(io, deskOptions, { clock });
              if (context === null) throw new ChainwatchError('invalid-argument', 'the disclosure desk could not be opened (said above)');
              try {
                const desk = await runDeskWith(context, deskOptions);
                const sources = desk.sources.map((source) => ({ name: source.name, reachable: source.status === 'read' || source.status === 'repo-endpoints', error: source.status === 'read' || source.status === 'repo-endpoints' ? null : (source.note ?? source.status) }));
                const { deskDocument } = await loadDeskRenderers();
                return { value: { run: desk, json: deskDocument(desk) as unknown }, sources };
              } finally {
                context.close();
              }
            },
    concerns: async ({ graph, findings, posture }) => {
      if (graph === null || graph.graph.nodes.length === 0) throw new ChainwatchError('invalid-argument', 'no graph to rank: the graph step resolved nothing');
      // The findings' severities (borrowed from aliases) and the posture of each package's repository, where those steps ran.
      const { concernContext } = await loadAuditPipeline();
      const report = rankConcerns(graph.graph, { context: concernContext(findings, posture?.report ?? null) });
      return { value: { rows: report.rows, ranked: report.ranked }, sources: [] };
    },
  };

  let run: Run;
  try {
    run = await runAudit(steps, { clock, events: auditEvents });
  } finally {
    renderer.stop();
  }

  let runId: number | null = null;
  let model: AuditReportModel | null = null;
  const { graphRunIdentity } = await loadGraphInputs();
  const identity = run.parts.graph?.identity ?? graphRunIdentity(inputs, request.value.options.profile);
  let exitCode = 0;
  const graph = run.parts.graph?.graph;
  const newRun: NewRun = {
    startedAt: new Date(run.startedAt),
    toolVersion: TOOL_VERSION,
    command: 'audit',
    status: run.status,
    identity,
    offline: options.offline ?? false,
    ...(graph === undefined ? {} : { graph: { graph, asGiven: graphAsGiven(inputs, request.value.options) } }),
    parts: [
      { name: 'steps', schemaVersion: PART_SCHEMA_VERSION, body: { steps: run.steps, sources: run.sources } },
      ...(run.parts.findings ? [{ name: 'findings', schemaVersion: PART_SCHEMA_VERSION, body: { findings: run.parts.findings.json, coverage: run.parts.findings.coverage } }] : []),
      ...(run.parts.images ? [{ name: 'images', schemaVersion: PART_SCHEMA_VERSION, body: { images: run.parts.images.json } }] : []),
      ...(run.parts.posture ? [{ name: 'posture', schemaVersion: PART_SCHEMA_VERSION, body: run.parts.posture.report }] : []),
      ...(run.parts.advisories ? [{ name: 'advisories', schemaVersion: PART_SCHEMA_VERSION, body: run.parts.advisories.json }] : []),
      ...(run.parts.concerns ? [{ name: 'concerns', schemaVersion: PART_SCHEMA_VERSION, body: run.parts.concerns }] : []),
    ],
  };
  const [{ defaultGraphStorePath, openGraphStore }, { buildAuditReport }] = await Promise.all([loadGraphStore(), loadAuditReport()]);
  // The report is built from the run as saved, compared with the history's last comparable run; an unsaved run is compared with nothing.
  const saveAndReport = (path: string): { id: number; model: AuditReportModel | null } => {
    const history = openGraphStore(path);
    try {
      const saved = history.saveRun(newRun, { retention: DEFAULT_RETENTION });
      const built = buildAuditReport(history, saved.id);
      return { id: saved.id, model: built.ok ? built.model : null };
    } finally {
      history.close();
    }
  };
  if (options.save !== false) {
    try {
      ({ id: runId, model } = saveAndReport(options.history ?? defaultGraphStorePath(io.env)));
    } catch (error) {
      warn(io, `chainwatch: the audit was not saved to the history: ${describeError(error)}`);
      exitCode = 2;
    }
  }
  if (runId === null) model = saveAndReport(':memory:').model;

  // The table lists unreachable sources itself; other formats are for machines, so people get them on stderr.
  if (options.format !== 'table' || options.output) {
    for (const source of run.sources.filter((entry) => !entry.reachable)) warn(io, `chainwatch: source not reachable: ${source.name}: ${source.error ?? 'no answer'}`);
  }
  if (run.parts.graph) {
    // One line per distinct problem: twelve conda roots behind one unreachable channel are one sentence.
    const { groupProblems } = await loadGraphRenderers();
    for (const [message, purls] of groupProblems(run.parts.graph.graph.problems)) warn(io, `chainwatch: ${purls.join(', ')}: ${message}`);
  }

  let gateFailed = false;
  if (options.failOn && (run.parts.findings || run.parts.images)) {
    // The gate covers what the org's users install and what its images ship.
    const { failing } = gateFindings([...(run.parts.findings?.findings ?? []), ...(run.parts.images?.findings ?? [])], options.failOn, 'fail');
    if (failing.length > 0) {
      gateFailed = true;
      warn(io, `chainwatch: --fail-on ${options.failOn}: ${failing.length === 1 ? '1 finding fails' : `${failing.length} findings fail`} the gate:`);
      for (const finding of failing) warn(io, `  ${finding.id}  ${finding.package.ecosystem} ${finding.package.name} ${finding.package.version}  ${finding.severity.level}`);
    }
  }

  const document = {
    run: { id: runId, started_at: run.startedAt, identity: identity.key, status: run.status },
    sources: run.sources,
    coverage: (run.parts.findings?.coverage ?? []).map((entry) => ({ ecosystem: entry.ecosystem, packages: entry.packages, advisories: entry.advisories, newest_modified: entry.newestModified, checked: entry.checked })),
    graph: run.parts.graph ? { nodes: run.parts.graph.graph.nodes.length, edges: run.parts.graph.graph.edges.length } : null,
    findings: run.parts.findings?.json ?? [],
    images: run.parts.images?.json ?? null,
    posture: run.parts.posture ? { repos: run.parts.posture.report.repos, importance: run.parts.posture.importance, importance_note: run.parts.posture.importanceNote } : null,
    advisories: run.parts.advisories?.json ?? null,
    concerns: run.parts.concerns?.rows ?? [],
    steps: run.steps,
  };
  let text: string;
  if (options.format === 'json') {
    // The report's changes and actions, in the report's JSON (snake_case), beside the run's own parts.
    const report = model ? (await loadAuditRenderers()).auditReportDocument(model) : null;
    text = `${JSON.stringify({ ...document, compared_with: report?.since ?? null, changes: report?.changes ?? null, actions: report?.actions ?? [] }, null, 2)}\n`;
  } else if (options.format !== 'table' && model) {
    text = await renderAuditReport(model, options.format);
  } else {
    if (options.format !== 'table') warn(io, 'chainwatch: the report could not be built from the saved run; the summary follows');
    text = renderSummary(document, run, model);
  }
  text = redactSecrets(text, io.env);
  if (options.output) await writeFileAtomically(options.output, text);
  else io.stdout.write(text);
  return Math.max(exitCode, auditExitCode(run, gateFailed));
}

interface SummaryDocument {
  run: { id: number | null; started_at: string; identity: string; status: string };
  graph: { nodes: number; edges: number } | null;
  findings: unknown[];
  coverage: { ecosystem: string; packages: number; checked: boolean }[];
}

/** The table: one line per step, what was not reached, the first actions, and where the whole report is. */
function renderSummary(document: SummaryDocument, run: Run, model: AuditReportModel | null): string {
  const what: Record<string, string> = {
    graph: document.graph ? `${document.graph.nodes} packages, ${document.graph.edges} edges` : '',
    findings: run.parts.findings
      ? `${document.findings.length} finding${document.findings.length === 1 ? '' : 's'}; ${document.coverage.map((entry) => `${entry.ecosystem} ${entry.checked ? 'checked' : 'not checked'}`).join(', ')}`
      : '',
    images: run.parts.images
      ? `${run.parts.images.json.filter((entry) => entry.image !== null && entry.errors.length === 0).length} of ${run.parts.images.json.length} image${run.parts.images.json.length === 1 ? '' : 's'} read, ${run.parts.images.json.reduce((sum, entry) => sum + Object.values(entry.packages).reduce((a, b) => a + b, 0), 0)} packages, ${run.parts.images.findings.length} finding${run.parts.images.findings.length === 1 ? '' : 's'}`
      : '',
    posture: run.parts.posture ? `${run.parts.posture.report.repos.length} repositor${run.parts.posture.report.repos.length === 1 ? 'y' : 'ies'}` : '',
    advisories: run.parts.advisories ? `${run.parts.advisories.run.statuses.length} advisories` : '',
    concerns: run.parts.concerns ? `${run.parts.concerns.ranked} packages ranked` : '',
  };
  const rows = run.steps.map((step) => [step.name, step.status, `${(step.milliseconds / 1000).toFixed(1)} s`, [what[step.name], step.note].filter((part) => part).join('; ')]);
  const unreachable = run.sources.filter((source) => !source.reachable);
  const header = `Audit ${document.run.id === null ? '(not saved)' : `run ${document.run.id}`}, ${document.run.started_at}: ${document.run.status}`;
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
  const lines = [header, ...rows.map((row) => `  ${row.slice(0, 3).map((cell, column) => cell!.padEnd(widths[column]!)).join('  ')}  ${row[3]}`)];
  if (unreachable.length > 0) lines.push('Not reached:', ...unreachable.map((source) => `  ${source.name}: ${source.error ?? 'no answer'}`));
  if (model) {
    const since = model.since ? `since run ${model.since.id} (${model.since.startedAt.slice(0, 10)})` : 'first run of this identity: nothing to compare with yet';
    lines.push(`Actions (${model.actions.length}; ${since}):`);
    for (const action of model.actions.slice(0, 5)) lines.push(`  ${action.priority}. ${action.isNew ? '[new] ' : ''}${action.title}${action.command ? `  → ${action.command}` : action.patch ? `  → ${action.patch}` : ''}`);
    if (model.actions.length > 5) lines.push(`  … ${model.actions.length - 5} more`);
    if (document.run.id !== null) lines.push(`The whole report: chainwatch report --run ${document.run.id} --format markdown|html|json`);
  }
  return `${lines.join('\n')}\n`;
}

export function registerAudit(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('audit')
    .description('One run of everything: the graph of the configured packages, its versions matched against the advisory database, the orgs\' posture, their security advisories, and the concerns ranked; saved as one run in the history')
    .option('--preset <name>', 'a shipped set of packages and orgs (jupyter)')
    .option('--config <file>', 'a chainwatch.yaml: orgs, packages per ecosystem, environments, registries')
    .option('--env <name>', 'PyPI target environment (repeatable; default py3.12-linux)', collect(String), [])
    .option('--offline', 'use only cached registry answers')
    .option('--local <dir>', 'a checkout, or a folder of checkouts, for posture without a token (repeatable)', collect(String), [])
    .option('--checkouts <dir>', 'local checkouts as <dir>/<owner>/<repo>, to confirm the packages\' source repositories (as graph does)')
    .option('--db <path>', 'the advisory database (default: $CHAINWATCH_DB or the user cache dir)')
    .option('--history <path>', 'the runs history (default: $CHAINWATCH_GRAPH_DB or graph.sqlite in the user cache dir)')
    .option('--profile <name>', 'save the run under this name instead of the config\'s identity')
    .option('--no-save', 'an experiment: do not save the run to the history')
    .option('--exclude-newer <date>', EXCLUDE_NEWER_HELP)
    .option('--fail-on <level>', 'exit 1 when a finding reaches low|medium|high|critical (listed on stderr)', parseChoice(FAIL_ON_LEVELS))
    .option('-f, --format <format>', `output format: ${AUDIT_FORMAT_CHOICES.join('|')}`, parseChoice(AUDIT_FORMAT_CHOICES), 'table')
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('-v, --verbose', 'more detail on stderr')
    .addHelpText('after', '\nExit codes: 0 complete; 1 a finding reaches --fail-on; 2 partial (a source not reached, a step failed, an ecosystem not checked) or bad input.')
    .action(async (options: AuditCommandOptions) => setExit(await runAuditCommand(io, options)));
}
