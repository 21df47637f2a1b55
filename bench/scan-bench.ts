/**
 * Issue 2's benchmark: DB import rate, scan wall time, packages/s and peak RSS
 * for chainwatch and OSV-Scanner on the same inputs and the same records, in
 * the same run. OSV-Scanner is not built here: point OSV_SCANNER_BIN at a
 * binary built from its public source (outside this repository).
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { loadAdvisoryDirectory } from '../src/advisories/load.js';
import type { OsvRecord } from '../src/advisories/types.js';
import { buildInventory } from '../src/inventory/inventory.js';
import { formatRatio, measureCommand, median, seededRandom, type Measurement } from './measure.js';

const repoRoot = resolve(import.meta.dirname, '..');
const shared = resolve(repoRoot, '../shared/data');
const work = resolve(repoRoot, '.bench');
const cli = join(repoRoot, 'bin', 'chainwatch');
const SYNTHETIC_RECORDS = Number(process.env.CHAINWATCH_BENCH_RECORDS ?? 200_000);
const REPEATS = Number(process.env.CHAINWATCH_BENCH_REPEATS ?? 3);

export function findOsvScanner(): { path: string | null; why: string } {
  const candidates = [process.env.OSV_SCANNER_BIN, resolve(repoRoot, '../peers/bin/osv-scanner')].filter((entry): entry is string => Boolean(entry));
  for (const candidate of candidates) if (existsSync(candidate)) return { path: candidate, why: '' };
  const onPath = spawnSync('sh', ['-c', 'command -v osv-scanner'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return { path: onPath, why: '' };
  return {
    path: null,
    why: 'no OSV-Scanner binary: set OSV_SCANNER_BIN to one built from its public source with Go (its modules come from the Go module proxy); this repository does not carry a build recipe for it',
  };
}

/** The scanned inputs: every lockfile fixture and the 12 real projects (jupyterlab's yarn.lock and staging yarn.lock among them). */
export const scanTargets = [join(shared, 'projects'), join(shared, 'lockfiles')];

/** Every ecosystem the scanned inputs contain: OSV-Scanner stops with exit 127 when one has no local database, so each gets a zip (empty if no record names it). */
const SCANNED_OSV_ECOSYSTEMS = ['PyPI', 'npm', 'Debian'];

/**
 * Writes an OSV export zip (`<ID>.json` entries). Python's zipfile writes it: the
 * synthetic export has more than 65,535 entries, which needs ZIP64, and fflate
 * cannot write ZIP64 (the official exports are ZIP64 for the same reason).
 */
function writeExportZip(file: string, records: readonly OsvRecord[]): void {
  const lines = `${file}.jsonl`;
  writeFileSync(lines, records.map((record) => JSON.stringify(record)).join('\n'));
  const script = [
    'import json, sys, zipfile',
    'with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:',
    '    for line in open(sys.argv[1], encoding="utf-8"):',
    '        if line.strip(): z.writestr(json.loads(line)["id"] + ".json", line.strip())',
  ].join('\n');
  const result = spawnSync('python3', ['-c', script, lines, file], { encoding: 'utf8' });
  rmSync(lines, { force: true });
  if (result.status !== 0) throw new Error(`could not write ${file}: ${result.stderr}`);
}

function writeOsvScannerDatabase(directory: string, records: readonly OsvRecord[]): void {
  const byEcosystem = new Map<string, OsvRecord[]>(SCANNED_OSV_ECOSYSTEMS.map((ecosystem) => [ecosystem, []]));
  for (const record of records) {
    const ecosystems = new Set((record.affected ?? []).map((entry) => entry.package?.ecosystem.split(':')[0]).filter(Boolean) as string[]);
    for (const ecosystem of ecosystems) {
      const entries = byEcosystem.get(ecosystem) ?? [];
      entries.push(record);
      byEcosystem.set(ecosystem, entries);
    }
  }
  for (const [ecosystem, entries] of byEcosystem) {
    const folder = join(directory, 'osv-scalibr', ecosystem);
    mkdirSync(folder, { recursive: true });
    writeExportZip(join(folder, 'all.zip'), entries);
  }
}

/** PEP 440 release → a SemVer-valid version with the same leading numbers. */
function toSemver(version: string, bump: number): string {
  const numbers = version.match(/\d+/g)?.map(Number) ?? [0];
  return `${numbers[0] ?? 0}.${(numbers[1] ?? 0) + bump}.${numbers[2] ?? 0}`;
}

