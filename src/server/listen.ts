/**
 * Listening: the dashboard on @hono/node-server's adaptor, on the host and
 * port asked, or why not (the port in use, the address not on this machine,
 * a binding security.ts refuses). Closing stops accepting, ends the open
 * connections and closes the history.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { createDashboard, type DashboardOptions } from './app.js';
import { bindingProblem } from './security.js';

export interface ListeningDashboard {
  /** `http://127.0.0.1:8080/` */
  url: string;
  port: number;
  uiBuilt: boolean;
  close(): Promise<void>;
}

export type ListenResult = { ok: true; dashboard: ListeningDashboard } | { ok: false; message: string };

export async function listenDashboard(options: DashboardOptions & { port: number }): Promise<ListenResult> {
  const refused = bindingProblem(options.host, options.token);
  if (refused !== null) return { ok: false, message: refused };
  const dashboard = await createDashboard(options);
  const server = createAdaptorServer({ fetch: dashboard.app.fetch }) as Server;
  const listening = await new Promise<{ ok: true } | { ok: false; error: NodeJS.ErrnoException }>((resolve) => {
    server.once('error', (error: NodeJS.ErrnoException) => resolve({ ok: false, error }));
    server.listen(options.port, options.host, () => resolve({ ok: true }));
  });
  if (!listening.ok) {
    dashboard.close();
    return { ok: false, message: listenProblem(listening.error, options.host, options.port) };
  }
  await dashboard.warm();
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') && !options.host.startsWith('[') ? `[${options.host}]` : options.host;
  return {
    ok: true,
    dashboard: {
      url: `http://${host}:${port}/`,
      port,
      uiBuilt: dashboard.uiBuilt,
      close: () =>
        new Promise<void>((resolve) => {
          server.close(() => {
            dashboard.close();
            resolve();
          });
          // Keep-alive connections of a browser tab would hold the close open.
          server.closeAllConnections();
        }),
    },
  };
}

function listenProblem(error: NodeJS.ErrnoException, host: string, port: number): string {
  switch (error.code) {
    case 'EADDRINUSE':
      return `port ${port} is in use on ${host}: stop what listens there, or give another with --port`;
    case 'EACCES':
      return `not allowed to listen on port ${port} (ports below 1024 need privileges): give another with --port`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${host} is not an address of this machine: give one of its addresses with --host (default 127.0.0.1)`;
    default:
      return `could not listen on ${host}:${port}: ${error.message}`;
  }
}
