import { describe, expect, it } from 'vitest';
import type { OsvRecord } from '../advisories/types.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { memorySentStore } from './desk-testing.fixture.js';
import { renderDigest, type Digest } from './notify/digest.js';
import type { Notifier } from './notify/types.js';
import { changedRecords, matchChanged, modifiedSnapshot, watch, type WatchPackage } from './watch.js';

function osv(id: string, name: string, introduced: string, fixed: string | null, fields: Partial<OsvRecord> = {}): OsvRecord {
  const events: Record<string, string>[] = [{ introduced }];
  if (fixed) events.push({ fixed });
  return {
    id,
    modified: '2026-04-01T00:00:00Z',
    summary: `${name} flaw`,
    affected: [{ package: { ecosystem: 'PyPI', name }, ranges: [{ type: 'ECOSYSTEM', events }] }],
    ...fields,
  };
}

const ghsa = osv('GHSA-jl00-0000-0001', 'jupyterlab', '4.0.0', '4.0.5', {
  aliases: ['CVE-2026-1111'],
  database_specific: { severity: 'HIGH' },
});
const pysecSameCve = osv('PYSEC-2026-11', 'jupyterlab', '4.0.0', '4.0.5', { aliases: ['CVE-2026-1111'] });
const notShipped = osv('GHSA-ot00-0000-0002', 'tornado', '0', '6.4');
const fixedAlready = osv('GHSA-fx00-0000-0003', 'notebook', '7.0.0', '7.0.3');
const withdrawn = osv('GHSA-wd00-0000-0004', 'jupyterlab', '0', null, { withdrawn: '2026-04-02T00:00:00Z' });
const npmOne: OsvRecord = {
  id: 'GHSA-np00-0000-0005',
  modified: '2026-04-01T00:00:00Z',
  summary: 'prototype pollution',
  affected: [{ package: { ecosystem: 'npm', name: '@jupyterlab/services' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '7.2.0' }] }] }],
};

const records = new Map([ghsa, pysecSameCve, notShipped, fixedAlready, withdrawn, npmOne].map((record) => [record.id, record]));
const lookup = { getRecord: (id: string) => records.get(id) ?? null };

const shipped: WatchPackage[] = [
  { ecosystem: 'PyPI', name: 'JupyterLab', version: '4.0.1' },
  { ecosystem: 'PyPI', name: 'jupyterlab', version: '4.0.2' },
  { ecosystem: 'PyPI', name: 'jupyterlab', version: '4.0.2' },
  { ecosystem: 'PyPI', name: 'notebook', version: '7.0.4' },
  { ecosystem: 'npm', name: '@jupyterlab/services', version: '7.1.0' },
];

const changed = (...ids: string[]) => ids.map((id) => ({ id, modified: '2026-04-01T00:00:00Z' }));

function recordingNotifier(channel: string): Notifier & { sent: Digest[] } {
  const notifier = {
    type: 'github-issue' as const,
    channel,
    sent: [] as Digest[],
    check: () => null,
    render: (digest: Digest) => renderDigest(digest, 'markdown', 100_000),
    async send(digest: Digest) {
      notifier.sent.push(digest);
      return { ...renderDigest(digest, 'markdown', 100_000), detail: null };
    },
  };
  return notifier;
}

const now = new Date('2026-04-05T09:00:00Z');

describe('changedRecords and modifiedSnapshot', () => {
  it('added and modified records, not the ones that stayed or left', () => {
    const before = new Map([
      ['A', '2026-01-01T00:00:00Z'],
      ['B', '2026-01-01T00:00:00Z'],
      ['GONE', '2026-01-01T00:00:00Z'],
    ]);
    const after = new Map([
      ['B', '2026-04-01T00:00:00Z'],
      ['A', '2026-01-01T00:00:00Z'],
      ['C', '2026-04-01T00:00:00Z'],
    ]);
    expect(changedRecords(before, after)).toEqual([
      { id: 'B', modified: '2026-04-01T00:00:00Z' },
      { id: 'C', modified: '2026-04-01T00:00:00Z' },
    ]);
  });

  it('reads the advisory store the way db update leaves it', () => {
    const store = openSqliteStore(':memory:');
    try {
      store.importRecords([ghsa, notShipped], { source: 'osv:PyPI' });
      const before = modifiedSnapshot(store, ['osv:PyPI', 'osv:npm']);
      store.importRecords([{ ...ghsa, modified: '2026-04-03T00:00:00Z' }], { source: 'osv:PyPI' });
      store.importRecords([npmOne], { source: 'osv:npm' });
      const after = modifiedSnapshot(store, ['osv:PyPI', 'osv:npm']);
      const delta = changedRecords(before, after);
      expect(delta.map((one) => one.id)).toEqual(['GHSA-jl00-0000-0001', 'GHSA-np00-0000-0005']);
      const match = matchChanged(delta, store, shipped);
      expect(match.hits.map((hit) => hit.advisoryId)).toEqual(['GHSA-jl00-0000-0001', 'GHSA-np00-0000-0005']);
    } finally {
      store.close();
    }
  });
});

