import type { Command } from 'commander';
import { ADVISORY_STATES, loadManualRecords, loadPypaExport, type AdvisoryState } from '../../disclosure/index.js';
import { loadDeskRenderers } from '../../report/index.js';
import { addDeskInputOptions, deskClock, nothingRead, openDeskContext, runDeskWith, withDeskRun, type DeskInputOptions, type DeskWiring } from '../desk-inputs.js';
import { describeError, warn, type CliIo } from '../io.js';
import { collect, parseChoice } from '../options.js';
import { redactSecrets } from '../redact.js';

/**
 * `chainwatch advisories …`: the disclosure desk. `list` (the default)
 * reports every advisory with its clocks and problems; `add` and `ack`
 * record reports that arrived by e-mail; `credits`, `feed` and `export`
 * publish. `enforce`, `remind` and `watch` act (commands/advisory-actions.ts).
 * Each parses its options, calls the desk (src/disclosure) and renders
 * (src/report/disclosure). Exit 0 done; 1 with --fail-on-overdue and an
 * overdue clock; 2 bad input or no source could be read.
 */

const LIST_FORMATS = ['table', 'json', 'markdown', 'csv'] as const;

interface ListOptions extends DeskInputOptions {
  state: string[];
  overdue?: boolean;
  format: (typeof LIST_FORMATS)[number];
  failOnOverdue?: boolean;
}

export async function runAdvisoriesList(io: CliIo, options: ListOptions, wiring: DeskWiring = {}): Promise<number> {
  const states: AdvisoryState[] = [];
  for (const state of options.state.flatMap((value) => value.split(','))) {
    if (!(ADVISORY_STATES as readonly string[]).includes(state)) {
      warn(io, `chainwatch: --state: unknown state ${JSON.stringify(state)} (known: ${ADVISORY_STATES.join(', ')})`);
      return 2;
    }
    states.push(state as AdvisoryState);
  }
  const context = await openDeskContext(io, options, wiring);
  if (!context) return 2;
  try {
    const run = await runDeskWith(context, options, { states, overdue: options.overdue ?? false });
    const { renderDesk } = await loadDeskRenderers();
    io.stdout.write(redactSecrets(renderDesk(run, options.format), io.env));
    const empty = nothingRead(run, options, context.orgs);
    if (empty) {
      warn(io, `chainwatch: ${empty}`);
      return 2;
    }
    const overdue = run.statuses.some((status) => status.clocks.acknowledge.status === 'overdue' || status.clocks.disclose.status === 'overdue');
    return options.failOnOverdue && overdue ? 1 : 0;
  } catch (error) {
    warn(io, `chainwatch: ${describeError(error)}`);
    return 2;
  } finally {
    context.close();
  }
}

interface AddOptions {
  id: string;
  repo: string;
  summary: string;
  created?: string;
  state?: string;
  cve?: string;
  ghsa?: string;
  severity?: string;
  public?: boolean;
  url?: string;
  collaborator: string[];
  acknowledgedAt?: string;
  acknowledgedBy?: string;
  store?: string;
  now?: string;
}

/** `advisories add`: a report that arrived by e-mail, in the desk's store, with the same clocks as any other. */
export async function runAdvisoriesAdd(io: CliIo, options: AddOptions, wiring: DeskWiring = {}): Promise<number> {
  const clock = deskClock(options.now, wiring);
  if (!('clock' in clock)) {
    warn(io, `chainwatch: ${clock.message}`);
    return 2;
  }
  const { manualAdvisoryFromOptions } = await loadManualRecords();
  const record = manualAdvisoryFromOptions(
    {
      id: options.id,
      repo: options.repo,
      summary: options.summary,
      created_at: options.created,
      state: options.state as AdvisoryState | undefined,
      cve: options.cve,
      ghsa: options.ghsa,
      severity: options.severity as 'critical' | 'high' | 'medium' | 'low' | undefined,
      public: options.public,
      url: options.url,
      collaborators: options.collaborator.length > 0 ? options.collaborator : undefined,
      acknowledged_at: options.acknowledgedAt,
      acknowledged_by: options.acknowledgedBy,
    },
    { clock: clock.clock },
  );
  if (!record.ok) {
    warn(io, `chainwatch: advisories add: ${describeError(record.error)}`);
    return 2;
  }
  const context = await openDeskContext(io, { org: [], fromDir: [], manual: [], store: options.store }, wiring);
  if (!context?.store) return 2;
  try {
    context.store.saveManualAdvisory(record.value.advisory);
    if (record.value.acknowledgement) context.store.recordAcknowledgement(record.value.acknowledgement);
    io.stdout.write(`${record.value.advisory.id}: recorded in ${context.store.path}\n`);
    return 0;
  } catch (error) {
    warn(io, `chainwatch: ${describeError(error)}`);
    return 2;
  } finally {
    context.close();
  }
}

interface AckOptions {
  at?: string;
  by?: string;
  note?: string;
  store?: string;
  now?: string;
}

