/**
 * The public entry of store/ for the front ends (src/cli, src/server): they
 * import this area only through this file (.dependency-cruiser.cjs checks it)
 * and hand each area the store it declared. Importing it is cheap; each
 * loader imports its store on first call, so `chainwatch --help` opens no
 * SQLite (better-sqlite3 is a native module).
 */

/** The advisory database (advisories/ declares the lookup it needs). */
export async function loadAdvisoryStore() {
  const { defaultDatabasePath, openSqliteStore, sqliteAdvisoryStores } = await import('./sqlite-store.js');
  return { defaultDatabasePath, openSqliteStore, sqliteAdvisoryStores };
}

/** The graph history (graph/history.ts declares it). */
export async function loadGraphStore() {
  const { defaultGraphStorePath, openGraphStore } = await import('./graph-store.js');
  return { defaultGraphStorePath, openGraphStore };
}

/** The HTTP response cache (http/cache.ts declares it). */
export async function loadHttpCache() {
  const { defaultHttpCachePath, openHttpCache } = await import('./http-cache.js');
  return { defaultHttpCachePath, openHttpCache };
}

/** The GitHub collector's cache (posture/collect/github/cache.ts declares it). */
export async function loadGithubCache() {
  const { defaultGithubCachePath, openGithubCache } = await import('./github-cache.js');
  return { defaultGithubCachePath, openGithubCache };
}

/** Parsed PyPI pages and dependencies (graph/pypi/ declares the cache). */
export async function loadPypiSummaryStore() {
  const { defaultSummaryStorePath, openSummaryStore } = await import('./pypi-summary-store.js');
  return { defaultSummaryStorePath, openSummaryStore };
}

/** The disclosure desk's store: observations, manual records, sent reminders (disclosure/store.ts declares it). */
export async function loadDisclosureStore() {
  const { defaultDisclosureStorePath, openDisclosureStore } = await import('./disclosure-store.js');
  return { defaultDisclosureStorePath, openDisclosureStore };
}
