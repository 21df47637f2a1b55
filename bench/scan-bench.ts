/**
 * Issue 12's start-up and scan rows, `npm run bench -- scan`: whole-process
 * wall time and peak RSS of the built CLI (`bin/chainwatch`), each row run
 * alternately with its peer (measure.ts `alternate`), as median, min and max,
 * with the machine's load:
 *
 *   1. `scan` of an empty directory, against `node -e 0` (goal ≤ 1.5×);
 *   2. `scan` of jupyterlab's yarn.lock with the shared real records
 *      (../shared/data/osv, `db import`ed), against OSV-Scanner `--offline`
 *      on the same records (goal ≤ 1.0×);
 *   3. `scan` of the shared projects tree, same records and peer (≤ 1.0×);
 *   4. `scan` of the yarn.lock against ~220k records (the real ones and
 *      synthesizeRecords'), against OSV-Scanner on the same records: keep
 *      far below it (≤ 0.10×), and peak RSS ≤ 400 MiB.
 *
 * Both tools read the same records: chainwatch from `chainwatch db import`
 * (outside the timing), OSV-Scanner `--offline --local-db-path` from the same
 * records as `osv-scalibr/<ECOSYSTEM>/all.zip`. The findings of every compared
 * run are checked in the same run: equal, or every difference explained.
 *
 * OSV-Scanner comes from OSV_SCANNER_BIN, ../peers/osv-scanner or PATH (build
 * it from its public source with Go: `go build -o ../peers/osv-scanner
 * ./cmd/osv-scanner`); without it, rows 2–4 measure chainwatch alone and say so.
 * Inputs and databases are kept in bench/.cache/scan/ (gitignored) and made
 * again when the record counts change or CHAINWATCH_BENCH_REBUILD=1.
 * CHAINWATCH_BENCH_RUNS (default 7) runs per side for rows 1–3, and
 * CHAINWATCH_BENCH_BIG_RUNS (default 3) of chainwatch for row 4, where
 * OSV-Scanner (about a minute a run) runs CHAINWATCH_BENCH_PEER_BIG_RUNS
 * (default 1) times, paired with chainwatch's first run(s).
 * CHAINWATCH_BENCH_NODE22, a Node ≥ 22.1 binary, adds row 1 under that Node
 * with its module compile cache (Node 20 has none).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { loadAdvisoryDirectory } from '../src/advisories/load.js';
import type { OsvRecord } from '../src/advisories/types.js';
import { buildInventory } from '../src/inventory/inventory.js';
import { alternate, formatSpread, machineLoad, seededRandom, summarizeRuns, type AlternatingSide, type Measurement } from './measure.js';

const repoRoot = resolve(import.meta.dirname, '..');
const shared = resolve(process.env.CHAINWATCH_SHARED_DATA ?? join(repoRoot, '..', 'shared', 'data'));
const work = join(import.meta.dirname, '.cache', 'scan');
const cli = join(repoRoot, 'bin', 'chainwatch');
const RUNS = Number(process.env.CHAINWATCH_BENCH_RUNS ?? 7);
const BIG_RUNS = Number(process.env.CHAINWATCH_BENCH_BIG_RUNS ?? 3);
const PEER_BIG_RUNS = Number(process.env.CHAINWATCH_BENCH_PEER_BIG_RUNS ?? 1);
/** The size of the big database, as in issue 12 (the real records included). */
const BIG_DATABASE_RECORDS = Number(process.env.CHAINWATCH_BENCH_RECORDS ?? 220_000);

const jupyterlabYarnLock = join(shared, 'projects', 'jupyterlab', 'jupyterlab', 'yarn.lock');
const projectsTree = join(shared, 'projects');

