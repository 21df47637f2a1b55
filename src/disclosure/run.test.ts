/**
 * The desk's pipeline end to end: the fake GitHub (test/fake-github), files
 * written by the test, manual records, and the real SQLite store in memory.
 * Every clock is fixed by the request's `now`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { temporaryDirectory } from '../../test/cli-harness.js';
import { advisoryFixtureOrgs, DESK_BOT, ghsaIdFor } from '../../test/fake-github/fixtures.js';
import { startFakeGithub, type FakeGithub } from '../../test/fake-github/server.js';
import { fixedClock } from '../core/clock.js';
import { openDisclosureStore, type SqliteDisclosureStore } from '../store/disclosure-store.js';
import { createAdvisoryGithub } from './collect/github.js';
import { deskAdvisory } from './lifecycle.fixture.js';
import { DEFAULT_DESK_POLICY } from './policy.js';
import { restAdvisory } from './rest-advisory.fixture.js';
import { runDesk, type DeskDependencies, type DeskRequest, type DeskRun } from './run.js';

const TOKEN = 'ghp_DeskRun0Token1Value2Abcdefghijklmnopq';
const TRIAGE = ghsaIdFor('desk-lab/server triage');
const DRAFT = ghsaIdFor('desk-lab/server draft');
const PUBLISHED = ghsaIdFor('desk-lab/server published');
const INTERNAL = ghsaIdFor('desk-lab/internal-tool draft');
const FILE_ONLY = 'GHSA-2222-3333-4444';

let fake: FakeGithub;
let store: SqliteDisclosureStore;
let dir: { path: string; remove(): void };

beforeAll(async () => {
  fake = await startFakeGithub({ orgs: advisoryFixtureOrgs({ busyAdvisories: 0 }), tokens: { [TOKEN]: DESK_BOT } });
});
afterAll(() => fake.close());
beforeEach(() => {
  store = openDisclosureStore(':memory:');
  dir = temporaryDirectory();
});
afterEach(() => {
  store.close();
  dir.remove();
});

function github(server: FakeGithub = fake): NonNullable<DeskDependencies['github']> {
  return createAdvisoryGithub({ token: TOKEN, baseUrl: server.url, clock: fixedClock('2026-12-06T00:00:00Z'), sleep: async () => {}, retryBaseMs: 1 });
}

function request(overrides: Partial<DeskRequest>): DeskRequest {
  return { orgs: [], fromDirs: [], manualFiles: [], policy: DEFAULT_DESK_POLICY, now: new Date('2026-12-06T00:00:00Z'), record: false, ...overrides };
}

function dependencies(overrides: Partial<DeskDependencies> = {}): DeskDependencies {
  return { github: github(), store, pypaIndex: null, ...overrides };
}

function row(run: DeskRun, id: string) {
  const found = run.statuses.find((status) => status.advisory.id === id);
  if (!found) throw new Error(`${id} is not in the report (${run.statuses.map((status) => status.advisory.id).join(', ')})`);
  return found;
}

describe('runDesk: sources merged by id', () => {
  it('keeps GitHub over a file and a file over manual records (also one naming the GHSA id), and lists what it dropped', async () => {
    const files = join(dir.path, 'files');
    mkdirSync(files);
    writeFileSync(join(files, 'a-copy.json'), JSON.stringify(restAdvisory(TRIAGE, { summary: 'An old copy', state: 'draft' })));
    writeFileSync(join(files, 'b.json'), JSON.stringify(restAdvisory(FILE_ONLY, { summary: 'From the file', state: 'triage' })));
    const manual = join(dir.path, 'manual.yaml');
    writeFileSync(
      manual,
      [
        '- id: MAIL-2026-001',
        '  repo: desk-lab/server',
        '  summary: The same report, typed in from the mail',
        `  ghsa: ${FILE_ONLY}`,
        '  created_at: 2026-11-20',
        '  acknowledged_at: 2026-11-22T08:00:00Z',
        '  acknowledged_by: desk-lab-owner',
        '- id: MAIL-2026-002',
        '  repo: desk-lab/docs',
        '  summary: A report only the mail has',
        '  created_at: 2026-11-30',
        '',
      ].join('\n'),
    );
    store.saveManualAdvisory(deskAdvisory({ id: FILE_ONLY, ghsaId: FILE_ONLY, owner: 'desk-lab', repo: 'server', summary: 'Typed by hand', updatedAt: '2026-11-25T00:00:00Z', origin: 'manual', source: 'advisories add' }));

    const run = await runDesk(request({ orgs: ['desk-lab'], fromDirs: [files], manualFiles: [manual] }), dependencies());

    expect(run.advisories.map((advisory) => `${advisory.id} ${advisory.origin}`).sort()).toEqual(
      [`${TRIAGE} github-org`, `${DRAFT} github-org`, `${PUBLISHED} github-org`, `${INTERNAL} github-org`, `${FILE_ONLY} file`, 'MAIL-2026-002 manual'].sort(),
    );
    expect(row(run, TRIAGE).advisory.summary).toBe('Path traversal in the static file handler');
    expect(row(run, FILE_ONLY).advisory.summary).toBe('From the file');
    expect(run.duplicates).toEqual([
      { id: TRIAGE, kept: 'GET /orgs/desk-lab/security-advisories', dropped: [join(files, 'a-copy.json')] },
      // Manual records after the file; among them the most recently updated first.
      { id: FILE_ONLY, kept: join(files, 'b.json'), dropped: ['advisories add', `${manual}:1`] },
    ]);
    // The acknowledgement written on the merged manual record still meets the kept advisory's clock.
    expect(row(run, FILE_ONLY).clocks.acknowledge).toMatchObject({ due: '2026-11-23', status: 'met', evidence: 'manual-acknowledgement', metAt: '2026-11-22T08:00:00Z' });
    expect(run.sources.map((source) => `${source.name} ${source.status} ${source.advisories}`)).toEqual([
      'github:org/desk-lab read 4',
      `dir:${files} read 2`,
      `manual:${manual} read 2`,
      'store:manual read 1',
    ]);
  });
});

describe('runDesk: the lifecycle across runs', () => {
  it('records run 1 in triage and reports the observed transition at run 2; first seen out of triage keeps that run\'s updated_at', async () => {
    const orgs = advisoryFixtureOrgs({ busyAdvisories: 0 });
    const own = await startFakeGithub({ orgs, tokens: { [TOKEN]: DESK_BOT } });
    try {
      const deps = dependencies({ github: github(own) });
      const first = await runDesk(request({ orgs: ['desk-lab'], now: new Date('2026-08-21T09:00:00Z'), record: true }), deps);
      expect(first.recorded).toBe(4);
      expect(row(first, TRIAGE).leftTriage).toBeNull();
      // Created 2026-08-20T14:05Z: 3 days to acknowledge → due 2026-08-23, 2 days left on 2026-08-21.
      expect(row(first, TRIAGE).clocks.acknowledge).toMatchObject({ due: '2026-08-23', status: 'due', daysLeft: 2, evidence: 'none' });
      expect(row(first, DRAFT).leftTriage).toEqual({ at: '2026-06-03T10:00:00Z', evidence: 'updated-at-when-first-seen' });

      // A maintainer accepts the report (triage → draft) and, separately, edits the old draft.
      const server = orgs[0]!.repo('server')!;
      Object.assign(server.advisories!.find((advisory) => advisory.ghsaId === TRIAGE)!, { state: 'draft', updatedAt: '2026-08-21T15:00:00Z' });
      Object.assign(server.advisories!.find((advisory) => advisory.ghsaId === DRAFT)!, { updatedAt: '2026-08-21T16:00:00Z' });

      const second = await runDesk(request({ orgs: ['desk-lab'], now: new Date('2026-08-22T09:00:00Z'), record: true }), deps);
      expect(row(second, TRIAGE).advisory.state).toBe('draft');
      expect(row(second, TRIAGE).leftTriage).toEqual({ at: '2026-08-22T09:00:00.000Z', evidence: 'observed-transition' });
      expect(row(second, TRIAGE).clocks.acknowledge).toMatchObject({ due: '2026-08-23', status: 'met', evidence: 'observed-transition', metAt: '2026-08-22T09:00:00.000Z' });
      expect(row(second, TRIAGE).problems.map((problem) => problem.id)).not.toContain('acknowledge-overdue');
      // Not the edit's updated_at: the first run already saw it out of triage.
      expect(row(second, DRAFT).leftTriage).toEqual({ at: '2026-06-03T10:00:00Z', evidence: 'updated-at-when-first-seen' });
      expect(store.observations([TRIAGE]).get(TRIAGE)!.map((observation) => `${observation.observedAt} ${observation.state}`)).toEqual([
        '2026-08-21T09:00:00.000Z triage',
        '2026-08-22T09:00:00.000Z draft',
      ]);
    } finally {
      await own.close();
    }
  });

  it('without history the same advisory, first seen out of triage, is dated by its updated_at', async () => {
    const orgs = advisoryFixtureOrgs({ busyAdvisories: 0 });
    Object.assign(orgs[0]!.repo('server')!.advisories!.find((advisory) => advisory.ghsaId === TRIAGE)!, { state: 'draft', updatedAt: '2026-08-21T15:00:00Z' });
    const own = await startFakeGithub({ orgs, tokens: { [TOKEN]: DESK_BOT } });
    try {
      const run = await runDesk(request({ orgs: ['desk-lab'], now: new Date('2026-08-22T09:00:00Z'), record: true }), dependencies({ github: github(own) }));
      expect(row(run, TRIAGE).leftTriage).toEqual({ at: '2026-08-21T15:00:00Z', evidence: 'updated-at-when-first-seen' });
    } finally {
      await own.close();
    }
  });

  it('record: false writes nothing to the store', async () => {
    const run = await runDesk(request({ orgs: ['desk-lab'], record: false }), dependencies());
    expect(run.recorded).toBe(0);
    expect(store.observations([TRIAGE, DRAFT, PUBLISHED, INTERNAL]).size).toBe(0);
    const recorded = await runDesk(request({ orgs: ['desk-lab'], record: true }), dependencies());
    expect(recorded.recorded).toBe(4);
    expect(store.observations([TRIAGE, DRAFT, PUBLISHED, INTERNAL]).size).toBe(4);
  });

  it('a manual acknowledgement meets the acknowledge clock; one dated after the run\'s time does not count yet', async () => {
    store.recordAcknowledgement({ advisoryId: TRIAGE, at: '2026-08-22T10:00:00Z', by: 'desk-lab-owner', note: 'replied by mail' });
    const run = await runDesk(request({ orgs: ['desk-lab'] }), dependencies());
    expect(row(run, TRIAGE).leftTriage).toEqual({ at: '2026-08-22T10:00:00Z', evidence: 'manual-acknowledgement' });
    expect(row(run, TRIAGE).clocks.acknowledge).toMatchObject({ due: '2026-08-23', status: 'met', evidence: 'manual-acknowledgement', metAt: '2026-08-22T10:00:00Z' });
    expect(row(run, TRIAGE).problems.map((problem) => problem.id)).not.toContain('acknowledge-overdue');

    const before = await runDesk(request({ orgs: ['desk-lab'], now: new Date('2026-08-22T09:00:00Z') }), dependencies());
    expect(row(before, TRIAGE).clocks.acknowledge).toMatchObject({ status: 'due', daysLeft: 1 });
  });
});

describe('runDesk: filters, bad records, no GitHub', () => {
  it('--state and overdueOnly filter the rows, not what was read', async () => {
    const published = await runDesk(request({ orgs: ['desk-lab'], states: ['published'] }), dependencies());
    expect(published.statuses.map((status) => status.advisory.id)).toEqual([PUBLISHED]);
    expect(published.advisories).toHaveLength(4);
    // On 2026-12-06 the triage report (both clocks) and the two drafts (disclose) are overdue; the published one is not.
    const overdue = await runDesk(request({ orgs: ['desk-lab'], overdueOnly: true }), dependencies());
    expect(overdue.statuses.map((status) => status.advisory.id).sort()).toEqual([TRIAGE, DRAFT, INTERNAL].sort());
    const both = await runDesk(request({ orgs: ['desk-lab'], states: ['draft', 'published'], overdueOnly: true }), dependencies());
    expect(both.statuses.map((status) => status.advisory.id).sort()).toEqual([DRAFT, INTERNAL].sort());
  });

  it('an advisory whose date does not parse is an invalid source; the others are reported', async () => {
    store.saveManualAdvisory(deskAdvisory({ id: 'MAIL-BAD', ghsaId: null, owner: 'desk-lab', repo: 'server', createdAt: 'last Tuesday', origin: 'manual', source: 'advisories add' }));
    const run = await runDesk(request({ orgs: ['desk-lab'] }), dependencies());
    expect(run.statuses.map((status) => status.advisory.id).sort()).toEqual([TRIAGE, DRAFT, PUBLISHED, INTERNAL].sort());
    expect(run.sources).toContainEqual({ name: 'advisory:MAIL-BAD', status: 'invalid', advisories: 0, note: 'advisories add: MAIL-BAD: created_at is not an ISO date with a time zone: "last Tuesday"' });
  });

  it('without GitHub each organisation is an unreachable source with the note; files are still read', async () => {
    const files = join(dir.path, 'files');
    mkdirSync(files);
    writeFileSync(join(files, 'one.json'), JSON.stringify(restAdvisory(FILE_ONLY)));
    const run = await runDesk(request({ orgs: ['desk-lab', 'partner-org'], fromDirs: [files] }), dependencies({ github: null, githubUnavailable: 'no token here' }));
    expect(run.sources.slice(0, 2)).toEqual([
      { name: 'github:org/desk-lab', status: 'unreachable', advisories: 0, note: 'no token here' },
      { name: 'github:org/partner-org', status: 'unreachable', advisories: 0, note: 'no token here' },
    ]);
    expect(run.statuses.map((status) => status.advisory.id)).toEqual([FILE_ONLY]);
    const unnamed = await runDesk(request({ orgs: ['desk-lab'] }), dependencies({ github: null, store: null }));
    expect(unnamed.sources).toEqual([{ name: 'github:org/desk-lab', status: 'unreachable', advisories: 0, note: expect.stringMatching(/^no GitHub token: set GH_TOKEN/) }]);
  });
});
