/**
 * Issue 13's image rows, `npm run bench -- image`: whole-process wall time and
 * peak RSS of `bin/chainwatch scan --image`, alternating with OSV-Scanner's
 * `scan image --archive` on the same `docker save` tarball and the same OSV
 * records, as median, min and max, with the machine's load:
 *
 *   1. the real fixture image (test/images/build-fixture-image.sh: Debian
 *      minbase + git/python3/pip, pip wheels, npm packages, a conda prefix, a
 *      whiteout layer), turned from its OCI layout into a `docker save`
 *      tarball (image-build.ts `dockerSaveFromLayout`, same blobs);
 *   2. a synthetic image made here once (image-build.ts
 *      `buildSyntheticImage`): 1.1 GiB inflated (compressible filler, so
 *      the archive is a few MB), 3,200 dpkg packages, 1,600 pip
 *      distributions, 1,100 npm packages, a whiteout layer.
 *
 * Goals: wall time ≤ 1.0× the peer's; memory bounded by the largest layer's
 * index, not the image's size (peak RSS printed beside both sizes).
 *
 * Trivy and Grype are the issue's first choice of peer; neither is packaged
 * by Debian here and neither can fetch its vulnerability database offline, so
 * the peer is OSV-Scanner (bench/scan-bench.ts `findOsvScanner`), which reads
 * per-ecosystem OSV zips offline (`--offline-vulnerabilities --local-db-path`).
 * chainwatch reads the same zips (`--offline --no-local-db -a zip`): the real
 * records of ../shared/data/osv plus records written here aimed at the
 * images' packages (Debian:12 by source package, half of them affecting the
 * installed version; Debian:11 twins that must not apply; PyPI and npm ones
 * for the synthetic image) and unaimed ones. The package sets and findings
 * of both tools are compared in the same run, every difference with its cause.
 *
 * Everything made is kept in bench/.cache/image (gitignored);
 * CHAINWATCH_BENCH_REBUILD=1 makes it again. CHAINWATCH_BENCH_IMAGE_RUNS
 * (default 5) runs per side on the fixture, CHAINWATCH_BENCH_IMAGE_BIG_RUNS
 * (default 3) on the synthetic image.
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import zlib from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import { loadAdvisoryDirectory } from '../src/advisories/load.js';
import type { OsvRecord } from '../src/advisories/types.js';
import { readImage } from '../src/image/index.js';
import { findFixtureImage } from '../test/images/fixture-image.js';
import { buildSyntheticImage, dockerSaveFromLayout, SYNTHETIC_SHAPE } from './image-build.js';
import { alternate, formatSpread, machineLoad, summarizeRuns, type AlternatingSide, type Measurement } from './measure.js';
import { findOsvScanner, writeExportZip } from './scan-bench.js';

const repoRoot = resolve(import.meta.dirname, '..');
const shared = resolve(process.env.CHAINWATCH_SHARED_DATA ?? join(repoRoot, '..', 'shared', 'data'));
const work = join(import.meta.dirname, '.cache', 'image');
const cli = join(repoRoot, 'bin', 'chainwatch');
const RUNS = Number(process.env.CHAINWATCH_BENCH_IMAGE_RUNS ?? 5);
const BIG_RUNS = Number(process.env.CHAINWATCH_BENCH_IMAGE_BIG_RUNS ?? 3);
const REBUILD = process.env.CHAINWATCH_BENCH_REBUILD === '1';
const ECOSYSTEMS = ['Debian', 'PyPI', 'npm'] as const;
const MiB = 2 ** 20;

interface LayerStats {
  inflatedBytes: number;
  entries: number;
}

/** An image both tools scan, with what the records are aimed at. */
interface Target {
  label: string;
  archive: string;
  layers: LayerStats[];
  /** Debian source package → its version, from the dpkg status file. */
  sources: Map<string, string>;
  /** Debian binary package → its source package. */
  binaries: Map<string, string>;
  pypi: { name: string; version: string }[];
  npm: { name: string; version: string }[];
  /** The zips both tools read: `<db>/osv-scalibr/<Ecosystem>/all.zip`. */
  database: string;
  records: number;
  /** The same image in other forms chainwatch reads (the fixture's OCI layout and OCI archive). */
  otherForms: string[];
}

