/**
 * Issue 3's npm benchmark: chainwatch's npm resolver against
 * `npm install --package-lock-only` for the Jupyter preset's npm roots, in the
 * same run, with the same `--before` cut-off (so both see one registry
 * snapshot):
 *   - cold: empty caches (npm: a fresh `--cache` directory; chainwatch: a
 *     fresh HTTP cache file);
 *   - warm: the caches the cold runs filled, reused without asking the
 *     registry (npm `--prefer-offline`, chainwatch `prefer-cache`), since the
 *     configured mirror sends no validators to revalidate against;
 * wall times, the ratio, packument requests, whether the installed sets are
 * equal (by install location and as name@version sets), every difference;
 * then the four roots of the comparison (each alone and all together).
 *
 * The registry is the one npm is configured with (src/ecosystems/npm/config.ts);
 * nothing is written inside the repository. chainwatch is timed in-process
 * (the library call); npm as a process, as users run it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPreset } from '../src/config/config.js';
import { systemConfigSources } from '../src/ecosystems/config-sources.js';
import { loadNpmConfig, resolveNpmRegistry } from '../src/ecosystems/npm/config.js';
import { createNpmRegistry } from '../src/ecosystems/npm/registry.js';
import { installedSet, resolveNpm, type NpmResolution } from '../src/graph/npm/resolve.js';
import { createHttpClient } from '../src/http/client.js';
import { formatRatio, measureCommand } from './measure.js';
import { openHttpCache } from '../src/store/http-cache.js';

/** A cut-off at which every version the preset needs is on this machine's mirror (see src/graph/npm/readme.md). */
const DEFAULT_BEFORE = '2026-10-15T00:00:00.000Z';
const COMPARISON_ROOTS = ['@jupyterlab/application', '@jupyterlab/services', '@jupyter-widgets/base', '@lumino/widgets'];

interface LockView {
  /** install location → name@version */
  byLocation: Map<string, string>;
  set: string[];
}

interface NpmRun {
  seconds: number;
  exitCode: number;
  requests: number;
  lock: LockView | null;
  error: string;
}

function lockView(entries: Iterable<[string, string]>): LockView {
  const byLocation = new Map(entries);
  return { byLocation, set: [...new Set(byLocation.values())].sort() };
}

function resolutionView(resolution: NpmResolution): LockView {
  const view = lockView(resolution.packages.map((entry) => [entry.location, `${entry.packageName}@${entry.version}`]));
  return { ...view, set: installedSet(resolution) };
}

function runNpm(directory: string, dependencies: Record<string, string>, before: string, cache: string, preferOffline: boolean): NpmRun {
  mkdirSync(directory, { recursive: true });
  rmSync(join(directory, 'package-lock.json'), { force: true });
  writeFileSync(join(directory, 'package.json'), JSON.stringify({ name: 'chainwatch-bench', version: '0.0.0', private: true, dependencies }));
  const args = ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=http', `--before=${before}`, '--cache', cache];
  if (preferOffline) args.push('--prefer-offline');
  const measured = measureCommand('npm', args, { cwd: directory });
  // npm logs one `http fetch GET <status> <url> <ms> (cache ...)` line per request; cache hits say so.
  const fetches = measured.stderr.split('\n').filter((line) => /\bhttp fetch GET\b/.test(line));
  const requests = fetches.filter((line) => !/\(cache (hit|stale)\)/.test(line)).length;
  let lock: LockView | null = null;
  if (measured.exitCode === 0) {
    const parsed = JSON.parse(readFileSync(join(directory, 'package-lock.json'), 'utf8')) as { packages: Record<string, { name?: string; version?: string }> };
    lock = lockView(
      Object.entries(parsed.packages)
        .filter(([location]) => location !== '')
        .map(([location, entry]) => [location, `${entry.name ?? location.slice(location.lastIndexOf('node_modules/') + 13)}@${entry.version}`]),
    );
  }
  const error = measured.exitCode === 0 ? '' : (/npm error (code \w+|notarget .*)/.exec(measured.stderr)?.[0] ?? `exit ${measured.exitCode}`);
  return { seconds: measured.seconds, exitCode: measured.exitCode, requests, lock, error };
}

