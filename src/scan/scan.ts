import { existsSync, statSync } from 'node:fs';
import { ChainwatchError } from '../core/errors.js';
import type { EventSink } from '../core/events.js';
import { silentSink } from '../core/events.js';
import type { Ecosystem } from '../core/package.js';
import type { createPackageMatcher as CreatePackageMatcher, RecordSource } from '../advisories/match.js';
import type { severityFromAliases as SeverityFromAliases } from '../advisories/alias-severity.js';
import type { AdvisoryReader, AdvisoryStoreOpener, EcosystemCoverage } from '../advisories/store.js';
import type { AdvisorySourceStatus, Finding, OsvRecord, Severity } from '../advisories/types.js';
import { buildInventory, buildInventoryFromFiles, type Inventory } from '../inventory/inventory.js';
import type { ImageContents, RegistryOptions } from '../image/index.js';
import { advisoryCoverage } from './coverage.js';
import type { ReportError, ScanImage, ScanReport } from './types.js';

export interface ScanOptions {
  /** Files and directories to walk; ignored when `image` is given. */
  targets: readonly string[];
  /**
   * A container image instead of targets: an OCI layout directory, an OCI
   * archive or a `docker save` tarball (image/). Its kept files go through the
   * same extractors; every location carries its layer.
   */
  image?: { target: string; platform?: string };
  /** How image references are pulled (the front end wires the HTTP client and the Docker credentials); without it an image target is a path only. */
  imageRegistry?: RegistryOptions;
  /** The local advisory database; skipped when null. */
  databasePath: string | null;
  /** Opens the database read-only, and a temporary store for `advisoryPaths` (the front end wires src/store/). */
  advisoryStores: AdvisoryStoreOpener;
  /** Extra advisory directories or OSV export zips, loaded for this run only. */
  advisoryPaths?: readonly string[];
  ecosystems?: readonly Ecosystem[];
  skipDirectories?: readonly string[];
  displayBase?: string;
  toolVersion: string;
  events?: EventSink;
  /**
   * Called when the local database does not exist yet, with the ecosystems the
   * inventory holds; may create it (the CLI downloads the OSV exports) and
   * returns the status of each source it tried.
   */
  createDatabase?: (ecosystems: readonly Ecosystem[]) => Promise<AdvisorySourceStatus[]>;
}

/** A named set of records the scan matches against. */
interface OpenSource {
  status: AdvisorySourceStatus;
  store: AdvisoryReader | null;
}

/**
 * sources → inventory → findings → report. Every problem with one input (a
 * file, an advisory source) is recorded and the rest of the work goes on.
 */
export async function scan(options: ScanOptions): Promise<ScanReport> {
  const events = options.events ?? silentSink;
  const image = options.image ? await readScannedImage(options.image, options, events) : null;
  const inventory = image
    ? image.inventory
    : await buildInventory(options.targets, {
        ...(options.ecosystems ? { ecosystems: options.ecosystems } : {}),
        ...(options.skipDirectories ? { skipDirectories: options.skipDirectories } : {}),
        ...(options.displayBase ? { displayBase: options.displayBase } : {}),
        events,
      });
  const errors: ReportError[] = [...(image?.errors ?? []), ...inventory.errors].map(toReportError);
  const attempted: AdvisorySourceStatus[] = [];
  if (options.databasePath !== null && options.createDatabase && !existsSync(options.databasePath)) {
    const present = [...new Set(inventory.packages.map((pkg) => pkg.ecosystem))].sort();
    if (present.length > 0) for (const status of await options.createDatabase(present)) attempted.push(status);
  }
  const sources = await openSources(options, errors);
  try {
    const stores = sources.flatMap((source) => (source.store ? [source.store] : []));
    const coverage = stores.map(rememberedCoverage);
    const findings = await findingsOf(inventory, combinedSource(stores, coverage), stores, errors, events);
    return {
      tool: { name: 'chainwatch', version: options.toolVersion },
      targets: image ? [options.image!.target] : [...options.targets],
      ...(image ? { image: image.summary } : {}),
      files: inventory.files,
      packages: inventory.packages.map(({ ecosystem, name, version, purl, locations }) => ({ ecosystem, name, version, purl, locations })),
      findings,
      notScannable: inventory.notScannable,
      errors,
      sources: [...attempted, ...sources.map((source) => source.status)],
      coverage: advisoryCoverage(inventory.packages, coverage),
    };
  } finally {
    for (const source of sources) source.store?.close();
  }
}

