/**
 * The mutation fuzzer: every extractor, the OSV loader (JSON, YAML, zip) and
 * the HTTP body decoders, fed seeded mutations of valid inputs. Run as its own
 * process (`npm run fuzz`, or by fuzz.test.ts with a fixed seed and a small
 * budget) so that a crash, a heap overflow (`--max-old-space-size`) or a hang
 * is seen as what it is: the parent notices, and `.fuzz/current.json` names
 * the case that was running.
 *
 *   node --max-old-space-size=1024 --import tsx test/fuzz/run.ts [--seed N] [--runs N] [--target ID] [--case I]
 *
 * Bounds (each a failure when crossed): an extractor or loader throws (they
 * must turn bad input into error values), one input takes more than
 * --max-input-ms (default 10 s; a hang detector, far above any real input),
 * or the process's resident memory passes --max-rss-mb (default 1536).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { zipSync, strToU8 } from 'fflate';
import { loadExtractors } from '../../src/extractors/index.js';
import { extractorFor } from '../../src/inventory/inventory.js';
import { parseAdvisoryText, iterateAdvisoryZipBytes } from '../../src/advisories/load.js';
import { compileRecords, matchPackageWithWarnings } from '../../src/advisories/match.js';
import { versionSchemes } from '../../src/ecosystems/schemes.js';
import { decodeBody } from '../../src/http/decode.js';
import { BUILT_IN_ADVISORIES, BUILT_IN_SEEDS, sharedAdvisories, sharedSeeds } from './seeds.js';
import { createRandom, mutate, mutateBytes } from './mutate.js';

interface Target {
  id: string;
  /** Runs one case; returns the input (to save on failure) and a promise of completion. */
  run(random: () => number): { name: string; input: string | Uint8Array; done: Promise<void> | void };
}

interface Options {
  seed: number;
  runs: number;
  target: string | null;
  onlyCase: number | null;
  maxInputMs: number;
  maxRssMb: number;
  shared: string;
  out: string;
}

function parseOptions(argv: string[]): Options {
  const options: Options = {
    seed: 20261206,
    runs: 200,
    target: null,
    onlyCase: null,
    maxInputMs: 10_000,
    maxRssMb: 1536,
    // As test/shared-data.ts: CHAINWATCH_SHARED_DATA, else ../shared/data beside the checkout.
    shared: resolve(process.env.CHAINWATCH_SHARED_DATA || resolve(import.meta.dirname, '../../../shared/data')),
    out: resolve(import.meta.dirname, '../../.fuzz'),
  };
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index];
    const value = argv[index + 1];
    const number = () => {
      const parsed = Number(value);
      if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`${flag} needs a whole number, not ${JSON.stringify(value)}`);
      index += 1;
      return parsed;
    };
    if (flag === '--seed') options.seed = value === 'random' ? (index++, Math.floor(Math.random() * 2 ** 31)) : number();
    else if (flag === '--runs') options.runs = number();
    else if (flag === '--case') options.onlyCase = number();
    else if (flag === '--max-input-ms') options.maxInputMs = number();
    else if (flag === '--max-rss-mb') options.maxRssMb = number();
    else if (flag === '--target') options.target = (index++, value ?? null);
    else if (flag === '--shared') options.shared = (index++, resolve(value ?? '.'));
    else if (flag === '--out') options.out = (index++, resolve(value ?? '.'));
    else throw new Error(`unknown option ${flag}`);
  }
  return options;
}

const extractors = await loadExtractors();

