import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdvisoryObservation, DeskAdvisory } from '../disclosure/types.js';
import { defaultDisclosureStorePath, openDisclosureStore, type SqliteDisclosureStore } from './disclosure-store.js';

function manual(id: string, summary: string): DeskAdvisory {
  return {
    id,
    ghsaId: null,
    cveId: null,
    owner: 'desk-lab',
    repo: 'server',
    repositoryPublic: null,
    htmlUrl: null,
    summary,
    description: null,
    state: 'triage',
    createdAt: '2026-08-01T09:00:00Z',
    updatedAt: '2026-08-01T09:00:00Z',
    publishedAt: null,
    closedAt: null,
    withdrawnAt: null,
    submissionAccepted: null,
    credits: [{ login: 'reporter-one', type: 'reporter', state: 'pending' }],
    collaboratingUsers: [],
    collaboratingTeams: [],
    author: null,
    publisher: null,
    severity: null,
    cvss: [],
    cweIds: [],
    vulnerabilities: [],
    privateFork: null,
    references: [],
    origin: 'manual',
    source: 'advisories add',
  };
}

const observation = (advisoryId: string, observedAt: string, state: AdvisoryObservation['state'], updatedAt = '2026-08-01T09:00:00Z'): AdvisoryObservation => ({ advisoryId, observedAt, state, updatedAt });

describe('openDisclosureStore', () => {
  let store: SqliteDisclosureStore;
  beforeAll(() => {
    store = openDisclosureStore(':memory:');
  });
  afterAll(() => store.close());

  it('keeps every observation, oldest first per advisory (by instant, not by text)', () => {
    store.recordObservations([
      observation('GHSA-2222-3333-4444', '2026-08-02T00:00:00Z', 'draft', '2026-08-01T20:00:00Z'),
      observation('GHSA-2222-3333-4444', '2026-08-01T00:00:00.500Z', 'triage'),
      observation('GHSA-2222-3333-4444', '2026-08-01T00:00:00Z', 'triage'),
      observation('MAIL-1', '2026-08-01T00:00:00Z', 'triage'),
    ]);
    // The same run seen again replaces its row.
    store.recordObservations([observation('GHSA-2222-3333-4444', '2026-08-02T00:00:00Z', 'draft', '2026-08-01T21:00:00Z')]);
    const found = store.observations(['GHSA-2222-3333-4444', 'MAIL-1', 'never-seen']);
    expect([...found.keys()].sort()).toEqual(['GHSA-2222-3333-4444', 'MAIL-1']);
    expect(found.get('GHSA-2222-3333-4444')).toEqual([
      observation('GHSA-2222-3333-4444', '2026-08-01T00:00:00Z', 'triage'),
      observation('GHSA-2222-3333-4444', '2026-08-01T00:00:00.500Z', 'triage'),
      observation('GHSA-2222-3333-4444', '2026-08-02T00:00:00Z', 'draft', '2026-08-01T21:00:00Z'),
    ]);
    expect(store.observations([]).size).toBe(0);
  });

  it('a write that fails half-way leaves the earlier state (observations, sent keys)', () => {
    const before = store.observations(['GHSA-2222-3333-4444', 'MAIL-2']);
    expect(() =>
      store.recordObservations([observation('MAIL-2', '2026-08-03T00:00:00Z', 'triage'), observation('MAIL-2', '2026-08-04T00:00:00Z', 'accepted' as never), observation('GHSA-2222-3333-4444', '2026-08-05T00:00:00Z', 'published')]),
    ).toThrow(expect.objectContaining({ code: 'store-error', message: expect.stringMatching(/^disclosure store: recording observations failed: /) }));
    expect(store.observations(['GHSA-2222-3333-4444', 'MAIL-2'])).toEqual(before);

    store.markSent(['reminder:a'], '2026-08-25', 'webhook');
    expect(() => store.markSent(['reminder:b', 'reminder:c'], '25.08.2026', 'webhook')).toThrow(expect.objectContaining({ code: 'store-error' }));
    expect(() => store.markSent(['reminder:d', ''], '2026-08-25', 'webhook')).toThrow(expect.objectContaining({ code: 'store-error' }));
    expect(store.sentKeys(['reminder:a', 'reminder:b', 'reminder:c', 'reminder:d'], null)).toEqual(new Set(['reminder:a']));
  });

  it('deduplicates by day: a key sent today is sent, tomorrow it is not; ever is any day', () => {
    store.markSent(['remind:GHSA-1:disclose:due', 'remind:GHSA-2:acknowledge:overdue'], '2026-08-26', 'github-issue');
    store.markSent(['remind:GHSA-1:disclose:due'], '2026-08-26', 'smtp');
    // Marking again is harmless.
    store.markSent(['remind:GHSA-1:disclose:due'], '2026-08-26', 'github-issue');
    const asked = ['remind:GHSA-1:disclose:due', 'remind:GHSA-3:disclose:due'];
    expect(store.sentKeys(asked, '2026-08-26')).toEqual(new Set(['remind:GHSA-1:disclose:due']));
    expect(store.sentKeys(asked, '2026-08-27')).toEqual(new Set());
    expect(store.sentKeys(asked, null)).toEqual(new Set(['remind:GHSA-1:disclose:due']));
    expect(store.sentKeys([], null)).toEqual(new Set());
  });

  it('answers for thousands of keys at once (no bound-parameter limit)', () => {
    const keys = Array.from({ length: 5000 }, (_, index) => `watch:GHSA-${index}:pkg`);
    store.markSent(keys.filter((_, index) => index % 2 === 0), '2026-08-26', 'webhook');
    expect(store.sentKeys(keys, '2026-08-26').size).toBe(2500);
    const ids = Array.from({ length: 3000 }, (_, index) => `MAIL-${index}`);
    store.recordObservations(ids.map((id) => observation(id, '2026-08-26T00:00:00Z', 'triage')));
    expect(store.observations(ids).size).toBe(3000);
  });

  it('saves manual advisories, replacing one with the same id', () => {
    store.saveManualAdvisory(manual('MAIL-2', 'second'));
    store.saveManualAdvisory(manual('MAIL-1', 'first'));
    store.saveManualAdvisory({ ...manual('MAIL-2', 'second, corrected'), state: 'draft' });
    expect(store.manualAdvisories().map((advisory) => [advisory.id, advisory.summary, advisory.state])).toEqual([
      ['MAIL-1', 'first', 'triage'],
      ['MAIL-2', 'second, corrected', 'draft'],
    ]);
    expect(store.manualAdvisories()[0]).toEqual(manual('MAIL-1', 'first'));
  });

  it('keeps acknowledgements and answers the earliest per advisory', () => {
    store.recordAcknowledgement({ advisoryId: 'MAIL-1', at: '2026-08-03T10:00:00Z', by: 'carol', note: 'replied' });
    store.recordAcknowledgement({ advisoryId: 'MAIL-1', at: '2026-08-02T08:00:00+02:00', by: null, note: null });
    store.recordAcknowledgement({ advisoryId: 'GHSA-2222-3333-4444', at: '2026-08-04T00:00:00Z', by: 'dan', note: null });
    expect(store.acknowledgements(['MAIL-1', 'GHSA-2222-3333-4444', 'MAIL-9'])).toEqual(
      new Map([
        ['MAIL-1', { advisoryId: 'MAIL-1', at: '2026-08-02T08:00:00+02:00', by: null, note: null }],
        ['GHSA-2222-3333-4444', { advisoryId: 'GHSA-2222-3333-4444', at: '2026-08-04T00:00:00Z', by: 'dan', note: null }],
      ]),
    );
    expect(() => store.recordAcknowledgement({ advisoryId: '', at: '2026-08-04T00:00:00Z', by: null, note: null })).toThrow(expect.objectContaining({ code: 'store-error' }));
  });
});

