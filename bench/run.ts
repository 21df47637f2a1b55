/**
 * `npm run bench [-- scan|pypi|npm|posture|builds|audit|serve ...]`: every benchmark (or the named ones),
 * printed as figures and as ratios against peers run in the same minute.
 */
import { runAuditBench } from './audit-bench.js';
import { runBuildsBench } from './builds-bench.js';
import { runNpmResolveBench } from './npm-resolve-bench.js';
import { runPostureBench } from './posture-bench.js';
import { runPypiResolveBench } from './pypi-resolve-bench.js';
import { runScanBench } from './scan-bench.js';
import { runServeBench } from './serve-bench.js';

const print = (line: string): void => console.log(line);
const benches: Record<string, (out: (line: string) => void) => Promise<void>> = {
  scan: runScanBench,
  pypi: runPypiResolveBench,
  npm: runNpmResolveBench,
  posture: runPostureBench,
  builds: runBuildsBench,
  audit: runAuditBench,
  serve: runServeBench,
};
const wanted = process.argv.slice(2).filter((name) => name in benches);
print(`chainwatch benchmarks — ${new Date().toISOString()} — node ${process.version}`);
for (const [name, run] of Object.entries(benches)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  print('');
  await run(print);
}