/** Every location where the two trees differ, and the name@version set differences. */
export function compareLocks(ours: LockView, npm: LockView): { equal: boolean; setsEqual: boolean; lines: string[] } {
  const lines: string[] = [];
  for (const [location, npmPackage] of npm.byLocation) {
    const ourPackage = ours.byLocation.get(location);
    if (ourPackage !== npmPackage) lines.push(`${location}: npm ${npmPackage}, chainwatch ${ourPackage ?? '(none)'}`);
  }
  for (const [location, ourPackage] of ours.byLocation) {
    if (!npm.byLocation.has(location)) lines.push(`${location}: npm (none), chainwatch ${ourPackage}`);
  }
  const npmSet = new Set(npm.set);
  const ourSet = new Set(ours.set);
  const onlyNpm = npm.set.filter((entry) => !ourSet.has(entry));
  const onlyOurs = ours.set.filter((entry) => !npmSet.has(entry));
  if (onlyNpm.length > 0) lines.push(`only npm installs: ${onlyNpm.join(', ')}`);
  if (onlyOurs.length > 0) lines.push(`only chainwatch installs: ${onlyOurs.join(', ')}`);
  return { equal: lines.length === 0, setsEqual: onlyNpm.length === 0 && onlyOurs.length === 0, lines };
}

async function resolveWithChainwatch(
  roots: readonly string[],
  options: { cachePath: string; cache: 'revalidate' | 'prefer-cache'; before: string; npmVersion: string; resolveRegistry: (name: string) => { url: string; authorization?: string } },
): Promise<{ seconds: number; requests: number; cacheHits: number; megabytes: number; resolution: NpmResolution }> {
  const http = createHttpClient({ openCache: () => openHttpCache(options.cachePath) });
  try {
    const registry = createNpmRegistry({ http, resolveRegistry: options.resolveRegistry, cache: options.cache });
    const started = performance.now();
    const resolution = await resolveNpm(
      roots.map((name) => ({ name })),
      { registry, before: new Date(options.before), npmVersion: options.npmVersion },
    );
    const seconds = (performance.now() - started) / 1000;
    const stats = http.stats();
    return { seconds, requests: stats.requests, cacheHits: stats.cacheHits, megabytes: stats.bytes / 1e6, resolution };
  } finally {
    await http.close();
  }
}

function presetNpmRoots(): string[] {
  const preset = loadPreset('jupyter');
  if (!preset.ok) return COMPARISON_ROOTS;
  const roots = preset.value.roots.filter((root) => root.ecosystem === 'npm' && root.version === null).map((root) => root.name);
  return roots.length > 0 ? roots : COMPARISON_ROOTS;
}

