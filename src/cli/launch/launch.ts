import module, { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { codeCacheDirectory, loadWithCodeCache } from './code-cache.js';

/**
 * What bin/chainwatch runs (built to dist/cli/launch.cjs): the commands that
 * have a bundle of their own (one file with everything the command may load,
 * dist/cli/<name>-main.cjs from src/cli/<name>-main.ts) start from it; the
 * others from dist/cli/main.js, the split ESM build of the whole CLI.
 * `--version` needs no command: the scan bundle answers it as main.js would.
 */
const BUNDLES: Readonly<Record<string, string>> = { scan: 'scan-main.cjs', '--version': 'scan-main.cjs', '-V': 'scan-main.cjs' };

type Main = (argv: string[]) => Promise<number>;

/** Runs the CLI for `argv` (without node and the script) and returns the exit code. */
export async function launch(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const name = argv[0] === undefined || !Object.hasOwn(BUNDLES, argv[0]) ? undefined : BUNDLES[argv[0]];
  if (name !== undefined) {
    const bundle = path.join(here, name);
    // Node 22.1+ caches compiled code itself once bin/chainwatch has called module.enableCompileCache.
    if (typeof (module as { enableCompileCache?: unknown }).enableCompileCache === 'function') {
      return await (createRequire(bundle)(bundle) as { main: Main }).main(argv);
    }
    const loaded = loadWithCodeCache(bundle, codeCacheDirectory(env));
    const exitCode = await (loaded.exports.main as Main)(argv);
    loaded.saveCache();
    return exitCode;
  }
  const { main } = (await import(pathToFileURL(path.join(here, 'main.js')).href)) as { main: Main };
  return await main(argv);
}
