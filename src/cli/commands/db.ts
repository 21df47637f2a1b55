import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { loadOsvImport, loadOsvUpdate, type AdvisorySourceStatus } from '../../advisories/index.js';
import { compareText, ECOSYSTEMS, parseEcosystem, type Ecosystem } from '../../core/index.js';
import { loadAdvisoryStore } from '../../store/index.js';
import { downloadDatabase } from '../advisory-database.js';
import { describeError, eventRenderer, warn, type CliIo } from '../io.js';

interface DatabaseOptions {
  db?: string;
}

interface UpdateCommandOptions extends DatabaseOptions {
  ecosystem: string[];
  osvUrl?: string;
  full?: boolean;
}

/** `db update`: exit 0 when every export answered, 2 when one could not be reached (the database is then unchanged for it). */
export async function runDatabaseUpdate(io: CliIo, options: UpdateCommandOptions): Promise<number> {
  const [{ defaultDatabasePath }, { OSV_EXPORT_FOLDERS }] = await Promise.all([loadAdvisoryStore(), loadOsvUpdate()]);
  const databasePath = options.db ?? defaultDatabasePath(io.env);
  const ecosystems: Ecosystem[] = [];
  for (const name of options.ecosystem.length > 0 ? options.ecosystem : ECOSYSTEMS.filter((e) => OSV_EXPORT_FOLDERS[e])) {
    const ecosystem = parseEcosystem(name);
    if (!ecosystem) {
      warn(io, `chainwatch: unknown ecosystem "${name}" (expected PyPI, npm, Debian or conda)`);
      return 2;
    }
    ecosystems.push(ecosystem);
  }
  const renderer = eventRenderer(io);
  let statuses: AdvisorySourceStatus[];
  try {
    statuses = await downloadDatabase(io, databasePath, ecosystems, options.osvUrl, renderer, options.full ?? false);
  } finally {
    renderer.stop();
  }
  for (const status of statuses) {
    if (status.reachable) io.stdout.write(`${status.name}: up to date, ${status.records ?? 0} records\n`);
    else warn(io, `chainwatch: advisory source not available: ${status.name}: ${status.error ?? 'unreachable'} (database left unchanged for it)`);
  }
  return statuses.every((status) => status.reachable) ? 0 : 2;
}

/** `db import PATH...`: directories of OSV files or export zips, each in one transaction. */
export async function runDatabaseImport(io: CliIo, paths: string[], options: DatabaseOptions): Promise<number> {
  const [{ defaultDatabasePath, openSqliteStore }, { importAdvisories }] = await Promise.all([loadAdvisoryStore(), loadOsvImport()]);
  const databasePath = options.db ?? defaultDatabasePath(io.env);
  let exitCode = 0;
  let store;
  try {
    store = openSqliteStore(databasePath);
  } catch (error) {
    warn(io, `chainwatch: ${describeError(error)}`);
    return 2;
  }
  try {
    for (const path of paths) {
      if (!existsSync(path)) {
        warn(io, `chainwatch: ${path}: no such file or directory`);
        exitCode = 2;
        continue;
      }
      const kind = statSync(path).isDirectory() ? 'directory' : 'zip';
      const result = await importAdvisories(store, { kind, path });
      for (const error of result.errors) warn(io, describeError(error));
      if (result.errors.length > 0) exitCode = 2;
      io.stdout.write(`${path}: ${result.imported} records imported, ${result.skipped} unchanged, ${result.errors.length} errors\n`);
    }
    io.stdout.write(`${databasePath}: ${store.count()} records\n`);
  } finally {
    store.close();
  }
  return exitCode;
}

export async function runDatabaseStatus(io: CliIo, options: DatabaseOptions): Promise<number> {
  const { defaultDatabasePath, openSqliteStore } = await loadAdvisoryStore();
  const databasePath = options.db ?? defaultDatabasePath(io.env);
  if (!existsSync(databasePath)) {
    io.stdout.write(`${databasePath}: no advisory database yet (run \`chainwatch db update\` or \`chainwatch db import\`)\n`);
    return 0;
  }
  const store = openSqliteStore(databasePath, { readonly: true });
  try {
    io.stdout.write(`${databasePath}: ${store.count()} records\n`);
    for (const [source, count] of Object.entries(store.sourceCounts()).sort(([a], [b]) => compareText(a, b))) {
      io.stdout.write(`  ${source}: ${count}\n`);
    }
  } finally {
    store.close();
  }
  return 0;
}

export function registerDatabase(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const database = program.command('db').description('The local OSV advisory database');
  database
    .command('update')
    .description('Download the OSV exports (first time: all.zip; then only what changed) into the database, atomically')
    .option('-e, --ecosystem <name>', 'PyPI, npm or Debian (repeatable; default: all three)', (value: string, previous: string[] = []) => [...previous, value], [])
    .option('--db <path>', 'the advisory database (default: $CHAINWATCH_DB or the user cache dir)')
    .option('--osv-url <url>', 'base URL of the OSV exports (default: $CHAINWATCH_OSV_URL or OSV)')
    .option('--full', 'download all.zip again even when an incremental update is possible')
    .action(async (options: UpdateCommandOptions) => setExit(await runDatabaseUpdate(io, options)));
  database
    .command('import')
    .description('Import OSV records from directories of .json/.yaml files or OSV export zips')
    .argument('<paths...>')
    .option('--db <path>', 'the advisory database (default: $CHAINWATCH_DB or the user cache dir)')
    .action(async (paths: string[], options: DatabaseOptions) => setExit(await runDatabaseImport(io, paths, options)));
  database
    .command('status')
    .description('Show where the database is and how many records each source delivered')
    .option('--db <path>', 'the advisory database')
    .action(async (options: DatabaseOptions) => setExit(await runDatabaseStatus(io, options)));
}