/** Entries and inflated bytes of a gzipped (or plain) layer blob. */
async function layerStats(file: string): Promise<LayerStats> {
  const stats = { inflatedBytes: 0, entries: 0 };
  const parser = new Parser({ strict: false });
  parser.on('entry', (entry: ReadEntry) => {
    stats.entries++;
    entry.resume();
  });
  const head = readFileSync(file).subarray(0, 2);
  const input = createReadStream(file, { highWaterMark: 1 << 20 });
  const inflated = head[0] === 0x1f && head[1] === 0x8b ? input.pipe(zlib.createGunzip()) : input;
  for await (const chunk of inflated as AsyncIterable<Buffer>) {
    stats.inflatedBytes += chunk.length;
    if (!parser.write(chunk)) await once(parser, 'drain');
  }
  const ended = once(parser, 'end');
  parser.end();
  await ended;
  return stats;
}

/** Each stanza's source (`Source:`, with its version when given in brackets, or the package itself): source → version, binary → source. */
function sourcesOf(status: string): { sources: Map<string, string>; binaries: Map<string, string> } {
  const sources = new Map<string, string>();
  const binaries = new Map<string, string>();
  for (const stanza of status.split(/\n\s*\n/)) {
    const field = (name: string) => new RegExp(`^${name}: *(.*)$`, 'm').exec(stanza)?.[1]?.trim();
    const pkg = field('Package');
    const version = field('Version');
    if (!pkg || !version) continue;
    const source = /^(\S+)(?: \((\S+)\))?/.exec(field('Source') ?? pkg)!;
    sources.set(source[1]!, source[2] ?? version);
    binaries.set(pkg, source[1]!);
  }
  return { sources, binaries };
}

function recordsFor(target: Pick<Target, 'sources' | 'pypi' | 'npm'>, prefix: string): OsvRecord[] {
  const records: OsvRecord[] = [];
  const modified = '2026-12-01T00:00:00Z';
  const record = (id: string, ecosystem: string, name: string, events: { introduced?: string; fixed?: string }[], type: 'ECOSYSTEM' | 'SEMVER' = 'ECOSYSTEM'): OsvRecord => ({
    schema_version: '1.6.0',
    id,
    modified,
    published: modified,
    summary: `bench record for ${name}`,
    details: 'Written by bench/image-bench.ts: a record aimed at a package of the benchmarked image.',
    affected: [{ package: { ecosystem, name }, ranges: [{ type, events }] }],
  });
  const sources = [...target.sources].sort(([a], [b]) => (a < b ? -1 : 1));
  const everyDebian = Math.max(1, Math.floor(sources.length / 120));
  sources.forEach(([source, version], index) => {
    if (index % everyDebian !== 0) return;
    const affected = (index / everyDebian) % 2 === 0;
    records.push(record(`${prefix}-DEB-${index}`, 'Debian:12', source, [{ introduced: '0' }, { fixed: affected ? `${version}+deb12u99` : '0.0.1-1' }]));
    // The same source in another release: must not apply to a Debian 12 image.
    records.push(record(`${prefix}-DEB11-${index}`, 'Debian:11', source, [{ introduced: '0' }]));
  });
  for (const [ecosystem, packages] of [
    ['PyPI', target.pypi],
    ['npm', target.npm],
  ] as const) {
    packages.forEach((pkg, index) => {
      if (index % 20 !== 0) return;
      const major = Number(pkg.version.split('.')[0]) + 1;
      const affected = (index / 20) % 2 === 0;
      const events: { introduced?: string; fixed?: string }[] = affected ? [{ introduced: '0' }, { fixed: `${major}.0.0` }] : [{ introduced: `${major}.0.0` }];
      records.push(record(`${prefix}-${ecosystem.toUpperCase()}-${index}`, ecosystem, pkg.name, events, ecosystem === 'npm' ? 'SEMVER' : 'ECOSYSTEM'));
    });
  }
  // Records for packages the image does not have: the matching work of a real database's other entries.
  for (const ecosystem of ['Debian:12', 'PyPI', 'npm']) {
    for (let index = 0; index < 1500; index++) records.push(record(`${prefix}-OTHER-${ecosystem.split(':')[0]!.toUpperCase()}-${index}`, ecosystem, `cwbench-other-${index}`, [{ introduced: '0' }, { fixed: '2.0.0' }]));
  }
  return records;
}

/** The per-ecosystem zips both tools read. */
function writeDatabase(directory: string, records: readonly OsvRecord[]): void {
  rmSync(directory, { recursive: true, force: true });
  for (const ecosystem of ECOSYSTEMS) {
    const folder = join(directory, 'osv-scalibr', ecosystem);
    mkdirSync(folder, { recursive: true });
    writeExportZip(
      join(folder, 'all.zip'),
      records.filter((entry) => (entry.affected ?? []).some((affected) => affected.package?.ecosystem.split(':')[0] === ecosystem)),
    );
  }
}