function buildTargets(options: Options): Target[] {
  const targets: Target[] = [];
  const shared = sharedSeeds(options.shared, (path) => extractorFor(path)?.id ?? null);
  for (const extractor of extractors) {
    const builtIn = BUILT_IN_SEEDS[extractor.id];
    if (!builtIn) throw new Error(`no fuzz seeds for extractor ${extractor.id}: add them to test/fuzz/seeds.ts`);
    if (!extractor.detect(builtIn.path)) throw new Error(`seed path ${builtIn.path} is not detected by ${extractor.id}`);
    const seeds = [...builtIn.texts, ...(shared.get(extractor.id) ?? [])];
    targets.push({
      id: `extractor:${extractor.id}`,
      run(random) {
        const mutation = mutate(seeds, random);
        const result = extractor.extract({ path: builtIn.path, text: mutation.text, readRelated: () => null });
        if (!Array.isArray(result.packages) || !Array.isArray(result.errors) || !Array.isArray(result.notScannable)) {
          throw new Error('extract returned a malformed result');
        }
        for (const error of result.errors) {
          if (/Maximum call stack/i.test(error.message)) throw new Error(`stack overflow reported as a file error: ${error.message}`);
        }
        return { name: mutation.name, input: mutation.text, done: undefined };
      },
    });
  }

  const advisories = [...BUILT_IN_ADVISORIES, ...sharedAdvisories(options.shared, 300)];
  const jsonAdvisories = advisories.filter((text) => text.trimStart().startsWith('{'));
  const yamlAdvisories = advisories.filter((text) => !text.trimStart().startsWith('{'));
  for (const [format, seeds] of [['json', jsonAdvisories], ['yaml', yamlAdvisories]] as const) {
    targets.push({
      id: `osv-loader:${format}`,
      run(random) {
        const mutation = mutate(seeds, random);
        const parsed = parseAdvisoryText(mutation.text, format, `fuzz.${format}`);
        if (parsed.ok) exerciseMatcher(parsed.value);
        return { name: mutation.name, input: mutation.text, done: undefined };
      },
    });
  }

  const zipSeed = zipSync(Object.fromEntries(jsonAdvisories.slice(0, 8).map((text, index) => [`ID-${index}.json`, strToU8(text)])));
  targets.push({
    id: 'osv-loader:zip',
    run(random) {
      const bytes = mutateBytes(zipSeed, random);
      for (const entry of iterateAdvisoryZipBytes(bytes, 'fuzz.zip')) if (entry.ok) exerciseMatcher(entry.value);
      return { name: 'zip-bytes', input: bytes, done: undefined };
    },
  });

  const body = Buffer.from(jsonAdvisories[0] ?? '{}');
  const encoded: [string, Uint8Array][] = [
    ['gzip', gzipSync(body)],
    ['deflate', deflateSync(body)],
    ['br', brotliCompressSync(body)],
    ['gzip, br', brotliCompressSync(gzipSync(body))],
  ];
  targets.push({
    id: 'http-decoders',
    run(random) {
      const [coding, seed] = encoded[Math.floor(random() * encoded.length)]!;
      const bytes = mutateBytes(seed, random);
      // A corrupt body must be a rejected promise, never a crash.
      const done = decodeBody(Buffer.from(bytes), coding).then(
        () => undefined,
        (error: unknown) => {
          if (!(error instanceof Error)) throw new Error(`decodeBody rejected with a non-error: ${String(error)}`);
        },
      );
      return { name: `decode-${coding}`, input: bytes, done };
    },
  });
  return targets;
}

function exerciseMatcher(record: Parameters<typeof compileRecords>[0] extends Iterable<infer R> ? R : never): void {
  for (const affected of record.affected ?? []) {
    const ecosystem = affected.package?.ecosystem;
    const scheme = ecosystem ? (versionSchemes as Record<string, (typeof versionSchemes)[keyof typeof versionSchemes]>)[ecosystem] : undefined;
    if (!scheme || !affected.package) continue;
    const compiled = compileRecords([record], scheme);
    for (const version of ['0', '1.0.0', '2.30.0', ...(affected.versions ?? []).slice(0, 3)]) {
      matchPackageWithWarnings({ ecosystem: scheme === versionSchemes.npm ? 'npm' : (ecosystem as 'PyPI'), name: affected.package.name, version }, compiled);
    }
  }
}

