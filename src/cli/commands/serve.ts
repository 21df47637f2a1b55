import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { describeError, warn, type CliIo } from '../io.js';

export interface ServeCommandOptions {
  db?: string;
  host: string;
  port: number;
}

/** What tests hand in: a signal that stops the server as SIGINT would. */
export interface ServeDependencies {
  signal?: AbortSignal;
  /** The built UI (default: dist/ui). */
  uiDirectory?: string;
}

const TOKEN_VARIABLE = 'CHAINWATCH_SERVE_TOKEN';

function parsePort(value: string): number {
  if (!/^[0-9]{1,5}$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError('expected a port number (0–65535; 0 picks a free one)');
  return Number(value);
}

/**
 * `chainwatch serve`: the dashboard over the runs history, until SIGINT or
 * SIGTERM. The URL goes to stdout, everything else to stderr. Exit 0 when
 * stopped; 2 when the history is missing, the host needs a token that is
 * not set, or the port cannot be had.
 */
export async function runServe(io: CliIo, options: ServeCommandOptions, dependencies: ServeDependencies = {}): Promise<number> {
  const [{ existsSync }, { loadGraphStore }, { listenDashboard }] = await Promise.all([import('node:fs'), import('../../store/index.js'), import('../../server/listen.js')]);
  const { defaultGraphStorePath } = await loadGraphStore();
  const path = options.db ?? defaultGraphStorePath(io.env);
  if (!existsSync(path)) {
    warn(io, `chainwatch: no runs yet (${path}): \`chainwatch audit --preset jupyter\` saves one, or give --db PATH`);
    return 2;
  }
  const token = io.env[TOKEN_VARIABLE] === undefined || io.env[TOKEN_VARIABLE] === '' ? undefined : io.env[TOKEN_VARIABLE];
  let started;
  try {
    started = await listenDashboard({
      historyPath: path,
      host: options.host,
      port: options.port,
      ...(token === undefined ? {} : { token }),
      ...(dependencies.uiDirectory === undefined ? {} : { uiDirectory: dependencies.uiDirectory }),
      env: io.env,
      cwd: io.cwd,
      onError: (error) => warn(io, `chainwatch: serve: a request failed: ${describeError(error)}`),
    });
  } catch (error) {
    warn(io, `chainwatch: ${describeError(error)}`);
    return 2;
  }
  if (!started.ok) {
    warn(io, `chainwatch: ${started.message}`);
    return 2;
  }
  const { dashboard } = started;
  io.stdout.write(`${dashboard.url}\n`);
  warn(io, `chainwatch: serving the runs history ${path} ${token === undefined ? 'to this machine only' : `with a token (${TOKEN_VARIABLE})`}; Ctrl-C stops it`);
  if (!dashboard.uiBuilt) warn(io, 'chainwatch: the UI is not built (no dist/ui): run `npm run build`; the JSON API works without it');
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      dependencies.signal?.removeEventListener('abort', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (dependencies.signal?.aborted) stop();
    else dependencies.signal?.addEventListener('abort', stop, { once: true });
  });
  await dashboard.close();
  warn(io, 'chainwatch: stopped');
  return 0;
}

export function registerServe(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('serve')
    .description('The dashboard: the saved audit runs in a browser (overview, concerns, packages, graph, vulnerabilities, posture, disclosure board, history), with a read-only JSON API')
    .option('--db <path>', 'the runs history (default: $CHAINWATCH_GRAPH_DB or graph.sqlite in the user cache dir, as `report` reads)')
    .option('--host <address>', `the address to listen on; anything but loopback needs ${TOKEN_VARIABLE}`, '127.0.0.1')
    .option('--port <number>', 'the port (0 picks a free one)', parsePort, 8080)
    .addHelpText(
      'after',
      `\nOn 127.0.0.1 only this machine can connect. Another --host needs ${TOKEN_VARIABLE} (at least 16 characters); every API request then carries \`Authorization: Bearer <token>\`.\nExit codes: 0 stopped (Ctrl-C, SIGTERM); 2 no history, a host without a token, or a port that cannot be had.`,
    )
    .action(async (options: ServeCommandOptions) => setExit(await runServe(io, options)));
}
