/**
 * Issue 12's npm row: the whole `chainwatch graph` command for the four
 * comparison roots against `npm install --package-lock-only` for a
 * package.json depending on the same roots, with the same cut-off (`--before`
 * / `--exclude-newer`, so both see one registry snapshot), run as processes,
 * alternating, several runs each:
 *   - cold: empty caches before every run (npm: a fresh `--cache` directory;
 *     chainwatch: its HTTP cache file and PyPI summaries removed);
 *   - warm: the caches the cold runs left; npm with `--prefer-offline`,
 *     chainwatch as users run it (answers younger than the registry's max-age
 *     come from the cache without a request).
 * Medians, min/max, peak RSS and the machine's load; every run's resolved
 * name@version set is compared with npm's and every difference printed. One
 * more warm chainwatch run through a proxy that refuses every connection
 * shows whether a warm run needs the network at all (a profile line).
 *
 * The registry is the one npm is configured with; chainwatch reads the same
 * configuration (src/ecosystems/npm/config.ts). Nothing is written inside the
 * repository. The advisory database is the shared OSV records, imported once.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { alternate, formatRatio, formatSpread, machineLoad, measureCommand, summarizeRuns, type Measurement } from './measure.js';

const repoRoot = resolve(import.meta.dirname, '..');
const cli = join(repoRoot, 'bin', 'chainwatch');
const shared = resolve(process.env.CHAINWATCH_SHARED_DATA ?? join(repoRoot, '..', 'shared', 'data'));
/** A cut-off at which every version the roots need is on this machine's mirror (see src/graph/npm/readme.md). */
const DEFAULT_BEFORE = '2026-10-15T00:00:00.000Z';
const COMPARISON_ROOTS = ['@jupyterlab/application', '@jupyterlab/services', '@jupyter-widgets/base', '@lumino/widgets'];
const RUNS = Number(process.env.CHAINWATCH_BENCH_NPM_RUNS ?? process.env.CHAINWATCH_BENCH_RUNS ?? 5);
const WARM_GOAL = 0.5;

/** name@version of every package in a lockfile npm wrote. */
function npmSet(lockfile: string): Set<string> {
  const parsed = JSON.parse(readFileSync(lockfile, 'utf8')) as { packages: Record<string, { name?: string; version?: string }> };
  const set = new Set<string>();
  for (const [location, entry] of Object.entries(parsed.packages)) {
    if (location === '') continue;
    set.add(`${entry.name ?? location.slice(location.lastIndexOf('node_modules/') + 13)}@${entry.version}`);
  }
  return set;
}

/** name@version of every npm node of a `graph --format json` document. */
function chainwatchSet(stdout: string): Set<string> {
  const parsed = JSON.parse(stdout) as { nodes: { ecosystem: string; name: string; version: string }[] };
  return new Set(parsed.nodes.filter((node) => node.ecosystem === 'npm').map((node) => `${node.name}@${node.version}`));
}

function difference(ours: Set<string>, theirs: Set<string>): string[] {
  const lines: string[] = [];
  const onlyTheirs = [...theirs].filter((entry) => !ours.has(entry)).sort();
  const onlyOurs = [...ours].filter((entry) => !theirs.has(entry)).sort();
  if (onlyTheirs.length > 0) lines.push(`only npm installs: ${onlyTheirs.join(', ')}`);
  if (onlyOurs.length > 0) lines.push(`only chainwatch resolves: ${onlyOurs.join(', ')}`);
  return lines;
}

function failed(run: Measurement): string | null {
  return run.exitCode === 0 ? null : `exit ${run.exitCode}: ${run.stderr.trim().split('\n').slice(-2).join(' | ')}`;
}

