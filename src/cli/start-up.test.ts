import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import nodeModule, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * What each step of `chainwatch scan` loads, in the build `npm run build`
 * makes (its esbuild commands, read from package.json, with a metafile): in
 * the split ESM build of the whole CLI (dist/cli/main.js), a chunk loads the
 * chunks and packages it imports statically (not through import()), bundled
 * packages included. Heavy libraries (zod, YAML, TOML, SQLite, undici,
 * octokit…) must wait for the step that uses them, so that `--help` and an
 * empty scan start at once (issue 12). The scan command's own bundle
 * (dist/cli/scan-main.cjs, one file, what bin/chainwatch runs for `scan`) holds no
 * other command, and scans as the ESM build does.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));

/** The arguments of the esbuild commands in package.json's build script (the ESM build first), split as a shell splits them (double quotes only). */
function buildCommands(): string[][] {
  const script = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { build: string } }).scripts.build;
  return script
    .split('&&')
    .map((part) => part.trim())
    .filter((part) => part.startsWith('esbuild '))
    .map(splitWords);
}

function splitWords(command: string): string[] {
  const words: string[] = [];
  let word = '';
  let quoted = false;
  for (let index = 0; index < command.length; index++) {
    const character = command[index]!;
    if (character === '"') quoted = !quoted;
    else if (character === '\\' && quoted) word += command[++index] ?? '';
    else if (character === ' ' && !quoted) {
      if (word !== '') words.push(word);
      word = '';
    } else word += character;
  }
  if (word !== '') words.push(word);
  return words.slice(1);
}

let metafile: Metafile;
let bundleMetafile: Metafile;
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'chainwatch-start-up-'));
  const esbuild = createRequire(import.meta.url).resolve('esbuild/bin/esbuild');
  const commands = buildCommands();
  expect(commands).toHaveLength(2);
  commands.forEach((command, index) => {
    const args = command
      .filter((arg) => !arg.startsWith('--outdir=') && !arg.startsWith('--log-level='))
      .concat([`--outdir=${join(work, 'dist', 'cli')}`, `--metafile=${join(work, `meta-${index}.json`)}`, '--log-level=error']);
    const built = spawnSync(esbuild, args, { cwd: root, encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`esbuild failed: ${built.stderr}`);
  });
  [metafile, bundleMetafile] = [0, 1].map((index) => JSON.parse(readFileSync(join(work, `meta-${index}.json`), 'utf8')) as Metafile) as [Metafile, Metafile];
  // The build resolves its packages from the checkout and reads the version from package.json beside dist/, as a clone does.
  symlinkSync(join(root, 'node_modules'), join(work, 'node_modules'));
  copyFileSync(join(root, 'package.json'), join(work, 'package.json'));
}, 60_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

function outputOf(meta: Metafile, entryPoint: string): Metafile['outputs'][string] {
  const output = Object.values(meta.outputs).find((candidate) => candidate.entryPoint === entryPoint);
  if (!output) throw new Error(`no output for ${entryPoint}`);
  return output;
}

function packageOf(input: string): string {
  const [scope, name] = input.split('node_modules/').pop()!.split('/');
  return scope!.startsWith('@') ? `${scope}/${name}` : scope!;
}

/** The packages (bundled or external) that loading the chunk of `entryPoint` loads with it. */
function packagesLoadedWith(entryPoint: string): string[] {
  const outputs = metafile.outputs;
  const chunk = Object.keys(outputs).find((path) => outputs[path]!.entryPoint === entryPoint);
  if (!chunk) throw new Error(`no chunk for ${entryPoint}: is it still loaded through import()?`);
  const packages = new Set<string>();
  const seen = new Set<string>();
  const pending = [chunk];
  while (pending.length > 0) {
    const next = pending.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    for (const input of Object.keys(outputs[next]!.inputs)) if (input.includes('node_modules/')) packages.add(packageOf(input));
    for (const imported of outputs[next]!.imports) {
      if (imported.kind !== 'import-statement') continue;
      if (!imported.external) pending.push(imported.path);
      else if (!imported.path.startsWith('node:')) packages.add(packageOf(`node_modules/${imported.path}`));
    }
  }
  return [...packages].sort();
}

/** What the command line needs before it knows the command: its parser. The progress bar loads for a terminal only, packageurl-js to parse a purl. */
const COMMAND_LINE = ['commander'];
/** Parsers and clients that only some steps use. */
const HEAVY = ['zod', 'yaml', 'js-yaml', '@yarnpkg/parsers', 'smol-toml', 'jsonc-parser', 'better-sqlite3', 'undici', 'octokit', '@cyclonedx/cyclonedx-library', 'hono'];

