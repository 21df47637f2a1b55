/** The posture pipeline as a library: injected GitHub connection and graph history, no store, no printing. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.js';
import { ChainwatchError } from '../core/errors.js';
import { collectingSink, silentSink } from '../core/events.js';
import type { GithubCollector } from './collect/github.js';
import { orgFacts, repoFacts } from './posture-testing.fixture.js';
import { collectFacts, runPosture, type CollectDependencies, type GithubConnection, type PostureDependencies } from './run.js';
import { known } from '../core/known.js';

const clock = fixedClock('2026-03-01T00:00:00Z');
const WORKFLOW = 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'chainwatch-posture-run-'));
  // A folder of orgs of checkouts: acme/widget has one workflow, so it is recognised and named acme/widget.
  mkdirSync(join(dir, 'acme/widget/.github/workflows'), { recursive: true });
  writeFileSync(join(dir, 'acme/widget/.github/workflows/ci.yml'), WORKFLOW);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A GitHub connection over fixed facts: `acme` has acme/widget (API facts) and acme/gadget; any other org fails. */
function fakeGithub(): GithubConnection & { closed: number; asked: string[] } {
  const connection = {
    closed: 0,
    asked: [] as string[],
    collector: {
      async collectOrg(org: string) {
        connection.asked.push(org);
        if (org !== 'acme') throw new ChainwatchError('host-error', `GET /orgs/${org}: 404 Not Found`);
        const api = (repo: string) => repoFacts({ '.github/workflows/ci.yml': WORKFLOW }, { repo, source: 'api', archived: known(false) });
        return { org: orgFacts({ org: 'acme' }), repos: [api('acme/widget'), api('acme/gadget')] };
      },
      async collectRepo(owner: string, name: string) {
        connection.asked.push(`${owner}/${name}`);
        return repoFacts({}, { repo: `${owner}/${name}`, source: 'api' });
      },
    } satisfies Pick<GithubCollector, 'collectOrg' | 'collectRepo'>,
    async close() {
      connection.closed++;
    },
  };
  return connection;
}

function collectDependencies(github: GithubConnection | { unavailable: string } | null): CollectDependencies & { connections: number } {
  const dependencies = {
    connections: 0,
    events: silentSink,
    async connectGithub() {
      dependencies.connections++;
      if (github === null) throw new Error('the API was not to be asked');
      return github;
    },
    describeError: (error: unknown) => `described: ${(error as Error).message}`,
  };
  return dependencies;
}

describe('collectFacts', () => {
  it('only local folders: GitHub is never connected', async () => {
    const dependencies = collectDependencies(null);
    const collected = await collectFacts({ orgs: [], repos: [], local: [dir] }, dependencies);
    expect(dependencies.connections).toBe(0);
    expect(collected.ok && collected.value.repos.map((repo) => [repo.repo, repo.source])).toEqual([['acme/widget', 'local']]);
    expect(collected.ok && collected.value.sources).toEqual([{ name: 'local', reachable: true }]);
  });

  it('the same repository from the API and a checkout is kept once, from the API; a failing org is its own unreachable source', async () => {
    const github = fakeGithub();
    const collected = await collectFacts({ orgs: ['acme', 'nope'], repos: ['acme/other'], local: [dir] }, collectDependencies(github));
    expect(collected.ok).toBe(true);
    if (!collected.ok) return;
    expect(collected.value.repos.map((repo) => [repo.repo, repo.source])).toEqual([
      ['acme/widget', 'api'],
      ['acme/gadget', 'api'],
      ['acme/other', 'api'],
    ]);
    expect(collected.value.sources).toEqual([
      { name: 'github', reachable: true },
      { name: 'github nope', reachable: false, error: 'described: GET /orgs/nope: 404 Not Found' },
      { name: 'local', reachable: true },
    ]);
    expect(github.asked).toEqual(['acme', 'nope', 'acme/other']);
    expect(github.closed).toBe(1);
  });

  it('no API (no token): the source says why and the checkouts are still read', async () => {
    const collected = await collectFacts({ orgs: ['acme'], repos: [], local: [dir] }, collectDependencies({ unavailable: 'no token here' }));
    expect(collected.ok && collected.value.sources).toEqual([
      { name: 'github', reachable: false, error: 'no token here' },
      { name: 'local', reachable: true },
    ]);
  });

  it('a local folder that does not exist is bad input, located at the folder as given', async () => {
    const missing = join(dir, 'missing');
    const collected = await collectFacts({ orgs: [], repos: [], local: [missing] }, collectDependencies(null));
    expect(collected.ok).toBe(false);
    if (collected.ok) return;
    expect(collected.error.input).toBe('local');
    expect(collected.error.error.describe()).toMatch(new RegExp(`^${missing}: cannot read ${missing}: ENOENT`));
  });
});

function postureDependencies(overrides: Partial<PostureDependencies> = {}): PostureDependencies {
  return { ...collectDependencies(fakeGithub()), clock, ...overrides };
}