function zips(database: string): string[] {
  return ECOSYSTEMS.map((ecosystem) => join(database, 'osv-scalibr', ecosystem, 'all.zip'));
}

async function prepareFixture(print: (line: string) => void, real: readonly OsvRecord[]): Promise<Target | null> {
  const found = findFixtureImage();
  if ('missing' in found) {
    print(`fixture image: not measured: ${found.missing}`);
    return null;
  }
  const layout = join(found.directory, 'oci');
  const archive = join(work, 'fixture.docker.tar');
  const database = join(work, 'fixture-db');
  const stampFile = join(work, 'fixture.json');
  const stampKey = `${basename(found.directory)} v3 ${real.length}`;
  if (!REBUILD && existsSync(stampFile) && existsSync(archive)) {
    const stamp = JSON.parse(readFileSync(stampFile, 'utf8')) as { key: string; target: Omit<Target, 'sources' | 'binaries'> & { sources: [string, string][]; binaries: [string, string][] } };
    if (stamp.key === stampKey) return { ...stamp.target, sources: new Map(stamp.target.sources), binaries: new Map(stamp.target.binaries) };
  }
  await dockerSaveFromLayout(layout, archive);
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
  const manifest = JSON.parse(readFileSync(join(layout, 'blobs', ...index.manifests[0]!.digest.split(':')), 'utf8')) as { layers: { digest: string }[] };
  const layers: LayerStats[] = [];
  for (const layer of manifest.layers) layers.push(await layerStats(join(layout, 'blobs', ...layer.digest.split(':'))));
  const contents = await readImage(layout, { keep: (path) => path === '/var/lib/dpkg/status' });
  const status = contents.files.find((file) => file.path === '/var/lib/dpkg/status')?.text ?? '';
  const aimed = { ...sourcesOf(status), pypi: [], npm: [] };
  const records = [...real, ...recordsFor(aimed, 'CWBENCH-FIX')];
  writeDatabase(database, records);
  const target: Target = { label: 'fixture', archive, layers, ...aimed, database, records: records.length, otherForms: [layout, join(found.directory, 'image.oci.tar')] };
  writeFileSync(stampFile, JSON.stringify({ key: stampKey, target: { ...target, sources: [...target.sources], binaries: [...target.binaries] } }));
  return target;
}

async function prepareSynthetic(real: readonly OsvRecord[]): Promise<Target> {
  const directory = join(work, 'synthetic');
  const database = join(work, 'synthetic-db');
  const stampFile = join(work, 'synthetic.json');
  const stampKey = `${JSON.stringify(SYNTHETIC_SHAPE)} v3 ${real.length}`;
  if (!REBUILD && existsSync(stampFile)) {
    const stamp = JSON.parse(readFileSync(stampFile, 'utf8')) as { key: string; target: Omit<Target, 'sources' | 'binaries'> & { sources: [string, string][]; binaries: [string, string][] } };
    if (stamp.key === stampKey && existsSync(stamp.target.archive)) return { ...stamp.target, sources: new Map(stamp.target.sources), binaries: new Map(stamp.target.binaries) };
  }
  rmSync(directory, { recursive: true, force: true });
  const image = await buildSyntheticImage(directory);
  for (const entry of readdirSync(directory)) if (entry.endsWith('.tar.gz')) rmSync(join(directory, entry));
  const deleted = new Set([...image.deleted.pypi, ...image.deleted.npm]);
  const aimed = {
    sources: new Map(image.dpkg.map((pkg) => [pkg.source, pkg.version.replace(/\+b1$/, '')] as const)),
    binaries: new Map(image.dpkg.map((pkg) => [pkg.name, pkg.source] as const)),
    pypi: image.pypi.filter((pkg) => !deleted.has(pkg.name)),
    npm: image.npm.filter((pkg) => !deleted.has(pkg.name)),
  };
  const records = [...real, ...recordsFor(aimed, 'CWBENCH-SYN')];
  writeDatabase(database, records);
  const target: Target = { label: 'synthetic', archive: image.archive, layers: image.layers.map(({ inflatedBytes, entries }) => ({ inflatedBytes, entries })), ...aimed, database, records: records.length, otherForms: [] };
  writeFileSync(stampFile, JSON.stringify({ key: stampKey, target: { ...target, sources: [...target.sources], binaries: [...target.binaries] } }));
  return target;
}