/**
 * ≥200k records made from the real ones: same text sizes and range shapes,
 * new ids (no alias overlaps), names varied, and a quarter of them aimed at
 * packages that the scanned lockfiles really contain so matching is exercised.
 */
export function synthesizeRecords(real: readonly OsvRecord[], targetNames: { PyPI: string[]; npm: string[] }, count: number): OsvRecord[] {
  const random = seededRandom(20261122);
  const out: OsvRecord[] = [];
  for (let index = 0; index < count; index += 1) {
    const base = real[index % real.length]!;
    const ecosystem = index % 2 === 0 ? 'PyPI' : 'npm';
    const pool = targetNames[ecosystem];
    const aimed = random() < 0.25 && pool.length > 0;
    const bump = Math.floor(random() * 3);
    const mapVersion = (version: string | undefined): string | undefined =>
      version === undefined || version === '0' ? version : ecosystem === 'npm' ? toSemver(version, bump) : version;
    out.push({
      ...base,
      id: `CWSYN-${String(index).padStart(7, '0')}`,
      aliases: [],
      affected: (base.affected ?? []).map((entry) => {
        const name = aimed ? pool[Math.floor(random() * pool.length)]! : `${entry.package?.name ?? 'pkg'}-syn${index}`;
        return {
          ...entry,
          package: { ecosystem, name },
          ranges: (entry.ranges ?? []).map((range) => ({
            ...range,
            type: ecosystem === 'npm' ? 'SEMVER' : range.type,
            events: range.events.map((event) => ({
              ...(event.introduced !== undefined ? { introduced: mapVersion(event.introduced)! } : {}),
              ...(event.fixed !== undefined ? { fixed: mapVersion(event.fixed)! } : {}),
              ...(event.last_affected !== undefined ? { last_affected: mapVersion(event.last_affected)! } : {}),
              ...(event.limit !== undefined ? { limit: mapVersion(event.limit)! } : {}),
            })),
          })),
          ...(entry.versions ? { versions: entry.versions.map((version) => mapVersion(version)!) } : {}),
        };
      }),
    });
  }
  return out;
}

interface ScanRun {
  label: string;
  measurements: Measurement[];
  packages?: number;
  findings?: Map<string, Set<string>>;
}

interface ChainwatchResult {
  packages: number;
  findings: Map<string, Set<string>>;
  /** Where each finding's package was declared (package key → paths). */
  paths: Map<string, Set<string>>;
  /** Names that chainwatch listed as not scannable (unpinned requirement lines...). */
  notScannable: Set<string>;
}

function normalizedKey(ecosystem: string, name: string, version: string): string {
  return `${ecosystem.split(':')[0]} ${name.toLowerCase().replace(/[-_.]+/g, '-')} ${version}`;
}

function chainwatchFindings(stdout: string): ChainwatchResult {
  const document = JSON.parse(stdout) as {
    packages: unknown[];
    findings: { package: { ecosystem: string; name: string; version: string }; ids: string[]; locations: { path: string }[] }[];
    notScannable: { name: string }[];
  };
  const findings = new Map<string, Set<string>>();
  const paths = new Map<string, Set<string>>();
  for (const finding of document.findings) {
    const key = normalizedKey(finding.package.ecosystem, finding.package.name, finding.package.version);
    const set = findings.get(key) ?? new Set<string>();
    for (const id of finding.ids) set.add(id);
    findings.set(key, set);
    const where = paths.get(key) ?? new Set<string>();
    for (const location of finding.locations) where.add(resolve(location.path));
    paths.set(key, where);
  }
  const notScannable = new Set(document.notScannable.map((entry) => entry.name.toLowerCase().replace(/[-_.]+/g, '-')));
  return { packages: document.packages.length, findings, paths, notScannable };
}

interface PeerResult {
  findings: Map<string, Set<string>>;
  /** Every lockfile OSV-Scanner read. */
  sources: Set<string>;
}

