/**
 * Issue 3's PyPI benchmark: cold and warm resolution of the Jupyter preset
 * (the 8 packages issue 3 compares) by chainwatch's resolver and by
 * `uv pip compile`, in the same run, for the same Python version, platform
 * and `--exclude-newer` cut-off: wall times, their ratio, request counts and
 * whether the two resolved sets are equal (every difference listed).
 *
 * uv is taken from CHAINWATCH_UV, else from PATH, else installed with pip into
 * a temporary virtual environment (outside the repository); if none of that
 * works the uv half is skipped and the reason printed.
 *
 * chainwatch is timed in-process (no Node start-up); uv as a process (its
 * start-up is a few milliseconds). uv runs with UV_PYTHON_DOWNLOADS=never:
 * without a CPython of the requested version on the machine it would
 * otherwise try (and here fail, with retries) to download one on every run,
 * which has nothing to do with resolving; it then resolves with the
 * interpreter it finds, markers and tags still from --python-version and
 * --python-platform. Cold = an empty HTTP cache for both;
 * warm = the caches the cold run filled (chainwatch: the HTTP cache and the
 * resolver's summary store of parsed pages and dependencies; uv: its cache
 * directory). chainwatch trusts stored pages for 600 s (maxAgeMs), the
 * Cache-Control max-age PyPI itself sends and uv honours; an index that sends
 * no caching headers at all (as the one on this machine) makes uv fetch every
 * page again on each run, which is why its warm time is close to its cold one.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolvePypiIndex } from '../src/ecosystems/pypi/config.js';
import { loadRegistryConfig } from '../src/ecosystems/registry-config.js';
import { cpythonEnvironment } from '../src/ecosystems/pypi/environment.js';
import { createPypiRegistry } from '../src/ecosystems/pypi/registry.js';
import { createRegistryIndex } from '../src/graph/pypi/registry-index.js';
import { openSummaryStore } from '../src/store/pypi-summary-store.js';
import { resolvePypi, type PypiResolution } from '../src/graph/pypi/resolve.js';
import { createHttpClient } from '../src/http/client.js';
import type { HttpStats } from '../src/http/types.js';
import { formatRatio, measureCommand } from './measure.js';
import { openHttpCache } from '../src/store/http-cache.js';

/** The Jupyter packages issue 3 resolves against uv. */
export const JUPYTER_PYPI_PRESET = ['jupyterlab', 'notebook', 'jupyterhub', 'jupyter-server', 'voila', 'ipywidgets', 'nbconvert', 'ipykernel'] as const;

const PYTHON_VERSION = process.env.CHAINWATCH_BENCH_PYTHON ?? '3.12';
const PYTHON_PLATFORM = 'x86_64-unknown-linux-gnu';
/** A fixed snapshot of the index, so both tools see the same files on every run. */
const EXCLUDE_NEWER = process.env.CHAINWATCH_BENCH_EXCLUDE_NEWER ?? '2026-01-01T00:00:00Z';
const UV_MAX_AGE_MS = 600_000;

interface UvBinary {
  path: string | null;
  why: string;
}

