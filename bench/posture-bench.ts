/**
 * Issue 4's scale benchmark: the GitHub collector against the local fake
 * GitHub server (test/fake-github), 20 organisations × 1,500 repositories
 * generated from the 12 real fixture repositories. Figures: requests cold,
 * warm and warm after pushes to 2% of the repositories (per repository, REST
 * and GraphQL, 304s), what of it counts against one token's hourly limits
 * (REST 5,000 requests, GraphQL 5,000 points; 304s are free) and wall time.
 * CHAINWATCH_BENCH_POSTURE_ORGS / _REPOS scale it down.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixedClock } from '../src/core/clock.js';
import { createGithubCollector } from '../src/posture/collect/github.js';
import type { GithubRequestStats } from '../src/posture/collect/github/options.js';
import { openGithubCache } from '../src/store/github-cache.js';
import { FIXTURE_NOW } from '../test/fake-github/fixtures.js';
import type { ServeRequest } from '../test/fake-github/serve.js';
import type { FakeGithubStats } from '../test/fake-github/server.js';

const ORGS = Number(process.env.CHAINWATCH_BENCH_POSTURE_ORGS ?? 20);
const REPOS = Number(process.env.CHAINWATCH_BENCH_POSTURE_REPOS ?? 1500);
/** One token's primary limits per hour. */
const HOURLY_REST = 5000;
const HOURLY_GRAPHQL_POINTS = 5000;
const TOKEN = 'bench-token-not-a-secret';
/** Organisations collected at once (each with its own throttle: at most 10 requests in flight). */
const LANES = Number(process.env.CHAINWATCH_BENCH_POSTURE_LANES ?? 4);

interface RunFigures {
  name: string;
  seconds: number;
  repos: number;
  collector: GithubRequestStats;
  server: FakeGithubStats;
}

/** The fake server in its own process, so that it does not share the collector's core. */
async function startServer(): Promise<{ url: string; ask<T>(request: ServeRequest): Promise<T>; close(): void }> {
  const child: ChildProcess = fork(fileURLToPath(new URL('../test/fake-github/serve.ts', import.meta.url)), [JSON.stringify({ orgs: ORGS, repos: REPOS })], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolveUrl, reject) => {
    child.once('message', (message: { type: string; url: string }) => resolveUrl(message.url));
    child.once('exit', (code) => reject(new Error(`fake GitHub server exited (${code})`)));
  });
  return {
    url,
    ask: <T>(request: ServeRequest) =>
      new Promise<T>((resolveAnswer) => {
        child.once('message', (message) => resolveAnswer(message as T));
        child.send(request);
      }),
    close: () => {
      child.send({ type: 'close' });
      setTimeout(() => child.kill(), 2000).unref();
    },
  };
}

export async function runPostureBench(print: (line: string) => void): Promise<void> {
  const work = resolve(import.meta.dirname, '..', '.bench', 'posture');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const server = await startServer();
  const orgs = Array.from({ length: ORGS }, (_, index) => `org-${String(index).padStart(2, '0')}`);
  const cachePath = join(work, 'github-cache.sqlite');
  const cache = openGithubCache(cachePath);
  print(`posture: GitHub collector on the fake GitHub server — ${ORGS} orgs × ${REPOS} repositories (generated from the 12 fixture repositories)`);

  const run = async (name: string): Promise<RunFigures> => {
    await server.ask({ type: 'reset-stats' });
    const collector = createGithubCollector({ token: TOKEN, baseUrl: server.url, cache, clock: fixedClock(FIXTURE_NOW), env: {}, lanes: LANES });
    const started = process.hrtime.bigint();
    let repos = 0;
    // Organisations LANES at a time (the collector's lanes); the facts are counted and dropped.
    for (let index = 0; index < orgs.length; index += LANES) {
      for (const result of await collector.collectOrgs(orgs.slice(index, index + LANES))) repos += result.repos.length;
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const { stats } = await server.ask<{ stats: FakeGithubStats }>({ type: 'stats' });
    return { name, seconds, repos, collector: collector.stats(), server: stats };
  };

  try {
    const cold = await run('cold');
    const warm = await run('warm');
    // A week later: 2% of the repositories got a push (one workflow changed).
    const { pushed } = await server.ask<{ pushed: number }>({ type: 'push', count: Math.max(1, Math.round((ORGS * REPOS) / 50)) });
    const changed = await run(`warm, ${pushed} pushed`);
    print('');
    print('| run | wall s | repos | requests | per repo | REST | 304 | GraphQL | REST charged | GraphQL points | trees fetched | files fetched |');
    print('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const figures of [cold, warm, changed]) {
      const { collector, server } = figures;
      print(
        `| ${figures.name} | ${figures.seconds.toFixed(1)} | ${figures.repos} | ${collector.requests} | ${(collector.requests / figures.repos).toFixed(2)} | ${collector.rest} | ${collector.notModified} | ${collector.graphql} | ${server.restCharged} | ${server.graphqlPoints} | ${collector.byRoute['GET /repos/{owner}/{repo}/git/trees/{tree_sha}'] ?? 0} | ${collector.blobsFetched} |`,
      );
    }
    print('');
    for (const figures of [cold, warm, changed]) {
      const restHours = figures.server.restCharged / HOURLY_REST;
      const graphqlHours = figures.server.graphqlPoints / HOURLY_GRAPHQL_POINTS;
      const fits = restHours <= 1 && graphqlHours <= 1;
      print(
        `${figures.name}: one token's hour ${fits ? 'fits' : 'does not fit'} (REST ${figures.server.restCharged}/${HOURLY_REST} charged, GraphQL ${figures.server.graphqlPoints}/${HOURLY_GRAPHQL_POINTS} points; ${Math.max(restHours, graphqlHours).toFixed(1)} token-hours); wall ${figures.seconds.toFixed(1)} s (goal < 120 s)`,
      );
    }
    print(`requests per route, warm: ${Object.entries(warm.collector.byRoute).map(([route, count]) => `${route} ${count}`).join('; ')}`);
    const counts = cache.counts();
    print(`cache: ${counts.responses} ETag entries, ${counts.objects} trees and blobs, ${(statSync(cachePath).size / 1e6).toFixed(0)} MB`);
  } finally {
    cache.close();
    server.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runPostureBench((line) => console.log(line));
}
