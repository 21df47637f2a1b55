import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';

/**
 * What `chainwatch` loads before it knows the command: the CLI imports each
 * area's public entry statically, so an entry that re-exported a heavy module
 * (undici, octokit, SQLite, the CycloneDX library, YAML, zod) would slow down
 * every command, `--help` included. Bundled as `npm run build` bundles it.
 */
const ALLOWED_AT_START_UP = ['cli-progress', 'commander', 'packageurl-js'];

/** The packages the entry chunk loads with the chunks it imports statically (not through import()). */
function startUpPackages(metafile: Metafile): string[] {
  const outputs = metafile.outputs;
  const entry = Object.keys(outputs).find((path) => outputs[path]!.entryPoint === 'src/cli/main.ts')!;
  const packages = new Set<string>();
  const seen = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const chunk = pending.pop()!;
    if (seen.has(chunk)) continue;
    seen.add(chunk);
    for (const imported of outputs[chunk]!.imports) {
      if (imported.kind !== 'import-statement') continue;
      if (imported.external) packages.add(imported.path);
      else pending.push(imported.path);
    }
  }
  return [...packages].filter((name) => !name.startsWith('node:')).sort();
}

describe('start-up', () => {
  it('loads no heavy package before a command runs: areas are reached through light public entries', async () => {
    const result = await build({
      absWorkingDir: fileURLToPath(new URL('../..', import.meta.url)),
      entryPoints: ['src/cli/main.ts'],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      splitting: true,
      packages: 'external',
      outdir: 'dist/cli',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    expect(startUpPackages(result.metafile)).toEqual(ALLOWED_AT_START_UP);
  });
});
