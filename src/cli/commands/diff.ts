import type { Command } from 'commander';
import { loadGraphInputs, loadGraphPipelines } from '../../graph/index.js';
import { loadGraphRenderers, loadImageDiffRenderer } from '../../report/index.js';
import { loadScanPipeline, type ScanReport } from '../../scan/index.js';
import { loadGraphStore } from '../../store/index.js';
import { selectIdentity, type IdentityOptions } from '../graph-inputs.js';
import { describeError, eventRenderer, warn, type CliIo } from '../io.js';
import { collect, parseChoice } from '../options.js';
import { redactSecrets } from '../redact.js';
import { advisoryWiring, imageRegistryWiring, type AdvisoryOptions } from '../scan-wiring.js';
import { TOOL_VERSION } from '../version.js';

export const DIFF_FORMAT_CHOICES = ['table', 'json', 'markdown'] as const;

export interface DiffCommandOptions extends IdentityOptions, AdvisoryOptions {
  history?: string;
  format: (typeof DIFF_FORMAT_CHOICES)[number];
  image?: boolean;
  platform?: string;
  insecureRegistry?: string[];
  verbose?: boolean;
}

/**
 * `chainwatch diff --image OLD NEW`: both images scanned against the same
 * advisory sources, then compared: advisories that appeared or were
 * resolved, packages added, removed and changed. Exit 0 with the changes
 * (even none); 2 when an image could not be read, or no advisory source
 * answered (the advisory part would be empty for want of records, not of
 * vulnerabilities).
 */
async function runImageDiff(io: CliIo, references: string[], options: DiffCommandOptions): Promise<number> {
  if (references.length !== 2) {
    warn(io, 'chainwatch: diff --image takes two images: OLD NEW (OCI layout directories, OCI archives or docker save tarballs)');
    return 2;
  }
  const [{ scan, diffScans }, { renderImageDiff }] = await Promise.all([loadScanPipeline(), loadImageDiffRenderer()]);
  const renderer = eventRenderer(io, { verbose: options.verbose ?? false });
  const reports: ScanReport[] = [];
  const pull = await imageRegistryWiring(io, options.insecureRegistry ?? [], renderer);
  try {
    const wiring = await advisoryWiring(io, options, renderer);
    for (const target of references) {
      reports.push(await scan({ ...wiring, imageRegistry: pull.registry, targets: [], image: { target, ...(options.platform ? { platform: options.platform } : {}) }, toolVersion: TOOL_VERSION, events: renderer }));
    }
  } finally {
    await pull.close();
    renderer.stop();
  }
  const [previous, current] = reports as [ScanReport, ScanReport];
  const header = { previous: { source: references[0]!, image: previous.image ?? null }, current: { source: references[1]!, image: current.image ?? null } };
  io.stdout.write(redactSecrets(renderImageDiff(diffScans(previous, current), header, options.format), io.env));
  let failed = false;
  for (const [report, target] of [[previous, references[0]!], [current, references[1]!]] as const) {
    for (const error of report.errors) {
      failed = true;
      warn(io, `chainwatch: ${target}: ${error.path}${error.line ? `:${error.line}` : ''}: ${redactSecrets(error.message, io.env)}`);
    }
    for (const source of report.sources.filter((entry) => !entry.reachable)) {
      failed = true;
      warn(io, `chainwatch: advisory source not available: ${source.name}: ${source.error ?? 'unreachable'}`);
    }
  }
  return failed ? 2 : 0;
}

/**
 * `chainwatch diff [OLD] [NEW]`: what changed between two graph runs
 * (default: the previous and the latest run of one identity: --profile,
 * --preset/--config, --identity, else the newest run that was not ad hoc).
 * References are ids, `latest` or `latest~N`. Runs asked differently, or
 * where only one reached a source, are compared all the same, with a note on stderr. Exit 0
 * with the changes (even none); 2 when a run is missing or the history
 * cannot be read.
 */
