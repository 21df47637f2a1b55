import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * What each step of `chainwatch scan` loads, in the bundle `npm run build`
 * makes (its esbuild command, read from package.json, with a metafile): a
 * chunk loads the chunks and packages it imports statically (not through
 * import()), bundled packages included. Heavy libraries (zod, YAML, TOML,
 * SQLite, undici, octokit…) must wait for the step that uses them, so that
 * `--help` and an empty scan start at once (issue 12).
 */
const root = fileURLToPath(new URL('../..', import.meta.url));

/** The esbuild command of package.json's build script, split as a shell splits it (double quotes only). */
function buildArguments(): string[] {
  const script = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { build: string } }).scripts.build;
  const command = script
    .split('&&')
    .map((part) => part.trim())
    .find((part) => part.startsWith('esbuild '))!;
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
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'chainwatch-start-up-'));
  const args = buildArguments()
    .filter((arg) => !arg.startsWith('--outdir=') && !arg.startsWith('--log-level='))
    .concat([`--outdir=${join(work, 'dist', 'cli')}`, `--metafile=${join(work, 'meta.json')}`, '--log-level=error']);
  const esbuild = createRequire(import.meta.url).resolve('esbuild/bin/esbuild');
  const built = spawnSync(esbuild, args, { cwd: root, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`esbuild failed: ${built.stderr}`);
  metafile = JSON.parse(readFileSync(join(work, 'meta.json'), 'utf8')) as Metafile;
}, 60_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

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
