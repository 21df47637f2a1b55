import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

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
