/**
 * The fake GitHub server in a process of its own (for the benchmark: the
 * server gets its own core). Started with `fork()` and one JSON argument
 * `{ "orgs": 20, "repos": 1500 }`; it builds generated organisations from the
 * fixture repositories, listens on 127.0.0.1 and talks over the IPC channel:
 *   → { type: 'ready', url }
 *   ← { type: 'stats' }        → { type: 'stats', stats }
 *   ← { type: 'reset-stats' }  → { type: 'done' }
 *   ← { type: 'push', count }  → { type: 'done', pushed }   (a workflow change in `count` repositories)
 *   ← { type: 'close' }        → exits
 */
import { fixtureOrgs, generatedOrg } from './fixtures.js';
import { fakeFile, pushCommit, type FakeOrg, type FakeRepo } from './model.js';
import { startFakeGithub } from './server.js';

export interface ServeOptions {
  orgs: number;
  repos: number;
}

export type ServeRequest = { type: 'stats' } | { type: 'reset-stats' } | { type: 'push'; count: number } | { type: 'close' };

export function benchOrgs(options: ServeOptions): (FakeOrg & { pin(name: string): FakeRepo | undefined })[] {
  const templates = fixtureOrgs().flatMap((org) => org.repos);
  return Array.from(
    { length: options.orgs },
    (_, index) => generatedOrg({ login: `org-${String(index).padStart(2, '0')}`, repoCount: options.repos, templates }) as FakeOrg & { pin(name: string): FakeRepo | undefined },
  );
}

/** Changes one workflow in `count` repositories spread over the organisations. */
export function pushToRepositories(orgs: readonly (FakeOrg & { pin(name: string): FakeRepo | undefined })[], count: number): number {
  let pushed = 0;
  for (let index = 0; index < count; index++) {
    const org = orgs[index % orgs.length]!;
    const names = org.repoNames();
    const repo = org.pin(names[(index * 37) % names.length]!);
    if (!repo || repo.commits.length === 0) continue;
    pushCommit(repo, { files: [fakeFile('.github/workflows/weekly.yml', `on: push\n# change ${index}\n`)], date: '2026-08-24T12:00:00Z', author: 'bench' });
    pushed++;
  }
  return pushed;
}

if (process.send && process.argv[2]) {
  const options = JSON.parse(process.argv[2]) as ServeOptions;
  const orgs = benchOrgs(options);
  // Limits high enough never to make the client wait: the benchmark counts what would be charged.
  const fake = await startFakeGithub({ orgs, restLimit: 1_000_000_000, graphqlLimit: 1_000_000_000 });
  process.on('message', (message: ServeRequest) => {
    if (message.type === 'stats') process.send!({ type: 'stats', stats: fake.stats });
    else if (message.type === 'reset-stats') {
      fake.resetStats();
      process.send!({ type: 'done' });
    } else if (message.type === 'push') process.send!({ type: 'done', pushed: pushToRepositories(orgs, message.count) });
    else if (message.type === 'close') void fake.close().then(() => process.exit(0));
  });
  process.send({ type: 'ready', url: fake.url });
}
