import type CliProgress from 'cli-progress';
import { ChainwatchError, formatDuration, type ChainwatchEvent, type EventSink } from '../core/index.js';
import { redactSecrets } from './redact.js';

/** Where the CLI writes. Tests inject buffers; stdout carries results only. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    // Made on first use: Node builds the stdin stream when it is first asked for (a few ms at start-up), and most commands never read it.
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Writes a line to stderr, redacted. */
export function warn(io: CliIo, text: string): void {
  io.stderr.write(`${redactSecrets(text, io.env)}\n`);
}

/** Turns any error into one redacted sentence (only cli/ does this, STYLE rule 7). */
export function describeError(error: unknown): string {
  if (error instanceof ChainwatchError) return error.describe();
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * Renders library events: a progress bar on stderr when it is a terminal,
 * nothing otherwise (so logs and CI output stay clean); warnings always; and
 * each step on a line of its own, terminal or not (`chainwatch: github jupyter:
 * done in 12s (45 repositories)`), so a CI log never sits silent through a step.
 */
export function eventRenderer(io: CliIo, options: { verbose?: boolean } = {}): EventSink & { stop(): void } {
  const interactive = io.stderr.isTTY === true && !io.env.CI;
  // The progress bar's library (and the terminal-width helpers it brings) loads only for a terminal,
  // while the command starts; progress before it has loaded is not drawn.
  let cliProgress: typeof CliProgress | null = null;
  if (interactive) {
    void import('cli-progress').then((module) => {
      cliProgress = module.default;
    });
  }
  let bar: CliProgress.SingleBar | null = null;
  let task = '';
  return {
    emit(event: ChainwatchEvent) {
      if (event.type === 'log') {
        if (event.level === 'warn' || options.verbose) {
          bar?.stop();
          bar = null;
          warn(io, `${event.level}: ${event.message}`);
        }
        return;
      }
      if (event.type === 'step') {
        bar?.stop();
        bar = null;
        warn(io, `chainwatch: ${stepLine(event)}`);
        return;
      }
      if (cliProgress === null || event.total === undefined) return;
      if (!bar || task !== event.task) {
        bar?.stop();
        task = event.task;
        bar = new cliProgress.SingleBar(
          {
            stream: io.stderr as NodeJS.WritableStream,
            format: `${event.task.padEnd(9)} [{bar}] {value}/{total} {detail}`,
            hideCursor: true,
            clearOnComplete: true,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(event.total, event.done, { detail: '' });
      }
      bar.setTotal(event.total);
      bar.update(event.done, { detail: (event.detail ?? '').slice(-40) });
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}

/** `github jupyter: collecting`, `github jupyter: done in 12s (45 repositories)`, `github jupyter: failed after 0ms: cannot reach ...`. */
function stepLine(event: Extract<ChainwatchEvent, { type: 'step' }>): string {
  const took = event.durationMs === undefined ? '' : formatDuration(event.durationMs / 1000);
  switch (event.state) {
    case 'started':
      return `${event.step}: ${event.detail ?? 'started'}`;
    case 'done':
      return `${event.step}: done${took ? ` in ${took}` : ''}${event.detail ? ` (${event.detail})` : ''}`;
    case 'failed':
      return `${event.step}: failed${took ? ` after ${took}` : ''}${event.detail ? `: ${event.detail}` : ''}`;
  }
}