function osvScannerFindings(stdout: string): PeerResult {
  const findings = new Map<string, Set<string>>();
  const sources = new Set<string>();
  if (!stdout.trim()) return { findings, sources };
  const document = JSON.parse(stdout) as {
    results?: {
      source?: { path?: string };
      packages?: { package: { name: string; version: string; ecosystem: string }; vulnerabilities?: { id: string }[] }[];
    }[];
  };
  for (const result of document.results ?? []) {
    if (result.source?.path) sources.add(resolve(result.source.path));
    for (const entry of result.packages ?? []) {
      const key = normalizedKey(entry.package.ecosystem, entry.package.name, entry.package.version);
      const set = findings.get(key) ?? new Set<string>();
      for (const vulnerability of entry.vulnerabilities ?? []) set.add(vulnerability.id);
      if (set.size > 0) findings.set(key, set);
    }
  }
  return { findings, sources };
}

/** Why the two tools disagree on one package version, when the cause is one we have looked into (bench/RESULTS.md). */
function explain(side: 'peer' | 'ours', key: string, ours: ChainwatchResult, peer: PeerResult): string {
  const [ecosystem, name, version] = key.split(' ') as [string, string, string];
  if (side === 'peer' && version === '0.0.0-use.local') {
    return 'a Yarn workspace (the project itself, not an installed package): chainwatch skips workspaces';
  }
  if (side === 'peer' && ecosystem === 'PyPI' && ours.notScannable.has(name)) {
    return 'an unpinned requirement: OSV-Scanner takes the lower bound of the range as the installed version; chainwatch lists it as not scannable';
  }
  if (side === 'ours') {
    const unread = [...(ours.paths.get(key) ?? [])].filter((path) => !peer.sources.has(path));
    if (unread.length > 0) return `declared in a file OSV-Scanner does not read: ${unread.map((path) => path.replace(/.*\/shared\/data\//, '')).join(', ')}`;
  }
  return 'not yet explained';
}

/** Differences between the two tools' (package version → advisory) sets, both ways, each with its explanation. */
export function compareFindings(ours: ChainwatchResult, peer: PeerResult): { line: string; reason: string }[] {
  const differences: { line: string; reason: string }[] = [];
  for (const [key, ids] of peer.findings) {
    const mine = ours.findings.get(key) ?? new Set<string>();
    const missing = [...ids].filter((id) => !mine.has(id));
    if (missing.length > 0) differences.push({ line: `only OSV-Scanner: ${key}: ${missing.join(', ')}`, reason: explain('peer', key, ours, peer) });
  }
  for (const [key, ids] of ours.findings) {
    const theirs = peer.findings.get(key);
    if (!theirs || ![...ids].some((id) => theirs.has(id))) {
      differences.push({ line: `only chainwatch: ${key}: ${[...ids].join(', ')}`, reason: explain('ours', key, ours, peer) });
    }
  }
  return differences;
}

function printDifferences(print: (line: string) => void, differences: { line: string; reason: string }[]): void {
  if (differences.length === 0) {
    print('  findings: the same package versions and advisory ids');
    return;
  }
  const byReason = new Map<string, string[]>();
  for (const difference of differences) byReason.set(difference.reason, [...(byReason.get(difference.reason) ?? []), difference.line]);
  print(`  findings differ on ${differences.length} package versions:`);
  for (const [reason, lines] of byReason) {
    print(`    ${lines.length} × ${reason}`);
    for (const line of lines.slice(0, 3)) print(`      ${line.length > 160 ? `${line.slice(0, 157)}...` : line}`);
    if (lines.length > 3) print(`      … ${lines.length - 3} more`);
  }
}

function summarize(run: ScanRun): { seconds: number; rss: number } {
  return { seconds: median(run.measurements.map((m) => m.seconds)), rss: Math.max(...run.measurements.map((m) => m.peakRssMegabytes)) };
}

