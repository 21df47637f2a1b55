/**
 * Issue 12's PyPI rows, `npm run bench -- pypi`: the whole process of
 * `chainwatch graph` for the 8 Jupyter PyPI roots against `uv pip compile`
 * for the same roots, Python version, platform, index and `--exclude-newer`
 * cut-off, cold and warm, run alternately (measure.ts `alternate`), with wall
 * time and peak RSS of each run (GNU time), medians with min and max, the
 * machine's load, and the resolved sets of every run compared (every
 * difference printed).
 *
 * chainwatch: the built CLI (`./bin/chainwatch`, `npm run bench` builds it)
 * with every store in a scratch directory (CHAINWATCH_HTTP_CACHE, the PyPI
 * summary store beside it, CHAINWATCH_DB with no advisory database: this
 * row measures resolution and signals, which uv has no counterpart of the
 * advisories for; CHAINWATCH_GRAPH_DB; XDG_CACHE_HOME), `--no-save`,
 * `--format json`. The index is the machine's (pip's configuration, as the
 * CLI reads it); uv is given the same one with `--index-url`.
 *
 * uv: CHAINWATCH_UV or UV_BIN, else on PATH, else installed with pip into
 * ../peers/uv-venv (beside the repository); when none works the uv half is
 * skipped and the row says why. uv runs with UV_PYTHON_DOWNLOADS=never:
 * without a CPython of the requested version on the machine it would
 * otherwise try to download one on every run, which has nothing to do with
 * resolving; it resolves with the interpreter it finds, markers and tags
 * still from --python-version and --python-platform.
 *
 * Cold: both caches emptied before each run (`prepare`). Warm: the caches
 * the previous runs filled. Neither tool is told to skip the network:
 * chainwatch uses a page it keeps for 600 s (the max-age PyPI sends and uv
 * honours) and files' metadata forever (files are immutable); uv follows the
 * index's caching headers, and an index that sends none (the one on this
 * machine) makes it download every page again.
 *
 * Runs: CHAINWATCH_BENCH_PYPI_RUNS, else CHAINWATCH_BENCH_RUNS, else 5 per
 * side and phase. Python version and cut-off: CHAINWATCH_BENCH_PYTHON,
 * CHAINWATCH_BENCH_EXCLUDE_NEWER. One more run of chainwatch per phase,
 * untimed, counts its requests (a preload script on undici's diagnostics
 * channel) for the profile lines.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { systemConfigSources } from '../src/ecosystems/config-sources.js';
import { resolvePypiIndex } from '../src/ecosystems/pypi/config.js';
import { loadRegistryConfig } from '../src/ecosystems/registry-config.js';
import { alternate, formatRatio, formatSpread, machineLoad, measureCommand, summarizeRuns, type AlternatingSide, type Measurement } from './measure.js';

/** The Jupyter packages issue 3 resolves against uv. */
export const JUPYTER_PYPI_PRESET = ['jupyterlab', 'notebook', 'jupyterhub', 'jupyter-server', 'voila', 'ipywidgets', 'nbconvert', 'ipykernel'] as const;

const repoRoot = resolve(import.meta.dirname, '..');
const cli = join(repoRoot, 'bin', 'chainwatch');
const PYTHON_VERSION = process.env.CHAINWATCH_BENCH_PYTHON ?? '3.12';
const PYTHON_PLATFORM = 'x86_64-unknown-linux-gnu';
/** A fixed snapshot of the index, so both tools see the same files on every run. */
const EXCLUDE_NEWER = process.env.CHAINWATCH_BENCH_EXCLUDE_NEWER ?? '2026-01-01T00:00:00Z';
const RUNS = Number(process.env.CHAINWATCH_BENCH_PYPI_RUNS ?? process.env.CHAINWATCH_BENCH_RUNS ?? 5);
const RATIO_GOAL = 1;
const RSS_GOAL_MB = 400;

interface UvBinary {
  path: string | null;
  why: string;
}

/** uv from CHAINWATCH_UV or UV_BIN, PATH, or a pip install into ../peers/uv-venv (kept for later runs). */
export function findOrInstallUv(): UvBinary {
  for (const configured of [process.env.CHAINWATCH_UV, process.env.UV_BIN]) if (configured && existsSync(configured)) return { path: configured, why: '' };
  const onPath = spawnSync('sh', ['-c', 'command -v uv'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return { path: onPath, why: '' };
  const venv = resolve(repoRoot, '..', 'peers', 'uv-venv');
  const binary = join(venv, 'bin', 'uv');
  if (existsSync(binary)) return { path: binary, why: '' };
  mkdirSync(resolve(venv, '..'), { recursive: true });
  const created = spawnSync('python3', ['-m', 'venv', venv], { encoding: 'utf8' });
  if (created.status !== 0) return { path: null, why: `python3 -m venv failed: ${(created.stderr || created.stdout).trim().split('\n').at(-1) ?? ''}` };
  const installed = spawnSync(join(venv, 'bin', 'pip'), ['install', '--quiet', 'uv'], { encoding: 'utf8' });
  if (installed.status !== 0 || !existsSync(binary)) {
    return { path: null, why: `pip install uv failed: ${(installed.stderr || installed.stdout).trim().split('\n').at(-1) ?? ''}` };
  }
  return { path: binary, why: '' };
}

function normalizedName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

/** `name==version` lines of `uv pip compile` output, names normalised. */
export function parseCompiledRequirements(text: string): Map<string, string> {
  const pins = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)/.exec(line.trim());
    if (match) pins.set(normalizedName(match[1]!), match[2]!);
  }
  return pins;
}