/**
 * An image's kept files through the extractors: every file some extractor
 * claims by its path, plus the files they read beside it (a dist-info's
 * INSTALLER). The image reader is loaded only for an image scan.
 */
async function readScannedImage(
  request: NonNullable<ScanOptions['image']>,
  options: ScanOptions,
  events: EventSink,
): Promise<{ inventory: Inventory; summary: ScanImage; errors: ChainwatchError[] }> {
  const [{ readImage }, { extractors }] = await Promise.all([import('../image/index.js'), import('../extractors/index.js')]);
  events.emit({ type: 'log', level: 'info', message: `reading image ${request.target}` });
  let contents: ImageContents;
  try {
    contents = await readImage(request.target, {
      ...(request.platform ? { platform: request.platform } : {}),
      ...(options.imageRegistry ? { registry: options.imageRegistry } : {}),
      keep: (path) => RELATED_IN_IMAGE.test(path) || (!NOT_INSTALLED_IN_IMAGE.test(path) && extractors.some((extractor) => extractor.detect(path))),
    });
  } catch (cause) {
    // An image that cannot be opened at all is an input error like an unreadable lockfile: reported, not thrown.
    if (!(cause instanceof ChainwatchError)) throw cause;
    const empty: ImageContents = { source: request.target, platform: null, manifestDigest: null, layers: [], files: [], os: null, errors: [cause] };
    contents = empty;
  }
  const inventory = await buildInventoryFromFiles(contents.files, { ...(options.ecosystems ? { ecosystems: options.ecosystems } : {}), events });
  return { inventory, summary: imageSummary(contents), errors: contents.errors };
}

/** Files an extractor reads beside the one it claims: who installed a Python distribution, and from where. */
const RELATED_IN_IMAGE = /\.dist-info\/(?:INSTALLER|direct_url\.json)$/;

/**
 * Files of an image that name packages but say nothing of what is installed:
 * documentation (`/usr/share/doc/python3-pip/requirements.txt`), and the
 * requirement files and lockfiles installed Python distributions ship inside
 * their own folders (their tests' pins). What a distribution is, its
 * `.dist-info`/`.egg-info`, is still read.
 */
const NOT_INSTALLED_IN_IMAGE = /^\/usr\/share\/doc\/|\/(?:site|dist)-packages\/(?![^/]+\.(?:dist|egg)-info(?:\/|$))/;

function imageSummary(contents: ImageContents): ScanImage {
  return {
    source: contents.source,
    platform: contents.platform,
    manifestDigest: contents.manifestDigest,
    os: contents.os,
    layers: contents.layers.map((layer) => ({ index: layer.index, digest: layer.digest, createdBy: layer.createdBy })),
  };
}

