/**
 * `chainwatch advisories enforce | remind | watch` in-process through main():
 * enforce against the fake GitHub, remind through a local webhook receiver
 * and SMTP server, watch over a graph history and an advisory database built
 * here. Every path is in the test's own folder (CHAINWATCH_* variables).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from '../../../test/cli-harness.js';
import { advisoryFixtureOrgs, DESK_BOT, ghsaIdFor } from '../../../test/fake-github/fixtures.js';
import { startFakeGithub, type FakeGithub } from '../../../test/fake-github/server.js';
import { startSmtpReceiver, startWebhookReceiver, type SmtpReceiver, type WebhookReceiver } from '../../disclosure/notify/notify-receivers.fixture.js';
import type { BuiltGraph } from '../../graph/build.js';
import { newRun } from '../../graph/runs.fixture.js';
import { openGraphStore } from '../../store/graph-store.js';
import { useTemporaryDirectory } from './command-fakes.fixture.js';
import { restAdvisory } from '../../disclosure/rest-advisory.fixture.js';

const TOKEN = 'ghp_AdvisoryActions0Token1Value2Abcdefgh';
const dir = useTemporaryDirectory(beforeEach, afterEach);

/** Caches, histories and the desk's store in the test's folder, never the user's. */
function environment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    CHAINWATCH_HTTP_CACHE: join(dir.path, 'http.sqlite'),
    CHAINWATCH_GITHUB_CACHE: join(dir.path, 'github.sqlite'),
    CHAINWATCH_GRAPH_DB: join(dir.path, 'graph.sqlite'),
    CHAINWATCH_DB: join(dir.path, 'advisories.sqlite'),
    CHAINWATCH_DISCLOSURE_DB: join(dir.path, 'desk.sqlite'),
    ...extra,
  };
}

function writeConfig(text: string): string {
  const path = join(dir.path, 'chainwatch.yaml');
  writeFileSync(path, text);
  return path;
}

function output(run: CliRun): string {
  return `${run.stdout}\n${run.stderr}`;
}

/** The PATCH lines of a dry run: path → body. */
function dryRunPatches(stdout: string): Map<string, unknown> {
  const patches = new Map<string, unknown>();
  const lines = stdout.split('\n');
  for (const [index, line] of lines.entries()) {
    if (line.startsWith('PATCH ')) patches.set(line.slice('PATCH '.length), JSON.parse(lines[index + 1]!));
  }
  return patches;
}

const ADVISORY = {
  labTriage: ghsaIdFor('desk-lab/server triage'),
  labDraft: ghsaIdFor('desk-lab/server draft'),
  labPublished: ghsaIdFor('desk-lab/server published'),
  labInternal: ghsaIdFor('desk-lab/internal-tool draft'),
  partnerTriage: ghsaIdFor('partner-org/widget triage'),
  partnerClosed: ghsaIdFor('partner-org/widget closed'),
  partnerPublished: ghsaIdFor('partner-org/gadget published'),
  partnerDraft: ghsaIdFor('partner-org/gadget draft with desk-bot'),
};

const COUNCIL_CONFIG = `orgs: [desk-lab, partner-org]
disclosure:
  collaborators:
    users: [council-a, "@council-b"]
    teams: [desk-lab/security]
`;