export async function runDiff(io: CliIo, references: string[], options: DiffCommandOptions): Promise<number> {
  if (options.image) return runImageDiff(io, references, options);
  const [{ existsSync }, { defaultGraphStorePath, openGraphStore }, { diffSnapshots }, { renderDiff }, { describeIdentity, shortIdentity }] = await Promise.all([
    import('node:fs'),
    loadGraphStore(),
    loadGraphPipelines(),
    loadGraphRenderers(),
    loadGraphInputs(),
  ]);
  if (references.length > 2) {
    warn(io, 'chainwatch: diff takes at most two snapshots (OLD NEW)');
    return 2;
  }
  const [oldReference = 'latest~1', newReference = 'latest'] = references;
  const path = options.history ?? defaultGraphStorePath(io.env);
  if (!existsSync(path)) {
    warn(io, `chainwatch: no graph snapshots yet (${path}): run \`chainwatch graph\` twice to have something to compare`);
    return 2;
  }
  try {
    const history = openGraphStore(path, { readonly: true });
    try {
      const identity = await selectIdentity(options, () => history.identities());
      if (!identity.ok) {
        warn(io, `chainwatch: ${describeError(identity.error)}`);
        return 2;
      }
      const result = diffSnapshots(history, oldReference, newReference, identity.value);
      if (!result.ok) {
        warn(io, `chainwatch: ${result.error.message}`);
        return 2;
      }
      const { previous, current } = result;
      const name = (snapshot: typeof previous) => `${describeIdentity(snapshot.identity)}${snapshot.identity.profile === null ? ` (${shortIdentity(snapshot.identity.key)})` : ''}`;
      if (previous.identity.key !== current.identity.key) {
        warn(io, `chainwatch: note: run ${previous.id} and run ${current.id} were asked differently (${name(previous)}; ${name(current)}): packages only one of them asked for show as added or removed`);
      } else if (previous.identity.hash !== current.identity.hash) {
        warn(io, `chainwatch: note: the roots, environments or orgs of ${name(current)} changed between run ${previous.id} and run ${current.id}`);
      }
      // A source both runs missed hides the same packages from both; one that only one run missed makes changes up.
      const unreachable = (snapshot: typeof previous) => new Set(snapshot.graph.sources.filter((source) => !source.reachable).map((source) => source.name));
      const [missedBefore, missedNow] = [unreachable(previous), unreachable(current)];
      for (const [snapshot, missed, other] of [[previous, missedBefore, missedNow], [current, missedNow, missedBefore]] as const) {
        const only = [...missed].filter((name) => !other.has(name));
        if (only.length > 0) warn(io, `chainwatch: note: run ${snapshot.id} could not reach ${only.join(', ')}: what it could not see shows as removed or added`);
      }
      const header = { previous: { id: previous.id, createdAt: previous.createdAt }, current: { id: current.id, createdAt: current.createdAt } };
      io.stdout.write(redactSecrets(renderDiff(result.diff, header, options.format), io.env));
      return 0;
    } finally {
      history.close();
    }
  } catch (error) {
    warn(io, `chainwatch: ${describeError(error)}`);
    return 2;
  }
}

export function registerDiff(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('diff')
    .description('What changed between two graph runs asked the same way: packages added/removed, versions, new install scripts, provenance lost, maintainers, new advisories')
    .argument('[old]', 'the older run: an id, latest or latest~N (default latest~1)')
    .argument('[new]', 'the newer run (default latest)')
    .option('--history <path>', 'the graph history (default: $CHAINWATCH_GRAPH_DB or graph.sqlite in the user cache dir)')
    .option('--profile <name>', 'compare runs of this profile')
    .option('--preset <name>', 'compare runs of this preset (its roots, environments and orgs)')
    .option('--config <file>', 'compare runs of this chainwatch.yaml')
    .option('--env <name>', 'with --preset/--config: the environments the runs were made for (repeatable)', collect(String), [])
    .option('--identity <key>', 'compare runs of this identity (a hash prefix or profile from `chainwatch runs list`)')
    .option('-f, --format <format>', `output format: ${DIFF_FORMAT_CHOICES.join('|')}`, parseChoice(DIFF_FORMAT_CHOICES), 'table')
    .option('--image', 'compare two container images instead of two runs: OLD and NEW are registry references, OCI layout directories, OCI archives or docker save tarballs')
    .option('--platform <os/arch>', 'with --image, the platform to read from an image index (default linux/amd64)')
    .option('--insecure-registry <host[:port]>', 'with --image, a registry asked over plain http (loopback registries always are) (repeatable)', collect(String), [])
    .option('-a, --advisories <dir|zip>', 'with --image: OSV records, a directory or an OSV export zip (repeatable)', collect(String), [])
    .option('--db <path>', 'with --image: the advisory database (default: $CHAINWATCH_DB or the user cache dir)')
    .option('--no-local-db', 'with --image: do not use the local advisory database (only --advisories)')
    .option('--offline', 'with --image: never download advisories')
    .option('-v, --verbose', 'more detail on stderr')
    .action(async (oldReference: string | undefined, newReference: string | undefined, options: DiffCommandOptions) =>
      setExit(await runDiff(io, [oldReference, newReference].filter((value): value is string => value !== undefined), options)),
    );
}
