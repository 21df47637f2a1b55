import { existsSync, statSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { loadOsvImport, loadOsvUpdate, type AdvisorySourceStatus } from '../../advisories/index.js';
import { compareText, ECOSYSTEMS, parseEcosystem, systemClock, type Clock, type Ecosystem } from '../../core/index.js';
import { loadAdvisoryStore } from '../../store/index.js';
import { downloadDatabase, warnStaleAdvisories } from '../advisory-database.js';
import { describeError, eventRenderer, warn, type CliIo } from '../io.js';
import { DEFAULT_MAX_AGE, parseMaxAge, type MaxAge } from '../options.js';

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
      warn(io, `chainwatch: unknown ecosystem "${name}" (expected PyPI, npm, Debian, Ubuntu or conda)`);
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

/** `a, b, c and 4 more`: the first few of a list, for one summary line. */
function firstFew(items: readonly string[], shown = 3): string {
  const head = items.slice(0, shown).join(', ');
  return items.length > shown ? `${head} and ${items.length - shown} more` : head;
}

/**
 * `db import PATH...`: directories of OSV files (a pypa/advisory-database or
 * github/advisory-database checkout is read from its record folders) or
 * export zips, each in one transaction. Files that are no OSV record are
 * counted in one line; exit 0 when every record imported, 2 when a path or a
 * record could not be read.
 */
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
  const renderer = eventRenderer(io);
  try {
    for (const path of paths) {
      if (!existsSync(path)) {
        warn(io, `chainwatch: ${path}: no such file or directory`);
        exitCode = 2;
        continue;
      }
      const kind = statSync(path).isDirectory() ? 'directory' : 'zip';
      let result;
      try {
        result = await importAdvisories(store, { kind, path }, { events: renderer });
      } finally {
        renderer.stop();
      }
      for (const error of result.errors) warn(io, describeError(error));
      if (result.errors.length > 0) exitCode = 2;
      if (result.layout) io.stdout.write(`${path}: a ${result.layout.name} checkout: records read from ${result.layout.recordFolders.map((folder) => `${folder}/`).join(', ')}\n`);
      if (result.notRecords.length > 0) {
        const count = result.notRecords.length;
        io.stdout.write(`${path}: skipped ${count} file${count === 1 ? '' : 's'} that ${count === 1 ? 'is' : 'are'} no OSV record: ${firstFew(result.notRecords)}\n`);
      }
      io.stdout.write(`${path}: ${result.imported} records imported, ${result.skipped} unchanged, ${result.errors.length} errors\n`);
    }
    io.stdout.write(`${databasePath}: ${store.count()} records\n`);
  } finally {
    store.close();
  }
  return exitCode;
}

interface StatusOptions extends DatabaseOptions {
  maxAge: MaxAge;
}

/**
 * `db status`: where the database is, records per source, and per ecosystem
 * how many advisories it holds and how fresh they are. chainwatch's own
 * ecosystems are always listed: one without advisories is named, since a
 * scan of its packages checks nothing.
 */
export async function runDatabaseStatus(io: CliIo, options: StatusOptions, clock: Clock = systemClock): Promise<number> {
  const { defaultDatabasePath, openSqliteStore } = await loadAdvisoryStore();
  const databasePath = options.db ?? defaultDatabasePath(io.env);
  if (!existsSync(databasePath)) {
    io.stdout.write(`${databasePath}: no advisory database yet (run \`chainwatch db update\` or \`chainwatch db import\`)\n`);
    return 0;
  }
  const store = openSqliteStore(databasePath, { readonly: true });
  let coverage;
  try {
    io.stdout.write(`${databasePath}: ${store.count()} records\n`);
    for (const [source, count] of Object.entries(store.sourceCounts()).sort(([a], [b]) => compareText(a, b))) {
      io.stdout.write(`  ${source}: ${count}\n`);
    }
    const held = store.coverage();
    const missing = ECOSYSTEMS.filter((ecosystem) => !held.some((entry) => entry.ecosystem === ecosystem));
    coverage = [...held, ...store.coverage(missing)].sort((a, b) => compareText(a.ecosystem, b.ecosystem));
  } finally {
    store.close();
  }
  io.stdout.write('Advisories per ecosystem:\n');
  const width = Math.max(...coverage.map((entry) => entry.ecosystem.length));
  for (const entry of coverage) {
    const text =
      entry.advisories > 0
        ? `${entry.advisories} ${entry.advisories === 1 ? 'advisory' : 'advisories'}, newest modified ${entry.newestModified ?? 'unknown'}`
        : `none: scans of ${entry.ecosystem} packages are not checked`;
    io.stdout.write(`  ${entry.ecosystem.padEnd(width)}  ${text}\n`);
  }
  warnStaleAdvisories(io, coverage, options.maxAge, clock.now());
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
    .description('Import OSV records from directories of .json/.yaml files (a pypa/advisory-database or github/advisory-database checkout is read from its record folders) or OSV export zips')
    .argument('<paths...>')
    .option('--db <path>', 'the advisory database (default: $CHAINWATCH_DB or the user cache dir)')
    .action(async (paths: string[], options: DatabaseOptions) => setExit(await runDatabaseImport(io, paths, options)));
  database
    .command('status')
    .description('Show where the database is, how many records each source delivered, and per ecosystem how many advisories it holds and how fresh they are')
    .option('--db <path>', 'the advisory database')
    .addOption(new Option('--max-age <age>', 'warn when the newest advisory of an ecosystem is older than this: 7d, 36h, 2w').argParser(parseMaxAge).default(DEFAULT_MAX_AGE, DEFAULT_MAX_AGE.text))
    .action(async (options: StatusOptions) => setExit(await runDatabaseStatus(io, options)));
}
