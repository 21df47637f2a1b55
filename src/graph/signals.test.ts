import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importAdvisories } from '../advisories/load.js';
import { fixedClock } from '../core/clock.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { manifestLookupFromDirectory } from './repository.js';
import type { PackageFacts, PackageRelease } from './resolver.js';
import {
  advisoryLookupFrom,
  advisorySignals,
  mergeSignals,
  noAdvisories,
  openAdvisoryDatabase,
  signalsFromFacts,
  withRepositoryConfidence,
  type AdvisoryLookup,
} from './signals.js';
import { describeWithSharedData, itWithSharedData, sharedData } from '../../test/shared-data.js';

const shared = sharedData;
const clock = fixedClock('2025-01-01T00:00:00Z');

const releases: PackageRelease[] = [
  { version: '1.0.0', publishedAt: '2023-01-01T00:00:00Z', provenance: false },
  { version: '1.1.0', publishedAt: '2024-03-01T00:00:00Z', provenance: true },
  { version: '2.0.0rc1', publishedAt: '2024-06-01T00:00:00Z', provenance: false },
  { version: '1.2.0', publishedAt: '2024-07-01T00:00:00Z', provenance: false, yanked: true },
  { version: '2.0.0', publishedAt: '2024-12-01T00:00:00Z', provenance: null },
];