describe('runPosture', () => {
  it('evaluates, ranks by the list, and works out hints only when asked', async () => {
    const list = join(dir, 'list.yaml');
    writeFileSync(list, '- acme/gadget\n');
    const request = { orgs: ['acme'], local: [], packages: [], importanceListPath: list, checks: ['pinned-actions' as const] };
    const outcome = await runPosture({ ...request, hints: true }, postureDependencies());
    expect(outcome.kind).toBe('report');
    if (outcome.kind !== 'report') return;
    // Only GitHub's own actions unpinned: partial.
    expect(outcome.report.repos.map((repo) => [repo.repo, repo.checks.map((check) => `${check.id} ${check.outcome}`)])).toEqual([
      ['acme/widget', ['pinned-actions partial']],
      ['acme/gadget', ['pinned-actions partial']],
    ]);
    expect(outcome.importance).toEqual([{ repo: 'acme/gadget', score: 1, reason: `1st in ${list}` }]);
    expect(outcome.importanceNote).toBe(`importance from the list in ${list}`);
    expect(outcome.hints?.get('acme/widget')?.unpinnedActions).toEqual([{ file: '.github/workflows/ci.yml', line: 6, uses: 'actions/checkout@v4', githubOwned: true }]);
    const withoutHints = await runPosture({ ...request, hints: false }, postureDependencies());
    expect(withoutHints.kind === 'report' && withoutHints.hints).toBeUndefined();
  });

  it('nothing collected is its own outcome, with the sources that say why', async () => {
    const outcome = await runPosture({ orgs: ['acme'], local: [], packages: [], hints: false }, postureDependencies(collectDependencies({ unavailable: 'no token here' })));
    expect(outcome).toEqual({ notes: [], kind: 'nothing-collected', sources: [{ name: 'github', reachable: false, error: 'no token here' }] });
  });

  it('waivers: applied; unused ones are noted only when every check ran; a bad file is bad input', async () => {
    const waivers = join(dir, 'waivers.yaml');
    writeFileSync(
      waivers,
      [
        'waivers:',
        '  - {repo: acme/widget, check: pinned-actions, reason: vendored, approved-by: council, expires: 2026-12-31}',
        '  - {repo: acme/typo, check: pinned-actions, reason: r, approved-by: council, expires: 2026-12-31}',
        '',
      ].join('\n'),
    );
    const all = await runPosture({ orgs: ['acme'], local: [], packages: [], hints: false, waiversPath: waivers }, postureDependencies());
    expect(all.notes.map((note) => note.kind === 'unused-waiver' && `${note.waiver.repo} line ${note.waiver.location.line}`)).toEqual(['acme/typo line 3']);
    const widget = all.kind === 'report' ? all.report.repos.find((repo) => repo.repo === 'acme/widget') : undefined;
    expect(widget?.checks.find((check) => check.id === 'pinned-actions')?.waiver).toEqual({ reason: 'vendored', approvedBy: 'council', expires: '2026-12-31' });
    const some = await runPosture({ orgs: ['acme'], local: [], packages: [], hints: false, waiversPath: waivers, checks: ['pinned-actions'] }, postureDependencies());
    expect(some.notes).toEqual([]);

    writeFileSync(waivers, 'waivers:\n  - repo: acme/widget\n');
    const bad = await runPosture({ orgs: ['acme'], local: [], packages: [], hints: false, waiversPath: waivers }, postureDependencies());
    expect(bad.kind).toBe('bad-input');
    if (bad.kind === 'bad-input') {
      expect(bad.input).toBe('waivers');
      expect(bad.error.describe()).toMatch(new RegExp(`^${waivers}:2: waiver 1: `));
    }
  });

  it('the graph history: read after the other inputs; an unreadable one is a note, a missing one bad input', async () => {
    const broken = new Error('file is not a database');
    const unusable = await runPosture({ orgs: ['acme'], local: [], packages: [], hints: false }, postureDependencies({ latestGraph: async () => ({ kind: 'unusable', error: broken }) }));
    expect(unusable.kind).toBe('report');
    expect(unusable.notes).toEqual([{ kind: 'graph-history-not-used', error: broken }]);
    const missing = new ChainwatchError('unreadable-file', 'no such file', { location: { path: 'h.sqlite' } });
    const bad = await runPosture({ orgs: ['acme'], local: [], packages: [], hints: false }, postureDependencies({ latestGraph: async () => ({ kind: 'missing', error: missing }) }));
    expect(bad).toEqual({ notes: [], kind: 'bad-input', input: 'history', error: missing });
    const unrelated = await runPosture(
      { orgs: ['acme'], local: [], packages: [], hints: false },
      postureDependencies({ latestGraph: async () => ({ kind: 'graph', graph: { nodes: [], edges: [], sources: [] } }) }),
    );
    expect(unrelated.notes).toEqual([{ kind: 'graph-history-names-none' }]);
  });

  it('local notes go to the events the front end gave', async () => {
    writeFileSync(join(dir, 'acme/widget/.github/workflows/bad.yml'), Buffer.from([0x6f, 0x6e, 0x3a, 0x20, 0xff, 0x0a]));
    const events = collectingSink();
    await runPosture({ orgs: [], local: [dir], packages: [], hints: false }, postureDependencies({ events }));
    expect(events.events.some((event) => event.type === 'log' && event.level === 'warn')).toBe(true);
  });
});
