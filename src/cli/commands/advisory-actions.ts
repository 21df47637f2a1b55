import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { loadDeskActions, type ChannelDelivery } from '../../disclosure/index.js';
import { loadGraphStore, loadAdvisoryStore } from '../../store/index.js';
import { loadOsvImport } from '../../advisories/index.js';
import { parseEcosystem, type Ecosystem } from '../../core/index.js';
import { downloadDatabase } from '../advisory-database.js';
import { addDeskInputOptions, openDeskContext, storeDisabled, withDeskRun, type DeskContext, type DeskInputOptions, type DeskWiring } from '../desk-inputs.js';
import { describeError, eventRenderer, warn, type CliIo } from '../io.js';
import { collect } from '../options.js';
import { githubToken } from '../posture-wiring.js';
import { redactSecrets } from '../redact.js';

/**
 * The desk's subcommands that act: `enforce` (collaborators on every open
 * advisory), `remind` (digests of due and overdue clocks) and `watch` (new
 * advisories that hit what we ship). Each is a dry run unless told
 * otherwise (`--apply`, `--send`). Exit 0 done; 2 bad input, no source, or a
 * channel or PATCH that failed.
 */

interface EnforceOptions extends DeskInputOptions {
  apply?: boolean;
}

/** `advisories enforce`: the PATCH per advisory that adds the configured collaborators; `--apply` sends it after re-reading. */
export async function runAdvisoriesEnforce(io: CliIo, options: EnforceOptions, wiring: DeskWiring = {}): Promise<number> {
  // Said before anything is read: without a token the organisations cannot be read either, and that message names the read permission only.
  if (options.apply && githubToken(io.env) === undefined) return refuseApplyWithoutToken(io);
  return withDeskRun(io, options, wiring, async (run, context) => {
    const { planEnforcement, applyPlan } = await loadDeskActions();
    const plan = planEnforcement(run.advisories, context.policy);
    if (!options.apply) {
      for (const item of plan.items) {
        if (item.action === 'patch' && item.target) {
          io.stdout.write(`PATCH /repos/${item.target.owner}/${item.target.repo}/security-advisories/${item.target.ghsaId}\n${JSON.stringify(item.body)}\n`);
          for (const reason of item.reasons) io.stdout.write(`  # ${reason}\n`);
        } else {
          io.stdout.write(`${item.advisoryId}: ${item.action}${item.reasons.length > 0 ? ` (${item.reasons.join('; ')})` : ''}\n`);
        }
        for (const note of item.notes) io.stdout.write(`  # note: ${note}\n`);
      }
      if (plan.items.length === 0) io.stdout.write('No advisories to enforce.\n');
      io.stdout.write('Dry run: nothing sent. Run with --apply to send these (the token needs "Repository security advisories: write").\n');
      return 0;
    }
    if (!context.github) return refuseApplyWithoutToken(io);
    const result = await applyPlan(plan, context.github);
    for (const item of result.items) io.stdout.write(`${item.advisoryId}: ${item.outcome}: ${item.message}\n`);
    return result.items.some((item) => item.outcome === 'failed') ? 2 : 0;
  });
}

function refuseApplyWithoutToken(io: CliIo): number {
  warn(io, 'chainwatch: advisories enforce --apply needs GH_TOKEN (or GITHUB_TOKEN) with "Repository security advisories: write"');
  return 2;
}

interface RemindOptions extends DeskInputOptions {
  send?: boolean;
}

/** `advisories remind`: one digest of due-soon, urgent and overdue clocks per channel, never the same reminder twice a day. */
export async function runAdvisoriesRemind(io: CliIo, options: RemindOptions, wiring: DeskWiring = {}): Promise<number> {
  if (options.send && storeDisabled(options)) {
    warn(io, 'chainwatch: advisories remind --send needs the store (it remembers what was sent today); drop --no-store');
    return 2;
  }
  return withDeskRun(io, options, wiring, async (run, context) => {
    const { remind, createNotifiers } = await loadDeskActions();
    if (context.policy.notifiers.length === 0) {
      warn(io, 'chainwatch: no notifiers configured (disclosure.notifiers in chainwatch.yaml): the reminders are printed only');
    }
    const notifiers = createNotifiers(context.policy.notifiers, { env: io.env, ...(context.github ? { github: context.github } : {}) });
    const store = context.store ?? noStore();
    const result = await remind({ statuses: run.statuses, policy: context.policy, now: context.clock.now(), store, notifiers, dryRun: !options.send });
    io.stdout.write(`${result.day}: ${result.reminders.length} reminder${result.reminders.length === 1 ? '' : 's'} due\n`);
    for (const reminder of result.reminders) io.stdout.write(`  ${reminder.level}: ${reminder.advisoryId} ${reminder.clock} due ${reminder.due}\n`);
    return reportDeliveries(io, result.deliveries, options.send ?? false);
  });
}