export function findOsvScanner(): { path: string | null; why: string } {
  const candidates = [process.env.OSV_SCANNER_BIN, resolve(repoRoot, '../peers/osv-scanner'), resolve(repoRoot, '../peers/bin/osv-scanner')].filter((entry): entry is string => Boolean(entry));
  for (const candidate of candidates) if (existsSync(candidate)) return { path: candidate, why: '' };
  const onPath = spawnSync('sh', ['-c', 'command -v osv-scanner'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return { path: onPath, why: '' };
  return {
    path: null,
    why: 'no OSV-Scanner binary: set OSV_SCANNER_BIN to one built from its public source with Go (`go build -o ../peers/osv-scanner ./cmd/osv-scanner`; its modules come from the Go module proxy)',
  };
}

/** Every ecosystem the scanned inputs contain: OSV-Scanner stops with exit 127 when one has no local database, so each gets a zip (empty if no record names it). */
const SCANNED_OSV_ECOSYSTEMS = ['PyPI', 'npm', 'Debian'];

/**
 * Writes an OSV export zip (`<ID>.json` entries) with Python's zipfile: 220k
 * entries need ZIP64, which fflate cannot write (OSV's own exports are ZIP64
 * for the same reason). Written to a temporary name and renamed, so an
 * interrupted run leaves no half-written zip behind for the next run to reuse.
 */
export function writeExportZip(file: string, records: readonly OsvRecord[]): void {
  const lines = `${file}.jsonl`;
  writeFileSync(lines, records.map((record) => JSON.stringify(record)).join('\n'));
  const script = [
    'import json, sys, zipfile',
    'with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:',
    '    for line in open(sys.argv[1], encoding="utf-8"):',
    '        if line.strip(): z.writestr(json.loads(line)["id"] + ".json", line.strip())',
  ].join('\n');
  const result = spawnSync('python3', ['-c', script, lines, `${file}.tmp`], { encoding: 'utf8' });
  rmSync(lines, { force: true });
  if (result.status !== 0) throw new Error(`could not write ${file}: ${result.stderr}`);
  renameSync(`${file}.tmp`, file);
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
 * Records made from the real ones: same text sizes and range shapes, new ids
 * (no alias overlaps), names varied, and a quarter of them aimed at packages
 * that the scanned lockfiles really contain so matching is exercised.
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

/** Why the two tools disagree on one package version, when the cause is one we have looked into. */
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
function compareFindings(ours: ChainwatchResult, peer: PeerResult): { line: string; reason: string }[] {
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
    print('    findings: the same package versions and advisory ids');
    return;
  }
  const byReason = new Map<string, string[]>();
  for (const difference of differences) byReason.set(difference.reason, [...(byReason.get(difference.reason) ?? []), difference.line]);
  print(`    findings differ on ${differences.length} package versions:`);
  for (const [reason, lines] of byReason) {
    print(`      ${lines.length} × ${reason}`);
    for (const line of lines.slice(0, 3)) print(`        ${line.length > 160 ? `${line.slice(0, 157)}...` : line}`);
    if (lines.length > 3) print(`        … ${lines.length - 3} more`);
  }
}

/** What one chainwatch run reported, for the lines under the table. */
function describeOurs(measurement: Measurement): string {
  try {
    const parsed = chainwatchFindings(measurement.stdout);
    const ids = [...parsed.findings.values()].reduce((sum, set) => sum + set.size, 0);
    return `${parsed.packages} packages, ${ids} advisory ids on ${parsed.findings.size} package versions (exit ${measurement.exitCode})`;
  } catch {
    return `${measurement.stdout.trim().split('\n')[0] ?? ''} (exit ${measurement.exitCode})`;
  }
}

/** What OSV-Scanner says on stderr it parsed (`Scanned …/yarn.lock file and found 1992 packages`), summed. */
function scannedLine(stderr: string): string {
  const counts = [...stderr.matchAll(/^Scanned .* file and found (\d+) packages?$/gm)].map((match) => Number(match[1]));
  return counts.length === 0 ? 'no "Scanned" line' : `parsed ${counts.length} file(s), ${counts.reduce((sum, count) => sum + count, 0)} packages`;
}

function describePeer(measurement: Measurement): string {
  try {
    const parsed = osvScannerFindings(measurement.stdout);
    const ids = [...parsed.findings.values()].reduce((sum, set) => sum + set.size, 0);
    return `${ids} advisories on ${parsed.findings.size} package versions in ${parsed.sources.size} file(s) with findings (its JSON lists only those; stderr: ${scannedLine(measurement.stderr)}) (exit ${measurement.exitCode})`;
  } catch {
    return `no JSON (exit ${measurement.exitCode}): ${measurement.stderr.trim().split('\n').slice(-2).join(' | ')}`;
  }
}

interface Row {
  measurement: string;
  ours: Measurement[];
  peerName: string;
  peer: Measurement[] | null;
  /** Ratio goal (chainwatch median ÷ peer median at most this). */
  goal: number;
  /** Peak RSS goal (MiB), checked on the largest run. */
  rssGoal?: number;
  goalText: string;
  /** Why there is no peer figure. */
  peerMissing?: string;
}

function cell(measurements: readonly Measurement[]): string {
  const { seconds, rss } = summarizeRuns(measurements);
  return `${formatSpread(seconds)}, ${rss.median.toFixed(0)} MiB (max ${rss.max.toFixed(0)})`;
}

function tableRow(row: Row): string {
  const ours = summarizeRuns(row.ours);
  const peer = row.peer && row.peer.length > 0 ? summarizeRuns(row.peer) : null;
  const ratio = peer ? ours.seconds.median / peer.seconds.median : Number.NaN;
  const ratioMet = Number.isFinite(ratio) && ratio <= row.goal;
  const rssMet = row.rssGoal === undefined || ours.rss.max <= row.rssGoal;
  const met = !peer ? (rssMet ? 'no peer' : 'no (RSS)') : ratioMet && rssMet ? 'yes' : ratioMet ? 'no (RSS)' : rssMet ? 'no' : 'no (time, RSS)';
  const peerCell = peer ? `${row.peerName}: ${cell(row.peer!)}` : `${row.peerName}: not run (${row.peerMissing ?? 'missing'})`;
  return `| ${row.measurement} | ${cell(row.ours)} | ${peerCell} | ${Number.isFinite(ratio) ? `**${ratio.toFixed(2)}×**` : 'n/a'} | ${row.goalText} | ${met} |`;
}

interface Prepared {
  realCount: number;
  bigCount: number;
  realDatabase: string;
  bigDatabase: string;
  realPeerDatabase: string;
  bigPeerDatabase: string;
}

/** The databases both tools read, made once and kept in bench/.cache/scan/ while the record counts stay the same. */
async function prepare(print: (line: string) => void, env: NodeJS.ProcessEnv): Promise<Prepared> {
  const loaded = await loadAdvisoryDirectory(join(shared, 'osv'));
  const real = loaded.records;
  const bigCount = Math.max(BIG_DATABASE_RECORDS, real.length);
  const prepared: Prepared = {
    realCount: real.length,
    bigCount,
    realDatabase: join(work, 'real.sqlite'),
    bigDatabase: join(work, 'big.sqlite'),
    realPeerDatabase: join(work, 'osv-real'),
    bigPeerDatabase: join(work, 'osv-big'),
  };
  const stampFile = join(work, 'stamp.json');
  const stamp = JSON.stringify({ real: real.length, big: bigCount, version: 2 });
  const current = existsSync(stampFile) ? readFileSync(stampFile, 'utf8') : '';
  if (current === stamp && process.env.CHAINWATCH_BENCH_REBUILD !== '1') {
    print(`records: ${real.length} real (../shared/data/osv), ${bigCount.toLocaleString('en')} in the big database (kept in bench/.cache/scan; CHAINWATCH_BENCH_REBUILD=1 makes them again)`);
    return prepared;
  }
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const inventory = await buildInventory([projectsTree, join(shared, 'lockfiles')]);
  const names = {
    PyPI: [...new Set(inventory.packages.filter((p) => p.ecosystem === 'PyPI').map((p) => p.name))],
    npm: [...new Set(inventory.packages.filter((p) => p.ecosystem === 'npm').map((p) => p.name))],
  };
  const big = [...real, ...synthesizeRecords(real, names, bigCount - real.length)];
  writeExportZip(join(work, 'big.zip'), big);
  writeOsvScannerDatabase(prepared.realPeerDatabase, real);
  writeOsvScannerDatabase(prepared.bigPeerDatabase, big);
  for (const [database, source] of [
    [prepared.realDatabase, join(shared, 'osv')],
    [prepared.bigDatabase, join(work, 'big.zip')],
  ] as const) {
    const imported = spawnSync(cli, ['db', 'import', '--db', database, source], { env, encoding: 'utf8', maxBuffer: 1 << 26 });
    if (imported.status !== 0) throw new Error(`db import of ${source} exited ${imported.status}: ${imported.stderr.slice(-300)}`);
  }
  rmSync(join(work, 'big.zip'), { force: true });
  writeFileSync(stampFile, stamp);
  print(`records: ${real.length} real (../shared/data/osv; ${loaded.errors.length} unreadable), ${bigCount.toLocaleString('en')} in the big database (the real ones and synthesizeRecords'), imported with \`chainwatch db import\` outside the timing`);
  return prepared;
}

function side(name: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv): AlternatingSide {
  return { name, command, args, env, cwd: repoRoot };
}

export async function runScanBench(print: (line: string) => void): Promise<void> {
  print('## Start-up and scan (issue 12): whole-process wall time and peak RSS of `bin/chainwatch`, alternating with the peer');
  mkdirSync(work, { recursive: true });
  // CI=1: no progress bars; NO_COLOR: plain tables. The same environment for the peer.
  const env: NodeJS.ProcessEnv = { ...process.env, CI: '1', NO_COLOR: '1' };
  delete env.CHAINWATCH_DB;
  const prepared = await prepare(print, env);
  const emptyDirectory = mkdtempSync(join(work, 'empty-'));
  const peer = findOsvScanner();
  if (!peer.path) print(`OSV-Scanner: ${peer.why}`);
  else print(`OSV-Scanner: ${peer.path} (${spawnSync(peer.path, ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0]?.trim() ?? 'unknown version'})`);
  print(`runs: ${RUNS} per side (rows 1–3); row 4: chainwatch ${BIG_RUNS}, OSV-Scanner ${PEER_BIG_RUNS}; node ${process.version}`);

  const ourScan = (database: string, targets: readonly string[], format: 'json' | 'table' = 'json'): string[] => ['scan', '--db', database, '--format', format, ...targets];
  const peerScan = (database: string, targets: readonly string[]): string[] => [
    'scan',
    'source',
    '--offline',
    '--local-db-path',
    database,
    '--format',
    'json',
    ...targets.flatMap((target) => (target.endsWith('.lock') ? ['-L', target] : ['-r', target])),
  ];

  const rows: Row[] = [];
  const notes: string[] = [];
  const compare = (label: string, ours: Measurement[], theirs: Measurement[] | null) => {
    notes.push(`  ${label}: chainwatch ${describeOurs(ours[0]!)}${theirs && theirs.length > 0 ? `; OSV-Scanner ${describePeer(theirs[0]!)}` : ''}`);
    if (!theirs || theirs.length === 0) return;
    try {
      const differences = compareFindings(chainwatchFindings(ours[0]!.stdout), osvScannerFindings(theirs[0]!.stdout));
      printDifferences((line) => notes.push(line), differences);
    } catch (error) {
      notes.push(`    findings not compared: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  // 1. Start-up: a scan with nothing to read.
  let load = machineLoad();
  const startUp = alternate(RUNS, [side('chainwatch', cli, ourScan(prepared.realDatabase, [emptyDirectory], 'table'), env), side('node', 'node', ['-e', '0'], env)]);
  rows.push({ measurement: '`scan` of an empty directory', ours: startUp.get('chainwatch')!, peerName: '`node -e 0`', peer: startUp.get('node')!, goal: 1.5, goalText: '≤ 1.5×' });
  notes.push(`  row 1 (${load}): chainwatch printed "${startUp.get('chainwatch')![0]!.stdout.trim().split('\n')[0]}" (exit ${startUp.get('chainwatch')![0]!.exitCode})`);

  // 2–4. Scans against OSV-Scanner.
  const scans: { measurement: string; database: string; peerDatabase: string; targets: string[]; goal: number; goalText: string; rssGoal?: number; big?: boolean }[] = [
    { measurement: "`scan` jupyterlab's yarn.lock, shared real records", database: prepared.realDatabase, peerDatabase: prepared.realPeerDatabase, targets: [jupyterlabYarnLock], goal: 1.0, goalText: '≤ 1.0×' },
    { measurement: '`scan` the shared projects tree, shared real records', database: prepared.realDatabase, peerDatabase: prepared.realPeerDatabase, targets: [projectsTree], goal: 1.0, goalText: '≤ 1.0×' },
    {
      measurement: `\`scan\` yarn.lock, ${Math.round(prepared.bigCount / 1000)}k-record database`,
      database: prepared.bigDatabase,
      peerDatabase: prepared.bigPeerDatabase,
      targets: [jupyterlabYarnLock],
      goal: 0.1,
      goalText: '≤ 0.10× (keep ≪), RSS ≤ 400 MiB',
      rssGoal: 400,
      big: true,
    },
  ];
  for (const [index, scan] of scans.entries()) {
    load = machineLoad();
    const ours = side('chainwatch', cli, ourScan(scan.database, scan.targets), env);
    let measured: Map<string, Measurement[]>;
    if (!peer.path) {
      measured = alternate(scan.big ? BIG_RUNS : RUNS, [ours]);
    } else if (scan.big) {
      // A peer run takes about a minute here: pair it with chainwatch's first run(s), then chainwatch alone.
      const paired = alternate(PEER_BIG_RUNS, [ours, side('osv-scanner', peer.path, peerScan(scan.peerDatabase, scan.targets), env)]);
      const more = alternate(Math.max(BIG_RUNS - PEER_BIG_RUNS, 0), [ours]);
      measured = new Map([
        ['chainwatch', [...paired.get('chainwatch')!, ...more.get('chainwatch')!]],
        ['osv-scanner', paired.get('osv-scanner')!],
      ]);
    } else {
      measured = alternate(RUNS, [ours, side('osv-scanner', peer.path, peerScan(scan.peerDatabase, scan.targets), env)]);
    }
    const theirs = measured.get('osv-scanner') ?? null;
    rows.push({
      measurement: scan.measurement,
      ours: measured.get('chainwatch')!,
      peerName: 'OSV-Scanner `--offline`',
      peer: theirs,
      goal: scan.goal,
      goalText: scan.goalText,
      ...(scan.rssGoal !== undefined ? { rssGoal: scan.rssGoal } : {}),
      ...(peer.path ? {} : { peerMissing: 'no binary' }),
    });
    compare(`row ${index + 2} (${load})`, measured.get('chainwatch')!, theirs);
  }

  print('');
  print('| measurement | chainwatch | peer | ratio | goal | met |');
  print('|---|---|---|---|---|---|');
  for (const row of rows) print(tableRow(row));
  print('');
  print('Each cell: median wall time (min, max, n) and peak RSS median (max); ratio = chainwatch median ÷ peer median. What each side reported, and the findings compared:');
  for (const note of notes) print(note);

  // Context for row 1: the floor of any chainwatch command, and what Node 22's compile cache gives.
  const floor = alternate(RUNS, [side('--version', cli, ['--version'], env), side('node', 'node', ['-e', '0'], env)]);
  print(`  start-up floor: \`chainwatch --version\` ${formatSpread(summarizeRuns(floor.get('--version')!).seconds)}, \`node -e 0\` ${formatSpread(summarizeRuns(floor.get('node')!).seconds)}`);
  measureCompileCache(print, env, ourScan(prepared.realDatabase, [emptyDirectory], 'table'));
  rmSync(emptyDirectory, { recursive: true, force: true });
}

/**
 * Row 1 under a Node that has `module.enableCompileCache` (22.1+), which
 * bin/chainwatch turns on: with the cache disabled, and warm (a first run
 * fills it), alternating; `node -e 0` of that Node beside them.
 */
function measureCompileCache(print: (line: string) => void, env: NodeJS.ProcessEnv, args: readonly string[]): void {
  const node22 = process.env.CHAINWATCH_BENCH_NODE22;
  if (!node22) {
    print(`  compile cache: not measured (node ${process.version} has no module.enableCompileCache; set CHAINWATCH_BENCH_NODE22 to a Node ≥ 22.1 binary)`);
    return;
  }
  const version = spawnSync(node22, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const cache = mkdtempSync(join(work, 'compile-cache-'));
  try {
    const cached = { ...env, NODE_COMPILE_CACHE: cache };
    const first = alternate(1, [side('first', node22, [cli, ...args], cached)]).get('first')![0]!;
    if (first.exitCode !== 0) {
      print(`  compile cache (node ${version}): not measured: the scan exited ${first.exitCode}: ${first.stderr.trim().split('\n')[0] ?? ''} (native modules must be built for that Node)`);
      return;
    }
    const runs = alternate(RUNS, [
      side('warm', node22, [cli, ...args], cached),
      side('off', node22, [cli, ...args], { ...env, NODE_DISABLE_COMPILE_CACHE: '1' }),
      side('node', node22, ['-e', '0'], env),
    ]);
    const median = (name: string) => summarizeRuns(runs.get(name)!).seconds;
    print(
      `  compile cache (node ${version}, row 1): warm cache ${formatSpread(median('warm'))}, cache off ${formatSpread(median('off'))}, \`node -e 0\` ${formatSpread(median('node'))}: ratio ${(median('warm').median / median('node').median).toFixed(2)}× with the cache, ${(median('off').median / median('node').median).toFixed(2)}× without (first run, filling it: ${first.seconds.toFixed(2)} s)`,
    );
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}
