import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

export interface Measurement {
  seconds: number;
  peakRssMegabytes: number;
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command under GNU time (wall seconds and peak RSS of the whole
 * process), so our CLI and a peer are measured the same way in the same minute.
 */
export function measureCommand(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Measurement {
  const marker = '__CHAINWATCH_BENCH__';
  const timer = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
  const started = process.hrtime.bigint();
  const result = timer
    ? spawnSync(timer, ['-f', `${marker} %e %M`, command, ...args], { cwd: options.cwd, env: options.env ?? process.env, encoding: 'utf8', maxBuffer: 1 << 30 })
    : spawnSync(command, [...args], { cwd: options.cwd, env: options.env ?? process.env, encoding: 'utf8', maxBuffer: 1 << 30 });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  let stderr = result.stderr ?? '';
  let peak = Number.NaN;
  const line = stderr.split('\n').find((entry) => entry.startsWith(marker));
  if (line) {
    const [, , rssKilobytes] = line.split(' ');
    peak = Number(rssKilobytes) / 1024;
    stderr = stderr.split('\n').filter((entry) => !entry.startsWith(marker)).join('\n');
  }
  return { seconds: elapsed, peakRssMegabytes: peak, exitCode: result.status ?? -1, stdout: result.stdout ?? '', stderr };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Deterministic PRNG (mulberry32) so synthetic data is the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function formatRatio(ours: number, peer: number): string {
  if (!Number.isFinite(ours) || !Number.isFinite(peer) || peer === 0) return 'n/a';
  return `${(ours / peer).toFixed(2)}×`;
}

/** median, min and max of a set of figures, with how many. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function spreadOf(values: readonly number[]): Spread {
  if (values.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, n: 0 };
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length };
}

/** `1.23 s (min 1.10, max 1.40, n=5)`: the form every headline figure takes. */
export function formatSpread(spread: Spread, unit: 's' | 'ms' | 'MiB' = 's'): string {
  if (spread.n === 0) return 'n/a';
  const digits = unit === 's' ? 2 : 0;
  const format = (value: number): string => value.toFixed(digits);
  return `${format(spread.median)} ${unit} (min ${format(spread.min)}, max ${format(spread.max)}, n=${spread.n})`;
}

/** The machine's load, as every bench section states it: `load 0.81 / 1.41 / 1.85 on 2 cores`. */
export function machineLoad(): string {
  return `load ${loadavg()
    .map((value) => value.toFixed(2))
    .join(' / ')} on ${cpus().length} cores`;
}

/**
 * Whole-process runs of two (or more) sides, alternating (A B A B …), so a
 * change in the machine's load falls on every side alike. A side whose
 * `prepare` is given runs it before each of its runs (outside the timing):
 * e.g. emptying a cache for a cold run. Returns each side's measurements
 * in run order.
 */
export function alternate(runs: number, sides: readonly AlternatingSide[]): Map<string, Measurement[]> {
  const results = new Map<string, Measurement[]>(sides.map((side) => [side.name, []]));
  for (let index = 0; index < runs; index++) {
    // Which side goes first alternates too.
    const order = index % 2 === 0 ? sides : [...sides].reverse();
    for (const side of order) {
      side.prepare?.();
      results.get(side.name)!.push(measureCommand(side.command, side.args, { cwd: side.cwd, env: side.env }));
    }
  }
  return results;
}

export interface AlternatingSide {
  name: string;
  command: string;
  args: readonly string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  prepare?: () => void;
}

/** Wall seconds and peak RSS of a side's runs, as spreads. */
export function summarizeRuns(measurements: readonly Measurement[]): { seconds: Spread; rss: Spread } {
  return { seconds: spreadOf(measurements.map((entry) => entry.seconds)), rss: spreadOf(measurements.map((entry) => entry.peakRssMegabytes).filter(Number.isFinite)) };
}
