import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AdvisoryReader, AdvisoryStoreOpener } from '../advisories/store.js';
import type { OsvRecord } from '../advisories/types.js';
import { scan } from './scan.js';

const directory = mkdtempSync(join(tmpdir(), 'chainwatch-scan-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function record(id: string, ecosystem: string, name: string, extra: Partial<OsvRecord> = {}): OsvRecord {
  return {
    id,
    modified: '2024-01-01T00:00:00Z',
    affected: [{ package: { ecosystem, name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '99' }] }] }],
    ...extra,
  };
}

/** A database in memory that counts what it is asked. */
function fakeReader(records: readonly OsvRecord[]): AdvisoryReader & { asked: string[] } {
  const asked: string[] = [];
  const affects = (entry: OsvRecord, ecosystem: string) => (entry.affected ?? []).some((affected) => affected.package?.ecosystem === ecosystem);
  return {
    asked,
    recordsFor(ecosystem, name) {
      asked.push(`${ecosystem} ${name}`);
      return records.filter((entry) => (entry.affected ?? []).some((affected) => affected.package?.ecosystem === ecosystem && affected.package.name.toLowerCase() === name));
    },
    getRecord: (id) => records.find((entry) => entry.id === id) ?? null,
    idsFor: () => [],
    count: () => records.length,
    coverage: (ecosystems = ['PyPI', 'npm']) =>
      ecosystems.map((ecosystem) => ({
        ecosystem,
        advisories: records.filter((entry) => affects(entry, ecosystem) && !entry.withdrawn).length,
        newestModified: records.some((entry) => affects(entry, ecosystem)) ? '2024-01-01T00:00:00Z' : null,
      })),
    getMeta: () => null,
    close: () => undefined,
  };
}

function opener(reader: AdvisoryReader): AdvisoryStoreOpener {
  return { openReader: () => reader, openTemporary: () => reader as never };
}

describe('scan', () => {
  it('asks a source only for the packages of the ecosystems it holds advisories for', async () => {
    const project = join(directory, 'project');
    mkdirSync(project);
    // The database file must exist for scan to open it; the fake reader stands for what it holds.
    writeFileSync(join(directory, 'database'), '');
    writeFileSync(join(project, 'requirements.txt'), 'demo-package==1.0\nother-package==2.0\n');
    writeFileSync(
      join(project, 'package-lock.json'),
      JSON.stringify({ name: 'app', lockfileVersion: 3, packages: { '': { name: 'app' }, 'node_modules/left-pad': { version: '1.3.0' }, 'node_modules/is-odd': { version: '3.0.1' } } }),
    );
    // npm holds only a withdrawn record: nothing the matcher would use, so no npm package is looked up.
    const reader = fakeReader([record('TEST-1', 'PyPI', 'demo-package'), record('TEST-2', 'npm', 'left-pad', { withdrawn: '2024-02-01T00:00:00Z' })]);
    const report = await scan({ targets: [project], databasePath: join(directory, 'database'), advisoryStores: opener(reader), toolVersion: '0' });
    expect(report.packages.map((pkg) => `${pkg.ecosystem} ${pkg.name}`)).toEqual(['PyPI demo-package', 'PyPI other-package', 'npm is-odd', 'npm left-pad']);
    expect(reader.asked.sort()).toEqual(['PyPI demo-package', 'PyPI other-package']);
    expect(report.findings.map((finding) => `${finding.package.name} ${finding.ids.join(',')}`)).toEqual(['demo-package TEST-1']);
    expect(report.coverage).toEqual([
      { ecosystem: 'PyPI', packages: 2, advisories: 1, newestModified: '2024-01-01T00:00:00Z', checked: true },
      { ecosystem: 'npm', packages: 2, advisories: 0, newestModified: '2024-01-01T00:00:00Z', checked: false },
    ]);
  });
});