describe('chainwatch advisories enforce against the fake GitHub', () => {
  let fake: FakeGithub;
  beforeEach(async () => {
    fake = await startFakeGithub({ orgs: advisoryFixtureOrgs({ busyAdvisories: 0 }), tokens: { [TOKEN]: DESK_BOT }, users: ['council-a', 'council-b'] });
  });
  afterEach(() => fake.close());

  const enforce = (extra: string[] = [], env: NodeJS.ProcessEnv = { GH_TOKEN: TOKEN, GITHUB_API_URL: fake.url }) =>
    runCli(['advisories', 'enforce', '--config', writeConfig(COUNCIL_CONFIG), '--now', '2026-08-25', ...extra], { env: environment(env), cwd: dir.path });

  const expectedBodies = {
    [`/repos/desk-lab/server/security-advisories/${ADVISORY.labTriage}`]: { collaborating_users: ['council-a', 'council-b'], collaborating_teams: ['security'] },
    // Who is already on it stays on it, first.
    [`/repos/desk-lab/server/security-advisories/${ADVISORY.labDraft}`]: { collaborating_users: ['desk-lab-dev', 'council-a', 'council-b'], collaborating_teams: ['security'] },
    [`/repos/desk-lab/internal-tool/security-advisories/${ADVISORY.labInternal}`]: { collaborating_users: ['council-a', 'council-b'], collaborating_teams: ['security'] },
    // desk-lab/security cannot go on a partner-org advisory.
    [`/repos/partner-org/widget/security-advisories/${ADVISORY.partnerTriage}`]: { collaborating_users: ['council-a', 'council-b'], collaborating_teams: [] },
    [`/repos/partner-org/gadget/security-advisories/${ADVISORY.partnerDraft}`]: { collaborating_users: [DESK_BOT, 'council-a', 'council-b'], collaborating_teams: [] },
  };

  it('a dry run prints the PATCH per advisory in triage or draft, skips the others, notes the cross-org team, and sends nothing', async () => {
    const run = await enforce();
    expect(run.code).toBe(0);
    expect(Object.fromEntries(dryRunPatches(run.stdout))).toEqual(expectedBodies);
    for (const skipped of [ADVISORY.labPublished, ADVISORY.partnerPublished]) expect(run.stdout).toMatch(new RegExp(`^${skipped}: skipped \\(published: enforce only adds collaborators`, 'm'));
    expect(run.stdout).toMatch(new RegExp(`^${ADVISORY.partnerClosed}: skipped \\(closed: `, 'm'));
    expect(run.stdout).toContain('adds users council-a, council-b (required by disclosure.collaborators)');
    // The note follows the partner-org triage report's PATCH, and no desk-lab advisory gets it.
    const partnerBlock = run.stdout.slice(run.stdout.indexOf(`/repos/partner-org/widget/security-advisories/${ADVISORY.partnerTriage}`));
    expect(partnerBlock).toMatch(/^ {2}# note: team desk-lab\/security \(disclosure.collaborators\) left out on partner-org\/widget: teams don't work across orgs: add its members as users$/m);
    expect(run.stdout).not.toMatch(/left out on desk-lab\//);
    expect(run.stdout).toContain('Dry run: nothing sent. Run with --apply');
    expect(fake.advisoryPatches).toEqual([]);
    expect(output(run)).not.toContain(TOKEN);
  });

  it('--apply sends exactly the merged lists; a second --apply sends nothing', async () => {
    const first = await enforce(['--apply']);
    expect(first.code).toBe(0);
    const sent = Object.fromEntries(fake.advisoryPatches.map((patch) => [`/repos/${patch.owner}/${patch.repo}/security-advisories/${patch.ghsaId}`, patch.body]));
    expect(sent).toEqual(expectedBodies);
    expect(fake.advisoryPatches).toHaveLength(5);
    expect(new Set(fake.advisoryPatches.map((patch) => patch.login))).toEqual(new Set([DESK_BOT]));
    expect(first.stdout).toMatch(new RegExp(`^${ADVISORY.labDraft}: sent: adds users council-a, council-b`, 'm'));
    expect(first.stdout).toMatch(new RegExp(`^${ADVISORY.labPublished}: skipped: `, 'm'));

    const second = await enforce(['--apply']);
    expect(second.code).toBe(0);
    expect(fake.advisoryPatches).toHaveLength(5);
    for (const ghsa of [ADVISORY.labTriage, ADVISORY.labDraft, ADVISORY.labInternal, ADVISORY.partnerTriage, ADVISORY.partnerDraft]) {
      expect(second.stdout).toMatch(new RegExp(`^${ghsa}: unchanged: every required collaborator is already on it$`, 'm'));
    }
    expect(output(first) + output(second)).not.toContain(TOKEN);
  });

  it('--apply without a token exits 2 naming the permission, before reading anything', async () => {
    const run = await enforce(['--apply'], { GITHUB_API_URL: fake.url });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/enforce --apply needs GH_TOKEN \(or GITHUB_TOKEN\) with "Repository security advisories: write"/);
    expect(run.stdout).toBe('');
    expect(fake.stats.requests).toBe(0);
    expect(fake.advisoryPatches).toEqual([]);
  });

  it('a token that may not edit: each advisory fails with what the token needs, exit 2, and the token is not printed', async () => {
    const outsider = 'ghp_Outsider0Token1Value2Abcdefghijklmnop';
    await fake.close();
    fake = await startFakeGithub({ orgs: advisoryFixtureOrgs({ busyAdvisories: 0 }), tokens: { [TOKEN]: DESK_BOT, [outsider]: 'council-a' }, users: ['council-b'] });
    // The desk reads a security manager's export of desk-lab's advisories (--from-dir) and writes with a token that may not edit them.
    const config = writeConfig(COUNCIL_CONFIG.replace('orgs: [desk-lab, partner-org]\n', ''));
    const exported = join(dir.path, 'exported');
    mkdirSync(exported);
    const listed = await fetch(`${fake.url}/orgs/desk-lab/security-advisories?per_page=100`, { headers: { authorization: `token ${TOKEN}` } });
    for (const advisory of (await listed.json()) as { ghsa_id: string }[]) writeFileSync(join(exported, `${advisory.ghsa_id}.json`), JSON.stringify(advisory));
    const run = await runCli(['advisories', 'enforce', '--config', config, '--from-dir', exported, '--now', '2026-08-25', '--apply'], {
      env: environment({ GH_TOKEN: outsider, GITHUB_API_URL: fake.url }),
      cwd: dir.path,
    });
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(new RegExp(`^${ADVISORY.labTriage}: failed: .*(not found when read again|security advisories write)`, 'm'));
    expect(fake.advisoryPatches).toEqual([]);
    expect(output(run)).not.toContain(outsider);
  });
});


const OVERDUE_ACK = 'GHSA-2222-3333-4444';
const URGENT_DISCLOSE = 'GHSA-5555-6666-7777';

describe('chainwatch advisories remind through a local webhook receiver and SMTP server', () => {
  let webhook: WebhookReceiver;
  let smtp: SmtpReceiver;
  let hookUrl: string;
  const SECRET_PART = 'T0SECRET/B0SECRET/xoxb0hook0secret0path';
  beforeEach(async () => {
    [webhook, smtp] = await Promise.all([startWebhookReceiver(), startSmtpReceiver({ requireAuth: false })]);
    hookUrl = `${webhook.origin}/services/${SECRET_PART}`;
  });
  afterEach(async () => {
    await Promise.all([webhook.close(), smtp.close()]);
  });

  function inputs(): string[] {
    const advisories = join(dir.path, 'advisories');
    mkdirSync(advisories, { recursive: true });
    // A report still in triage 5 days after it came (acknowledge due 08-23: overdue on 08-25).
    writeFileSync(join(advisories, 'a.json'), JSON.stringify(restAdvisory(OVERDUE_ACK, { state: 'triage', summary: 'Path traversal', created_at: '2026-08-20T14:05:00Z', updated_at: '2026-08-20T14:05:00Z' })));
    // A draft created 06-01: disclose due 08-30, 5 days left on 08-25 (urgent).
    writeFileSync(join(advisories, 'b.json'), JSON.stringify(restAdvisory(URGENT_DISCLOSE, { summary: 'Stored XSS', created_at: '2026-06-01T08:00:00Z', updated_at: '2026-06-02T08:00:00Z' })));
    const config = writeConfig(`disclosure:
  notifiers:
    - type: webhook
      format: slack
      url_env: DESK_CHAT_WEBHOOK
    - type: smtp
      host: 127.0.0.1
      port: ${smtp.port}
      from: desk@example.test
      to: council@example.test
`);
    return ['--config', config, '--from-dir', advisories];
  }

  const remind = (now: string, extra: string[] = []) =>
    runCli(['advisories', 'remind', ...inputs(), '--now', now, ...extra], { env: environment({ DESK_CHAT_WEBHOOK: hookUrl }), cwd: dir.path });

  function expectNoSecret(run: CliRun): void {
    expect(output(run)).not.toContain(hookUrl);
    expect(output(run)).not.toContain('SECRET');
    expect(output(run)).not.toContain('xoxb0hook0secret0path');
  }

  it('a dry run prints the digest per channel and sends nothing', async () => {
    const run = await remind('2026-08-25');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('2026-08-25: 2 reminders due\n');
    expect(run.stdout).toContain(`  overdue: ${OVERDUE_ACK} acknowledge due 2026-08-23\n`);
    expect(run.stdout).toContain(`  urgent: ${URGENT_DISCLOSE} disclose due 2026-08-30\n`);
    expect(run.stdout).toContain('webhook:slack:DESK_CHAT_WEBHOOK: would-send (2 items)');
    expect(run.stdout).toContain(`smtp:127.0.0.1:${smtp.port}: would-send (2 items)`);
    expect(run.stdout).toContain('--- Disclosure desk, 2026-08-25: 1 overdue, 1 urgent\n');
    expect(run.stdout).toContain('acknowledgement overdue by 2 days (due 2026-08-23)');
    expect(run.stdout).toContain('Dry run: nothing sent.');
    expect([webhook.received, smtp.received]).toEqual([[], []]);
    expectNoSecret(run);
  });

  it('--send delivers one digest per channel, nothing again the same day, again the next day', async () => {
    const first = await remind('2026-08-25', ['--send']);
    expect(first.code).toBe(0);
    expect(webhook.received).toHaveLength(1);
    expect(webhook.received[0]).toMatchObject({ method: 'POST', url: `/services/${SECRET_PART}` });
    expect(webhook.received[0]!.headers['content-type']).toMatch(/^application\/json/);
    const text = (JSON.parse(webhook.received[0]!.body) as { text: string }).text;
    expect(text).toContain('Disclosure desk, 2026-08-25: 1 overdue, 1 urgent');
    expect(text).toContain(OVERDUE_ACK);
    expect(text).toContain('disclosure due in 5 days (2026-08-30)');
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]).toMatchObject({ from: 'desk@example.test', to: ['council@example.test'] });
    expect(smtp.received[0]!.data).toMatch(/^Subject: Disclosure desk, 2026-08-25: 1 overdue, 1 urgent/m);
    expect(smtp.received[0]!.text).toContain(URGENT_DISCLOSE);
    expect(first.stdout).toMatch(/^webhook:slack:DESK_CHAT_WEBHOOK: sent \(2 items\)/m);
    expect(first.stdout).toMatch(new RegExp(`^smtp:127\\.0\\.0\\.1:${smtp.port}: sent \\(2 items\\)`, 'm'));
    expect(first.stdout).not.toContain('Dry run');

    const sameDay = await remind('2026-08-25T18:00:00Z', ['--send']);
    expect(sameDay.code).toBe(0);
    expect([webhook.received.length, smtp.received.length]).toEqual([1, 1]);
    expect(sameDay.stdout).toMatch(/^webhook:slack:DESK_CHAT_WEBHOOK: nothing-new \(0 items, 2 already sent\)/m);

    const nextDay = await remind('2026-08-26', ['--send']);
    expect(nextDay.code).toBe(0);
    expect([webhook.received.length, smtp.received.length]).toEqual([2, 2]);
    expect(smtp.received[1]!.data).toMatch(/^Subject: Disclosure desk, 2026-08-26: 1 overdue, 1 urgent/m);
    for (const run of [first, sameDay, nextDay]) expectNoSecret(run);
  });

  it('a webhook answering 500 exits 2; the mail still goes; the URL is never printed; the webhook gets it on the next run', async () => {
    webhook.answer = { status: 500, body: `internal error posting to ${hookUrl} (path /services/${SECRET_PART})` };
    const failed = await remind('2026-08-25', ['--send']);
    expect(failed.code).toBe(2);
    expect(webhook.received).toHaveLength(1);
    expect(smtp.received).toHaveLength(1);
    expect(failed.stdout).toMatch(/^webhook:slack:DESK_CHAT_WEBHOOK: failed/m);
    expect(failed.stderr).toMatch(/the slack webhook in \$DESK_CHAT_WEBHOOK answered 500/);
    expectNoSecret(failed);

    webhook.answer = { status: 200, body: 'ok' };
    const retried = await remind('2026-08-25', ['--send']);
    expect(retried.code).toBe(0);
    expect([webhook.received.length, smtp.received.length]).toEqual([2, 1]);
    expectNoSecret(retried);
  });

  it('--send --no-store is refused: the store is what remembers what was sent', async () => {
    const run = await remind('2026-08-25', ['--send', '--no-store']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/remind --send needs the store .* drop --no-store/);
    expect([webhook.received, smtp.received]).toEqual([[], []]);
  });

  it('--no-store without --send is a dry run without the store', async () => {
    const run = await remind('2026-08-25', ['--no-store']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('2026-08-25: 2 reminders due\n');
    expect(run.stdout).toContain('webhook:slack:DESK_CHAT_WEBHOOK: would-send (2 items)');
  });
});

