import { existsSync, rmSync } from 'node:fs';
import { describeAge, loadOsvUpdate, staleAdvisories, type AdvisorySourceStatus } from '../advisories/index.js';
import type { Ecosystem, EventSink } from '../core/index.js';
import type { MaxAge } from './options.js';
import { loadAdvisoryStore } from '../store/index.js';
import { describeError, warn, type CliIo } from './io.js';

/**
 * Downloads (or refreshes) the OSV exports for `ecosystems` into the database.
 * Ecosystems OSV publishes nothing for (conda) are reported as such, not skipped silently.
 */
export async function downloadDatabase(
  io: CliIo,
  databasePath: string,
  ecosystems: readonly Ecosystem[],
  osvUrl: string | undefined,
  events: EventSink,
  full = false,
): Promise<AdvisorySourceStatus[]> {
  const [{ OSV_EXPORT_FOLDERS, resolveOsvBaseUrl, updateAdvisoryDatabase }, { openSqliteStore }] = await Promise.all([loadOsvUpdate(), loadAdvisoryStore()]);
  const statuses: AdvisorySourceStatus[] = [];
  const folders: string[] = [];
  for (const ecosystem of ecosystems) {
    const folder = OSV_EXPORT_FOLDERS[ecosystem];
    if (folder) folders.push(folder);
    else statuses.push({ name: `osv:${ecosystem}`, reachable: false, error: `OSV publishes no advisories for ${ecosystem}` });
  }
  if (folders.length === 0) return statuses;
  const baseUrl = resolveOsvBaseUrl({ flag: osvUrl, env: io.env });
  const created = !existsSync(databasePath);
  const store = openSqliteStore(databasePath);
  let result;
  try {
    result = await updateAdvisoryDatabase({
      store,
      ecosystems: folders,
      baseUrl,
      // Unreachable exports come back as statuses, which the caller reports once; only progress passes through.
      events: { emit: (event) => (event.type === 'progress' ? events.emit(event) : undefined) },
      full,
    });
  } finally {
    const empty = created && store.count() === 0;
    store.close();
    // A first download that reached nothing leaves no empty database behind: the next run tries again instead of reading "empty".
    if (empty) for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${databasePath}${suffix}`, { force: true });
  }
  for (const entry of result.ecosystems) {
    for (const error of entry.errors) warn(io, describeError(error));
    statuses.push({ name: entry.name, reachable: entry.reachable, ...(entry.records !== undefined ? { records: entry.records } : {}), ...(entry.error ? { error: entry.error } : {}) });
  }
  return statuses;
}

/**
 * One warning per ecosystem whose newest advisory is older than `--max-age`,
 * saying how old: data that old misses what was published since.
 */
export function warnStaleAdvisories(io: CliIo, coverage: readonly { ecosystem: string; newestModified: string | null }[], maxAge: MaxAge, now: Date): void {
  for (const stale of staleAdvisories(coverage, now, maxAge.ms)) {
    warn(
      io,
      `chainwatch: warning: the ${stale.ecosystem} advisories are ${describeAge(stale.ageMs)} old ` +
        `(newest modified ${stale.newestModified}; --max-age ${maxAge.text}): run \`chainwatch db update\``,
    );
  }
}
