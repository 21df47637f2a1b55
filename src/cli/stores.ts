import type { HttpCache } from '../http/index.js';
import { loadHttpCache } from '../store/index.js';

/**
 * The front end's wiring of src/store/ into the areas' interfaces, for what
 * several commands share. Loaded lazily: `chainwatch --help` does not open
 * SQLite.
 */

/**
 * Opens the HTTP response cache in the user cache directory
 * (`$CHAINWATCH_HTTP_CACHE`, else `http-cache.sqlite` beside the advisory
 * database): what `createHttpClient({ openCache })` is given.
 */
export async function userHttpCache(env: NodeJS.ProcessEnv): Promise<() => HttpCache> {
  const { defaultHttpCachePath, openHttpCache } = await loadHttpCache();
  return () => openHttpCache(defaultHttpCachePath(env));
}