/** uv from CHAINWATCH_UV, PATH, or a pip install into a temporary venv. */
export function findOrInstallUv(scratch: string): UvBinary {
  const configured = process.env.CHAINWATCH_UV;
  if (configured && existsSync(configured)) return { path: configured, why: '' };
  const onPath = spawnSync('sh', ['-c', 'command -v uv'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return { path: onPath, why: '' };
  const venv = join(scratch, 'uv-venv');
  const created = spawnSync('python3', ['-m', 'venv', venv], { encoding: 'utf8' });
  if (created.status !== 0) return { path: null, why: `python3 -m venv failed: ${(created.stderr || created.stdout).trim().split('\n').at(-1) ?? ''}` };
  const installed = spawnSync(join(venv, 'bin', 'pip'), ['install', '--quiet', 'uv'], { encoding: 'utf8' });
  const binary = join(venv, 'bin', 'uv');
  if (installed.status !== 0 || !existsSync(binary)) {
    return { path: null, why: `pip install uv failed: ${(installed.stderr || installed.stdout).trim().split('\n').at(-1) ?? ''}` };
  }
  return { path: binary, why: '' };
}

/** `name==version` lines of `uv pip compile` output, names normalised. */
export function parseCompiledRequirements(text: string): Map<string, string> {
  const pins = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)/.exec(line.trim());
    if (match) pins.set(match[1]!.replace(/[-_.]+/g, '-').toLowerCase(), match[2]!);
  }
  return pins;
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

interface OurRun {
  seconds: number;
  /** CPU time of this process during the resolution (wall time also counts other processes' load). */
  cpuSeconds: number;
  stats: HttpStats;
  resolution: PypiResolution;
}

async function resolveOurs(cachePath: string, storePath: string, maxAgeMs: number): Promise<OurRun> {
  const config = await loadRegistryConfig();
  const endpoint = resolvePypiIndex(config.pypi);
  const environment = cpythonEnvironment(PYTHON_VERSION, 'linux', 'x86_64');
  if (!environment.ok) throw environment.error;
  const http = createHttpClient({ openCache: () => openHttpCache(cachePath), maxAgeMs });
  const store = openSummaryStore(storePath);
  try {
    const registry = createPypiRegistry({ http, indexUrl: endpoint.url, ...(endpoint.authorization ? { authorization: endpoint.authorization } : {}) });
    const started = performance.now();
    const cpu = process.cpuUsage();
    const resolution = await resolvePypi(
      JUPYTER_PYPI_PRESET.map((name) => ({ name })),
      {
        index: createRegistryIndex(registry, { store, maxAgeMs, pages: { http, ...(endpoint.authorization ? { authorization: endpoint.authorization } : {}) } }),
        environment: environment.value,
        excludeNewer: EXCLUDE_NEWER,
      },
    );
    const used = process.cpuUsage(cpu);
    return { seconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6, stats: http.stats(), resolution };
  } finally {
    store.close();
    await http.close();
  }
}

interface UvRun {
  seconds: number;
  /** user + system CPU of uv and its threads, when GNU time is there to tell. */
  cpuSeconds: number | null;
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs uv under GNU time for wall and CPU seconds (measure.ts reports wall and memory only). */
function runUv(uv: string, input: string, cacheDir: string): UvRun {
  const args = [
    'pip',
    'compile',
    input,
    '--python-version',
    PYTHON_VERSION,
    '--python-platform',
    PYTHON_PLATFORM,
    '--exclude-newer',
    EXCLUDE_NEWER,
    '--no-header',
    '--no-annotate',
    '--quiet',
    '--cache-dir',
    cacheDir,
  ];
  const env = { ...process.env, UV_PYTHON_DOWNLOADS: 'never' };
  if (!existsSync('/usr/bin/time')) {
    const measured = measureCommand(uv, args, { env });
    return { ...measured, cpuSeconds: null };
  }
  const marker = '__CHAINWATCH_UV_CPU__';
  const started = performance.now();
  const result = spawnSync('/usr/bin/time', ['-f', `${marker} %U %S`, uv, ...args], { env, encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = (performance.now() - started) / 1000;
  const lines = (result.stderr ?? '').split('\n');
  const timing = lines.find((line) => line.startsWith(marker))?.split(' ');
  const cpuSeconds = timing ? Number(timing[1]) + Number(timing[2]) : null;
  return { seconds, cpuSeconds, exitCode: result.status ?? -1, stdout: result.stdout ?? '', stderr: lines.filter((line) => !line.startsWith(marker)).join('\n') };
}

function cpu(value: number | null): string {
  return value === null ? 'CPU n/a' : `CPU ${seconds(value)}`;
}

function seconds(value: number): string {
  return `${value.toFixed(2)} s`;
}

function requests(stats: HttpStats): string {
  return `${stats.requests} requests (${stats.cacheHits} from cache, ${(stats.bytes / 1e6).toFixed(1)} MB)`;
}

export async function runPypiResolveBench(print: (line: string) => void): Promise<void> {
  print('');
  print(`PyPI resolution — ${JUPYTER_PYPI_PRESET.join(' ')} — Python ${PYTHON_VERSION}, ${PYTHON_PLATFORM}, exclude-newer ${EXCLUDE_NEWER}`);
  const scratch = mkdtempSync(join(tmpdir(), 'chainwatch-pypi-bench-'));
  try {
    const cachePath = join(scratch, 'http-cache.sqlite');
    const storePath = join(scratch, 'pypi-summaries.sqlite');
    const cold = await resolveOurs(cachePath, storePath, 0);
    const warm = await resolveOurs(cachePath, storePath, UV_MAX_AGE_MS);
    print(`  load average ${loadavg().map((load) => load.toFixed(1)).join(' ')} on ${availableParallelism()} cores`);
    print(`  chainwatch cold: ${seconds(cold.seconds)} (CPU ${seconds(cold.cpuSeconds)}), ${requests(cold.stats)}, ${cold.resolution.packages.length} packages`);
    print(`  chainwatch warm: ${seconds(warm.seconds)} (CPU ${seconds(warm.cpuSeconds)}), ${requests(warm.stats)} (goal ≤ 0.50 s)`);
    for (const item of cold.resolution.unknown) print(`  unknown: ${item.name}${item.version ? ` ${item.version}` : ''}: ${item.reason}`);

    const uv = findOrInstallUv(scratch);
    if (!uv.path) {
      print(`  uv: not run — ${uv.why}`);
      return;
    }
    const version = spawnSync(uv.path, ['--version'], { encoding: 'utf8' }).stdout.trim();
    const input = join(scratch, 'requirements.in');
    writeFileSync(input, `${JUPYTER_PYPI_PRESET.join('\n')}\n`);
    const uvCache = join(scratch, 'uv-cache');
    const uvCold = runUv(uv.path, input, uvCache);
    const uvWarm = runUv(uv.path, input, uvCache);
    if (uvCold.exitCode !== 0) {
      print(`  ${version}: failed (exit ${uvCold.exitCode}): ${uvCold.stderr.trim().split('\n').slice(-3).join(' / ')}`);
      return;
    }
    print(`  ${version} cold: ${seconds(uvCold.seconds)} (${cpu(uvCold.cpuSeconds)}); warm: ${seconds(uvWarm.seconds)} (${cpu(uvWarm.cpuSeconds)}) (uv reports no request count; it follows the index's caching headers)`);
    print(`  ratio chainwatch/uv: cold ${formatRatio(cold.seconds, uvCold.seconds)} (goal ≤ 1.00×), warm ${formatRatio(warm.seconds, uvWarm.seconds)}`);
    if (uvCold.cpuSeconds !== null) print(`  CPU ratio chainwatch/uv: cold ${formatRatio(cold.cpuSeconds, uvCold.cpuSeconds)}, warm ${formatRatio(warm.cpuSeconds, uvWarm.cpuSeconds ?? Number.NaN)}`);
    const ours = new Map(cold.resolution.packages.map((found) => [found.name, found.version]));
    const theirs = parseCompiledRequirements(uvCold.stdout);
    const differences = compareSets(ours, theirs);
    if (differences.length === 0) print(`  resolved sets: equal (${ours.size} packages)`);
    else {
      print(`  resolved sets: ${differences.length} difference(s)`);
      for (const line of differences) print(`    ${line}`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
