import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * CI's share of the mutation fuzzer: a fixed seed and a small budget, run as
 * its own process with a capped heap, so a crash, a heap overflow or a hang
 * fails this test with the case that caused it (`npm run fuzz` runs a longer
 * budget with a random seed). The seed corpus includes ../shared/data's real
 * lockfiles and advisories when that folder is present; built-in seeds
 * otherwise.
 */
const root = resolve(import.meta.dirname, '../..');
const SEED = '20261206';
const RUNS = '60';

describe('fuzz: every extractor, the OSV loader and the HTTP decoders (fixed seed, bounded budget; seeds from ../shared/data when present)', () => {
  it(`survives ${RUNS} mutated inputs per target within the stated bounds`, () => {
    const out = mkdtempSync(join(tmpdir(), 'chainwatch-fuzz-'));
    try {
      const run = spawnSync(process.execPath, ['--max-old-space-size=1024', '--import', 'tsx', 'test/fuzz/run.ts', '--seed', SEED, '--runs', RUNS, '--out', out], {
        cwd: root,
        encoding: 'utf8',
        timeout: 600_000,
        maxBuffer: 16 * 1024 * 1024,
      });
      let current = '';
      try {
        current = readFileSync(join(out, 'current.json'), 'utf8');
      } catch {
        // Nothing ran.
      }
      const diagnosis = `exit ${run.status} signal ${run.signal}; last case ${current}\n${run.stdout}\n${run.stderr}`;
      expect(run.status, diagnosis).toBe(0);
      expect(run.stdout).toMatch(/fuzz: seed 20261206, 20 targets, 0 failures/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 660_000);
});