async function openSources(options: ScanOptions, errors: ReportError[]): Promise<OpenSource[]> {
  const sources: OpenSource[] = [];
  if (options.databasePath !== null) {
    const path = options.databasePath;
    if (!existsSync(path)) {
      sources.push({
        status: { name: `database ${path}`, reachable: false, error: 'no advisory database here yet: run `chainwatch db update` or `chainwatch db import`' },
        store: null,
      });
    } else {
      try {
        const store = options.advisoryStores.openReader(path);
        const records = store.count();
        // An empty database answers every question with "nothing known": that must not read as clean.
        sources.push({
          status:
            records > 0
              ? { name: `database ${path}`, reachable: true, records }
              : { name: `database ${path}`, reachable: false, records: 0, error: 'the advisory database is empty: run `chainwatch db update` or `chainwatch db import`' },
          store,
        });
      } catch (cause) {
        const error = cause instanceof ChainwatchError ? cause : new ChainwatchError('store-error', String(cause), { location: { path }, cause });
        errors.push(toReportError(error));
        sources.push({ status: { name: `database ${path}`, reachable: false, error: error.message }, store: null });
      }
    }
  }
  // The loaders (YAML, zip) are only needed for --advisories.
  const { importAdvisories } = options.advisoryPaths?.length ? await import('../advisories/load.js') : { importAdvisories: null };
  for (const path of options.advisoryPaths ?? []) {
    const kind = existsSync(path) && statSync(path).isDirectory() ? 'directory' : 'zip';
    const store = options.advisoryStores.openTemporary();
    const result = await importAdvisories!(store, { kind, path }, { sourceName: `advisories:${path}` });
    // Loops, not push(...spread): a hostile directory of records can hold more errors than a call takes arguments.
    for (const error of result.errors) errors.push(toReportError(error));
    const unreadable = result.loaded === 0 && result.errors.some((error) => error.location?.path === path);
    sources.push({
      status: unreadable
        ? { name: `advisories ${path}`, reachable: false, error: result.errors[0]?.message ?? 'unreadable' }
        : { name: `advisories ${path}`, reachable: true, records: store.count() },
      store,
    });
  }
  return sources;
}

/** A store's `coverage`, each ecosystem asked once: the matcher and the report's coverage both use it (on a full database one ecosystem can take 0.3 s). */
interface RememberedCoverage extends Pick<AdvisoryReader, 'coverage'> {
  /** Records with an `affected` entry in `ecosystem`, withdrawn ones left out. */
  advisoriesIn(ecosystem: Ecosystem): number;
}

function rememberedCoverage(store: AdvisoryReader): RememberedCoverage {
  const known = new Map<string, EcosystemCoverage>();
  const coverage = (ecosystems?: readonly string[]): EcosystemCoverage[] => {
    if (ecosystems === undefined) return store.coverage();
    const missing = ecosystems.filter((ecosystem) => !known.has(ecosystem));
    if (missing.length > 0) store.coverage(missing).forEach((entry, index) => known.set(missing[index]!, entry));
    return ecosystems.map((ecosystem) => known.get(ecosystem)!);
  };
  return { coverage, advisoriesIn: (ecosystem) => coverage([ecosystem])[0]!.advisories };
}

/**
 * Records for a package from every open source; the same id from two sources
 * counts once (the newer `modified` wins). A source holding no advisory for
 * the package's ecosystem is not asked (every record it could give is
 * withdrawn, which the matcher skips): a yarn.lock matched against a database
 * of PyPI records makes no query per npm package.
 */
function combinedSource(stores: readonly AdvisoryReader[], coverage: readonly RememberedCoverage[]): RecordSource {
  return {
    recordsFor(ecosystem, normalizedName) {
      const asked = stores.filter((_, index) => coverage[index]!.advisoriesIn(ecosystem) > 0);
      if (asked.length === 0) return [];
      if (asked.length === 1) return asked[0]!.recordsFor(ecosystem, normalizedName);
      const byId = new Map<string, OsvRecord>();
      for (const store of asked) {
        for (const record of store.recordsFor(ecosystem, normalizedName)) {
          const existing = byId.get(record.id);
          if (!existing || existing.modified < record.modified) byId.set(record.id, record);
        }
      }
      return [...byId.values()];
    },
  };
}

/**
 * The inventory matched against the sources, severities borrowed from aliases.
 * The matcher (and every ecosystem's version ordering it parses with) is
 * loaded only when there is a package to match: a scan that found nothing
 * starts faster.
 */
async function findingsOf(inventory: Inventory, records: RecordSource, stores: readonly AdvisoryReader[], errors: ReportError[], events: EventSink): Promise<Finding[]> {
  if (inventory.packages.length === 0) {
    events.emit({ type: 'progress', task: 'match', done: 0, total: 0 });
    return [];
  }
  const [{ createPackageMatcher }, { severityFromAliases }] = await Promise.all([import('../advisories/match.js'), import('../advisories/alias-severity.js')]);
  return borrowSeverities(matchInventory(createPackageMatcher, inventory, records, errors, events), stores, severityFromAliases);
}

