import type { Ecosystem } from '../core/index.js';
import type { EventSink } from '../core/events.js';
import { loadAdvisoryStore } from '../store/index.js';
import type { CliIo } from './io.js';

/** The advisory options `scan` and `diff --image` share. */
export interface AdvisoryOptions {
  advisories: string[];
  db?: string;
  localDb: boolean;
  offline?: boolean;
  osvUrl?: string;
}

/**
 * Where a scan's advisories come from: the local database (created from the
 * OSV exports on first use unless --offline or --advisories), the stores
 * that open it, and the extra record directories or zips.
 */
export async function advisoryWiring(io: CliIo, options: AdvisoryOptions, events: EventSink) {
  const { defaultDatabasePath, sqliteAdvisoryStores } = await loadAdvisoryStore();
  const { downloadDatabase } = await import('./advisory-database.js');
  const databasePath = options.localDb ? (options.db ?? defaultDatabasePath(io.env)) : null;
  return {
    databasePath,
    advisoryStores: sqliteAdvisoryStores,
    advisoryPaths: options.advisories,
    ...(options.offline || options.advisories.length > 0 || databasePath === null
      ? {}
      : { createDatabase: (ecosystems: readonly Ecosystem[]) => downloadDatabase(io, databasePath, ecosystems, options.osvUrl, events) }),
  };
}