// ---------------------------------------------------------------------------
// What each tool reported.

interface Reported {
  /** `Debian git 1:2.39.5-0+deb12u3` → where (path) */
  packages: Map<string, string>;
  /** package key → its advisories, each a group of ids (a record with its aliases, as the tool merged them) */
  findings: Map<string, Set<string>[]>;
}

/** Debian packages by their binary name (OSV-Scanner's `os_package_name`), every ecosystem without its release. */
function keyOf(ecosystem: string, name: string, version: string): string {
  const base = ecosystem.split(':')[0]!;
  return `${base} ${base === 'PyPI' ? name.toLowerCase().replace(/[-_.]+/g, '-') : name} ${version}`;
}

function ours(stdout: string): Reported {
  const document = JSON.parse(stdout) as {
    packages: { ecosystem: string; name: string; version: string; locations: { path: string }[] }[];
    findings: { package: { ecosystem: string; name: string; version: string }; id: string; ids: string[] }[];
  };
  const packages = new Map(document.packages.map((pkg) => [keyOf(pkg.ecosystem, pkg.name, pkg.version), pkg.locations[0]?.path ?? '']));
  const findings = new Map<string, Set<string>[]>();
  for (const finding of document.findings) {
    const key = keyOf(finding.package.ecosystem, finding.package.name, finding.package.version);
    findings.set(key, [...(findings.get(key) ?? []), new Set([finding.id, ...finding.ids])]);
  }
  return { packages, findings };
}

function peer(stdout: string): Reported {
  const document = JSON.parse(stdout) as {
    results?: { source?: { path?: string }; packages?: { package: { name: string; os_package_name?: string; version: string; ecosystem: string }; vulnerabilities?: { id: string }[]; groups?: { ids: string[] }[] }[] }[];
  };
  const packages = new Map<string, string>();
  const findings = new Map<string, Set<string>[]>();
  for (const result of document.results ?? []) {
    for (const entry of result.packages ?? []) {
      const key = keyOf(entry.package.ecosystem, entry.package.os_package_name ?? entry.package.name, entry.package.version);
      packages.set(key, result.source?.path ?? '');
      const groups = entry.groups?.map((group) => new Set(group.ids)) ?? (entry.vulnerabilities ?? []).map((vulnerability) => new Set([vulnerability.id]));
      if (groups.length > 0) findings.set(key, [...(findings.get(key) ?? []), ...groups]);
    }
  }
  return { packages, findings };
}

/** Why a package is reported by one tool only, when the cause is known. */
function explain(side: 'chainwatch' | 'OSV-Scanner', key: string, where: string): string {
  const [ecosystem] = key.split(' ');
  if (side === 'chainwatch' && ecosystem === 'conda') return 'OSV-Scanner has no conda-meta extractor (conda prefixes are not read)';
  if (side === 'chainwatch' && ecosystem === 'npm' && where.endsWith('/package.json')) return 'chainwatch reads node_modules/<name>/package.json; OSV-Scanner reads only npm\'s node_modules/.package-lock.json';
  if (side === 'OSV-Scanner' && ecosystem === 'npm' && where.endsWith('.package-lock.json')) return 'listed in npm\'s hidden lockfile but without a package.json in the image';
  return `not yet explained (${where})`;
}