function matchInventory(
  createPackageMatcher: typeof CreatePackageMatcher,
  inventory: Inventory,
  records: RecordSource,
  errors: ReportError[],
  events: EventSink,
): Finding[] {
  // The inventory is sorted by name, so all versions of a package are matched one after another:
  // two compiled names are enough, and a full-size database's popular names (hundreds of records,
  // each with its parsed `versions` list) never pile up in memory.
  const matcher = createPackageMatcher(records, undefined, { cacheSize: 2 });
  const findings: Finding[] = [];
  const total = inventory.packages.length;
  inventory.packages.forEach((pkg, index) => {
    if (index % 200 === 0) events.emit({ type: 'progress', task: 'match', done: index, total });
    // Local and URL packages have no registry version to compare; git packages match by commit only.
    if (pkg.source === 'path' || pkg.source === 'url') return;
    const target =
      pkg.source === 'git'
        ? { ecosystem: pkg.ecosystem, name: pkg.name, version: pkg.commit ? '' : pkg.version, ...(pkg.commit ? { commit: pkg.commit } : {}), purl: pkg.purl, locations: pkg.locations }
        : { ecosystem: pkg.ecosystem, name: pkg.name, version: pkg.version, purl: pkg.purl, locations: pkg.locations };
    // A Python distribution apt installed carries Debian's patches under the upstream version: PyPI's
    // records would misjudge it. It is matched through its Debian package (the dpkg status file).
    if (pkg.ecosystem === 'PyPI' && pkg.qualifiers?.installer === 'debian') return;
    // Debian and Ubuntu advisories name source packages, per release: a binary package is matched as the source it was built from.
    if (pkg.ecosystemRelease) Object.assign(target, { ecosystemRelease: pkg.ecosystemRelease });
    if ((pkg.ecosystem === 'Debian' || pkg.ecosystem === 'Ubuntu') && pkg.qualifiers?.source) {
      target.name = pkg.qualifiers.source;
      target.version = pkg.qualifiers.sourceVersion ?? pkg.version;
    }
    const result = matcher.match(target);
    for (const finding of result.findings) findings.push({ ...finding, package: { ecosystem: pkg.ecosystem, name: pkg.name, version: pkg.version, purl: pkg.purl } });
    for (const warning of result.warnings) {
      // A version that is not SemVer against a SEMVER range is the record's choice of ordering, not bad input.
      if (warning.code !== 'invalid-target-version') {
        events.emit({ type: 'log', level: 'debug', message: warning.message });
        continue;
      }
      for (const location of pkg.locations) {
        errors.push({ path: location.path, ...(location.line ? { line: location.line } : {}), code: 'invalid-version', message: warning.message });
      }
    }
  });
  events.emit({ type: 'progress', task: 'match', done: total, total });
  for (const warning of matcher.recordWarnings()) {
    events.emit({ type: 'log', level: 'debug', message: `advisory ${warning.recordId}: ${warning.message}` });
  }
  return findings;
}

export function toReportError(error: ChainwatchError): ReportError {
  return {
    path: error.location?.path ?? '',
    ...(error.location?.line !== undefined ? { line: error.location.line } : {}),
    code: error.code,
    message: error.message,
  };
}

/**
 * Findings whose matched records give no severity take it from the other
 * records the sources hold for the same vulnerability (alias-severity.ts),
 * once per (ids, package name): the same advisory hits many versions.
 */
function borrowSeverities(findings: Finding[], stores: readonly AdvisoryReader[], severityFromAliases: typeof SeverityFromAliases): Finding[] {
  if (stores.length === 0) return findings;
  const borrowed = new Map<string, Severity | null>();
  return findings.map((finding) => {
    if (finding.severity.level !== 'unknown') return finding;
    const key = `${finding.package.ecosystem}\u0000${finding.package.name}\u0000${finding.ids.join('\u0000')}`;
    if (!borrowed.has(key)) borrowed.set(key, severityFromAliases(finding, stores));
    const severity = borrowed.get(key);
    return severity ? { ...finding, severity } : finding;
  });
}