interface WatchOptions {
  config?: string;
  preset?: string;
  db?: string;
  history?: string;
  import: string[];
  update?: boolean;
  ecosystem: string[];
  osvUrl?: string;
  all?: boolean;
  baseline?: boolean;
  send?: boolean;
  store?: string;
  now?: string;
}

/**
 * `advisories watch`: updates the advisory database (`--update`, or
 * `--import PATH...` offline), and tells the channels once per advisory and
 * package about the added or changed records that affect a package version
 * in the latest graph snapshot. `--all` matches every record (a backfill);
 * `--baseline` records the current hits as told without sending (the first run).
 */
export async function runAdvisoriesWatch(io: CliIo, options: WatchOptions, wiring: DeskWiring = {}): Promise<number> {
  const ecosystems: Ecosystem[] = [];
  for (const name of options.ecosystem) {
    const ecosystem = parseEcosystem(name);
    if (!ecosystem) {
      warn(io, `chainwatch: unknown ecosystem "${name}" (expected PyPI, npm, Debian, Ubuntu or conda)`);
      return 2;
    }
    ecosystems.push(ecosystem);
  }
  const context = await openDeskContext(io, { org: [], fromDir: [], manual: [], config: options.config, preset: options.preset, store: options.store, now: options.now }, wiring);
  if (!context) return 2;
  const [{ defaultDatabasePath, openSqliteStore }, { defaultGraphStorePath, openGraphStore }, { watch, modifiedSnapshot, changedRecords, createNotifiers }] = await Promise.all([
    loadAdvisoryStore(),
    loadGraphStore(),
    loadDeskActions(),
  ]);
  const databasePath = options.db ?? defaultDatabasePath(io.env);
  let exitCode = 0;
  const noSnapshot = 'chainwatch: no graph snapshot to watch: run `chainwatch graph` first (the latest snapshot is what we ship)';
  try {
    const historyPath = options.history ?? defaultGraphStorePath(io.env);
    if (!existsSync(historyPath)) {
      warn(io, `${noSnapshot}; there is no graph history at ${historyPath}`);
      return 2;
    }
    const history = openGraphStore(historyPath, { readonly: true });
    let packages;
    try {
      const latest = history.resolveReference('latest');
      const snapshot = latest.ok ? history.loadSnapshot(latest.value) : null;
      if (!snapshot) {
        warn(io, noSnapshot);
        return 2;
      }
      packages = snapshot.graph.nodes.map((node) => ({ ecosystem: node.ecosystem, name: node.name, version: node.version }));
    } finally {
      history.close();
    }
    let store = openSqliteStore(databasePath);
    // Closed on every way out, an import that throws included (closing twice is harmless).
    try {
      const sources = (): string[] => Object.keys(store.sourceCounts());
      const before = options.all ? new Map<string, string>() : modifiedSnapshot(store, sources());
      if (options.update) {
        store.close();
        const renderer = eventRenderer(io);
        try {
          const statuses = await downloadDatabase(io, databasePath, ecosystems, options.osvUrl, renderer, false);
          for (const status of statuses.filter((one) => !one.reachable)) {
            warn(io, `chainwatch: advisory source not available: ${status.name}: ${status.error ?? 'unreachable'} (nothing new from it)`);
            exitCode = 2;
          }
        } finally {
          renderer.stop();
        }
        store = openSqliteStore(databasePath);
      }
      if (options.import.length > 0) {
        const { importAdvisories } = await loadOsvImport();
        for (const path of options.import) {
          const result = await importAdvisories(store, { kind: statSync(path, { throwIfNoEntry: false })?.isDirectory() ? 'directory' : 'zip', path });
          for (const error of result.errors.slice(0, 20)) warn(io, describeError(error));
          if (result.errors.length > 0) exitCode = 2;
        }
      }
      const changed = changedRecords(before, modifiedSnapshot(store, sources()));
      const notifiers = createNotifiers(context.policy.notifiers, { env: io.env, ...(context.github ? { github: context.github } : {}) });
      if (notifiers.length === 0) warn(io, 'chainwatch: no notifiers configured (disclosure.notifiers in chainwatch.yaml): the hits are printed only');
      const result = await watch({
        changed,
        records: store,
        packages,
        store: context.store ?? noStore(),
        notifiers,
        now: context.clock.now(),
        timeZone: context.policy.clocks.timeZone,
        dryRun: !options.send && !options.baseline,
        baseline: options.baseline ?? false,
      });
      io.stdout.write(`${changed.length} record${changed.length === 1 ? '' : 's'} added or changed; ${result.match.hits.length} hit${result.match.hits.length === 1 ? '' : 's'} on ${packages.length} package versions we ship\n`);
      for (const hit of result.match.hits) io.stdout.write(`  ${hit.advisoryId} ${hit.ecosystem}/${hit.name} ${hit.versions.join(', ')} (${hit.severity})\n`);
      // A baseline writes what it marked: it is no dry run, though nothing is sent.
      const delivered = reportDeliveries(io, result.deliveries, (options.send || options.baseline) ?? false);
      if (options.baseline) io.stdout.write('Baseline: these hits are recorded as told; nothing sent. Later runs tell only new ones.\n');
      return Math.max(exitCode, delivered);
    } finally {
      store.close();
    }
  } catch (error) {
    warn(io, `chainwatch: ${describeError(error)}`);
    return 2;
  } finally {
    context.close();
  }
}