export async function runNpmResolveBench(print: (line: string) => void): Promise<void> {
  print('');
  print('== npm resolution: chainwatch vs npm install --package-lock-only ==');
  const npmVersion = spawnSync('npm', ['--version'], { encoding: 'utf8' });
  if (npmVersion.status !== 0) {
    print('skipped: npm is not on PATH');
    return;
  }
  const before = process.env.CHAINWATCH_BENCH_NPM_BEFORE ?? DEFAULT_BEFORE;
  const version = npmVersion.stdout.trim();
  const config = await loadNpmConfig(systemConfigSources());
  const resolveRegistry = (name: string): { url: string; authorization?: string } => resolveNpmRegistry(name, config);
  const roots = presetNpmRoots();
  const dependencies = Object.fromEntries(roots.map((name) => [name, '*']));
  const work = mkdtempSync(join(tmpdir(), 'chainwatch-npm-bench-'));
  print(`roots (jupyter preset, npm): ${roots.join(' ')}`);
  print(`cut-off --before ${before}; npm ${version}; node ${process.version}`);

  try {
    const npmCache = join(work, 'npm-cache');
    const cachePath = join(work, 'chainwatch-http-cache.sqlite');
    const npmCold = runNpm(join(work, 'npm'), dependencies, before, npmCache, false);
    const oursCold = await resolveWithChainwatch(roots, { cachePath, cache: 'revalidate', before, npmVersion: version, resolveRegistry });
    const npmWarm = runNpm(join(work, 'npm'), dependencies, before, npmCache, true);
    const oursWarm = await resolveWithChainwatch(roots, { cachePath, cache: 'prefer-cache', before, npmVersion: version, resolveRegistry });

    const row = (label: string, seconds: number, detail: string): void => print(`${label.padEnd(34)} ${seconds.toFixed(2).padStart(7)} s  ${detail}`);
    row('npm cold (empty --cache)', npmCold.seconds, `${npmCold.requests} requests${npmCold.error ? `, FAILED: ${npmCold.error}` : ''}`);
    row('chainwatch cold (empty HTTP cache)', oursCold.seconds, `${oursCold.requests} requests, ${oursCold.megabytes.toFixed(1)} MB, ${oursCold.resolution.packages.length} packages`);
    row('npm warm (--prefer-offline)', npmWarm.seconds, `${npmWarm.requests} requests${npmWarm.error ? `, FAILED: ${npmWarm.error}` : ''}`);
    row('chainwatch warm (prefer-cache)', oursWarm.seconds, `${oursWarm.requests} requests, ${oursWarm.cacheHits} from cache`);
    print(`ratio cold chainwatch/npm: ${formatRatio(oursCold.seconds, npmCold.seconds)} (goal ≤ 1.00×); warm chainwatch/npm: ${formatRatio(oursWarm.seconds, npmWarm.seconds)}; warm chainwatch ${oursWarm.seconds.toFixed(2)} s (goal ≤ 0.50 s)`);

    for (const [label, ours] of [['cold', oursCold], ['warm', oursWarm]] as const) {
      if (!npmCold.lock) {
        print(`${label}: npm wrote no lockfile (${npmCold.error}); chainwatch failures: ${ours.resolution.failures.map((failure) => `${failure.name}@${failure.spec} (${failure.reason})`).join('; ') || 'none'}`);
        continue;
      }
      const comparison = compareLocks(resolutionView(ours.resolution), npmCold.lock);
      print(`${label}: ${ours.resolution.packages.length} vs npm ${npmCold.lock.byLocation.size} packages; same tree: ${comparison.equal ? 'yes' : 'no'}; same name@version set: ${comparison.setsEqual ? 'yes' : 'no'}`);
      for (const line of comparison.lines) print(`  ${line}`);
      for (const note of [...ours.resolution.peerConflicts, ...ours.resolution.unsupported]) print(`  note: ${note}`);
    }

    print('comparison roots (warm caches; each alone, then together):');
    const cases: string[][] = [...COMPARISON_ROOTS.map((root) => [root]), COMPARISON_ROOTS];
    for (const [index, caseRoots] of cases.entries()) {
      const npmRun = runNpm(join(work, `case-${index}`), Object.fromEntries(caseRoots.map((name) => [name, '*'])), before, npmCache, true);
      const ours = await resolveWithChainwatch(caseRoots, { cachePath, cache: 'prefer-cache', before, npmVersion: version, resolveRegistry });
      const label = caseRoots.length === 1 ? caseRoots[0]! : 'all four';
      if (!npmRun.lock) {
        print(`  ${label}: npm failed (${npmRun.error})`);
        continue;
      }
      const comparison = compareLocks(resolutionView(ours.resolution), npmRun.lock);
      print(`  ${label}: ${ours.resolution.packages.length} packages; same tree as npm: ${comparison.equal ? 'yes' : 'no'}; same set: ${comparison.setsEqual ? 'yes' : 'no'}`);
      for (const line of comparison.lines) print(`    ${line}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
