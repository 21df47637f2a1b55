import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

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