function compare(print: (line: string) => void, target: Target, mine: Reported, theirs: Reported): void {
  const label = target.label;
  const classes = new Map<string, string[]>();
  const add = (reason: string, line: string) => classes.set(reason, [...(classes.get(reason) ?? []), line]);
  for (const [key, where] of mine.packages) if (!theirs.packages.has(key)) add(explain('chainwatch', key, where), `only chainwatch: ${key}`);
  for (const [key, where] of theirs.packages) if (!mine.packages.has(key)) add(explain('OSV-Scanner', key, where), `only OSV-Scanner: ${key}`);
  const count = (reported: Reported) => {
    const ecosystems = new Map<string, number>();
    for (const key of reported.packages.keys()) ecosystems.set(key.split(' ')[0]!, (ecosystems.get(key.split(' ')[0]!) ?? 0) + 1);
    return [...ecosystems].map(([ecosystem, n]) => `${n} ${ecosystem}`).join(', ');
  };
  const same = [...mine.packages.keys()].filter((key) => theirs.packages.has(key)).length;
  print(`  ${label} packages: chainwatch ${mine.packages.size} (${count(mine)}); OSV-Scanner ${theirs.packages.size} (${count(theirs)}); ${same} the same (ecosystem, name, version; Debian by binary name, which OSV-Scanner gives as os_package_name beside the source name it matches by)`);
  for (const [reason, lines] of classes) {
    print(`    ${lines.length} × ${reason}: ${lines.slice(0, 3).join('; ')}${lines.length > 3 ? `; … ${lines.length - 3} more` : ''}`);
  }
  // Findings: each tool's advisories per package version, an advisory being a group of ids (a record and its aliases); both ways.
  const findingClasses = new Map<string, string[]>();
  const where = (key: string) => mine.packages.get(key) ?? theirs.packages.get(key) ?? '';
  const addFinding = (reason: string, line: string) => findingClasses.set(reason, [...(findingClasses.get(reason) ?? []), line]);
  for (const key of new Set([...mine.findings.keys(), ...theirs.findings.keys()])) {
    const ourGroups = mine.findings.get(key) ?? [];
    const theirGroups = theirs.findings.get(key) ?? [];
    const ourIds = new Set(ourGroups.flatMap((group) => [...group]));
    const theirIds = new Set(theirGroups.flatMap((group) => [...group]));
    for (const group of ourGroups) if (![...group].some((id) => theirIds.has(id))) addFinding(explainFinding('chainwatch', key, target, where(key)), `only chainwatch: ${key}: ${[...group][0]}`);
    for (const group of theirGroups) if (![...group].some((id) => ourIds.has(id))) addFinding(explainFinding('OSV-Scanner', key, target, where(key)), `only OSV-Scanner: ${key}: ${[...group][0]}`);
  }
  const advisories = (reported: Reported) => [...reported.findings.values()].reduce((sum, groups) => sum + groups.length, 0);
  const differing = [...findingClasses.values()].reduce((sum, lines) => sum + lines.length, 0);
  print(
    `  ${label} findings: chainwatch ${advisories(mine)} advisories on ${mine.findings.size} package versions, OSV-Scanner ${advisories(theirs)} on ${theirs.findings.size} (an advisory = a record with its aliases; the same when one of its ids is on the other side); ${differing === 0 ? 'the same' : `${differing} differ:`}`,
  );
  for (const [reason, lines] of findingClasses) print(`    ${lines.length} × ${reason}: ${lines.slice(0, 3).join('; ')}${lines.length > 3 ? `; … ${lines.length - 3} more` : ''}`);
}

/** Why an advisory is found by one tool only, when the cause is known. */
function explainFinding(side: 'chainwatch' | 'OSV-Scanner', key: string, target: Target, where: string): string {
  const [ecosystem, name, version] = key.split(' ') as [string, string, string];
  if (side === 'OSV-Scanner' && ecosystem === 'PyPI' && where.startsWith('/usr/lib/python3/dist-packages/')) {
    return 'a Python distribution installed by apt (/usr/lib/python3/dist-packages): chainwatch matches it through its Debian package (Debian records), not PyPI records; OSV-Scanner matches it as PyPI';
  }
  if (ecosystem === 'Debian') {
    const source = target.binaries.get(name);
    const sourceVersion = source === undefined ? undefined : target.sources.get(source);
    if (sourceVersion !== undefined && sourceVersion !== version) {
      return `${side === 'chainwatch' ? 'a' : 'not a'} Debian binary whose version is not its source's (${name} ${version} from ${source} ${sourceVersion}: an epoch of its own or a binNMU): Debian's records give source versions; chainwatch compares the source's version, OSV-Scanner the binary's`;
    }
  }
  return 'not yet explained';
}

// ---------------------------------------------------------------------------
// The profile.

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

/** The `// path` comments esbuild writes before each module of a bundle, by line. */
const moduleMarkers = new Map<string, { line: number; module: string }[]>();

/** The source module a line of a bundled chunk came from: `src/image/layer-index.ts`, `tar`. */
function bundledModule(url: string, line: number): string {
  const file = url.startsWith('file://') ? new URL(url).pathname : url;
  let markers = moduleMarkers.get(file);
  if (!markers) {
    markers = [];
    try {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((text, index) => {
          const match = /^\/\/ (\S+\.(?:[cm]?js|ts))$/.exec(text);
          if (match) markers!.push({ line: index, module: match[1]!.includes('node_modules/') ? match[1]!.split('node_modules/').pop()!.split('/')[0]! : match[1]! });
        });
    } catch {
      // A chunk that is gone: named by its file.
    }
    moduleMarkers.set(file, markers);
  }
  let module = basename(file);
  for (const marker of markers) if (marker.line <= line) module = marker.module;
  return module;
}

