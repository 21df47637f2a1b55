import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { importAdvisories } from '../../advisories/load.js';
import { defaultDatabasePath, openSqliteStore } from '../../store/sqlite-store.js';
import { describeError, warn, type CliIo } from '../io.js';

interface DatabaseOptions {
  db?: string;
}

/** `db import PATH...`: directories of OSV files or export zips, each in one transaction. */
export async function runDatabaseImport(io: CliIo, paths: string[], options: DatabaseOptions): Promise<number> {
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
  const databasePath = options.db ?? defaultDatabasePath(io.env);
  if (!existsSync(databasePath)) {
    io.stdout.write(`${databasePath}: no advisory database yet (run \`chainwatch db update\` or \`chainwatch db import\`)\n`);
    return 0;
  }
  const store = openSqliteStore(databasePath, { readonly: true });
  try {
    io.stdout.write(`${databasePath}: ${store.count()} records\n`);
    for (const [source, count] of Object.entries(store.sourceCounts()).sort(([a], [b]) => a.localeCompare(b))) {
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
