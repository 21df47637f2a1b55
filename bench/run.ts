/**
 * `npm run bench [-- scan|pypi|npm|import|posture|builds|audit|serve ...]`:
 * every benchmark (or the named ones), printed as figures and as ratios
 * against peers run in the same minute, and written into bench/RESULTS.md.
 *
 * RESULTS.md is written here, never by hand: one section per benchmark, each
 * the lines that benchmark printed, headed by its date, Node, the machine and
 * its load at the start and the end. Running some benchmarks replaces their
 * sections and keeps the others (each keeps its own date).
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { runAuditBench } from './audit-bench.js';
import { runBuildsBench } from './builds-bench.js';
import { runImageBench } from './image-bench.js';
import { runImportBench } from './import-bench.js';
import { machineLoad } from './measure.js';
import { runNpmResolveBench } from './npm-resolve-bench.js';
import { runPostureBench } from './posture-bench.js';
import { runPypiResolveBench } from './pypi-resolve-bench.js';
import { runScanBench } from './scan-bench.js';
import { runServeBench } from './serve-bench.js';

type Bench = (out: (line: string) => void) => Promise<void>;
const benches: Record<string, { title: string; run: Bench }> = {
  scan: { title: 'Scan and start-up', run: runScanBench },
  pypi: { title: 'PyPI graph', run: runPypiResolveBench },
  npm: { title: 'npm graph', run: runNpmResolveBench },
  import: { title: 'Advisory import', run: runImportBench },
  posture: { title: 'Posture at scale', run: runPostureBench },
  builds: { title: 'Builds', run: runBuildsBench },
  audit: { title: 'audit', run: runAuditBench },
  serve: { title: 'Dashboard (serve)', run: runServeBench },
  image: { title: 'Images (issue 13)', run: runImageBench },
};

const RESULTS = join(import.meta.dirname, 'RESULTS.md');
const BEGIN = (name: string): string => `<!-- bench:${name}:begin -->`;
const END = (name: string): string => `<!-- bench:${name}:end -->`;
const HEADER = `# Benchmark results

Written by \`npm run bench\` (bench/run.ts), never by hand: each section is what that
benchmark printed the last time it ran, with its date, the machine and its load. Every
headline figure is whole-process wall time, run alternately with its peer; ratios are
chainwatch ÷ peer. \`npm run bench -- NAME\` reruns one section.
`;

/** The sections already in RESULTS.md, by benchmark name. */
function readSections(): Map<string, string> {
  const sections = new Map<string, string>();
  let text: string;
  try {
    text = readFileSync(RESULTS, 'utf8');
  } catch {
    return sections;
  }
  for (const name of Object.keys(benches)) {
    const start = text.indexOf(BEGIN(name));
    const end = text.indexOf(END(name));
    if (start >= 0 && end > start) sections.set(name, text.slice(start, end + END(name).length));
  }
  return sections;
}

function writeResults(sections: Map<string, string>): void {
  const body = Object.keys(benches)
    .filter((name) => sections.has(name))
    .map((name) => sections.get(name)!)
    .join('\n\n');
  const temporary = `${RESULTS}.${process.pid}.tmp`;
  writeFileSync(temporary, `${HEADER}\n${body}\n`);
  renameSync(temporary, RESULTS);
}

const wanted = process.argv.slice(2).filter((name) => name in benches);
const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GB`;
console.log(`chainwatch benchmarks — ${new Date().toISOString()} — node ${process.version} — ${machine}`);
const sections = readSections();
for (const [name, bench] of Object.entries(benches)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  const lines: string[] = [];
  const print = (line: string): void => {
    console.log(line);
    lines.push(line);
  };
  const started = new Date();
  const loadAtStart = machineLoad();
  console.log('');
  let failure = '';
  try {
    await bench.run(print);
  } catch (error) {
    failure = error instanceof Error ? (error.stack ?? error.message) : String(error);
    console.error(`bench ${name} failed: ${failure}`);
  }
  const head = [
    BEGIN(name),
    `## ${bench.title} (\`npm run bench -- ${name}\`)`,
    '',
    `${started.toISOString().slice(0, 16).replace('T', ' ')} UTC, node ${process.version}, ${machine}; ${loadAtStart} at the start, ${machineLoad()} at the end.`,
    '',
  ];
  const tail = failure ? ['', `**The benchmark failed:** ${failure.split('\n')[0]}`] : [];
  sections.set(name, [...head, '```text', ...lines, '```', ...tail, END(name)].join('\n'));
  writeResults(sections);
}
