/** Shared by the adapter tests and the resolver conformance suite: roots from PURLs and a resolve context at a fixed time. */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { fixedClock } from '../core/clock.js';
import { silentSink } from '../core/events.js';
import { defaultEnvironment } from '../ecosystems/pypi/environment.js';
import type { ResolveContext, RootRequest } from './resolver.js';
import { parseRoot } from './roots.js';

export const clock = fixedClock('2026-11-01T00:00:00Z');
export const context: ResolveContext = { environments: [defaultEnvironment], offline: false, clock, events: silentSink };

export function root(text: string): RootRequest {
  const parsed = parseRoot(text);
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

/**
 * The recorded conda-forge repodata of src/ecosystems/conda/fixtures/repodata/channel/
 * served as a channel on 127.0.0.1 (noarch and linux-64, `repodata.json` only):
 * `${origin}/conda-forge/` is its URL.
 */
export async function serveCondaFixtureChannel(): Promise<{ origin: string; close(): Promise<void> }> {
  const channelFiles = fileURLToPath(new URL('../ecosystems/conda/fixtures/repodata/channel/', import.meta.url));
  const server = createServer((request, response) => {
    const match = /^\/conda-forge\/((?:noarch|linux-64)\/repodata\.json)$/.exec(request.url ?? '');
    if (!match) {
      response.writeHead(404).end();
      return;
    }
    const body = readFileSync(`${channelFiles}${match[1]}`);
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }).end(body);
  });
  const origin = await new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
  return { origin, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