function shippedGraph(): BuiltGraph {
  const node = (name: string, version: string, root = false) => ({ purl: `pkg:pypi/${name}@${version}`, ecosystem: 'PyPI' as const, name, version, root, signals: {} });
  return {
    nodes: [node('jupyterlab', '4.2.5', true), node('jupyter-server', '2.14.0'), node('tornado', '6.4.1')],
    edges: [
      { from: 'pkg:pypi/jupyterlab@4.2.5', to: 'pkg:pypi/jupyter-server@2.14.0', requirement: '>=2.4.0,<3', kind: 'runtime' },
      { from: 'pkg:pypi/jupyter-server@2.14.0', to: 'pkg:pypi/tornado@6.4.1', requirement: '>=6.2.0', kind: 'runtime' },
    ],
    sources: [{ name: 'pypi', reachable: true }],
    problems: [],
  };
}

function osvRecord(id: string, name: string, fixed: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schema_version: '1.6.0',
    id,
    modified: '2026-08-20T00:00:00Z',
    published: '2026-08-20T00:00:00Z',
    aliases: [],
    summary: `${name} flaw`,
    affected: [{ package: { ecosystem: 'PyPI', name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] }],
    database_specific: { severity: 'HIGH' },
    ...fields,
  };
}

const HIT = 'GHSA-jsrv-0000-0001';
const MISS = 'GHSA-trnd-0000-0002';