describe('signalsFromFacts', () => {
  it('takes the latest of 150,000 release times (issue 7: Math.max(...times) overflowed the stack)', () => {
    const many: PackageRelease[] = Array.from({ length: 150_000 }, (_, index) => ({
      version: `0.${index}`,
      publishedAt: new Date(Date.parse('2024-01-01T00:00:00Z') + index * 60_000).toISOString(),
      provenance: null,
    }));
    const signals = signalsFromFacts({ ecosystem: 'PyPI', name: 'many', version: '0.0' }, { releases: many }, clock);
    // The last release, 149,999 minutes (104 days) after 2024-01-01, is 261 days before 2025-01-01.
    expect(signals.daysSinceLastRelease).toEqual({ known: true, value: 261 });
  });

  it('computes age, cadence, yanked and provenance dropped from the release history', () => {
    const signals = signalsFromFacts({ ecosystem: 'PyPI', name: 'demo', version: '1.2.0' }, { releases, license: 'BSD-3-Clause' }, clock);
    expect(signals.releasedAt).toEqual({ known: true, value: '2024-07-01T00:00:00.000Z' });
    // 2024-07-01 → 2025-01-01 is 184 days.
    expect(signals.ageDays).toEqual({ known: true, value: 184 });
    // Within 365 days of 2025-01-01: 1.1.0 (2024-03-01), 2.0.0rc1, 1.2.0, 2.0.0; not 1.0.0.
    expect(signals.releasesLastYear).toEqual({ known: true, value: 4 });
    // The newest release is 2.0.0 on 2024-12-01: 31 days.
    expect(signals.daysSinceLastRelease).toEqual({ known: true, value: 31 });
    expect(signals.yanked).toEqual({ known: true, value: true });
    // 1.2.0's previous release is 1.1.0 (the pre-release 2.0.0rc1 is higher anyway): 1.1.0 had provenance, 1.2.0 has none.
    expect(signals.provenance).toEqual({ known: true, value: false });
    expect(signals.provenanceDropped).toEqual({ known: true, value: true });
    expect(signals.license).toEqual({ known: true, value: 'BSD-3-Clause' });
  });

  it.each([
    ['the first release cannot have dropped provenance', '1.0.0', { known: true, value: false }],
    ['a release after one without provenance did not drop it', '1.1.0', { known: true, value: false }],
    ['provenance unknown for this version → unknown', '2.0.0', { known: false }],
    // 2.0.0rc1's previous version is 1.2.0 (lower, though published later), which had no provenance either.
    ['a pre-release compares with the highest version below it', '2.0.0rc1', { known: true, value: false }],
  ])('%s', (_name, version, expected) => {
    const signals = signalsFromFacts({ ecosystem: 'PyPI', name: 'demo', version }, { releases }, clock);
    expect(signals.provenanceDropped).toMatchObject(expected);
  });

  it('never turns missing facts into false, zero or empty', () => {
    const signals = signalsFromFacts({ ecosystem: 'npm', name: 'demo', version: '1.0.0' }, {}, clock);
    for (const [name, signal] of Object.entries(signals)) {
      expect(signal, name).toMatchObject({ known: false, reason: expect.any(String) });
    }
    expect(signals.yanked).toEqual({ known: false, reason: 'npm has no yanked releases (only deprecation)' });
  });

  it('keeps known false and empty answers', () => {
    const facts: PackageFacts = { yanked: false, deprecated: false, installScripts: [], provenance: false, maintainers: [] };
    const signals = signalsFromFacts({ ecosystem: 'npm', name: 'demo', version: '1.0.0' }, facts, clock);
    expect([signals.yanked, signals.deprecated, signals.installScripts, signals.provenance, signals.maintainers]).toEqual([
      { known: true, value: false },
      { known: true, value: false },
      { known: true, value: [] },
      { known: true, value: false },
      { known: true, value: 0 },
    ]);
  });

  it.each([
    ['names', ['bob', 'alice', 'bob'], { known: true, value: 2 }, { known: true, value: ['alice', 'bob'] }],
    ['a count', 3, { known: true, value: 3 }, { known: false }],
    ['nothing', null, { known: false }, { known: false }],
  ])('maintainers from %s', (_name, maintainers, count, names) => {
    const signals = signalsFromFacts({ ecosystem: 'npm', name: 'demo', version: '1.0.0' }, { maintainers }, clock);
    expect(signals.maintainers).toMatchObject(count);
    expect(signals.maintainerNames).toMatchObject(names);
  });

  itWithSharedData('picks the first repository URL and confirms it from the repository manifest', () => {
    const manifests = manifestLookupFromDirectory(join(shared, 'projects'));
    const facts: PackageFacts = { repositoryUrls: ['https://jupyter.org', 'https://github.com/jupyter-server/jupyter_server/issues'] };
    const confirmed = signalsFromFacts({ ecosystem: 'PyPI', name: 'jupyter-server', version: '2.14.1' }, facts, clock, manifests);
    expect(confirmed.repository).toEqual({ known: true, value: { url: 'github.com/jupyter-server/jupyter_server', confidence: 'confirmed' } });
    const claimed = signalsFromFacts({ ecosystem: 'PyPI', name: 'jupyter-server-fork', version: '1.0' }, facts, clock, manifests);
    expect(claimed.repository).toEqual({ known: true, value: { url: 'github.com/jupyter-server/jupyter_server', confidence: 'claimed' } });
    const npmShorthand = signalsFromFacts({ ecosystem: 'npm', name: 'x', version: '1.0.0' }, { repositoryUrls: ['jupyterlab/lumino'] }, clock);
    expect(npmShorthand.repository).toMatchObject({ known: true, value: { url: 'github.com/jupyterlab/lumino' } });
    const none = signalsFromFacts({ ecosystem: 'PyPI', name: 'x', version: '1.0' }, { repositoryUrls: ['https://example.test/docs'] }, clock);
    expect(none.repository).toEqual({ known: false, reason: 'no URL names a repository on a known code host' });
  });
});

describe('mergeSignals', () => {
  it('prefers a known signal from the ecosystem, then a known one from facts', () => {
    const derived = signalsFromFacts({ ecosystem: 'npm', name: 'x', version: '1.0.0' }, { license: 'MIT', installScripts: ['postinstall'] }, clock);
    const merged = mergeSignals(
      { license: { known: false, reason: 'abbreviated packument' }, installScripts: { known: true, value: [] }, provenance: { known: false, reason: 'mirror strips attestations' } },
      derived,
    );
    expect(merged.license).toEqual({ known: true, value: 'MIT' });
    expect(merged.installScripts).toEqual({ known: true, value: [] });
    // Both unknown: the ecosystem's reason is the more precise one.
    expect(merged.provenance).toEqual({ known: false, reason: 'mirror strips attestations' });
  });

  itWithSharedData('re-judges a repository the ecosystem claimed', () => {
    const manifests = manifestLookupFromDirectory(join(shared, 'projects'));
    const signals = withRepositoryConfidence(
      { repository: { known: true, value: { url: 'github.com/jupyterlab/jupyterlab', confidence: 'claimed' } } },
      { ecosystem: 'PyPI', name: 'jupyterlab', version: '4.2.5' },
      manifests,
    );
    expect(signals.repository).toEqual({ known: true, value: { url: 'github.com/jupyterlab/jupyterlab', confidence: 'confirmed' } });
  });
});

