/**
 * The public entry of http/ for the front ends (src/cli, src/server): they
 * import this area only through this file (.dependency-cruiser.cjs checks it).
 * Importing it is cheap; the client (undici) loads on the first
 * loadHttpClient(), so `chainwatch --help` does not pay for it.
 */
export type { HttpCache } from './cache.js';
export { isSecretQueryName } from './redact.js';
export type { HttpClient } from './types.js';

/** The HTTP client's module, loaded on first call. */
export async function loadHttpClient() {
  const { createHttpClient } = await import('./client.js');
  return { createHttpClient };
}
