/**
 * `chainwatch advisories …` in-process against the fake GitHub
 * (test/fake-github, `advisoryFixtureOrgs`), files written by the tests and a
 * store in each test's own folder (CHAINWATCH_DISCLOSURE_DB): nothing touches
 * the user's files. Every run fixes the clock (`--now`, or wiring.clock).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { runCli } from '../../../test/cli-harness.js';
import { advisoryFixtureOrgs, DESK_BOT, ghsaIdFor } from '../../../test/fake-github/fixtures.js';
import { startFakeGithub, type FakeGithub } from '../../../test/fake-github/server.js';
import { fixedClock } from '../../core/clock.js';
import { restAdvisory } from '../../disclosure/rest-advisory.fixture.js';
import { NO_TOKEN } from '../posture-wiring.js';
import { runAdvisoriesCredits, runAdvisoriesFeed, runAdvisoriesList } from './advisories.js';
import { captureIo, useTemporaryDirectory } from './command-fakes.fixture.js';

/** A recognisable fake: a real token's shape, so a leak would be visible. */
const TOKEN = 'ghp_DeskCli0Token1Value2Abcdefghijklmnopq';
const TRIAGE = ghsaIdFor('desk-lab/server triage');
const DRAFT = ghsaIdFor('desk-lab/server draft');
const PUBLISHED = ghsaIdFor('desk-lab/server published');
const INTERNAL = ghsaIdFor('desk-lab/internal-tool draft');
const WIDGET_TRIAGE = ghsaIdFor('partner-org/widget triage');
const WIDGET_CLOSED = ghsaIdFor('partner-org/widget closed');
const GADGET_PUBLISHED = ghsaIdFor('partner-org/gadget published');
const GADGET_DRAFT = ghsaIdFor('partner-org/gadget draft with desk-bot');
const GADGET_HIDDEN = ghsaIdFor('partner-org/gadget hidden draft');
const LOCKED = ghsaIdFor('partner-org/locked draft');

let fake: FakeGithub;
beforeAll(async () => {
  fake = await startFakeGithub({ orgs: advisoryFixtureOrgs({ busyAdvisories: 0 }), tokens: { [TOKEN]: DESK_BOT } });
});
afterAll(() => fake.close());
const dir = useTemporaryDirectory(beforeEach, afterEach);

function storePath(): string {
  return join(dir.path, 'desk.sqlite');
}

/** The environment of a run: the store and caches in the test's folder; the token and the fake's URL when `github`. */
function environment(github: boolean): NodeJS.ProcessEnv {
  return { CHAINWATCH_DISCLOSURE_DB: storePath(), CHAINWATCH_HTTP_CACHE: join(dir.path, 'http.sqlite'), ...(github ? { GH_TOKEN: TOKEN, GITHUB_API_URL: fake.url } : {}) };
}

function cli(argv: string[], github = true) {
  return runCli(['advisories', ...argv], { env: environment(github), cwd: dir.path });
}

const BOTH_ORGS = ['--org', 'desk-lab', '--org', 'partner-org'];

interface ListedAdvisory {
  ghsa_id: string | null;
  cve_id: string | null;
  repo: string;
  state: string;
  created_at: string;
  clocks: { acknowledge: { due: string; status: string; evidence: string; days_left: number | null; met_at: string | null }; disclose: { due: string; status: string; evidence: string; days_left: number | null } };
  problems: { id: string; message: string }[];
  origin: string;
}
interface Listing {
  advisories: (ListedAdvisory & { id: string })[];
  sources: { name: string; status: string; advisories: number; note: string | null }[];
}

function listing(stdout: string): Listing {
  return JSON.parse(stdout) as Listing;
}

function entry(document: Listing, id: string): ListedAdvisory {
  const found = document.advisories.find((advisory) => advisory.id === id);
  if (!found) throw new Error(`${id} is not listed`);
  return found;
}

