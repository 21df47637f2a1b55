/**
 * What every `chainwatch advisories …` subcommand shares on the command line,
 * and the wiring of one desk run: the configuration (orgs, the `disclosure:`
 * policy), the GitHub token, the desk's store, a pypa/advisory-database
 * checkout, the clock. Subcommands never import each other; they share this.
 */
import type { Command } from 'commander';
import { loadConfigReaders } from '../config/index.js';
import { ChainwatchError, fixedClock, systemClock, type Clock } from '../core/index.js';
import {
  DEFAULT_DESK_POLICY,
  loadDeskGithub,
  loadDeskPipeline,
  loadPypaDatabaseReader,
  type AdvisoryGithub,
  type DeskPolicy,
  type DeskRun,
  type DisclosureStore,
  type PypaDatabase,
} from '../disclosure/index.js';
import type { GithubCollectorOptions } from '../posture/index.js';
import { loadDisclosureStore } from '../store/index.js';
import { describeError, warn, type CliIo } from './io.js';
import { collect } from './options.js';
import { githubToken, NO_TOKEN } from './posture-wiring.js';

export interface DeskInputOptions {
  org: string[];
  config?: string;
  preset?: string;
  fromDir: string[];
  manual: string[];
  now?: string;
  /** The store's path; `false` is commander's value for `--no-store`. */
  store?: string | false;
  /** Run without the store: no history, nothing recorded (what `--no-store` means, for callers other than commander). */
  noStore?: boolean;
  pypa?: string;
}

/** What tests replace. */
export interface DeskWiring {
  clock?: Clock;
  /** Builds the desk's GitHub client (tests point it at the fake server through GITHUB_API_URL instead, when they can). */
  deskGithub?: (options: GithubCollectorOptions) => AdvisoryGithub;
}

/** The options every subcommand that reads advisories takes. */
export function addDeskInputOptions(command: Command): Command {
  return command
    .option('--org <org>', 'a GitHub organisation (repeatable; default: the config\'s orgs; needs GH_TOKEN or GITHUB_TOKEN)', collect(String), [])
    .option('--config <file>', 'chainwatch.yaml: its orgs and its disclosure: policy (clocks, collaborators, notifiers)')
    .option('--preset <name>', 'a shipped configuration instead of --config (jupyter)')
    .option('--from-dir <dir>', 'a folder of REST advisory JSON files, one per file (repeatable; offline)', collect(String), [])
    .option('--manual <file>', 'a YAML file of reports that arrived by e-mail (repeatable)', collect(String), [])
    .option('--now <date>', 'the clock: an ISO date or time (reproducible reports; nothing is recorded)')
    .option('--store <path>', 'the desk\'s store (default: $CHAINWATCH_DISCLOSURE_DB or the user data dir)')
    .option('--no-store', 'no history: clocks from the advisories alone, nothing recorded')
    .option('--pypa <dir>', 'a pypa/advisory-database checkout, to find published PyPI advisories missing from it');
}

/**
 * Whether the run goes without the store. Commander folds `--store <path>`
 * and `--no-store` into one option, so `--no-store` arrives as `store: false`.
 */
export function storeDisabled(options: Pick<DeskInputOptions, 'store' | 'noStore'>): boolean {
  return options.noStore === true || options.store === false;
}

/** The clock of a run: `--now` (a date is its start in UTC), else the system's. */
export function deskClock(now: string | undefined, wiring: DeskWiring): { clock: Clock; fixed: boolean } | ChainwatchError {
  if (now === undefined) return { clock: wiring.clock ?? systemClock, fixed: false };
  const text = /^\d{4}-\d{2}-\d{2}$/.test(now) ? `${now}T00:00:00Z` : now;
  // A time without a zone would be read in this machine's zone: refuse it, as the desk does for dates in advisories.
  if (!/(?:Z|[+-]\d{2}:?\d{2})$/i.test(text) || Number.isNaN(Date.parse(text))) {
    return new ChainwatchError('invalid-argument', `--now: expected an ISO date (2026-12-06) or a time with its zone (2026-12-06T09:00:00Z), got ${JSON.stringify(now.slice(0, 40))}`);
  }
  return { clock: fixedClock(new Date(Date.parse(text)).toISOString()), fixed: true };
}

export interface DeskContext {
  orgs: string[];
  policy: DeskPolicy;
  clock: Clock;
  fixedNow: boolean;
  store: (DisclosureStore & { close(): void; path: string }) | null;
  token: string | undefined;
  github: AdvisoryGithub | null;
  pypa: PypaDatabase | null;
  close(): void;
}

