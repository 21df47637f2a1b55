/** `npm run bench`: every benchmark, printed as figures and ratios against peers run in the same minute. */
import { runScanBench } from './scan-bench.js';

const print = (line: string): void => console.log(line);
print(`chainwatch benchmarks — ${new Date().toISOString()} — node ${process.version}`);
await runScanBench(print);