/** Where one chainwatch run on the synthetic image spends its time (`node --cpu-prof`, self time). */
function profile(print: (line: string) => void, target: Target, args: readonly string[], env: NodeJS.ProcessEnv): void {
  const directory = join(work, 'profile');
  rmSync(directory, { recursive: true, force: true });
  mkdirSync(directory, { recursive: true });
  const started = process.hrtime.bigint();
  const run = spawnSync('node', ['--cpu-prof', '--cpu-prof-dir', directory, cli, ...args], { cwd: repoRoot, env, encoding: 'utf8', maxBuffer: 1 << 30 });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  // bin/chainwatch runs dist/cli/main.js's main(); every thread writes its own profile (workers too).
  const files = readdirSync(directory).filter((name) => name.endsWith('.cpuprofile'));
  if (files.length === 0) {
    print(`profile: no profile written (exit ${run.status}): ${run.stderr.slice(-200)}`);
    return;
  }
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  const area = (node: ProfileNode): string => {
    const { functionName, url } = node.callFrame;
    if (functionName.startsWith('(')) return functionName.slice(1, -1);
    if (url.startsWith('node:')) return /zlib/.test(url) ? 'zlib (inflate)' : /stream/.test(url) ? 'Node streams' : 'Node internals';
    if (/\/dist\/cli\//.test(url)) return bundledModule(url, node.callFrame.lineNumber);
    if (/node_modules/.test(url)) return `node_modules/${url.split('node_modules/').pop()!.split('/')[0]}`;
    return url ? basename(url) : 'native';
  };
  for (const file of files) {
    const data = JSON.parse(readFileSync(join(directory, file), 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
    const nodes = new Map(data.nodes.map((node) => [node.id, node]));
    data.samples.forEach((id, position) => {
      const node = nodes.get(id)!;
      const ms = (data.timeDeltas[position + 1] ?? 0) / 1000;
      const { functionName, url, lineNumber } = node.callFrame;
      const name = `${functionName || '(anonymous)'}${url ? ` ${basename(url)}:${lineNumber + 1}` : ''}`;
      byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
      byArea.set(area(node), (byArea.get(area(node)) ?? 0) + ms);
    });
  }
  const total = [...byArea.values()].reduce((sum, ms) => sum + ms, 0);
  const top = (map: Map<string, number>, n: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, ms]) => `${name} ${((100 * ms) / total).toFixed(0)}%`)
      .join(', ');
  print(`profile (${target.label} image, one chainwatch run under \`node --cpu-prof\`, ${(total / 1000).toFixed(1)} s sampled in ${files.length} thread(s), ${wall.toFixed(1)} s wall, exit ${run.status}, ${machineLoad()}): by area: ${top(byArea, 10)}`);
  print(`  top functions (self time): ${top(byFunction, 10)}`);
}

// ---------------------------------------------------------------------------

function cell(measurements: readonly Measurement[]): string {
  const { seconds, rss } = summarizeRuns(measurements);
  return `${formatSpread(seconds)}, ${rss.median.toFixed(0)} MiB (max ${rss.max.toFixed(0)})`;
}

function sizeText(target: Target): { largest: LayerStats; total: LayerStats; text: string } {
  const largest = target.layers.reduce((a, b) => (b.inflatedBytes > a.inflatedBytes ? b : a));
  const total = target.layers.reduce((sum, layer) => ({ inflatedBytes: sum.inflatedBytes + layer.inflatedBytes, entries: sum.entries + layer.entries }), { inflatedBytes: 0, entries: 0 });
  return {
    largest,
    total,
    text: `largest layer ${(largest.inflatedBytes / MiB).toFixed(0)} MiB inflated (${largest.entries.toLocaleString('en')} entries), image ${(total.inflatedBytes / MiB).toFixed(0)} MiB inflated (${total.entries.toLocaleString('en')} entries in ${target.layers.length} layers)`,
  };
}

export async function runImageBench(print: (line: string) => void): Promise<void> {
  print('## Images (issue 13): whole-process wall time and peak RSS of `bin/chainwatch scan --image`, alternating with the peer on the same archive and records');
  mkdirSync(work, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env, CI: '1', NO_COLOR: '1' };
  delete env.CHAINWATCH_DB;

  const apt = spawnSync('apt-cache', ['policy', 'trivy', 'grype', 'syft'], { encoding: 'utf8' });
  const packaged = (apt.stdout ?? '').match(/^\S+:$/gm) ?? [];
  print(
    `peers: Trivy and Grype: ${packaged.length === 0 ? 'not packaged by this machine\'s Debian (`apt-cache policy trivy grype syft` knows none of them)' : `apt knows ${packaged.join(' ')}`}; neither could fetch its vulnerability database here (no network to their database hosts), and building them from Go source was not attempted. Peer: OSV-Scanner \`scan image --archive\` with \`--offline-vulnerabilities --offline\`.`,
  );
  const osv = findOsvScanner();
  if (osv.path) print(`OSV-Scanner: ${osv.path} (${spawnSync(osv.path, ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0]?.trim() ?? 'unknown version'})`);
  else print(`OSV-Scanner: ${osv.why}`);

  const real = (await loadAdvisoryDirectory(join(shared, 'osv'))).records;
  const fixture = await prepareFixture(print, real);
  const synthetic = await prepareSynthetic(real);
  const targets = [fixture, synthetic].filter((target): target is Target => target !== null);
  for (const target of targets) {
    print(
      `${target.label}: ${basename(target.archive)} (docker save, gzipped layers), ${sizeText(target).text}; ${target.records.toLocaleString('en')} records (${real.length} real from ../shared/data/osv, the rest aimed at its packages or at none) in ${ECOSYSTEMS.join('/')} zips both tools read`,
    );
  }
  if (synthetic) print(`synthetic image: made by bench/image-build.ts once into bench/.cache/image: ${SYNTHETIC_SHAPE.dpkg} dpkg packages (3 binaries per source, some binNMUs), ${SYNTHETIC_SHAPE.pypi} pip dist-infos, ${SYNTHETIC_SHAPE.npm} npm packages, ${SYNTHETIC_SHAPE.fillerMiB} MiB of filler files (repeated text: it compresses ~150:1, so the archive is ${(statSync(synthetic.archive).size / MiB).toFixed(0)} MiB but inflates past 1 GiB), and a whiteout layer removing 100 dist-infos, 50 npm packages and 100 MiB of filler`);

  const ourArgs = (target: Target) => ['scan', '--image', target.archive, '--offline', '--no-local-db', ...zips(target.database).flatMap((zip) => ['-a', zip]), '--format', 'json'];
  const peerArgs = (target: Target) => ['scan', 'image', '--archive', target.archive, '--offline-vulnerabilities', '--offline', '--local-db-path', target.database, '--format', 'json', '--all-packages'];
  const side = (name: string, command: string, args: readonly string[]): AlternatingSide => ({ name, command, args, env, cwd: repoRoot });

  const rows: string[] = [];
  const notes: string[] = [];
  const measuredRss = new Map<string, Measurement[]>();
  for (const target of targets) {
    const runs = target === synthetic ? BIG_RUNS : RUNS;
    const load = machineLoad();
    const sides = [side('chainwatch', cli, ourArgs(target)), ...(osv.path ? [side('osv-scanner', osv.path, peerArgs(target))] : [])];
    const measured = alternate(runs, sides);
    const mine = measured.get('chainwatch')!;
    measuredRss.set(target.label, mine);
    const theirs = measured.get('osv-scanner') ?? null;
    const oursSummary = summarizeRuns(mine);
    const peerSummary = theirs ? summarizeRuns(theirs) : null;
    const ratio = peerSummary ? oursSummary.seconds.median / peerSummary.seconds.median : Number.NaN;
    const sizes = sizeText(target);
    const label = target === fixture ? '`scan --image` the fixture image (Debian 12 + git/python3/pip, wheels, npm, conda, whiteouts)' : `\`scan --image\` the synthetic image (${(sizes.total.inflatedBytes / 2 ** 30).toFixed(2)} GiB inflated, ${(SYNTHETIC_SHAPE.dpkg + target.pypi.length + target.npm.length).toLocaleString('en')} packages after whiteouts)`;
    rows.push(`| ${label} | ${cell(mine)} | ${theirs ? `OSV-Scanner: ${cell(theirs)}` : 'OSV-Scanner: not run'} | ${Number.isFinite(ratio) ? `**${ratio.toFixed(2)}×**` : 'n/a'} | ≤ 1.0× | ${Number.isFinite(ratio) ? (ratio <= 1 ? 'yes' : 'no') : 'no peer'} |`);
    const peakRss = oursSummary.rss.max;
    const largestMiB = sizes.largest.inflatedBytes / MiB;
    rows.push(
      `| peak RSS, ${target.label} image: chainwatch vs ${sizes.text} | ${peakRss.toFixed(0)} MiB (max of ${oursSummary.rss.n}) | ${peerSummary ? `OSV-Scanner: ${peerSummary.rss.max.toFixed(0)} MiB` : 'n/a'} | ${(peakRss / largestMiB).toFixed(2)}× the largest layer, ${(peakRss / (sizes.total.inflatedBytes / MiB)).toFixed(2)}× the image | bounded by the largest layer's index, not the image | ${peakRss < largestMiB ? `yes by design (src/image/apply.ts): each layer is folded in as it is read, and the tree keeps only directories, links and kept files, so no layer's content and no earlier layer's index is held; what the image adds over the records' baseline is in the memory line below` : 'no'} |`,
    );
    notes.push(`  ${target.label} (${load} at its start): chainwatch exit ${mine.map((entry) => entry.exitCode).join('/')}${theirs ? `, OSV-Scanner exit ${theirs.map((entry) => entry.exitCode).join('/')}` : ''}`);
    try {
      const reportedByUs = ours(mine[0]!.stdout);
      if (theirs) compare((line) => notes.push(line), target, reportedByUs, peer(theirs[0]!.stdout));
      else notes.push(`  ${target.label}: chainwatch ${reportedByUs.packages.size} packages, ${reportedByUs.findings.size} package versions with findings`);
      // The same image as an OCI layout and an OCI archive: chainwatch must list the same packages as from the docker save form.
      for (const form of target.otherForms) {
        const run = alternate(1, [side('form', cli, ourArgs({ ...target, archive: form }))]).get('form')![0]!;
        const packages = ours(run.stdout).packages;
        const differing = [...packages.keys()].filter((key) => !reportedByUs.packages.has(key)).length + [...reportedByUs.packages.keys()].filter((key) => !packages.has(key)).length;
        notes.push(`  ${target.label} as ${form.endsWith('.tar') ? 'its OCI archive' : 'its OCI layout'} (chainwatch only, one run): ${run.seconds.toFixed(2)} s, ${run.peakRssMegabytes.toFixed(0)} MiB, ${differing === 0 ? `the same ${packages.size} packages as from the docker save archive` : `${differing} packages differ from the docker save archive's`}`);
      }
    } catch (error) {
      notes.push(`  ${target.label}: outputs not compared: ${error instanceof Error ? error.message : String(error)} (chainwatch stderr: ${mine[0]!.stderr.slice(-200)})`);
    }
  }

  // What chainwatch holds without an image: the runtime and the same records, read from the same zips.
  const empty = join(work, 'empty');
  mkdirSync(empty, { recursive: true });
  const baseline = summarizeRuns(alternate(3, [side('baseline', cli, ['scan', empty, '--offline', '--no-local-db', ...zips(synthetic.database).flatMap((zip) => ['-a', zip]), '--format', 'json'])]).get('baseline')!);
  const peaks = targets.map((target) => ({ target, rss: summarizeRuns(measuredRss.get(target.label) ?? []).rss.max, size: sizeText(target) }));
  notes.push(
    `  memory: chainwatch \`scan\` of an empty directory with the synthetic image's records peaks at ${baseline.rss.max.toFixed(0)} MiB (runtime + records); above that, ${peaks
      .map(({ target, rss, size }) => `the ${target.label} image adds ${(rss - baseline.rss.max).toFixed(0)} MiB (${(size.total.inflatedBytes / MiB).toFixed(0)} MiB inflated, ${size.total.entries.toLocaleString('en')} entries, largest layer ${size.largest.entries.toLocaleString('en')} entries)`)
      .join('; ')}. Each layer's index is folded into the merged tree as soon as it and the layers before it are read, and the tree keeps directories, links and kept files only (src/image/apply.ts).`,
  );

  print('');
  print('| measurement | chainwatch | peer | ratio | goal | met |');
  print('|---|---|---|---|---|---|');
  for (const row of rows) print(row);
  print('');
  print('Each time cell: median wall time (min, max, n) and peak RSS median (max); ratio = chainwatch median ÷ peer median. Both tools read the same docker-save archive and the same record zips, offline. What each reported, compared:');
  for (const note of notes) print(note);
  if (synthetic) profile(print, synthetic, ourArgs(synthetic), env);
}