/** The PyPI packages of a `graph --format json` document, names normalised; null when it is none. */
export function parseGraphPackages(text: string): Map<string, string> | null {
  try {
    const document = JSON.parse(text) as { nodes?: { ecosystem: string; name: string; version: string }[] };
    if (!Array.isArray(document.nodes)) return null;
    return new Map(document.nodes.filter((node) => node.ecosystem === 'PyPI').map((node) => [normalizedName(node.name), node.version]));
  } catch {
    return null;
  }
}

/** Differences between two resolved sets, one line each; empty when equal. */
export function compareSets(ours: ReadonlyMap<string, string>, theirs: ReadonlyMap<string, string>): string[] {
  const lines: string[] = [];
  for (const name of [...new Set([...ours.keys(), ...theirs.keys()])].sort()) {
    const a = ours.get(name);
    const b = theirs.get(name);
    if (a === b) continue;
    lines.push(`${name}: chainwatch ${a ?? '—'}, uv ${b ?? '—'}`);
  }
  return lines;
}

/** A preload counting the process's HTTP requests by kind (undici's diagnostics channel), written as JSON at exit. */
const REQUEST_COUNTER = `
import diagnostics from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
const counts = {};
diagnostics.subscribe('undici:request:create', ({ request }) => {
  const kind = /\\/simple\\//.test(request.path) ? 'pages' : /\\.metadata$/.test(request.path) ? 'metadata files' : /range/i.test(String(request.headers)) ? 'wheel ranges' : 'other';
  counts[kind] = (counts[kind] ?? 0) + 1;
});
process.on('exit', () => writeFileSync(process.env.CHAINWATCH_BENCH_REQUESTS, JSON.stringify(counts)));
`;

function describeFailure(measurement: Measurement): string {
  return `exit ${measurement.exitCode}: ${measurement.stderr.trim().split('\n').slice(-2).join(' / ')}`;
}

function row(label: string, ours: Measurement[], peerLabel: string, theirs: Measurement[] | null): string {
  const mine = summarizeRuns(ours);
  const cells = [label, `${formatSpread(mine.seconds)}, ${mine.rss.max.toFixed(0)} MiB`];
  if (theirs === null) return `| ${[...cells, `${peerLabel}: not run`, 'n/a', `≤ ${RATIO_GOAL.toFixed(1)}×`, 'n/a'].join(' | ')} |`;
  const peer = summarizeRuns(theirs);
  const ratio = mine.seconds.median / peer.seconds.median;
  return `| ${[...cells, `${peerLabel} ${formatSpread(peer.seconds)}, ${peer.rss.max.toFixed(0)} MiB`, formatRatio(mine.seconds.median, peer.seconds.median), `≤ ${RATIO_GOAL.toFixed(1)}×`, ratio <= RATIO_GOAL ? 'yes' : 'no'].join(' | ')} |`;
}