/** Writes `files` (name → JSON value or raw text) into a new folder and returns it. */
function advisoryFolder(name: string, files: Record<string, unknown>): string {
  const folder = join(dir.path, name);
  mkdirSync(folder, { recursive: true });
  for (const [file, content] of Object.entries(files)) writeFileSync(join(folder, file), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return folder;
}

describe('advisories list against the fake GitHub', () => {
  it('--format json: the contract, field by field, with the per-org source notes', async () => {
    const run = await cli(['list', ...BOTH_ORGS, '--now', '2026-12-06', '--format', 'json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const document = listing(run.stdout);
    const ids = document.advisories.map((advisory) => advisory.id);
    expect([...ids].sort()).toEqual([TRIAGE, DRAFT, PUBLISHED, INTERNAL, WIDGET_TRIAGE, WIDGET_CLOSED, GADGET_PUBLISHED, GADGET_DRAFT].sort());
    // partner-org is read repository by repository: a draft DESK_BOT is not on stays hidden, the 403 repository gives nothing.
    expect(ids).not.toContain(GADGET_HIDDEN);
    expect(ids).not.toContain(LOCKED);
    // Overdue first, the most overdue first (by earliest open due date).
    expect(ids.slice(0, 2)).toEqual([TRIAGE, WIDGET_TRIAGE]);
    for (const advisory of document.advisories) {
      expect(Object.keys(advisory)).toEqual(expect.arrayContaining(['ghsa_id', 'cve_id', 'repo', 'state', 'created_at', 'clocks', 'problems']));
      expect(Object.keys(advisory.clocks.acknowledge)).toEqual(expect.arrayContaining(['due', 'status', 'evidence']));
      expect(Object.keys(advisory.clocks.disclose)).toEqual(expect.arrayContaining(['due', 'status']));
      for (const problem of advisory.problems) expect(Object.keys(problem)).toEqual(expect.arrayContaining(['id', 'message']));
    }

    // Triage report created 2026-08-20T14:05Z, nobody answered: acknowledge due +3 = 2026-08-23, overdue by
    // 8 (Aug) + 30 + 31 + 30 + 6 = 105 days on 2026-12-06; disclose due +90 = 2026-11-18 (11 + 30 + 31 + 18), 18 days overdue.
    const triage = entry(document, TRIAGE);
    expect(triage).toMatchObject({ ghsa_id: TRIAGE, cve_id: null, repo: 'desk-lab/server', state: 'triage', created_at: '2026-08-20T14:05:00Z', origin: 'github-org' });
    expect(triage.clocks.acknowledge).toMatchObject({ due: '2026-08-23', status: 'overdue', evidence: 'none', days_left: -105 });
    expect(triage.clocks.disclose).toMatchObject({ due: '2026-11-18', status: 'overdue', days_left: -18 });
    expect(triage.problems.map((problem) => problem.id)).toEqual(['no-patched-versions', 'credit-pending', 'single-person', 'acknowledge-overdue', 'disclosure-overdue']);
    expect(triage.problems.find((problem) => problem.id === 'acknowledge-overdue')!.message).toBe('Not acknowledged: the answer was due within 3 days, by 2026-08-23 (105 days ago).');

    // Accepted report in draft, created 2026-06-01T08:00Z, first seen out of triage: answered at its updated_at (2026-06-03T10:00Z),
    // before its acknowledge due date 2026-06-04; disclose due +90 = 2026-08-30 (29 + 31 + 30), 1 + 30 + 31 + 30 + 6 = 98 days overdue.
    const draft = entry(document, DRAFT);
    expect(draft).toMatchObject({ repo: 'desk-lab/server', state: 'draft', created_at: '2026-06-01T08:00:00Z' });
    expect(draft.clocks.acknowledge).toMatchObject({ due: '2026-06-04', status: 'met', evidence: 'updated-at-when-first-seen', met_at: '2026-06-03T10:00:00Z' });
    expect(draft.clocks.disclose).toMatchObject({ due: '2026-08-30', status: 'overdue', days_left: -98 });
    // 2026-06-01 → 2026-12-06 is 188 days: past the 7 days after which a public draft needs a CVE.
    expect(draft.problems).toEqual([
      expect.objectContaining({ id: 'no-cve', message: 'A draft for 188 days in public desk-lab/server without a CVE.' }),
      expect.objectContaining({ id: 'disclosure-overdue' }),
    ]);

    // Published 2026-02-01T16:30Z, created 2026-01-10T12:00Z: disclose due +90 = 2026-04-10 (21 + 28 + 31 + 10), met by publishing.
    const published = entry(document, PUBLISHED);
    expect(published).toMatchObject({ cve_id: 'CVE-2026-21001', state: 'published', created_at: '2026-01-10T12:00:00Z' });
    expect(published.clocks.acknowledge).toMatchObject({ due: '2026-01-13', status: 'met' });
    expect(published.clocks.disclose).toMatchObject({ due: '2026-04-10', status: 'met', evidence: 'published' });
    expect(published.problems.map((problem) => problem.id)).toEqual(['credit-declined']);

    // Private repository's draft created 2026-07-01T00:00Z without severity: disclose due 2026-09-29 (30 + 31 + 29), 68 days overdue; no CVE asked.
    const internal = entry(document, INTERNAL);
    expect(internal.clocks.disclose).toMatchObject({ due: '2026-09-29', status: 'overdue', days_left: -68 });
    expect(internal.problems.map((problem) => problem.id)).toEqual(['no-severity', 'single-person', 'disclosure-overdue']);

    // partner-org/widget triage created 2026-08-23T20:10Z: acknowledge due 2026-08-26 (102 days overdue), disclose due 2026-11-21 (8 + 30 + 31 + 21), 15 overdue.
    const widget = entry(document, WIDGET_TRIAGE);
    expect(widget).toMatchObject({ repo: 'partner-org/widget', state: 'triage', origin: 'github-repo' });
    expect(widget.clocks.acknowledge).toMatchObject({ due: '2026-08-26', status: 'overdue', days_left: -102 });
    expect(widget.clocks.disclose).toMatchObject({ due: '2026-11-21', status: 'overdue', days_left: -15 });

    // Closed straight from triage on 2026-03-05 (created 2026-03-01T10:00Z): both clocks met, acknowledge late but met.
    const closed = entry(document, WIDGET_CLOSED);
    expect(closed.clocks.acknowledge).toMatchObject({ due: '2026-03-04', status: 'met', evidence: 'updated-at-when-first-seen', met_at: '2026-03-05T10:00:00Z' });
    expect(closed.clocks.disclose).toMatchObject({ due: '2026-05-30', status: 'met', evidence: 'closed' });

    // The draft DESK_BOT collaborates on, created 2026-08-01T10:00Z: disclose due 2026-10-30, 1 + 30 + 6 = 37 days overdue.
    expect(entry(document, GADGET_DRAFT).clocks.disclose).toMatchObject({ due: '2026-10-30', status: 'overdue', days_left: -37 });
    expect(entry(document, GADGET_PUBLISHED).clocks.disclose).toMatchObject({ due: '2026-06-30', status: 'met', evidence: 'published' });

    const sources = new Map(document.sources.map((source) => [source.name, source]));
    expect(sources.get('github:org/desk-lab')).toEqual({ name: 'github:org/desk-lab', status: 'read', advisories: 4, note: null });
    const partner = sources.get('github:org/partner-org')!;
    expect(partner.status).toBe('repo-endpoints');
    expect(partner.advisories).toBe(4);
    expect(partner.note).toMatch(/^the token is neither an owner nor a security manager of partner-org \(GitHub answered 404/);
    expect(partner.note).toMatch(/its 4 repositories were read one by one/);
    expect(sources.get('github:repo/partner-org/locked')).toMatchObject({ status: 'forbidden', advisories: 0, note: expect.stringMatching(/^GitHub answered 403 .*Repository security advisories: read/) });
  });

  it('table, markdown and csv of the same run; outside text is escaped for each', async () => {
    const hostileRepo = 'desk-lab/evil%7Crepo%3Cimg%3E%1B%5D8%3B%3B';
    const folder = advisoryFolder('hostile', {
      // A file name with a terminal escape: its source is named in the table.
      'name\u001b[2J.json': 'not json',
      'hostile.json': restAdvisory('GHSA-9999-8888-7777', { summary: '=HYPERLINK("http://attacker.test/x","click")\u001b[31m', state: 'triage', created_at: '2026-12-01T09:00:00Z', updated_at: '2026-12-01T09:00:00Z' }, hostileRepo),
    });
    const base = ['list', '--org', 'desk-lab', '--from-dir', folder, '--now', '2026-12-06'];

    const table = await cli([...base, '--format', 'table']);
    expect(table.code).toBe(0);
    const lines = table.stdout.split('\n');
    const at = lines.indexOf(`${TRIAGE}  desk-lab/server  triage  high`);
    expect(lines.slice(at, at + 3)).toEqual([
      `${TRIAGE}  desk-lab/server  triage  high`,
      '  Path traversal in the static file handler',
      '  acknowledge: overdue 105 days (due 2026-08-23)   disclose: overdue 18 days (due 2026-11-18)',
    ]);
    expect(table.stdout).toContain('GHSA-9999-8888-7777  desk-lab/evil|repo<img> ]8;;  triage  low');
    expect(table.stdout).not.toContain('\u001b');
    expect(table.stdout).toContain('Sources:\n  github:org/desk-lab: read (4 advisories)');

    const markdown = await cli([...base, '--format', 'markdown']);
    expect(markdown.code).toBe(0);
    const hostileRow = markdown.stdout.split('\n').find((line) => line.startsWith('| [GHSA-9999-8888-7777]'))!;
    expect(hostileRow).toContain('desk-lab/evil\\|repo\\<img\\>');
    // Seven cells: no `|` of the repository's name splits one.
    expect(hostileRow.split(/(?<!\\)\|/).length - 2).toBe(7);
    expect(markdown.stdout).not.toMatch(/(?<!\\)<img/);
    expect(markdown.stdout).toContain('| overdue 105 days (due 2026-08-23) | overdue 18 days (due 2026-11-18) |');

    const csv = await cli([...base, '--format', 'csv']);
    expect(csv.code).toBe(0);
    const rows = csv.stdout.split('\r\n');
    expect(rows[0]).toBe('id,ghsa_id,cve_id,repo,state,severity,created_at,acknowledge_due,acknowledge_status,disclose_due,disclose_status,days_left,problems,summary');
    expect(rows.find((row) => row.startsWith(`${TRIAGE},`))).toBe(
      `${TRIAGE},${TRIAGE},,desk-lab/server,triage,high,2026-08-20T14:05:00Z,2026-08-23,overdue,2026-11-18,overdue,-105,no-patched-versions credit-pending single-person acknowledge-overdue disclosure-overdue,Path traversal in the static file handler`,
    );
    // The summary would run as a formula: prefixed with ', quoted for its quotes and comma.
    const hostile = rows.find((row) => row.startsWith('GHSA-9999-8888-7777,'))!;
    expect(hostile.endsWith(`,"'=HYPERLINK(""http://attacker.test/x"",""click"")\u001b[31m"`)).toBe(true);
    expect(hostile).toContain(',2026-12-04,overdue,');
  });

  it('--from-dir: one bad file among good ones is its own source, the others are listed (exit 0)', async () => {
    const folder = advisoryFolder('files', {
      'a.json': restAdvisory('GHSA-2222-3333-4444'),
      'b.json': [restAdvisory('GHSA-4444-5555-6666', { state: 'published', published_at: '2026-11-25T00:00:00Z' })],
      'broken.json': '{\n  "ghsa_id": "GHSA-6666-7777-8888"\n  "summary": "no comma before me"\n}\n',
      'oops.json': '{\n  "ghsa_id": "GHSA-6666-7777-9999",\n  "summary": embargoed text\n}\n',
      'name\u001b[2J.json': '[]',
    });
    const run = await cli(['list', '--from-dir', folder, '--now', '2026-12-06', '--format', 'json'], false);
    expect(run.code).toBe(0);
    const document = listing(run.stdout);
    expect(document.advisories.map((advisory) => advisory.id).sort()).toEqual(['GHSA-2222-3333-4444', 'GHSA-4444-5555-6666']);
    expect(entry(document, 'GHSA-2222-3333-4444')).toMatchObject({ origin: 'file', repo: 'desk-lab/server' });
    expect(document.sources).toContainEqual({ name: `dir:${folder}`, status: 'read', advisories: 2, note: '3 of 5 files could not be read as advisories (see their sources)' });
    const broken = join(folder, 'broken.json');
    expect(document.sources).toContainEqual({ name: `file:${broken}`, status: 'invalid', advisories: 0, note: `${broken}:3: not JSON (Expected ',' or '}' after property value)` });
    // V8 gives no position for an unexpected token, and quotes the file around it: the note keeps one line and none of the file's text.
    expect(document.sources).toContainEqual({ name: `file:${join(folder, 'oops.json')}`, status: 'invalid', advisories: 0, note: `${join(folder, 'oops.json')}: not JSON (Unexpected token 'e')` });

    // Credits and the other publishing commands say it on stderr.
    const credits = await cli(['credits', '--from-dir', folder, '--now', '2026-12-06', '--format', 'json'], false);
    expect(credits.code).toBe(0);
    expect(credits.stderr).toContain(`chainwatch: file:${broken}: invalid: ${broken}:3: not JSON`);
    expect(credits.stderr).not.toContain('embargoed');
    expect(credits.stderr).toContain(`chainwatch: file:${join(folder, 'name [2J.json')}: invalid: ${join(folder, 'name [2J.json')}: an empty list, no advisory`);
    expect(credits.stderr).not.toContain('\u001b');
  });

  it('--from-dir whose every file is refused read nothing: exit 2, for list and for the commands that act', async () => {
    const folder = advisoryFolder('all-bad', { 'broken.json': '{ "ghsa_id": ', 'empty.json': '[]' });
    const list = await cli(['list', '--from-dir', folder, '--now', '2026-12-06', '--format', 'json'], false);
    expect(list.code).toBe(2);
    expect(list.stderr).toContain('none of the sources could be read');
    const remind = await cli(['remind', '--from-dir', folder, '--now', '2026-12-06', '--no-store'], false);
    expect(remind.code).toBe(2);
    // An empty folder is not a refusal: it holds no advisories, and says so with exit 0.
    const empty = await cli(['list', '--from-dir', advisoryFolder('none', {}), '--now', '2026-12-06'], false);
    expect(empty.code).toBe(0);
  });

  it('--manual with a YAML error names file:line; the other sources are still read', async () => {
    const manual = join(dir.path, 'mail.yaml');
    writeFileSync(manual, '- id: MAIL-2026-001\n  repo: desk-lab/server\n  repo: desk-lab/docs\n  summary: Reported twice\n  created_at: 2026-11-01\n');
    const folder = advisoryFolder('files', { 'a.json': restAdvisory('GHSA-2222-3333-4444') });
    const run = await cli(['list', '--manual', manual, '--from-dir', folder, '--now', '2026-12-06', '--format', 'json'], false);
    expect(run.code).toBe(0);
    const source = listing(run.stdout).sources.find((one) => one.name === `manual:${manual}`)!;
    expect(source.status).toBe('invalid');
    expect(source.note).toBe(`${manual}:3: invalid YAML: Map keys must be unique at line 3, column 3`);
    const table = await cli(['list', '--manual', manual, '--now', '2026-12-06'], false);
    expect(table.stdout).toContain(`manual:${manual}: invalid — ${manual}:3: invalid YAML: Map keys must be unique at line 3, column 3`);
    // Nothing else given: no source could be read.
    expect(table.code).toBe(2);
  });

  it('without a token every org is unreachable with the note; exit 2 when nothing else was given', async () => {
    const run = await cli(['list', ...BOTH_ORGS, '--now', '2026-12-06', '--format', 'json'], false);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('chainwatch: none of the sources could be read (see Sources)\n');
    const document = listing(run.stdout);
    expect(document.advisories).toEqual([]);
    for (const org of ['desk-lab', 'partner-org']) {
      expect(document.sources).toContainEqual({ name: `github:org/${org}`, status: 'unreachable', advisories: 0, note: expect.stringMatching(new RegExp(`^${NO_TOKEN}: the organisations' advisories were not read`)) });
    }
    const folder = advisoryFolder('files', { 'a.json': restAdvisory('GHSA-2222-3333-4444') });
    const withFiles = await cli(['list', ...BOTH_ORGS, '--from-dir', folder, '--now', '2026-12-06', '--format', 'json'], false);
    expect(withFiles.code).toBe(0);
    expect(listing(withFiles.stdout).advisories.map((advisory) => advisory.id)).toEqual(['GHSA-2222-3333-4444']);
  });

  it('the token never reaches stdout, stderr or the store file, in any format or command', async () => {
    const captured: string[] = [];
    const clock = fixedClock('2026-12-06T08:00:00Z');
    const base = { org: ['desk-lab', 'partner-org'], fromDir: [], manual: [] };
    for (const format of ['json', 'table', 'markdown', 'csv'] as const) {
      const io = captureIo(dir.path);
      io.env = environment(true);
      // No --now: this run records its observations in the store.
      expect(await runAdvisoriesList(io, { ...base, state: [], format }, { clock })).toBe(0);
      captured.push(io.out(), io.err());
    }
    const credits = captureIo(dir.path);
    credits.env = environment(true);
    expect(await runAdvisoriesCredits(credits, { ...base, format: 'markdown' }, { clock })).toBe(0);
    const feed = captureIo(dir.path);
    feed.env = environment(true);
    expect(await runAdvisoriesFeed(feed, { ...base, format: 'atom', link: 'https://example.test/security' }, { clock })).toBe(0);
    captured.push(credits.out(), credits.err(), feed.out(), feed.err());
    // Observations were written (the store is not empty), and none of its files holds the token.
    expect(readFileSync(storePath()).length).toBeGreaterThan(0);
    for (const name of readdirSync(dir.path).filter((file) => file.startsWith('desk.sqlite'))) captured.push(readFileSync(join(dir.path, name)).toString('latin1'));
    for (const text of captured) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(TOKEN.slice(4, 20));
      // Not even redacted: nothing tried to print it.
      expect(text).not.toContain('***');
    }
  });

  it('--now that is not a date exits 2 with the message', async () => {
    const run = await cli(['list', '--org', 'desk-lab', '--now', 'next tuesday']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('chainwatch: --now: expected an ISO date (2026-12-06) or a time with its zone (2026-12-06T09:00:00Z), got "next tuesday"\n');
    const local = await cli(['list', '--org', 'desk-lab', '--now', '2026-12-06T09:00:00']);
    expect(local.code).toBe(2);
  });

  it('--fail-on-overdue exits 1 when a listed clock is overdue, 0 when none is', async () => {
    expect((await cli(['list', '--org', 'desk-lab', '--now', '2026-12-06', '--fail-on-overdue'])).code).toBe(1);
    expect((await cli(['list', '--org', 'desk-lab', '--now', '2026-12-06'])).code).toBe(0);
    expect((await cli(['list', '--org', 'desk-lab', '--now', '2026-12-06', '--state', 'published', '--fail-on-overdue'])).code).toBe(0);
    // Before the drafts' clocks ran out (2026-06-02: the one created on 06-01 is within both).
    expect((await cli(['list', '--org', 'desk-lab', '--now', '2026-06-02', '--state', 'draft', '--fail-on-overdue'])).code).toBe(0);
  });
});

describe('advisories add and ack', () => {
  it('add records a mailed report; list shows it with its clocks', async () => {
    const added = await cli(['add', '--id', 'MAIL-2026-003', '--repo', 'desk-lab/server', '--summary', 'Reported by mail', '--created', '2026-11-30', '--collaborator', 'desk-lab-dev', '--severity', 'high'], false);
    expect(added.code).toBe(0);
    expect(added.stdout).toBe(`MAIL-2026-003: recorded in ${storePath()}\n`);
    const run = await cli(['list', '--now', '2026-12-06', '--format', 'json'], false);
    expect(run.code).toBe(0);
    const record = entry(listing(run.stdout), 'MAIL-2026-003');
    // Created 2026-11-30T00:00Z: acknowledge due 2026-12-03 (3 days overdue on 12-06); disclose due +90 = 2027-02-28 (1 + 31 + 31 + 27 → 84 days left).
    expect(record).toMatchObject({ ghsa_id: null, repo: 'desk-lab/server', state: 'triage', created_at: '2026-11-30T00:00:00Z', origin: 'manual' });
    expect(record.clocks.acknowledge).toMatchObject({ due: '2026-12-03', status: 'overdue', days_left: -3 });
    expect(record.clocks.disclose).toMatchObject({ due: '2027-02-28', status: 'due', days_left: 84 });
    expect(record.problems.map((problem) => problem.id)).toEqual(['single-person', 'acknowledge-overdue']);
  });

  it('ack meets a triage advisory\'s acknowledge clock (the id as GitHub writes it, or in other case)', async () => {
    const acked = await cli(['ack', TRIAGE.toUpperCase(), '--at', '2026-08-22T10:00:00Z', '--by', 'desk-lab-owner'], false);
    expect(acked.code).toBe(0);
    expect(acked.stdout).toBe(`${TRIAGE}: acknowledged at 2026-08-22T10:00:00.000Z\n`);
    const run = await cli(['list', '--org', 'desk-lab', '--now', '2026-12-06', '--format', 'json']);
    const triage = entry(listing(run.stdout), TRIAGE);
    expect(triage.clocks.acknowledge).toMatchObject({ due: '2026-08-23', status: 'met', evidence: 'manual-acknowledgement', met_at: '2026-08-22T10:00:00.000Z' });
    expect(triage.problems.map((problem) => problem.id)).not.toContain('acknowledge-overdue');
    // The widget report was not acknowledged.
    const widget = await cli(['list', '--org', 'partner-org', '--now', '2026-12-06', '--format', 'json']);
    expect(entry(listing(widget.stdout), WIDGET_TRIAGE).clocks.acknowledge.status).toBe('overdue');
  });
});

describe('advisories credits, feed and export', () => {
  it('credits: accepted credits of published advisories as JSON and Markdown; a declined one never appears', async () => {
    const json = await cli(['credits', ...BOTH_ORGS, '--now', '2026-12-06', '--format', 'json']);
    expect(json.code).toBe(0);
    const document = JSON.parse(json.stdout) as { credits: { type: string; login: string; advisory: { id: string; repository: string }; cve_id: string | null; packages: { ecosystem: string; name: string }[]; published_at: string }[] };
    expect(document.credits).toEqual([
      expect.objectContaining({
        type: 'finder',
        login: 'finder-three',
        advisory: expect.objectContaining({ id: PUBLISHED, repository: 'desk-lab/server' }),
        cve_id: 'CVE-2026-21001',
        packages: [
          { ecosystem: 'npm', name: '@desk-lab/widget' },
          { ecosystem: 'pip', name: 'desk-server' },
        ],
        published_at: '2026-02-01T16:30:00Z',
      }),
    ]);
    const markdown = await cli(['credits', ...BOTH_ORGS, '--now', '2026-12-06', '--format', 'markdown', '--title', 'Thanks']);
    expect(markdown.code).toBe(0);
    expect(markdown.stdout).toMatch(/^# Thanks\n/);
    expect(markdown.stdout).toContain('finder-three');
    expect(markdown.stdout).not.toContain('quiet-reporter');
    expect(markdown.stdout).not.toContain('reporter-one');
    // The publishing commands say which sources could not be read.
    expect(markdown.stderr).toContain('chainwatch: github:repo/partner-org/locked: forbidden: GitHub answered 403');
  });

  it('feed: Atom and JSON Feed of the published advisories, parsed back', async () => {
    const base = ['feed', ...BOTH_ORGS, '--now', '2026-12-06', '--link', 'https://example.org/security'];
    const atom = await cli([...base, '--format', 'atom']);
    expect(atom.code).toBe(0);
    expect(XMLValidator.validate(atom.stdout)).toBe(true);
    const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => ['entry', 'link'].includes(name) });
    const feed = (parser.parse(atom.stdout) as { feed: { entry: { id: string; title: string | { '#text': string } }[]; link: { '@href': string }[] } }).feed;
    // Newest publication first: gadget (2026-05-01), then the server's (2026-02-01).
    expect(feed.entry.map((one) => one.id)).toEqual([`https://github.com/advisories/${GADGET_PUBLISHED}`, `https://github.com/advisories/${PUBLISHED}`]);
    expect(feed.link.map((link) => link['@href'])).toContain('https://example.org/security');

    const json = await cli([...base, '--format', 'json']);
    expect(json.code).toBe(0);
    const jsonFeed = JSON.parse(json.stdout) as { version: string; home_page_url: string; items: { id: string; title: string; date_published: string }[] };
    expect(jsonFeed.version).toBe('https://jsonfeed.org/version/1.1');
    expect(jsonFeed.home_page_url).toBe('https://example.org/security');
    expect(jsonFeed.items.map((item) => [item.title, item.date_published])).toEqual([
      [`${GADGET_PUBLISHED}: Open redirect after login`, '2026-05-01T10:00:00.000Z'],
      [`${PUBLISHED}: Token leak in debug log`, '2026-02-01T16:30:00.000Z'],
    ]);
  });

  it('export --pypa: lists what it would write and what is there; --write writes once and never over a file', async () => {
    const checkout = join(dir.path, 'advisory-database');
    mkdirSync(join(checkout, 'vulns', 'gadget'), { recursive: true });
    writeFileSync(
      join(checkout, 'vulns', 'gadget', 'PYSEC-2026-7.yaml'),
      ['id: PYSEC-2026-7', 'modified: 2026-05-02T00:00:00Z', 'aliases:', '- CVE-2026-30002', 'affected:', '- package:', '    ecosystem: PyPI', '    name: gadget', '  ranges:', '  - type: ECOSYSTEM', '    events:', '    - introduced: "0"', '    - fixed: 0.9.3', ''].join('\n'),
    );
    const base = ['export', ...BOTH_ORGS, '--now', '2026-12-06', '--pypa', checkout];

    const dry = await cli(base);
    expect(dry.code).toBe(0);
    const wouldWrite = /^would write (vulns\/desk-server\/PYSEC-0000-[^ ]+\.yaml) \(GHSA-[^,]+, desk-server\)$/m.exec(dry.stdout);
    expect(wouldWrite?.[0]).toContain(PUBLISHED);
    const target = join(checkout, wouldWrite![1]!);
    expect(dry.stdout).toContain(`already there: ${GADGET_PUBLISHED} (gadget) as PYSEC-2026-7`);
    expect(existsSync(target)).toBe(false);

    const written = await cli([...base, '--write']);
    expect(written.code).toBe(0);
    expect(written.stdout).toContain(`wrote ${wouldWrite![1]}`);
    const record = parseYaml(readFileSync(target, 'utf8')) as { id: string; aliases: string[]; affected: { package: { ecosystem: string; name: string } }[] };
    expect(record.id).toMatch(/^PYSEC-0000-/);
    expect(record.aliases).toEqual(expect.arrayContaining([PUBLISHED, 'CVE-2026-21001']));
    expect(record.affected.map((one) => one.package)).toEqual([expect.objectContaining({ ecosystem: 'PyPI', name: 'desk-server' })]);
    expect(readdirSync(join(checkout, 'vulns', 'desk-server'))).toHaveLength(1);

    // Run again: the record is in the checkout now, so nothing is written twice.
    const again = await cli([...base, '--write']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`already there: ${PUBLISHED} (desk-server) as ${record.id}`);
    expect(again.stdout).not.toContain('wrote ');

    // A file at the path that is not that record is never overwritten.
    writeFileSync(target, '# a draft someone is still writing\n');
    const refused = await cli([...base, '--write']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`chainwatch: ${target} exists; not overwritten`);
    expect(readFileSync(target, 'utf8')).toBe('# a draft someone is still writing\n');
  });
});
