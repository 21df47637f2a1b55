import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import { Agent } from 'undici';

export interface LocalServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Request paths (with query), in the order they arrived. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1 (an ephemeral port) for tests of what a
 * mock cannot show: bytes trickling in over real sockets, connections that
 * never answer. Open connections are destroyed on close, so a handler that
 * never ends its response does not keep the test alive.
 */
export async function startLocalServer(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<LocalServer> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(request.url ?? '');
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes `chunk` every `everyMs` until the client goes away (or `count` chunks, then ends). */
export function trickle(response: ServerResponse, chunk: string, everyMs: number, count = Number.POSITIVE_INFINITY): void {
  let sent = 0;
  const timer = setInterval(() => {
    if (response.destroyed) {
      clearInterval(timer);
      return;
    }
    response.write(chunk);
    if (++sent >= count) {
      clearInterval(timer);
      response.end();
    }
  }, everyMs);
  response.on('close', () => clearInterval(timer));
}

/**
 * `http://127.0.0.1:<port>` where nothing listens (a connection there is refused): a port the
 * system just gave a server, which is closed again. Another process could take it in between;
 * on a test machine that is rare enough, and such a test then fails, it does not pass wrongly.
 */
export async function refusingOrigin(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/**
 * A fetch whose name lookups fail as the system's resolver does for a name that does not exist
 * (`getaddrinfo ENOTFOUND host`), at once and without a DNS query leaving the machine (a `.invalid`
 * name would otherwise be asked of the configured DNS server). Counts the lookups.
 */
export function unresolvingFetch(): { fetch: typeof fetch; lookups: () => number; close: () => Promise<void> } {
  let lookups = 0;
  const agent = new Agent({
    connect: {
      lookup: ((hostname: string, _options: unknown, callback: (error: NodeJS.ErrnoException) => void) => {
        lookups++;
        const error: NodeJS.ErrnoException = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', syscall: 'getaddrinfo', hostname });
        process.nextTick(callback, error);
      }) as unknown as LookupFunction,
    },
  });
  return {
    fetch: ((input: Parameters<typeof fetch>[0], init?: RequestInit) => fetch(input, { ...init, dispatcher: agent } as unknown as RequestInit)) as typeof fetch,
    lookups: () => lookups,
    close: () => agent.close(),
  };
}