describe('chainwatch advisories watch over a graph history and an imported advisory folder', () => {
  let webhook: WebhookReceiver;
  beforeEach(async () => {
    webhook = await startWebhookReceiver();
  });
  afterEach(() => webhook.close());

  function saveSnapshot(): void {
    const history = openGraphStore(join(dir.path, 'graph.sqlite'));
    history.saveRun(newRun(shippedGraph(), { at: '2026-08-24T00:00:00Z' }));
    history.close();
  }

  /** A fresh folder of OSV records (the import's source is the folder). */
  function records(name: string, list: Record<string, unknown>[]): string {
    const folder = join(dir.path, name);
    mkdirSync(folder, { recursive: true });
    for (const record of list) writeFileSync(join(folder, `${String(record.id)}.json`), JSON.stringify(record));
    return folder;
  }

  const hit = (fields: Record<string, unknown> = {}) => osvRecord(HIT, 'jupyter-server', '2.14.1', { aliases: ['CVE-2026-40001'], summary: 'Open redirect in login', ...fields });
  // tornado 6.4.1 is past the fix.
  const miss = () => osvRecord(MISS, 'tornado', '6.4.1');

  function watch(extra: string[], hookUrl?: string): Promise<CliRun> {
    const config = writeConfig('disclosure:\n  notifiers:\n    - type: webhook\n      format: matrix\n      url_env: DESK_WATCH_WEBHOOK\n');
    return runCli(['advisories', 'watch', '--config', config, '--now', '2026-08-25', ...extra], { env: environment(hookUrl ? { DESK_WATCH_WEBHOOK: hookUrl } : {}), cwd: dir.path });
  }

  it('--import prints the one hit on what we ship and sends nothing without --send', async () => {
    saveSnapshot();
    const run = await watch(['--import', records('osv', [hit(), miss()])], `${webhook.origin}/hook/secret`);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('2 records added or changed; 1 hit on 3 package versions we ship\n');
    expect(run.stdout).toContain(`  ${HIT} PyPI/jupyter-server 2.14.0 (high)\n`);
    expect(run.stdout).not.toContain(MISS);
    expect(run.stdout).toContain('webhook:matrix:DESK_WATCH_WEBHOOK: would-send (1 item)');
    expect(run.stdout).toContain('Dry run: nothing sent.');
    expect(webhook.received).toEqual([]);
  });

  it('--baseline marks the hits without sending; a later --send has nothing new for them', async () => {
    saveSnapshot();
    const hookUrl = `${webhook.origin}/hook/secret`;
    const baseline = await watch(['--import', records('osv', [hit(), miss()]), '--baseline'], hookUrl);
    expect(baseline.code).toBe(0);
    expect(baseline.stdout).toContain('webhook:matrix:DESK_WATCH_WEBHOOK: marked (1 item)');
    expect(baseline.stdout).toContain('Baseline: these hits are recorded as told; nothing sent.');
    expect(baseline.stdout).not.toContain('Dry run');
    expect(webhook.received).toEqual([]);

    const changed = await watch(['--import', records('osv', [hit({ modified: '2026-08-24T00:00:00Z', summary: 'Open redirect in login (updated)' }), miss()]), '--send'], hookUrl);
    expect(changed.code).toBe(0);
    expect(changed.stdout).toContain('1 record added or changed; 1 hit');
    expect(changed.stdout).toMatch(/^webhook:matrix:DESK_WATCH_WEBHOOK: nothing-new \(0 items, 1 already sent\)/m);
    expect(webhook.received).toEqual([]);
  });

  it('--send tells the new hit once; a modified record for the same advisory and package is not told again', async () => {
    saveSnapshot();
    const hookUrl = `${webhook.origin}/hook/secret-watch-path`;
    const first = await watch(['--import', records('osv', [hit(), miss()]), '--send'], hookUrl);
    expect(first.code).toBe(0);
    expect(webhook.received).toHaveLength(1);
    const text = (JSON.parse(webhook.received[0]!.body) as { text: string }).text;
    expect(text).toContain('New advisories, 2026-08-25: 1 affecting 1 package we ship');
    expect(text).toContain('PyPI jupyter-server 2.14.0');
    expect(text).toContain('fixed in 2.14.1');
    expect(text).not.toContain(MISS);
    expect(first.stdout).toMatch(/^webhook:matrix:DESK_WATCH_WEBHOOK: sent \(1 item\)/m);

    const modified = await watch(['--import', records('osv', [hit({ modified: '2026-08-24T00:00:00Z', details: 'More details.' }), miss()]), '--send'], hookUrl);
    expect(modified.code).toBe(0);
    expect(modified.stdout).toContain('1 record added or changed; 1 hit');
    expect(modified.stdout).toMatch(/nothing-new \(0 items, 1 already sent\)/);
    expect(webhook.received).toHaveLength(1);

    // The same vulnerability under another id (a PYSEC record with the CVE) is not told again either.
    const alias = await watch(['--import', records('pysec', [osvRecord('PYSEC-2026-77', 'jupyter-server', '2.14.1', { aliases: ['CVE-2026-40001'] })]), '--send'], hookUrl);
    expect(alias.code).toBe(0);
    expect(webhook.received).toHaveLength(1);
    for (const run of [first, modified, alias]) expect(output(run)).not.toContain('secret-watch-path');
  });

  it('without a graph snapshot it exits 2 and says to run chainwatch graph first', async () => {
    const missing = await watch(['--import', records('osv', [hit()])]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no graph snapshot to watch: run `chainwatch graph` first/);
    // A history with no snapshot in it says the same.
    openGraphStore(join(dir.path, 'graph.sqlite')).close();
    const empty = await watch(['--import', records('osv', [hit()])]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/no graph snapshot to watch: run `chainwatch graph` first/);
  });
});
