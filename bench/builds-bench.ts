/**
 * `npm run bench -- builds`: this checkout's CLI against another build of
 * chainwatch (a refactor's "no slower"), whole-process wall time and peak RSS,
 * alternating runs on the same inputs, with the outputs compared.
 *
 * The other build is a checkout with `npm run build` done, named by
 * `CHAINWATCH_BASE_DIR` (e.g. `git worktree add ../base <rev> && cd ../base &&
 * ln -s ../main/node_modules && npm run build`). Without it the bench says so.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { formatRatio, measureCommand, median } from './measure.js';

const RUNS = Number(process.env.CHAINWATCH_BENCH_RUNS ?? 7);

export async function runBuildsBench(out: (line: string) => void): Promise<void> {
  out('## This build against another build (npm run bench -- builds)');
  const baseDir = process.env.CHAINWATCH_BASE_DIR;
  if (!baseDir) {
    out('CHAINWATCH_BASE_DIR is not set: no other build to compare with (see bench/builds-bench.ts).');
    return;
  }
  const shared = resolve(process.env.CHAINWATCH_SHARED_DATA ?? join(import.meta.dirname, '..', '..', 'shared', 'data'));
  const builds = { base: join(resolve(baseDir), 'bin', 'chainwatch'), this: join(import.meta.dirname, '..', 'bin', 'chainwatch') };
  const scratch = mkdtempSync(join(tmpdir(), 'chainwatch-builds-'));
  try {
    const env = { ...process.env, GH_TOKEN: '', GITHUB_TOKEN: '', NO_COLOR: '1' };
    for (const build of ['base', 'this'] as const) {
      const seeded = measureCommand(builds[build], ['db', 'import', join(shared, 'osv'), '--db', join(scratch, `${build}.sqlite`)], { env });
      if (seeded.exitCode !== 0) {
        out(`${build}: db import failed (exit ${seeded.exitCode}); stopping`);
        return;
      }
    }
    const emptyDir = mkdtempSync(join(scratch, 'empty-'));
    const workloads: { name: string; args: (build: 'base' | 'this') => string[]; scrubbed?: boolean }[] = [
      { name: 'scan of an empty directory', args: (build) => ['scan', emptyDir, '--db', join(scratch, `${build}.sqlite`)] },
      { name: "scan jupyterlab's yarn.lock", args: (build) => ['scan', join(shared, 'projects/jupyterlab/jupyterlab/yarn.lock'), '--db', join(scratch, `${build}.sqlite`), '--format', 'json'], scrubbed: true },
      { name: 'scan the shared projects tree', args: (build) => ['scan', join(shared, 'projects'), '--db', join(scratch, `${build}.sqlite`), '--format', 'json'], scrubbed: true },
      { name: 'posture --local (jupyter, jupyterlab)', args: () => ['posture', '--local', join(shared, 'projects/jupyter'), '--local', join(shared, 'projects/jupyterlab'), '--format', 'json'] },
      {
        name: 'db import of the PyPA YAML folder',
        args: (build) => {
          rmSync(join(scratch, `import-${build}.sqlite`), { force: true });
          return ['db', 'import', join(shared, 'osv/pypa'), '--db', join(scratch, `import-${build}.sqlite`)];
        },
      },
    ];
    out(`${RUNS} alternating runs each; node ${process.version}; load before ${loadavg().map((value) => value.toFixed(1)).join(' ')}; base ${resolve(baseDir)}`);
    out('');
    out('| workload | base: median (min–max), peak RSS | this: median (min–max), peak RSS | this/base | same output |');
    out('|---|---|---|---|---|');
    for (const workload of workloads) {
      const seconds = { base: [] as number[], this: [] as number[] };
      const rss = { base: [] as number[], this: [] as number[] };
      const outputs = { base: '', this: '' };
      for (let run = 0; run < RUNS; run++) {
        for (const build of run % 2 === 0 ? (['base', 'this'] as const) : (['this', 'base'] as const)) {
          const measured = measureCommand(builds[build], workload.args(build), { env });
          seconds[build].push(measured.seconds);
          rss[build].push(measured.peakRssMegabytes);
          // The database paths differ by build and appear in the outputs: compare without them.
          outputs[build] = `${measured.exitCode}\n${measured.stdout.replaceAll(join(scratch, `import-${build}.sqlite`), 'DB').replaceAll(join(scratch, `${build}.sqlite`), 'DB')}`;
        }
      }
      const cell = (build: 'base' | 'this'): string =>
        `${median(seconds[build]).toFixed(2)} s (${Math.min(...seconds[build]).toFixed(2)}–${Math.max(...seconds[build]).toFixed(2)}), ${median(rss[build]).toFixed(0)} MB`;
      out(`| ${workload.name} | ${cell('base')} | ${cell('this')} | ${formatRatio(median(seconds.this), median(seconds.base))} | ${outputs.base === outputs.this ? 'yes' : 'NO'} |`);
    }
    out('');
    out(`Load after: ${loadavg().map((value) => value.toFixed(1)).join(' ')}. Under load the ranges overlap; read the ratio with them.`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