export async function runPypiResolveBench(print: (line: string) => void): Promise<void> {
  print(`PyPI graph — ${JUPYTER_PYPI_PRESET.join(' ')} — Python ${PYTHON_VERSION}, ${PYTHON_PLATFORM}, exclude-newer ${EXCLUDE_NEWER}, ${RUNS} runs per side and phase, alternating`);
  const scratch = mkdtempSync(join(tmpdir(), 'chainwatch-pypi-bench-'));
  try {
    const index = resolvePypiIndex((await loadRegistryConfig(systemConfigSources())).pypi);
    const ours = join(scratch, 'chainwatch');
    const uvCache = join(scratch, 'uv-cache');
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of Object.keys(env)) if (/^CHAINWATCH_/.test(name)) delete env[name];
    Object.assign(env, {
      NO_COLOR: '1',
      XDG_CACHE_HOME: join(ours, 'xdg'),
      CHAINWATCH_HTTP_CACHE: join(ours, 'http-cache.sqlite'),
      CHAINWATCH_DB: join(ours, 'advisories.sqlite'),
      CHAINWATCH_GRAPH_DB: join(ours, 'graph.sqlite'),
      CHAINWATCH_GITHUB_CACHE: join(ours, 'github-cache.sqlite'),
    });
    const graphArgs = ['graph', ...JUPYTER_PYPI_PRESET.map((name) => `pkg:pypi/${name}`), '--env', `py${PYTHON_VERSION}-linux`, '--exclude-newer', EXCLUDE_NEWER, '--no-save', '--format', 'json'];
    const empty = (directory: string) => () => {
      rmSync(directory, { recursive: true, force: true });
      mkdirSync(directory, { recursive: true });
    };
    const chainwatch: AlternatingSide = { name: 'chainwatch', command: cli, args: graphArgs, env };

    const uv = findOrInstallUv();
    let uvSide: AlternatingSide | null = null;
    let uvVersion = '';
    if (uv.path) {
      uvVersion = spawnSync(uv.path, ['--version'], { encoding: 'utf8' }).stdout.trim();
      const input = join(scratch, 'requirements.in');
      writeFileSync(input, `${JUPYTER_PYPI_PRESET.join('\n')}\n`);
      const uvArgs = ['pip', 'compile', input, '--python-version', PYTHON_VERSION, '--python-platform', PYTHON_PLATFORM, '--exclude-newer', EXCLUDE_NEWER, '--index-url', index.url, '--no-header', '--no-annotate', '--quiet', '--cache-dir', uvCache];
      uvSide = { name: 'uv', command: uv.path, args: uvArgs, env: { ...process.env, UV_PYTHON_DOWNLOADS: 'never' } };
    }

    print(`${machineLoad()} at the start; chainwatch ${cli}; ${uvSide ? uvVersion : `uv not run: ${uv.why}`}`);
    const cold = alternate(RUNS, [
      { ...chainwatch, prepare: empty(ours) },
      ...(uvSide ? [{ ...uvSide, prepare: empty(uvCache) }] : []),
    ]);
    // Warm: the caches the last cold runs filled (minutes old at most: within chainwatch's 600 s for pages).
    const warm = alternate(RUNS, uvSide ? [chainwatch, uvSide] : [chainwatch]);
    print(`${machineLoad()} at the end of the timed runs`);

    // Every run's resolved set against uv's first cold one.
    const reference = uvSide ? parseCompiledRequirements(cold.get('uv')![0]!.stdout) : null;
    let checked = 0;
    const problems = new Set<string>();
    for (const [phase, results] of [['cold', cold], ['warm', warm]] as const) {
      for (const measurement of results.get('chainwatch')!) {
        const packages = measurement.exitCode === 0 ? parseGraphPackages(measurement.stdout) : null;
        if (packages === null) {
          problems.add(`chainwatch ${phase}: no graph (${describeFailure(measurement)})`);
          continue;
        }
        checked++;
        if (reference) for (const line of compareSets(packages, reference)) problems.add(`${phase}: ${line}`);
      }
      for (const measurement of results.get('uv') ?? []) {
        if (measurement.exitCode !== 0) problems.add(`uv ${phase}: failed (${describeFailure(measurement)})`);
        else if (reference) for (const line of compareSets(parseCompiledRequirements(measurement.stdout), reference)) problems.add(`uv ${phase} differs from uv's first run: ${line}`);
      }
    }

    print('');
    print('| measurement | chainwatch | peer | ratio | goal | met |');
    print('|---|---|---|---|---|---|');
    print(row('`graph` of the 8 Jupyter PyPI roots, cold', cold.get('chainwatch')!, '`uv pip compile`', cold.get('uv') ?? null));
    print(row('same, warm', warm.get('chainwatch')!, 'uv', warm.get('uv') ?? null));
    const peak = Math.max(...[...cold.get('chainwatch')!, ...warm.get('chainwatch')!].map((entry) => entry.peakRssMegabytes));
    print(`| peak RSS of every chainwatch run above | ${peak.toFixed(0)} MiB | — | — | ≤ ${RSS_GOAL_MB} MiB | ${peak <= RSS_GOAL_MB ? 'yes' : 'no'} |`);
    print('');
    if (reference === null) print(`resolved sets: not compared (${uv.why || 'uv failed'}); chainwatch gave a graph in ${checked} of ${RUNS * 2} runs`);
    else if (problems.size === 0) print(`resolved sets: every run equal to uv's (${reference.size} packages; ${checked} chainwatch runs, ${RUNS * 2} uv runs)`);
    else {
      print(`resolved sets: ${problems.size} difference(s) or failure(s):`);
      for (const line of problems) print(`  ${line}`);
    }

    // Profile: the requests of one more (untimed) cold and warm run.
    const counter = join(scratch, 'count-requests.mjs');
    writeFileSync(counter, REQUEST_COUNTER);
    const counted: string[] = [];
    for (const phase of ['cold', 'warm'] as const) {
      if (phase === 'cold') empty(ours)();
      const file = join(scratch, `requests-${phase}.json`);
      const run = measureCommand(process.execPath, ['--import', counter, cli, ...graphArgs], { env: { ...env, CHAINWATCH_BENCH_REQUESTS: file } });
      const counts = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, number>) : {};
      const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
      counted.push(`${phase} ${total}${total > 0 ? ` (${Object.entries(counts).map(([kind, count]) => `${count} ${kind}`).join(', ')})` : ''}${run.exitCode === 0 ? '' : ` [${describeFailure(run)}]`}`);
    }
    print(`profile: chainwatch's HTTP requests per run: ${counted.join('; ')} (other: npm packuments of the labextensions' npm packages)`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