function reportDeliveries(io: CliIo, deliveries: readonly ChannelDelivery[], sending: boolean): number {
  let failed = false;
  for (const delivery of deliveries) {
    const extra = delivery.alreadySent > 0 ? `, ${delivery.alreadySent} already sent` : '';
    io.stdout.write(`${delivery.channel}: ${delivery.status} (${delivery.items.length} item${delivery.items.length === 1 ? '' : 's'}${extra})${delivery.detail ? ` ${delivery.detail}` : ''}\n`);
    if (delivery.error) warn(io, redactSecrets(`chainwatch: ${delivery.channel}: ${delivery.error}`, io.env));
    if (delivery.status === 'failed') failed = true;
    if (!sending && delivery.rendered) io.stdout.write(`--- ${delivery.rendered.subject}\n${redactSecrets(delivery.rendered.body, io.env)}\n---\n`);
  }
  if (!sending) io.stdout.write('Dry run: nothing sent. Run with --send to send.\n');
  return failed ? 2 : 0;
}

/** Without the store a dry run still works: nothing was ever sent, nothing is marked. */
function noStore(): Pick<NonNullable<DeskContext['store']>, 'sentKeys' | 'markSent'> {
  return { sentKeys: () => new Set(), markSent: () => undefined };
}

export function registerAdvisoryActions(advisories: Command, io: CliIo, setExit: (code: number) => void, wiring: DeskWiring = {}): void {
  addDeskInputOptions(
    advisories
      .command('enforce')
      .description('Add the configured collaborators to every advisory in triage or draft (dry run: the PATCH it would send)')
      .option('--apply', 'send the PATCHes, re-reading each advisory first; never removes anyone'),
  ).action(async (options: EnforceOptions) => setExit(await runAdvisoriesEnforce(io, options, wiring)));
  addDeskInputOptions(
    advisories
      .command('remind')
      .description('One digest of due-soon, urgent and overdue clocks per notifier, never the same reminder twice a day (dry run by default)')
      .option('--send', 'send through disclosure.notifiers'),
  ).action(async (options: RemindOptions) => setExit(await runAdvisoriesRemind(io, options, wiring)));
  advisories
    .command('watch')
    .description('After a database update, tell the notifiers once per advisory and package about new advisories that hit what we ship')
    .option('--config <file>', 'chainwatch.yaml (its disclosure.notifiers)')
    .option('--preset <name>', 'a shipped configuration instead of --config')
    .option('--update', 'run `db update` first (the OSV exports)')
    .option('--import <path>', 'import OSV records (a folder or an export zip) first (repeatable)', collect(String), [])
    .option('-e, --ecosystem <name>', 'with --update: PyPI, npm or Debian (repeatable)', collect(String), [])
    .option('--osv-url <url>', 'with --update: base URL of the OSV exports')
    .option('--all', 'match every record, not only those added or changed (a backfill)')
    .option('--baseline', 'record the current hits as told without sending (the first run)')
    .option('--send', 'send through disclosure.notifiers (default: print what would be sent)')
    .option('--db <path>', 'the advisory database')
    .option('--history <path>', 'the graph history (its latest snapshot is what we ship)')
    .option('--store <path>', 'the desk\'s store (what was told)')
    .option('--now <date>', 'the clock (ISO)')
    .action(async (options: WatchOptions) => setExit(await runAdvisoriesWatch(io, options, wiring)));
}
