import { InvalidArgumentError, Option, type Command } from 'commander';
import type { SeverityLevel } from '../../advisories/index.js';
import { parseEcosystem, systemClock, type Clock, type Ecosystem } from '../../core/index.js';
import { DEFAULT_SKIPPED_DIRECTORIES } from '../../inventory/index.js';
import { REPORT_FORMATS, renderReport, type ReportFormat } from '../../report/index.js';
import { loadScanPipeline, UNKNOWN_SEVERITY_POLICIES, type ScanReport, type UnknownSeverityPolicy } from '../../scan/index.js';
import { warnStaleAdvisories } from '../advisory-database.js';
import { eventRenderer, warn, type CliIo } from '../io.js';
import { collect, DEFAULT_MAX_AGE, parseChoice, parseMaxAge, type MaxAge } from '../options.js';
import { redactSecrets } from '../redact.js';
import { advisoryWiring, imageRegistryWiring, type AdvisoryOptions } from '../scan-wiring.js';
import { writeFileAtomically } from '../write-output.js';
import { TOOL_VERSION } from '../version.js';

const FAIL_ON_LEVELS = ['low', 'medium', 'high', 'critical'] as const;

export interface ScanCommandOptions extends AdvisoryOptions {
  ecosystem: Ecosystem[];
  failOn?: SeverityLevel;
  unknownSeverity: UnknownSeverityPolicy;
  maxAge: MaxAge;
  format: ReportFormat;
  output?: string;
  includeDir: string[];
  image?: string;
  platform?: string;
  insecureRegistry?: string[];
  verbose?: boolean;
}

function parseEcosystemOption(value: string): Ecosystem {
  const ecosystem = parseEcosystem(value);
  if (!ecosystem) throw new InvalidArgumentError('expected PyPI, npm, Debian, Ubuntu or conda');
  return ecosystem;
}

type ScanFinding = ScanReport['findings'][number];

/** Where a finding's severity came from, for the gate's lines. */
function severityOrigin(finding: ScanFinding, unknownSeverity: UnknownSeverityPolicy): string {
  const { severity } = finding;
  const what = severity.source === 'database' ? "the database's own word" : `${severity.source}${severity.score === undefined ? '' : ` ${severity.score.toFixed(1)}`}`;
  if (severity.borrowedFrom) return `${what} from ${severity.borrowedFrom}, an alias: the matched records give none`;
  if (severity.level === 'unknown') return `no record gives a severity, not even an alias; --unknown-severity ${unknownSeverity}`;
  return `${what} from the matched records`;
}

function describeGateFinding(finding: ScanFinding, unknownSeverity: UnknownSeverityPolicy): string {
  const { package: pkg } = finding;
  return `  ${finding.id}  ${pkg.ecosystem} ${pkg.name} ${pkg.version}  ${finding.severity.level} (${severityOrigin(finding, unknownSeverity)})`;
}

/**
 * Exit codes: 0 clean, 1 a finding reaches --fail-on, 2 usage error or
 * unreadable input, no advisory source at all, or an ecosystem with packages
 * the sources hold no advisory for (not checked is not clean). The gate's
 * failing findings go to stderr, each with where its severity came from.
 */
export async function exitCodeFor(io: CliIo, report: ScanReport, options: Pick<ScanCommandOptions, 'failOn' | 'unknownSeverity'>): Promise<number> {
  const { gateFindings } = await loadScanPipeline();
  let gateFailed = false;
  if (options.failOn) {
    const { failing, ignoredUnknown } = gateFindings(report.findings, options.failOn, options.unknownSeverity);
    if (failing.length > 0) {
      gateFailed = true;
      warn(io, `chainwatch: --fail-on ${options.failOn}: ${failing.length === 1 ? '1 finding fails' : `${failing.length} findings fail`} the gate:`);
      for (const finding of failing) warn(io, describeGateFinding(finding, options.unknownSeverity));
    }
    if (ignoredUnknown.length > 0) {
      warn(io, `chainwatch: --unknown-severity ignore: ${ignoredUnknown.length} finding${ignoredUnknown.length === 1 ? '' : 's'} of unknown severity let through:`);
      for (const finding of ignoredUnknown) warn(io, describeGateFinding(finding, options.unknownSeverity));
    }
  }
  // Every named source must have answered: a scan that silently skipped one would read as clean.
  const everySourceAnswered = report.sources.length > 0 && report.sources.every((source) => source.reachable);
  const everyEcosystemChecked = report.coverage.every((entry) => entry.checked || entry.packages === 0);
  if (report.errors.length > 0 || !everySourceAnswered || !everyEcosystemChecked) return 2;
  return gateFailed ? 1 : 0;
}