/** `advisories ack ID`: a reply sent outside GitHub (by mail, say) meets the acknowledge clock. */
export async function runAdvisoriesAck(io: CliIo, id: string, options: AckOptions, wiring: DeskWiring = {}): Promise<number> {
  const clock = deskClock(options.at ?? options.now, wiring);
  if (!('clock' in clock)) {
    warn(io, `chainwatch: ${clock.message.replace('--now', '--at')}`);
    return 2;
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(id)) {
    warn(io, `chainwatch: advisories ack: ${JSON.stringify(id.slice(0, 80))} is not an advisory id`);
    return 2;
  }
  // GitHub writes GHSA ids as `GHSA-` and lower case, and the store compares ids exactly: `ghsa-…` or `GHSA-ABCD-…` typed by hand must meet the same advisory.
  const advisoryId = /^GHSA(?:-[0-9A-Za-z]{4}){3}$/i.test(id) ? `GHSA-${id.slice(5).toLowerCase()}` : id;
  const context = await openDeskContext(io, { org: [], fromDir: [], manual: [], store: options.store }, wiring);
  if (!context?.store) return 2;
  try {
    const at = clock.clock.now().toISOString();
    context.store.recordAcknowledgement({ advisoryId, at, by: options.by ?? null, note: options.note ?? null });
    io.stdout.write(`${advisoryId}: acknowledged at ${at}\n`);
    return 0;
  } catch (error) {
    warn(io, `chainwatch: ${describeError(error)}`);
    return 2;
  } finally {
    context.close();
  }
}

const CREDIT_FORMATS = ['markdown', 'json'] as const;

interface CreditsOptions extends DeskInputOptions {
  format: (typeof CREDIT_FORMATS)[number];
  title?: string;
}

/** `advisories credits`: the hall of fame from published advisories' accepted credits. */
export async function runAdvisoriesCredits(io: CliIo, options: CreditsOptions, wiring: DeskWiring = {}): Promise<number> {
  return withDeskRun(io, options, wiring, async (run) => {
    const { renderCredits } = await loadDeskRenderers();
    io.stdout.write(redactSecrets(renderCredits(run.advisories, options.format, options.title ? { title: options.title } : {}), io.env));
    return 0;
  });
}

const FEED_FORMATS = ['atom', 'json'] as const;

interface FeedOptions extends DeskInputOptions {
  format: (typeof FEED_FORMATS)[number];
  link: string;
  feedUrl?: string;
  title?: string;
  limit?: string;
}

/** `advisories feed`: Atom or JSON Feed of the orgs' published advisories. */
export async function runAdvisoriesFeed(io: CliIo, options: FeedOptions, wiring: DeskWiring = {}): Promise<number> {
  const limit = options.limit === undefined ? undefined : Number(options.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    warn(io, `chainwatch: --limit: expected a positive whole number, got ${JSON.stringify(options.limit)}`);
    return 2;
  }
  return withDeskRun(io, options, wiring, async (run, context) => {
    const now = context.clock.now();
    const { renderAdvisoryFeed } = await loadDeskRenderers();
    const text = renderAdvisoryFeed(run.advisories, options.format, {
      id: options.feedUrl ?? options.link,
      link: options.link,
      title: options.title ?? 'Security advisories',
      ...(options.feedUrl ? { feedUrl: options.feedUrl } : {}),
      now: now.toISOString(),
      ...(limit ? { limit } : {}),
    });
    io.stdout.write(text);
    return 0;
  });
}

interface ExportOptions extends DeskInputOptions {
  write?: boolean;
}

/**
 * `advisories export --pypa DIR`: for each published advisory on a PyPI
 * package missing from the checkout, an OSV record in its layout. Lists them
 * (and what is already there); `--write` writes them into the checkout, each
 * through a temporary file, never over an existing one.
 */
export async function runAdvisoriesExport(io: CliIo, options: ExportOptions, wiring: DeskWiring = {}): Promise<number> {
  if (!options.pypa) {
    warn(io, 'chainwatch: advisories export needs --pypa DIR (a pypa/advisory-database checkout)');
    return 2;
  }
  const checkout = options.pypa;
  return withDeskRun(io, options, wiring, async (run, context) => {
    const { exportToPypa } = await loadPypaExport();
    const result = exportToPypa(run.advisories, context.pypa!);
    const [{ mkdirSync, writeFileSync, renameSync, existsSync, rmSync }, { join, dirname }] = await Promise.all([import('node:fs'), import('node:path')]);
    for (const present of result.present) io.stdout.write(`already there: ${present.advisoryId} (${present.package}) as ${present.records.map((one) => one.id).join(', ')}\n`);
    for (const skipped of result.skipped) io.stdout.write(`skipped: ${skipped.advisoryId}: ${skipped.reason}\n`);
    let failed = 0;
    for (const record of result.records) {
      const target = join(checkout, record.path);
      if (!options.write) {
        io.stdout.write(`would write ${record.path} (${record.advisoryId}, ${record.package})\n`);
        continue;
      }
      if (existsSync(target)) {
        warn(io, `chainwatch: ${target} exists; not overwritten`);
        failed++;
        continue;
      }
      const temporary = `${target}.chainwatch-${process.pid}.tmp`;
      try {
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(temporary, record.text, { flag: 'wx' });
        renameSync(temporary, target);
        io.stdout.write(`wrote ${record.path}\n`);
      } catch (error) {
        rmSync(temporary, { force: true });
        warn(io, `chainwatch: ${target}: ${describeError(error)}`);
        failed++;
      }
    }
    if (result.records.length === 0) io.stdout.write('Nothing to export: every published PyPI advisory is in the checkout.\n');
    return failed > 0 ? 2 : 0;
  });
}