describe('the disclosure store file', () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'chainwatch-disclosure-store-'));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('is created for its owner only, migrated to version 1, and keeps what was written across opens', () => {
    const file = path.join(directory, 'nested', 'disclosure.sqlite');
    const store = openDisclosureStore(file);
    store.recordObservations([observation('MAIL-1', '2026-08-01T00:00:00Z', 'triage')]);
    store.markSent(['k'], '2026-08-01', 'webhook');
    store.close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(1);
    raw.close();
    const again = openDisclosureStore(file);
    expect(again.observations(['MAIL-1']).get('MAIL-1')).toHaveLength(1);
    expect(again.sentKeys(['k'], '2026-08-01')).toEqual(new Set(['k']));
    again.close();
  });

  it('refuses a file from a newer chainwatch with a store-error', () => {
    const file = path.join(directory, 'newer.sqlite');
    const raw = new Database(file);
    raw.pragma('user_version = 7');
    raw.close();
    expect(() => openDisclosureStore(file)).toThrow(expect.objectContaining({ code: 'store-error' }));
  });

  it('lives in $CHAINWATCH_DISCLOSURE_DB, else in the user data directory', () => {
    expect(defaultDisclosureStorePath({ CHAINWATCH_DISCLOSURE_DB: ' /srv/desk.sqlite ' })).toBe('/srv/desk.sqlite');
    expect(defaultDisclosureStorePath({ HOME: '/home/desk', XDG_DATA_HOME: '/home/desk/.data' })).toMatch(/disclosure\.sqlite$/);
  });
});