/** The case under way, so that a process ending in the middle of it (a promise that never settles: exit 13) still names and saves it. */
let running: { target: string; caseIndex: number; name: string; input: string | Uint8Array } | null = null;

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  process.on('exit', (code) => {
    if (running === null) return;
    const line = record(options, running.target, running.caseIndex, running.name, running.input, `the process ended (exit ${code}) during this case: a promise that never settles?`);
    process.stdout.write(`FAIL ${line}\n`);
    process.exitCode = 1;
  });
  mkdirSync(join(options.out, 'failures'), { recursive: true });
  const targets = buildTargets(options).filter((target) => options.target === null || target.id.includes(options.target));
  if (targets.length === 0) throw new Error(`no fuzz target matches ${JSON.stringify(options.target)}`);
  const failures: string[] = [];
  const started = performance.now();
  let peakRssMb = 0;
  for (const target of targets) {
    // From the target's name, not its position: a case replays the same with --target, and adding a target changes no other's cases.
    const targetSeed = hashOf(target.id);
    let slowestMs = 0;
    let slowestName = '';
    for (let caseIndex = 0; caseIndex < options.runs; caseIndex++) {
      // One generator per case, so a single case replays alone with --case.
      const random = createRandom(options.seed ^ targetSeed ^ Math.imul(caseIndex + 1, 0x85ebca6b));
      if (options.onlyCase !== null && caseIndex !== options.onlyCase) continue;
      writeFileSync(join(options.out, 'current.json'), JSON.stringify({ target: target.id, seed: options.seed, case: caseIndex }));
      const begin = performance.now();
      let name = '?';
      let input: string | Uint8Array = '';
      try {
        const outcome = target.run(random);
        name = outcome.name;
        input = outcome.input;
        running = { target: target.id, caseIndex, name, input };
        await outcome.done;
        running = null;
      } catch (error) {
        running = null;
        failures.push(record(options, target.id, caseIndex, name, input, `threw: ${(error as Error).stack ?? String(error)}`));
      }
      const elapsed = performance.now() - begin;
      if (elapsed > slowestMs) [slowestMs, slowestName] = [elapsed, name];
      if (elapsed > options.maxInputMs) failures.push(record(options, target.id, caseIndex, name, input, `took ${Math.round(elapsed)} ms (bound ${options.maxInputMs} ms)`));
      const rssMb = process.memoryUsage.rss() / 2 ** 20;
      peakRssMb = Math.max(peakRssMb, rssMb);
      if (rssMb > options.maxRssMb) failures.push(record(options, target.id, caseIndex, name, input, `resident memory ${Math.round(rssMb)} MB (bound ${options.maxRssMb} MB)`));
    }
    process.stdout.write(`${target.id.padEnd(32)} ${options.onlyCase === null ? options.runs : 1} cases, slowest ${Math.round(slowestMs)} ms (${slowestName})\n`);
  }
  process.stdout.write(
    `fuzz: seed ${options.seed}, ${targets.length} targets, ${failures.length} failures, peak RSS ${Math.round(peakRssMb)} MB, ${Math.round((performance.now() - started) / 1000)} s\n`,
  );
  for (const failure of failures) process.stdout.write(`FAIL ${failure}\n`);
  return failures.length === 0 ? 0 : 1;
}

/** FNV-1a: a stable 32-bit number for a name. */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  return hash >>> 0;
}

function record(options: Options, target: string, caseIndex: number, name: string, input: string | Uint8Array, why: string): string {
  const file = join(options.out, 'failures', `${target.replace(/[^a-z0-9-]+/gi, '_')}-${options.seed}-${caseIndex}.input`);
  writeFileSync(file, input);
  const firstLine = why.split('\n').slice(0, 3).join(' | ');
  return `${target} case ${caseIndex} (${name}): ${firstLine}\n     input saved to ${file}; replay: npm run fuzz -- --target ${target} --seed ${options.seed} --case ${caseIndex}`;
}

process.exitCode = await main().catch((error: unknown) => {
  process.stderr.write(`fuzz: ${(error as Error).message}\n`);
  return 2;
});