describe('start-up', () => {
  it('loads no heavy package before a command runs, and no other command', () => {
    expect(packagesLoadedWith('src/cli/main.ts')).toEqual(COMMAND_LINE);
    const mainChunk = Object.values(metafile.outputs).find((output) => output.entryPoint === 'src/cli/main.ts')!;
    expect(Object.keys(mainChunk.inputs).filter((input) => input.startsWith('src/cli/commands/'))).toEqual([]);
  });

  it('`scan` loads its command, then the pipeline without any parser, then each parser with its format', () => {
    expect(packagesLoadedWith('src/cli/commands/scan.ts')).toEqual(COMMAND_LINE);
    // The matcher and the version orderings (semver, PEP 440…) wait for a package to match.
    expect(packagesLoadedWith('src/scan/scan.ts')).toEqual([]);
    // Berry yarn.lock files and package-locks, what the shared projects hold, are read without zod or a YAML library.
    expect(packagesLoadedWith('src/extractors/yarn-lock/index.ts')).toEqual([]);
    expect(packagesLoadedWith('src/extractors/package-lock/index.ts')).toEqual(['jsonc-parser']);
    expect(packagesLoadedWith('src/store/sqlite-store.ts').filter((name) => HEAVY.includes(name))).toEqual(['better-sqlite3']);
  });
});

describe('the scan bundle and the launcher', () => {
  it('bundle the scan command alone, and the launcher nothing but itself', () => {
    const scanInputs = Object.keys(outputOf(bundleMetafile, 'src/cli/scan-main.ts').inputs);
    expect(scanInputs.filter((input) => input.startsWith('src/cli/commands/'))).toEqual(['src/cli/commands/scan.ts']);
    expect(Object.keys(outputOf(bundleMetafile, 'src/cli/launch/launch.ts').inputs).sort()).toEqual(['src/cli/launch/code-cache.ts', 'src/cli/launch/launch.ts']);
  });

  it('`scan` through the launcher reports what the ESM build reports, from its code cache on the second run', () => {
    const project = join(work, 'project');
    mkdirSync(join(project, 'app'), { recursive: true });
    mkdirSync(join(project, 'advisories'));
    writeFileSync(join(project, 'app', 'requirements.txt'), 'demo-package==1.0\n');
    writeFileSync(
      join(project, 'advisories', 'TEST-1.json'),
      JSON.stringify({
        id: 'TEST-1',
        modified: '2024-01-01T00:00:00Z',
        affected: [{ package: { ecosystem: 'PyPI', name: 'demo-package' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.0' }] }] }],
      }),
    );
    const args = ['scan', join(project, 'app'), '--no-local-db', '--advisories', join(project, 'advisories'), '--format', 'json', '--fail-on', 'low'];
    const cacheHome = join(work, 'cache-home');
    const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: cacheHome, CI: '1', NO_COLOR: '1' };
    delete env.NODE_DISABLE_COMPILE_CACHE;
    const run = (script: string) => spawnSync(process.execPath, ['-e', script, '--', ...args], { cwd: project, env, encoding: 'utf8' });
    const esm = run(`import(${JSON.stringify(pathToFileURL(join(work, 'dist', 'cli', 'main.js')).href)}).then(async ({ main }) => { process.exitCode = await main(process.argv.slice(1)); })`);
    const launched = () => run(`require(${JSON.stringify(join(work, 'dist', 'cli', 'launch.cjs'))}).launch(process.argv.slice(1)).then((code) => { process.exitCode = code; })`);
    const first = launched();
    expect(esm.status).toBe(1);
    expect(JSON.parse(esm.stdout).findings).toHaveLength(1);
    expect([first.status, first.stdout, first.stderr]).toEqual([esm.status, esm.stdout, esm.stderr]);
    // Node 20 keeps the bundle's compiled code in the user cache directory; Node 22.1+ has a cache of its own.
    const directory = join(cacheHome, 'chainwatch', 'code-cache');
    const entries = () => readdirSync(directory).map((name) => `${name} ${statSync(join(directory, name)).mtimeMs}`);
    const ownCache = typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache !== 'function';
    const written = ownCache ? entries() : [];
    if (ownCache) expect(written).toHaveLength(1);
    const second = launched();
    expect([second.status, second.stdout, second.stderr]).toEqual([esm.status, esm.stdout, esm.stderr]);
    // A hit leaves the entry as it was (a miss or a rejected entry is written again).
    if (ownCache) expect(entries()).toEqual(written);
    // `--version` is answered from the scan bundle, as main.js answers it.
    const version = (script: string) => spawnSync(process.execPath, ['-e', script, '--', '--version'], { cwd: project, env, encoding: 'utf8' });
    const esmVersion = version(`import(${JSON.stringify(pathToFileURL(join(work, 'dist', 'cli', 'main.js')).href)}).then(async ({ main }) => { process.exitCode = await main(process.argv.slice(1)); })`);
    const launchedVersion = version(`require(${JSON.stringify(join(work, 'dist', 'cli', 'launch.cjs'))}).launch(process.argv.slice(1)).then((code) => { process.exitCode = code; })`);
    expect(esmVersion.stdout).toMatch(/^\d+\.\d+\.\d+/);
    expect([launchedVersion.status, launchedVersion.stdout, launchedVersion.stderr]).toEqual([esmVersion.status, esmVersion.stdout, esmVersion.stderr]);
  }, 30_000);
});
