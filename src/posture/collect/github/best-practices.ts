/**
 * The OpenSSF Best Practices badge of a repository: `GET <site>/projects.json?url=<repository URL>`
 * through the project's HttpClient (its cache, retries and offline mode), one
 * request at a time, `intervalMs` apart (the site asks for at most one a
 * second). Only the project whose `repo_url` is the repository counts (the
 * search also matches home pages); an answer is validated before the HTTP
 * cache keeps it.
 */
import { z } from 'zod';
import type { Clock } from '../../../core/clock.js';
import { known, unknown } from '../../../core/known.js';
import type { BestPracticesLevel, Fact } from '../../types.js';
import { formatDuration } from '../../../core/events.js';
import type { BestPracticesOptions } from './options.js';
import type { GithubTransport } from './transport.js';

const BestPracticesProjectsSchema = z.array(z.object({ repo_url: z.string().nullable().optional(), badge_level: z.string().nullable().optional() }).nullable());
const BADGE_LEVELS: readonly string[] = ['in_progress', 'passing', 'silver', 'gold'];

/** The badge level of `owner/name`; `signal` is the collection's (a look-up after it ended is not made). */
export type BestPracticesLookup = (nameWithOwner: string, signal: AbortSignal) => Promise<Fact<BestPracticesLevel>>;

/** Without settings: every badge is unavailable, saying why. */
export function createBestPracticesLookup(
  settings: BestPracticesOptions | undefined,
  { clock, sleep, transport }: { clock: Clock; sleep: (milliseconds: number) => Promise<void>; transport: Pick<GithubTransport, 'log' | 'scrub'> },
): BestPracticesLookup {
  if (!settings) return () => Promise.resolve(unknown('not looked up: no OpenSSF Best Practices client was given'));
  const { log, scrub } = transport;
  let lastBadgeRequest = Number.NEGATIVE_INFINITY;
  let badgeQueue: Promise<unknown> = Promise.resolve();
  /** Set when a look-up took too long: the site is not asked again. */
  let badgeSiteSilent: string | null = null;

  /**
   * The repository's OpenSSF Best Practices level, one request at a time,
   * `intervalMs` apart. The HttpClient has no way to cancel a request: a
   * look-up is raced against its time limit and the collection's deadline,
   * and one that loses is given up (the client's own timeouts end it).
   */
  return (nameWithOwner, signal) => {
    const repositoryUrl = `${(settings.repositoryUrlBase ?? 'https://github.com').replace(/\/+$/, '')}/${nameWithOwner}`;
    const timeoutMs = settings.timeoutMs ?? 60_000;
    const lookup = badgeQueue.then(async (): Promise<Fact<BestPracticesLevel>> => {
      if (badgeSiteSilent) return unknown(`not looked up: ${badgeSiteSilent}`);
      if (signal.aborted) return unknown('not looked up: the collection was over');
      const wait = lastBadgeRequest + (settings.intervalMs ?? 1000) - clock.now().getTime();
      if (wait > 0) await sleep(wait);
      lastBadgeRequest = clock.now().getTime();
      const url = `${(settings.baseUrl ?? 'https://www.bestpractices.dev').replace(/\/+$/, '')}/projects.json?url=${encodeURIComponent(repositoryUrl)}`;
      try {
        const response = await withTimeLimit(settings.client.get({ url, source: 'openssf-best-practices', headers: { accept: 'application/json' }, validate: validBestPracticesAnswer }), timeoutMs, signal);
        if (response === 'timeout') {
          badgeSiteSilent = `the OpenSSF Best Practices site gave no answer within ${formatDuration(timeoutMs / 1000)} earlier in this run`;
          log('warn', `the OpenSSF Best Practices site gave no answer within ${formatDuration(timeoutMs / 1000)}: not asked again in this run`, { event: 'best-practices-timeout' });
          return unknown(`the OpenSSF Best Practices site gave no answer within ${formatDuration(timeoutMs / 1000)}`);
        }
        if (response === 'stopped') return unknown('not looked up: the collection was over');
        if (response.status !== 200) return unknown(`the OpenSSF Best Practices site answered ${response.status}`);
        const projects = BestPracticesProjectsSchema.safeParse(parseJsonOrNull(response.body));
        if (!projects.success) return unknown('the OpenSSF Best Practices site answered in an unexpected shape');
        // The search also matches home pages: only the project registered for this repository counts.
        const project = projects.data.find((entry) => entry?.repo_url?.replace(/\/+$/, '').toLowerCase() === repositoryUrl.toLowerCase());
        if (!project) return known('none');
        return BADGE_LEVELS.includes(project.badge_level ?? '') ? known(project.badge_level as BestPracticesLevel) : unknown(`unknown badge level ${JSON.stringify(project.badge_level)}`);
      } catch (error) {
        return unknown(`the OpenSSF Best Practices site could not be asked: ${scrub((error as Error).message)}`);
      }
    });
    badgeQueue = lookup;
    return lookup;
  };
}

/** `work`, or 'timeout' when it takes longer than `milliseconds`, or 'stopped' when `signal` aborts first. */
async function withTimeLimit<T>(work: Promise<T>, milliseconds: number, signal: AbortSignal): Promise<T | 'timeout' | 'stopped'> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort = (): void => {};
  try {
    return await Promise.race([
      work,
      new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), milliseconds))),
      new Promise<'stopped'>((resolve) => {
        onAbort = () => resolve('stopped');
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
    // The work goes on after losing: its failure, if any, is nobody's to handle.
    work.catch(() => {});
  }
}

function parseJsonOrNull(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
}

/** Only a list of projects that parsed is cached: a captive portal's page must not be replayed for the cache's lifetime. */
function validBestPracticesAnswer(response: { status: number; body: Buffer }): true | string {
  return response.status !== 200 || BestPracticesProjectsSchema.safeParse(parseJsonOrNull(response.body)).success || 'the OpenSSF Best Practices site answered in an unexpected shape';
}
