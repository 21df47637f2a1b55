/**
 * Issue 12's import rows: whole-process `chainwatch db import` of
 *   - a 220k-record OSV export zip (the shared real records plus synthetic
 *     ones made from them by scan-bench.ts's synthesizeRecords), and
 *   - the shared PyPA checkout (2,661 YAML records),
 * each into an empty database, several runs alternating, median/min/max wall
 * time, records/s, peak RSS and the machine's load. There is no peer; the
 * goals are absolute (issue 12: ≥ 20k records/s for the zip, ≥ 10k for the
 * YAML tree, peak RSS ≤ 400 MB). Correctness is checked in the same run: every
 * run must exit 0, import every record with no errors, and leave a database
 * holding exactly the expected record count.
 *
 * The zip is cached in bench/.cache/import (keyed by its record count).
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadAdvisoryDirectory } from '../src/advisories/load.js';
import { alternate, formatSpread, machineLoad, summarizeRuns, type Measurement } from './measure.js';
import { synthesizeRecords, writeExportZip } from './scan-bench.js';

const repoRoot = resolve(import.meta.dirname, '..');
const shared = resolve(process.env.CHAINWATCH_SHARED_DATA ?? join(repoRoot, '..', 'shared', 'data'));
const cacheDir = join(repoRoot, 'bench', '.cache', 'import');
const cli = join(repoRoot, 'bin', 'chainwatch');
const ZIP_RECORDS = Number(process.env.CHAINWATCH_BENCH_IMPORT_RECORDS ?? 220_000);
const RUNS = Number(process.env.CHAINWATCH_BENCH_RUNS ?? 5);
const GOALS = { zip: 20_000, yaml: 10_000, rssMegabytes: 400 } as const;

/** The 220k-record export: the shared real records, then synthetic ones up to ZIP_RECORDS. */
async function exportZip(): Promise<{ file: string; records: number }> {
  const file = join(cacheDir, `osv-export-${ZIP_RECORDS}.zip`);
  if (existsSync(file)) return { file, records: ZIP_RECORDS };
  const real = (await loadAdvisoryDirectory(join(shared, 'osv'))).records;
  // No target names: the import does not care which packages the records name.
  const records = [...real, ...synthesizeRecords(real, { PyPI: [], npm: [] }, ZIP_RECORDS - real.length)];
  writeExportZip(file, records);
  return { file, records: records.length };
}

interface Row {
  name: string;
  measurement: string;
  records: number;
  goal: number;
  args: (database: string) => string[];
}

/** `N records imported, 0 unchanged, 0 errors` for the path, exit 0: anything else is reported. */
function checkRun(run: Measurement, row: Row): string | null {
  if (run.exitCode !== 0) return `exit ${run.exitCode}: ${run.stderr.trim().split('\n').slice(0, 3).join(' | ')}`;
  if (!run.stdout.includes(`: ${row.records} records imported, 0 unchanged, 0 errors`)) return `unexpected output: ${run.stdout.trim().split('\n').join(' | ')}`;
  if (!run.stdout.includes(`: ${row.records} records\n`)) return `database does not hold ${row.records} records: ${run.stdout.trim().split('\n').at(-1)}`;
  return null;
}

export async function runImportBench(print: (line: string) => void): Promise<void> {
  mkdirSync(cacheDir, { recursive: true });
  const zip = await exportZip();
  const pypa = join(shared, 'osv', 'pypa');
  const pypaRecords = (await loadAdvisoryDirectory(join(pypa, 'vulns'))).records.length;
  const rows: Row[] = [
    { name: 'zip', measurement: `\`db import\` ${Math.round(zip.records / 1000)}k records (zip)`, records: zip.records, goal: GOALS.zip, args: (database) => ['db', 'import', zip.file, '--db', database] },
    { name: 'yaml', measurement: `\`db import\` PyPA YAML directory (${pypaRecords.toLocaleString('en')} records)`, records: pypaRecords, goal: GOALS.yaml, args: (database) => ['db', 'import', pypa, '--db', database] },
  ];
  print(`${RUNS} alternating runs of each, whole process (\`./bin/chainwatch db import … --db <empty file>\`), node ${process.version}; ${machineLoad()} before`);
  const env = { ...process.env, CI: '1', NO_COLOR: '1' };
  const results = alternate(
    RUNS,
    rows.map((row) => {
      const database = join(cacheDir, `${row.name}.sqlite`);
      return {
        name: row.name,
        command: cli,
        args: row.args(database),
        env,
        prepare: () => {
          for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${database}${suffix}`, { force: true });
        },
      };
    }),
  );
  const lines: string[] = ['| measurement | chainwatch | peer | ratio | goal | met |', '|---|---|---|---|---|---|'];
  for (const row of rows) {
    const runs = results.get(row.name)!;
    const problems = runs.map((run) => checkRun(run, row)).filter((problem): problem is string => problem !== null);
    const { seconds, rss } = summarizeRuns(runs);
    const rate = row.records / seconds.median;
    const met = problems.length === 0 && rate >= row.goal && rss.max <= GOALS.rssMegabytes;
    print(`${row.name}: ${row.records} records, wall ${formatSpread(seconds)}, peak RSS ${formatSpread(rss, 'MiB')}; every run imported every record: ${problems.length === 0 ? 'yes' : `NO (${problems[0]})`}`);
    lines.push(
      `| ${row.measurement} | ${(rate / 1000).toFixed(1)}k records/s (${formatSpread(seconds)}), peak ${rss.max.toFixed(0)} MiB | — | — | ≥ ${row.goal / 1000}k/s, ≤ ${GOALS.rssMegabytes} MiB | ${met ? 'yes' : 'no'} |`,
    );
  }
  print('');
  for (const line of lines) print(line);
  print('');
  print(`${machineLoad()} after`);
}