export async function runNpmResolveBench(print: (line: string) => void): Promise<void> {
  const npmVersion = spawnSync('npm', ['--version'], { encoding: 'utf8' });
  const work = mkdtempSync(join(tmpdir(), 'chainwatch-npm-bench-'));
  try {
    const before = process.env.CHAINWATCH_BENCH_NPM_BEFORE ?? DEFAULT_BEFORE;
    const purls = COMPARISON_ROOTS.map((name) => `pkg:npm/${encodeURIComponent(name).replace('%2F', '/')}`);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      CI: '1',
      NO_COLOR: '1',
      CHAINWATCH_HTTP_CACHE: join(work, 'http-cache.sqlite'),
      CHAINWATCH_GRAPH_DB: join(work, 'graph.sqlite'),
      CHAINWATCH_DB: join(work, 'advisories.sqlite'),
    };
    const graphArgs = ['graph', ...purls, '--exclude-newer', before, '--no-save', '--format', 'json'];
    const emptyChainwatchCaches = (): void => {
      for (const file of ['http-cache.sqlite', 'pypi-summary.sqlite']) for (const suffix of ['', '-wal', '-shm']) rmSync(join(work, `${file}${suffix}`), { force: true });
    };
    const osv = join(shared, 'osv');
    if (existsSync(osv)) measureCommand(cli, ['db', 'import', osv, '--db', env.CHAINWATCH_DB!], { env });
    print(`roots: ${COMPARISON_ROOTS.join(' ')}; cut-off ${before}; npm ${npmVersion.status === 0 ? npmVersion.stdout.trim() : 'missing'}; node ${process.version}; ${RUNS} alternating runs per row; ${machineLoad()} before`);

    const project = join(work, 'npm-project');
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'chainwatch-bench', version: '0.0.0', private: true, dependencies: Object.fromEntries(COMPARISON_ROOTS.map((name) => [name, '*'])) }));
    const npmCache = join(work, 'npm-cache');
    const npmArgs = (warm: boolean): string[] => [
      'install',
      '--package-lock-only',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      `--before=${before}`,
      '--cache',
      npmCache,
      ...(warm ? ['--prefer-offline'] : []),
    ];
    const npmPresent = npmVersion.status === 0;
    const side = (name: string, command: string, args: string[], prepare: () => void, cwd?: string) => ({ name, command, args, env, prepare, ...(cwd ? { cwd } : {}) });
    const dropLockfile = (): void => rmSync(join(project, 'package-lock.json'), { force: true });

    const rows: { label: string; ours: Measurement[]; peer: Measurement[]; reference: Set<string> | null }[] = [];
    const problems: string[] = [];
    for (const warm of [false, true]) {
      const sides = [
        side(`chainwatch ${warm ? 'warm' : 'cold'}`, cli, graphArgs, warm ? () => {} : emptyChainwatchCaches),
        ...(npmPresent
          ? [
              side(
                `npm ${warm ? 'warm' : 'cold'}`,
                'npm',
                npmArgs(warm),
                () => {
                  dropLockfile();
                  if (!warm) rmSync(npmCache, { recursive: true, force: true });
                },
                project,
              ),
            ]
          : []),
      ];
      const results = alternate(RUNS, sides);
      const ours = results.get(sides[0]!.name)!;
      const peer = npmPresent ? results.get(sides[1]!.name)! : [];
      // The lockfile of the side's last run (each run starts without one).
      const reference = npmPresent && existsSync(join(project, 'package-lock.json')) ? npmSet(join(project, 'package-lock.json')) : null;
      for (const run of [...ours, ...peer]) {
        const problem = failed(run);
        if (problem) problems.push(`${warm ? 'warm' : 'cold'}: ${problem}`);
      }
      rows.push({ label: warm ? 'warm' : 'cold', ours, peer, reference });
    }

    // Every chainwatch run's resolved set against npm's.
    for (const row of rows) {
      const sets = row.ours.filter((run) => run.exitCode === 0).map((run) => chainwatchSet(run.stdout));
      const distinct = new Set(sets.map((set) => [...set].sort().join(' ')));
      const npmReference = row.reference;
      if (!npmReference) {
        print(`${row.label}: chainwatch resolved ${sets[0]?.size ?? 0} packages (npm gave no lockfile to compare with)`);
        continue;
      }
      const lines = sets.length > 0 ? difference(sets[0]!, npmReference) : ['no chainwatch run succeeded'];
      print(`${row.label}: ${sets.length} chainwatch runs, ${distinct.size} distinct resolved set(s); same name@version set as npm (${npmReference.size} packages): ${lines.length === 0 && distinct.size === 1 ? 'yes' : 'NO'}`);
      for (const line of lines) print(`  ${line}`);
    }
    for (const problem of problems) print(`failed run: ${problem}`);

    // Profile: a warm run with every connection refused must give the same answer.
    const offlineEnv = { ...env, HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', https_proxy: 'http://127.0.0.1:9', http_proxy: 'http://127.0.0.1:9', NO_PROXY: '', no_proxy: '' };
    const cut = measureCommand(cli, graphArgs, { env: offlineEnv });
    const lastWarm = rows[1]!.ours.at(-1);
    const sameWithoutNetwork = cut.exitCode === 0 && lastWarm !== undefined && cut.stdout === lastWarm.stdout;
    print(`profile: a warm run with every connection refused (dead proxy): exit ${cut.exitCode}, same output as a warm run: ${sameWithoutNetwork ? 'yes (no request made)' : 'NO'}`);

    print('');
    print('| measurement | chainwatch | peer | ratio | goal | met |');
    print('|---|---|---|---|---|---|');
    for (const row of rows) {
      const ours = summarizeRuns(row.ours);
      const peer = npmPresent ? summarizeRuns(row.peer) : null;
      const ratio = peer ? ours.seconds.median / peer.seconds.median : Number.NaN;
      const goal = row.label === 'warm' ? `≤ ${WARM_GOAL.toFixed(2)}×` : '—';
      const met = row.label === 'warm' ? (Number.isFinite(ratio) && ratio <= WARM_GOAL && problems.length === 0 ? 'yes' : 'no') : '—';
      print(
        `| \`graph\` of 4 npm roots, ${row.label} | ${formatSpread(ours.seconds)}, ${ours.rss.max.toFixed(0)} MiB | ${peer ? `\`npm install --package-lock-only\`${row.label === 'warm' ? ' --prefer-offline' : ''} ${formatSpread(peer.seconds)}, ${peer.rss.max.toFixed(0)} MiB` : 'npm not on PATH'} | ${peer ? formatRatio(ours.seconds.median, peer.seconds.median) : '—'} | ${goal} | ${met} |`,
      );
    }
    print('');
    print(`${machineLoad()} after`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