/** Reads the configuration and opens what a desk run needs; a bad input is said on stderr and gives null (exit 2). */
export async function openDeskContext(io: CliIo, options: DeskInputOptions, wiring: DeskWiring): Promise<DeskContext | null> {
  const clock = deskClock(options.now, wiring);
  if (clock instanceof ChainwatchError) {
    warn(io, `chainwatch: ${clock.message}`);
    return null;
  }
  let orgs = [...new Set(options.org)];
  let policy = DEFAULT_DESK_POLICY;
  if (options.config && options.preset) {
    warn(io, 'chainwatch: give --config or --preset, not both');
    return null;
  }
  if (options.config || options.preset) {
    const { loadConfigFile, loadPreset } = await loadConfigReaders();
    const loaded = options.config ? loadConfigFile(options.config) : loadPreset(options.preset!);
    if (!loaded.ok) {
      warn(io, `chainwatch: ${describeError(loaded.error)}`);
      return null;
    }
    policy = loaded.value.disclosure;
    if (orgs.length === 0) orgs = loaded.value.orgs;
  }
  let pypa: PypaDatabase | null = null;
  if (options.pypa) {
    const { loadPypaDatabase } = await loadPypaDatabaseReader();
    pypa = await loadPypaDatabase(options.pypa);
    for (const note of pypa.notes.slice(0, 20)) warn(io, `chainwatch: ${options.pypa}: ${describeError(note)}`);
    if (pypa.notes.length > 20) warn(io, `chainwatch: ${options.pypa}: ${pypa.notes.length - 20} more files could not be read`);
  }
  let store: DeskContext['store'] = null;
  if (!storeDisabled(options)) {
    const { defaultDisclosureStorePath, openDisclosureStore } = await loadDisclosureStore();
    try {
      store = openDisclosureStore(options.store || defaultDisclosureStorePath(io.env));
    } catch (error) {
      warn(io, `chainwatch: ${describeError(error)}`);
      return null;
    }
  }
  const token = githubToken(io.env);
  let github: AdvisoryGithub | null = null;
  if (token !== undefined) {
    const { createAdvisoryGithub } = await loadDeskGithub();
    github = (wiring.deskGithub ?? createAdvisoryGithub)({ token, env: io.env, clock: clock.clock });
  }
  return { orgs, policy, clock: clock.clock, fixedNow: clock.fixed, store, token, github, pypa, close: () => store?.close() };
}

/** One desk run over the context: every source, the clocks at the context's time, observations recorded unless `--now` fixed it. */
export async function runDeskWith(context: DeskContext, options: DeskInputOptions, filters: { states?: string[]; overdue?: boolean } = {}): Promise<DeskRun> {
  const { runDesk } = await loadDeskPipeline();
  return runDesk(
    {
      orgs: context.orgs,
      fromDirs: options.fromDir,
      manualFiles: options.manual,
      policy: context.policy,
      now: context.clock.now(),
      record: !context.fixedNow,
      states: (filters.states ?? []) as DeskRun['advisories'][number]['state'][],
      overdueOnly: filters.overdue ?? false,
    },
    {
      github: context.github,
      githubUnavailable: `${NO_TOKEN}: the organisations' advisories were not read (the token needs "Repository security advisories: read"; see chainwatch advisories --help)`,
      store: context.store,
      pypaIndex: context.pypa,
    },
  );
}

/** When no source at all could be read, the run says so and exits 2 rather than reporting "no advisories". */
export function nothingRead(run: DeskRun, options: DeskInputOptions, orgs: readonly string[]): string | null {
  if (orgs.length === 0 && options.fromDir.length === 0 && options.manual.length === 0 && run.advisories.length === 0) {
    return 'no source of advisories: give --org (or a --config with orgs), --from-dir or --manual';
  }
  // A folder whose every file was refused read nothing: it is not a usable source, nor is the store's empty manual list.
  const refusedFiles = run.sources.some((source) => source.status === 'invalid' && source.name.startsWith('file:'));
  const usable = run.sources.some(
    (source) =>
      (source.status === 'read' || source.status === 'repo-endpoints') &&
      !(source.name === 'store:manual' && source.advisories === 0) &&
      !(source.name.startsWith('dir:') && source.advisories === 0 && refusedFiles),
  );
  return usable ? null : 'none of the sources could be read (see Sources)';
}

/**
 * Runs the desk for a subcommand and hands the run to `act`: sources that were
 * not read are said on stderr, a run that read nothing exits 2, and a failure
 * is said and exits 2; the context is closed on every path.
 */
export async function withDeskRun(io: CliIo, options: DeskInputOptions, wiring: DeskWiring, act: (run: DeskRun, context: DeskContext) => Promise<number>): Promise<number> {
  const context = await openDeskContext(io, options, wiring);
  if (!context) return 2;
  try {
    const run = await runDeskWith(context, options);
    for (const source of run.sources.filter((one) => one.status !== 'read')) warn(io, `chainwatch: ${plainLine(`${source.name}: ${source.status}${source.note ? `: ${source.note}` : ''}`)}`);
    const empty = nothingRead(run, options, context.orgs);
    if (empty) {
      warn(io, `chainwatch: ${empty}`);
      return 2;
    }
    return await act(run, context);
  } catch (error) {
    warn(io, `chainwatch: ${describeError(error)}`);
    return 2;
  } finally {
    context.close();
  }
}

/** Source names and notes carry file paths and what hosts answered: no control character (a terminal escape) reaches stderr. */
function plainLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
}