describe('matchChanged', () => {
  it('one hit per advisory and package, with every affected version we ship', () => {
    const match = matchChanged(changed(ghsa.id, notShipped.id, fixedAlready.id, withdrawn.id, npmOne.id, 'GHSA-gone-0000-0000'), lookup, shipped);
    expect(match.hits.map((hit) => [hit.advisoryId, hit.ecosystem, hit.name, hit.versions, hit.severity, hit.fixed])).toEqual([
      ['GHSA-jl00-0000-0001', 'PyPI', 'JupyterLab', ['4.0.1', '4.0.2'], 'high', ['4.0.5']],
      ['GHSA-np00-0000-0005', 'npm', '@jupyterlab/services', ['7.1.0'], 'unknown', ['7.2.0']],
    ]);
    expect(match.hits[0]?.keys).toEqual(['watch:CVE-2026-1111:PyPI/jupyterlab', 'watch:GHSA-jl00-0000-0001:PyPI/jupyterlab']);
    expect(match.hits[0]?.url).toBe('https://osv.dev/vulnerability/GHSA-jl00-0000-0001');
    expect(match.missing).toEqual(['GHSA-gone-0000-0000']);
  });

  it('records that did not change are not looked at', () => {
    expect(matchChanged(changed(notShipped.id), lookup, shipped).hits).toEqual([]);
  });
});

describe('watch', () => {
  it('tells each (vulnerability, package) once, even when another record of it changes later', async () => {
    const store = memorySentStore();
    const tracker = recordingNotifier('github-issue:jupyter/security-tracking#3');
    const first = await watch({ changed: changed(ghsa.id, npmOne.id), records: lookup, packages: shipped, store, notifiers: [tracker], now });
    expect(first.deliveries[0]?.status).toBe('sent');
    expect(tracker.sent).toHaveLength(1);
    expect(tracker.sent[0]?.subject).toBe('New advisories, 2026-04-05: 2 affecting 2 packages we ship');
    expect(tracker.sent[0]?.sections.filter((section) => section.items.length > 0).map((section) => section.heading)).toEqual(['High', 'Severity unknown']);

    // The same GHSA record modified again, and the PYSEC record of the same CVE: nothing new to tell.
    const second = await watch({ changed: changed(ghsa.id, pysecSameCve.id), records: lookup, packages: shipped, store, notifiers: [tracker], now: new Date('2026-05-01T00:00:00Z') });
    expect(second.deliveries[0]).toMatchObject({ status: 'nothing-new', alreadySent: 1 });
    // The PYSEC record alone shares only the CVE alias with what was told.
    const third = await watch({ changed: changed(pysecSameCve.id), records: lookup, packages: shipped, store, notifiers: [tracker], now: new Date('2026-05-02T00:00:00Z') });
    expect(third.match.hits.map((hit) => hit.advisoryId)).toEqual(['PYSEC-2026-11']);
    expect(third.deliveries[0]).toMatchObject({ status: 'nothing-new', alreadySent: 1 });
    expect(tracker.sent).toHaveLength(1);
  });

  it('a baseline run marks without sending; a dry run neither sends nor marks', async () => {
    const store = memorySentStore();
    const tracker = recordingNotifier('tracker');
    const dry = await watch({ changed: changed(ghsa.id), records: lookup, packages: shipped, store, notifiers: [tracker], now, dryRun: true });
    expect(dry.deliveries[0]?.status).toBe('would-send');
    expect(dry.deliveries[0]?.rendered?.body).toContain('PyPI JupyterLab 4.0.1, 4.0.2');
    expect(store.marked).toEqual([]);

    const baseline = await watch({ changed: changed(ghsa.id), records: lookup, packages: shipped, store, notifiers: [tracker], now, baseline: true });
    expect(baseline.deliveries[0]?.status).toBe('marked');
    expect(tracker.sent).toEqual([]);
    expect(store.marked.map((one) => one.key)).toEqual(['watch:CVE-2026-1111:PyPI/jupyterlab|tracker', 'watch:GHSA-jl00-0000-0001:PyPI/jupyterlab|tracker']);

    const after = await watch({ changed: changed(ghsa.id), records: lookup, packages: shipped, store, notifiers: [tracker], now });
    expect(after.deliveries[0]?.status).toBe('nothing-new');
  });
});