export async function runScanBench(print: (line: string) => void): Promise<void> {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  print('## Scan benchmark (issue 2)');
  const loaded = await loadAdvisoryDirectory(join(shared, 'osv'));
  const real = loaded.records;
  print(`real records: ${real.length} (from ../shared/data/osv; ${loaded.errors.length} unreadable)`);

  const inventory = await buildInventory(scanTargets);
  const names = {
    PyPI: [...new Set(inventory.packages.filter((p) => p.ecosystem === 'PyPI').map((p) => p.name))],
    npm: [...new Set(inventory.packages.filter((p) => p.ecosystem === 'npm').map((p) => p.name))],
  };
  print(`scan inputs: ${inventory.files.length} files, ${inventory.packages.length} distinct package versions (${names.PyPI.length} PyPI and ${names.npm.length} npm names)`);

  const synthetic = synthesizeRecords(real, names, SYNTHETIC_RECORDS);
  const syntheticAll = [...real, ...synthetic];
  writeExportZip(join(work, 'real.zip'), real);
  writeExportZip(join(work, 'synthetic.zip'), syntheticAll);
  writeOsvScannerDatabase(join(work, 'osv-real'), real);
  writeOsvScannerDatabase(join(work, 'osv-synthetic'), syntheticAll);

  const env = { ...process.env, CI: '1' };
  const importRows: string[] = [];
  for (const [label, zip, count] of [['real', 'real.zip', real.length], ['synthetic', 'synthetic.zip', syntheticAll.length]] as const) {
    const db = join(work, `${label}.sqlite`);
    const measurement = measureCommand(cli, ['db', 'import', '--db', db, join(work, zip)], { env });
    if (measurement.exitCode !== 0) print(`  import ${label} exited ${measurement.exitCode}: ${measurement.stderr.slice(0, 300)}`);
    importRows.push(
      `  ${label.padEnd(10)} ${String(count).padStart(7)} records  ${measurement.seconds.toFixed(2)} s  ${Math.round(count / measurement.seconds).toLocaleString('en')} records/s  peak RSS ${measurement.peakRssMegabytes.toFixed(0)} MB`,
    );
  }
  print('DB import (`chainwatch db import` of an OSV export zip, end to end: unzip, validate, index, commit):');
  for (const row of importRows) print(row);

  const peer = findOsvScanner();
  if (!peer.path) print(`OSV-Scanner: not run: ${peer.why}`);
  for (const label of ['real', 'synthetic'] as const) {
    const ours: ScanRun = { label: 'chainwatch', measurements: [] };
    const theirs: ScanRun = { label: 'osv-scanner', measurements: [] };
    for (let repeat = 0; repeat < REPEATS; repeat += 1) {
      const mine = measureCommand(cli, ['scan', '--db', join(work, `${label}.sqlite`), '--format', 'json', ...scanTargets], { env });
      ours.measurements.push(mine);
      // A peer run of over 30 s is not repeated: the bench must finish in minutes, and one such run already dwarfs the noise.
      const peerTooSlow = theirs.measurements.some((m) => m.seconds > 30);
      if (peer.path && !peerTooSlow) {
        theirs.measurements.push(
          measureCommand(peer.path, ['scan', 'source', '-r', '--offline', '--local-db-path', join(work, `osv-${label}`), '--format', 'json', ...scanTargets], { env }),
        );
      }
    }
    const parsed = chainwatchFindings(ours.measurements[0]!.stdout);
    const mine = summarize(ours);
    print(`scan against the ${label} records (${label === 'real' ? real.length : syntheticAll.length}), median of ${REPEATS} (OSV-Scanner: ${theirs.measurements.length} run${theirs.measurements.length === 1 ? '' : 's'}):`);
    print(
      `  chainwatch   ${mine.seconds.toFixed(2)} s  ${Math.round(parsed.packages / mine.seconds).toLocaleString('en')} packages/s  peak RSS ${mine.rss.toFixed(0)} MB  (${parsed.packages} packages, ${[...parsed.findings.values()].reduce((n, s) => n + s.size, 0)} advisory ids on ${parsed.findings.size} package versions; exit ${ours.measurements[0]!.exitCode})`,
    );
    if (peer.path && theirs.measurements.length > 0) {
      const peerSummary = summarize(theirs);
      const peerFindings = osvScannerFindings(theirs.measurements[0]!.stdout);
      print(
        `  osv-scanner  ${peerSummary.seconds.toFixed(2)} s  peak RSS ${peerSummary.rss.toFixed(0)} MB  (${[...peerFindings.findings.values()].reduce((n, s) => n + s.size, 0)} advisories on ${peerFindings.findings.size} package versions; exit ${theirs.measurements[0]!.exitCode})`,
      );
      print(`  wall-time ratio chainwatch/osv-scanner: ${formatRatio(mine.seconds, peerSummary.seconds)} (goal ≤ 0.50×); RSS ratio ${formatRatio(mine.rss, peerSummary.rss)}`);
      printDifferences(print, compareFindings(parsed, peerFindings));
    }
  }
}