const TOKEN_HELP = `
Sources and the GitHub token (GH_TOKEN or GITHUB_TOKEN; never printed or stored):
  list, credits, feed, export  read: an organisation owner or security manager lists
                               the org's advisories; otherwise each repository's list is
                               read (fine-grained "Repository security advisories: read")
  enforce --apply              write: "Repository security advisories: write"
  remind (github-issue)        "Issues: write" on the tracking repository
Without a token, --from-dir and --manual still work, and the run says which orgs it could not read.`;

export function registerAdvisories(program: Command, io: CliIo, setExit: (code: number) => void, wiring: DeskWiring = {}): Command {
  const advisories = program
    .command('advisories')
    .description('The disclosure desk: every security advisory of the orgs, its clocks and problems, credits and feeds')
    .addHelpText('after', TOKEN_HELP);
  addDeskInputOptions(
    advisories
      .command('list', { isDefault: true })
      .description('Every advisory with its acknowledge and disclose clocks and its problems')
      .option('--state <state>', `only these states (repeatable or comma-separated: ${ADVISORY_STATES.join(', ')})`, collect(String), [])
      .option('--overdue', 'only advisories with an overdue clock')
      .option('--fail-on-overdue', 'exit 1 when a clock is overdue')
      .option('-f, --format <format>', `output format: ${LIST_FORMATS.join('|')}`, parseChoice(LIST_FORMATS), 'table'),
  ).action(async (options: ListOptions) => setExit(await runAdvisoriesList(io, options, wiring)));
  advisories
    .command('add')
    .description('Record a report that arrived by e-mail (same clocks as a GitHub advisory)')
    .requiredOption('--id <id>', 'the record\'s own id, e.g. MAIL-2026-003')
    .requiredOption('--repo <owner/name>', 'the repository it is about')
    .requiredOption('--summary <text>', 'one line, sanitised (no exploit details)')
    .option('--created <date>', 'when the report arrived (ISO; default now)')
    .option('--state <state>', `triage (default), draft, published, closed or withdrawn`)
    .option('--cve <id>', 'its CVE, once reserved')
    .option('--ghsa <id>', 'its GitHub advisory, once drafted')
    .option('--severity <level>', 'critical, high, medium or low')
    .option('--public', 'the repository is public')
    .option('--url <url>', 'a page about it (the tracking issue)')
    .option('--collaborator <login>', 'a person working on it (repeatable)', collect(String), [])
    .option('--acknowledged-at <date>', 'when the reporter got an answer')
    .option('--acknowledged-by <who>', 'who answered')
    .option('--store <path>', 'the desk\'s store')
    .action(async (options: AddOptions) => setExit(await runAdvisoriesAdd(io, options, wiring)));
  advisories
    .command('ack')
    .description('Record that a report was acknowledged outside GitHub (meets its acknowledge clock)')
    .argument('<id>', 'the advisory (GHSA id or a manual record\'s id)')
    .option('--at <date>', 'when (ISO; default now)')
    .option('--by <who>', 'who answered')
    .option('--note <text>', 'a short note')
    .option('--store <path>', 'the desk\'s store')
    .action(async (id: string, options: AckOptions) => setExit(await runAdvisoriesAck(io, id, options, wiring)));
  addDeskInputOptions(
    advisories
      .command('credits')
      .description('The hall of fame: accepted credits of published advisories, finders and reporters first')
      .option('-f, --format <format>', `output format: ${CREDIT_FORMATS.join('|')}`, parseChoice(CREDIT_FORMATS), 'markdown')
      .option('--title <text>', 'the page\'s heading'),
  ).action(async (options: CreditsOptions) => setExit(await runAdvisoriesCredits(io, options, wiring)));
  addDeskInputOptions(
    advisories
      .command('feed')
      .description('Atom or JSON Feed of the published advisories, for a page users can subscribe to')
      .requiredOption('--link <url>', 'the page the feed belongs to')
      .option('--feed-url <url>', 'where the feed itself is published')
      .option('--title <text>', 'the feed\'s title')
      .option('--limit <n>', 'at most this many entries (newest first)')
      .option('-f, --format <format>', `output format: ${FEED_FORMATS.join('|')}`, parseChoice(FEED_FORMATS), 'atom'),
  ).action(async (options: FeedOptions) => setExit(await runAdvisoriesFeed(io, options, wiring)));
  addDeskInputOptions(
    advisories
      .command('export')
      .description('OSV records for published PyPI advisories missing from a pypa/advisory-database checkout (--pypa DIR)')
      .option('--write', 'write the records into the checkout (default: list them)'),
  ).action(async (options: ExportOptions) => setExit(await runAdvisoriesExport(io, options, wiring)));
  return advisories;
}
