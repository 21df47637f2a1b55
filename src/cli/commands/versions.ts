import type { Command } from 'commander';
import { parseEcosystem } from '../../core/index.js';
import { loadVersionSorting } from '../../ecosystems/index.js';
import type { CliIo } from '../io.js';
import { warn } from '../io.js';

export const versionsCommand = {
  name: 'versions',
  summary: 'Version tools: `versions sort --ecosystem <PyPI|npm|Debian|conda>` orders stdin',
} as const;

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads versions one per line, prints them ascending; unparseable lines go to stderr and make the exit code 2. */
export async function runVersionsSort(io: CliIo, ecosystemName: string, options: { legacy?: boolean } = {}): Promise<number> {
  const ecosystem = parseEcosystem(ecosystemName);
  if (!ecosystem) {
    warn(io, `chainwatch: unknown ecosystem "${ecosystemName}" (expected PyPI, npm, Debian, Ubuntu or conda)`);
    return 2;
  }
  const { sortVersions } = await loadVersionSorting();
  const lines = (await readAll(io.stdin)).split(/\r?\n/);
  const { sorted, invalid } = sortVersions(ecosystem, lines, { path: 'stdin', legacy: options.legacy ?? false });
  if (sorted.length > 0) io.stdout.write(`${sorted.join('\n')}\n`);
  for (const entry of invalid) {
    warn(io, entry.error.describe());
  }
  return invalid.length > 0 ? 2 : 0;
}

export function registerVersions(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const versions = program.command(versionsCommand.name).description(versionsCommand.summary);
  versions
    .command('sort')
    .description('Read versions from stdin, one per line, and print them in ascending order')
    .requiredOption('-e, --ecosystem <name>', 'PyPI, npm, Debian or conda')
    .option('--legacy', 'PyPI: also order pre-PEP 440 versions (before every PEP 440 version, as OSV does) instead of reporting them')
    .action(async (options: { ecosystem: string; legacy?: boolean }) => setExit(await runVersionsSort(io, options.ecosystem, options)));
}