describeWithSharedData('advisorySignals', () => {
  let lookup: AdvisoryLookup;
  beforeAll(async () => {
    const store = openSqliteStore(':memory:');
    await importAdvisories(store, { kind: 'directory', path: join(shared, 'osv') });
    lookup = advisoryLookupFrom(store, 'shared OSV data');
    // Importing the 2,661 shared records takes a few seconds, far more on a loaded machine.
  }, 120_000);

  it('names the advisories affecting a version and their highest severity', () => {
    // Read from ../shared/data/osv: jupyter-server 1.23.0 is affected by GHSA-hrw6-wg82-cm62 (CVSS 3.1 7.5, high),
    // and by PYSEC-2023-155 / PYSEC-2023-157 (CVSS 3.1 AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N = 6.1, medium),
    // reported under their GHSA ids.
    const signals = advisorySignals({ ecosystem: 'PyPI', name: 'jupyter_server', version: '1.23.0' }, lookup);
    expect(signals.advisories).toEqual({ known: true, value: ['GHSA-64x5-55rw-9974', 'GHSA-hrw6-wg82-cm62', 'GHSA-r726-vmfq-j9j3'] });
    expect(signals.advisorySeverity).toEqual({ known: true, value: 'high' });
  });

  it('a fixed version has none, and that is known', () => {
    const signals = advisorySignals({ ecosystem: 'PyPI', name: 'jupyter-server', version: '2.14.1' }, lookup);
    expect(signals.advisories).toEqual({ known: true, value: [] });
    expect(signals.advisorySeverity).toEqual({ known: true, value: 'none' });
  });

  it('conda and a missing database are unknown, with the reason', () => {
    expect(advisorySignals({ ecosystem: 'conda', name: 'jupyterlab', version: '4.2.5' }, lookup).advisories).toEqual({
      known: false,
      reason: 'OSV publishes no advisories for conda packages (see the PyPI twin)',
    });
    const none = noAdvisories('no database');
    expect(advisorySignals({ ecosystem: 'PyPI', name: 'x', version: '1' }, none)).toEqual({
      advisories: { known: false, reason: 'no database' },
      advisorySeverity: { known: false, reason: 'no database' },
    });
  });
});

describe('openAdvisoryDatabase', () => {
  const readOnly = (path: string) => openSqliteStore(path, { readonly: true });
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'chainwatch-signals-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says plainly when there is no database, or an empty one, and does not create it', () => {
    const absent = openAdvisoryDatabase(join(dir, 'absent.sqlite'), readOnly);
    expect(absent.lookup).toMatchObject({ available: false, status: { reachable: false, error: expect.stringMatching(/no advisory database yet/) } });
    const emptyPath = join(dir, 'empty.sqlite');
    openSqliteStore(emptyPath).close();
    const empty = openAdvisoryDatabase(emptyPath, readOnly);
    expect(empty.lookup).toMatchObject({ available: false, reason: expect.stringMatching(/empty/) });
  });

  itWithSharedData('opens a filled database read-only', async () => {
    const path = join(dir, 'filled.sqlite');
    const store = openSqliteStore(path);
    await importAdvisories(store, { kind: 'directory', path: join(shared, 'osv/ghsa') });
    store.close();
    const opened = openAdvisoryDatabase(path, readOnly);
    try {
      expect(opened.lookup.available).toBe(true);
      expect(advisorySignals({ ecosystem: 'PyPI', name: 'jupyter-server', version: '2.14.0' }, opened.lookup).advisories).toEqual({ known: true, value: ['GHSA-hrw6-wg82-cm62'] });
    } finally {
      opened.close();
    }
  });
});