export async function runScan(io: CliIo, targets: string[], options: ScanCommandOptions, clock: Clock = systemClock): Promise<number> {
  if (options.image !== undefined && targets.length > 0) {
    warn(io, 'chainwatch scan: give either PATHs or --image, not both (scan the image, then the paths, in two runs)');
    return 2;
  }
  if (options.platform !== undefined && options.image === undefined) {
    warn(io, 'chainwatch scan: --platform chooses from an image index: it needs --image');
    return 2;
  }
  // Loaded here, not at start-up: `chainwatch --help` and other commands should not pay for the scan's modules.
  const { scan } = await loadScanPipeline();
  const renderer = eventRenderer(io, { verbose: options.verbose ?? false });
  const pull = options.image === undefined ? null : await imageRegistryWiring(io, options.insecureRegistry ?? [], renderer);
  let report: ScanReport;
  try {
    report = await scan({
      ...(pull ? { imageRegistry: pull.registry } : {}),
      ...(await advisoryWiring(io, options, renderer)),
      targets: targets.length > 0 ? targets : ['.'],
      ...(options.image === undefined ? {} : { image: { target: options.image, ...(options.platform ? { platform: options.platform } : {}) } }),
      ecosystems: options.ecosystem,
      skipDirectories: DEFAULT_SKIPPED_DIRECTORIES.filter((name) => !options.includeDir.includes(name)),
      displayBase: io.cwd,
      toolVersion: TOOL_VERSION,
      events: renderer,
    });
  } finally {
    await pull?.close();
    renderer.stop();
  }
  // A local database that does not exist yet is only a problem when nothing else was given.
  if (options.advisories.length > 0 && options.db === undefined) {
    report = { ...report, sources: report.sources.filter((source) => source.reachable || !source.name.startsWith('database ')) };
  }
  // Reports quote paths and advisory text: they pass the same redaction as everything else the CLI writes.
  const text = redactSecrets(await renderReport(report, options.format, { color: options.format === 'table' && io.env.NO_COLOR === undefined && (io.stderr.isTTY ?? false) && !options.output }), io.env);
  if (options.output) {
    await writeFileAtomically(options.output, text);
  } else {
    io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }
  // The table already lists unreachable sources and errors; other formats are for machines, so people get them on stderr.
  if (options.format !== 'table' || options.output) {
    for (const source of report.sources.filter((entry) => !entry.reachable)) {
      warn(io, `chainwatch: advisory source not available: ${source.name}: ${source.error ?? 'unreachable'}`);
    }
    for (const error of report.errors) warn(io, `${error.path}${error.line ? `:${error.line}` : ''}: ${redactSecrets(error.message, io.env)}`);
    for (const entry of report.coverage.filter((coverage) => !coverage.checked && coverage.packages > 0)) {
      warn(io, `chainwatch: not checked: ${entry.packages} ${entry.ecosystem} package${entry.packages === 1 ? '' : 's'}: the advisory sources hold no ${entry.ecosystem} advisories (--ecosystem leaves ${entry.ecosystem} out)`);
    }
  }
  warnStaleAdvisories(io, report.coverage.filter((entry) => entry.packages > 0), options.maxAge, clock.now());
  return await exitCodeFor(io, report, options);
}

export function registerScan(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('scan')
    .description('Find lockfiles, manifests and SBOMs under PATHs and match every package against known advisories')
    .argument('[paths...]', 'files or directories to scan (default: .)')
    .option('-a, --advisories <dir|zip>', 'OSV records: a directory of .json/.yaml files or an OSV export zip (repeatable)', collect(String), [])
    .option('--db <path>', 'the advisory database (default: $CHAINWATCH_DB or the user cache dir)')
    .option('--no-local-db', 'do not use the local advisory database (only --advisories)')
    .option('--offline', 'never download advisories; use only what is stored or given')
    .option('--osv-url <url>', 'base URL of the OSV exports when the database must be created (default: $CHAINWATCH_OSV_URL or OSV)')
    .option('-e, --ecosystem <name>', 'only these ecosystems: PyPI, npm, Debian, Ubuntu, conda (repeatable); an ecosystem left out is neither scanned nor required to have advisories', collect(parseEcosystemOption), [])
    .option('--fail-on <level>', 'exit 1 when a finding reaches low|medium|high|critical (the failing findings are listed on stderr)', parseChoice(FAIL_ON_LEVELS))
    .option(
      '--unknown-severity <policy>',
      'with --fail-on, a finding whose severity no record gives, not even another record of the same vulnerability (an alias): fail (it could be critical) or ignore (listed on stderr)',
      parseChoice(UNKNOWN_SEVERITY_POLICIES),
      'fail',
    )
    .addOption(new Option('--max-age <age>', 'warn when the newest advisory of a scanned ecosystem is older than this: 7d, 36h, 2w').argParser(parseMaxAge).default(DEFAULT_MAX_AGE, DEFAULT_MAX_AGE.text))
    .option('-f, --format <format>', `output format: ${REPORT_FORMATS.join('|')}`, parseChoice(REPORT_FORMATS), 'table')
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('--image <ref|archive|dir>', 'scan a container image instead of PATHs: a registry reference (pulled over the OCI distribution API; credentials from ~/.docker/config.json), an OCI image layout directory, an OCI archive, or a `docker save` / `podman save` tarball')
    .option('--platform <os/arch>', 'with --image, the platform to read from an image index (default linux/amd64)')
    .option('--insecure-registry <host[:port]>', 'with --image, a registry asked over plain http (loopback registries always are) (repeatable)', collect(String), [])
    .option('--include-dir <name>', `descend into a directory skipped by default (${DEFAULT_SKIPPED_DIRECTORIES.join(', ')}) (repeatable)`, collect(String), [])
    .option('-v, --verbose', 'more detail on stderr')
    .action(async (paths: string[], options: ScanCommandOptions) => setExit(await runScan(io, paths, options)));
}
