import type { Ecosystem, EventSink } from '../core/index.js';
import { loadHttpClient } from '../http/index.js';
import type { RegistryOptions } from '../image/index.js';
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

/**
 * How image references are pulled: an HTTP client of its own (registry
 * answers are never cached), the Docker configuration found from the CLI's
 * environment (DOCKER_CONFIG, HOME), and the registries the user allows over
 * plain http. `close` ends the client's connections.
 */
export async function imageRegistryWiring(io: CliIo, insecureRegistries: readonly string[], events: EventSink): Promise<{ registry: RegistryOptions; close(): Promise<void> }> {
  const { createHttpClient } = await loadHttpClient();
  const http = createHttpClient({ events });
  return { registry: { http, env: io.env, insecureRegistries }, close: () => http.close() };
}
