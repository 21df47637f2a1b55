/**
 * A GitHub that cannot be reached at all: the name does not resolve, or nothing listens. No HTTP
 * exchange happens, so none is claimed ("HTTP 500"), nothing is retried, and after the first
 * failure the host is asked nothing more. No network: a closed port on 127.0.0.1, and a resolver
 * injected into the fetch (a `.invalid` name would otherwise be asked of the DNS server).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { refusingOrigin, unresolvingFetch } from '../../../../test/local-server.js';
import { HostError } from '../../../core/errors.js';
import { collectingSink } from '../../../core/events.js';
import { boundedFetch, GithubHostUnreachable, unreachableHost } from '../bounded-fetch.js';
import { createGithubCollector } from './collector.js';

const TOKEN = 'ghp_Yq3Wm7Xc2Vb9Nz4Lk1Jh8Gf5Ds0Aa6Ss3Dd7';

function fetchFailure(code: string | undefined, extra: Record<string, unknown> = {}): TypeError {
  return Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(`${code ?? 'no code'} here`), code === undefined ? {} : { code }, extra) });
}

async function failureOf(promise: Promise<unknown>): Promise<HostError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HostError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('unreachableHost', () => {
  it.each([
    ['ENOTFOUND', 'cannot reach api.example.test: DNS lookup failed (ENOTFOUND)'],
    ['EAI_AGAIN', 'cannot reach api.example.test: DNS lookup failed (EAI_AGAIN)'],
    ['ECONNREFUSED', 'cannot reach api.example.test: connection refused (ECONNREFUSED)'],
    ['EHOSTUNREACH', 'cannot reach api.example.test: no route to the host (EHOSTUNREACH)'],
    ['ENETUNREACH', 'cannot reach api.example.test: the network is unreachable (ENETUNREACH)'],
    ['UND_ERR_CONNECT_TIMEOUT', 'cannot reach api.example.test: the connection timed out (UND_ERR_CONNECT_TIMEOUT)'],
    ['CERT_HAS_EXPIRED', 'cannot reach api.example.test: its TLS certificate is not accepted (CERT_HAS_EXPIRED)'],
  ])('%s: names the host the URL gave and what failed', (code, message) => {
    const error = unreachableHost(fetchFailure(code), 'https://api.example.test/graphql');
    expect(error).toBeInstanceOf(GithubHostUnreachable);
    expect(error?.message).toBe(message);
  });

  it('keeps a port that is not the default, and reads a code inside an AggregateError', () => {
    const aggregate = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]), {}) });
    expect(unreachableHost(aggregate, 'http://127.0.0.1:8443/api/v3/orgs/acme')?.message).toBe('cannot reach 127.0.0.1:8443: connection refused (ECONNREFUSED)');
  });

  it('a port the Fetch standard blocks: said, not "HTTP 500: bad port"', async () => {
    const error = await boundedFetch({ timeoutMs: 60_000, maxBytes: 1024 })('http://127.0.0.1:9/orgs/acme').catch((caught: unknown) => caught);
    expect((error as Error).message).toBe('cannot reach 127.0.0.1:9: fetch does not connect to this port (bad port)');
  });

  it.each([['ECONNRESET'], ['UND_ERR_SOCKET'], [undefined]])('%s (a connection made, then broken; or no code) is not "unreachable": retried as before', (code) => {
    expect(unreachableHost(fetchFailure(code), 'https://api.example.test/')).toBeNull();
  });
});

describe('boundedFetch on a host that cannot be reached', () => {
  it('a closed port: GithubHostUnreachable at once, not a timeout', async () => {
    const origin = await refusingOrigin();
    const bounded = boundedFetch({ timeoutMs: 60_000, maxBytes: 1024 });
    const error = await bounded(`${origin}/orgs/acme`).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GithubHostUnreachable);
    expect((error as Error).message).toBe(`cannot reach ${new URL(origin).host}: connection refused (ECONNREFUSED)`);
  });
});

describe('the GitHub collector when GitHub cannot be reached', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  /** Every fetch the transport makes, counted, over the fetch given. */
  function counting(underlying: typeof fetch): { fetch: typeof fetch; calls: () => number } {
    let calls = 0;
    return {
      fetch: ((input, init) => {
        calls++;
        return underlying(input, init);
      }) as typeof fetch,
      calls: () => calls,
    };
  }

  it('connection refused: said as such, not retried, and the next organisations ask nothing', async () => {
    const origin = await refusingOrigin();
    const host = new URL(origin).host;
    const counted = counting(fetch);
    const events = collectingSink();
    // Back-off of a minute: a retry of the refusal would make this test time out, not pass.
    const collector = createGithubCollector({ token: TOKEN, baseUrl: origin, fetch: counted.fetch, events, retryBaseMs: 60_000, env: {} });
    const first = await failureOf(collector.collectOrg('acme'));
    expect(first.message).toMatch(new RegExp(`^[^:]+: cannot reach ${host.replace(/\./g, '\\.')}: connection refused \\(ECONNREFUSED\\)$`));
    expect(first.message).not.toMatch(/HTTP 500/);
    expect(first.status).toBeUndefined();
    const afterFirst = counted.calls();
    // The requests the first organisation had started at once; none of them tried again.
    expect(afterFirst).toBeGreaterThan(0);
    expect(afterFirst).toBeLessThanOrEqual(4);
    for (const org of ['beta', 'gamma']) {
      expect((await failureOf(collector.collectOrg(org))).message).toMatch(new RegExp(`cannot reach ${host.replace(/\./g, '\\.')}: connection refused \\(ECONNREFUSED\\)$`));
    }
    expect((await failureOf(collector.collectRepo('acme', 'widget'))).message).toMatch(/connection refused \(ECONNREFUSED\)$/);
    expect(counted.calls()).toBe(afterFirst);
    expect(events.events.filter((event) => event.type === 'log' && event.data?.event === 'github-host-unreachable')).toHaveLength(1);
    expect(JSON.stringify(events.events)).not.toContain(TOKEN);
  });

  it('a name that does not resolve: "DNS lookup failed (ENOTFOUND)" with the configured host, one lookup per request started, none after', async () => {
    const unresolving = unresolvingFetch();
    closers.push(unresolving.close);
    const counted = counting(unresolving.fetch);
    const collector = createGithubCollector({ token: TOKEN, env: { GITHUB_API_URL: 'https://nonexistent.invalid/api/v3' }, fetch: counted.fetch, retryBaseMs: 60_000 });
    const first = await failureOf(collector.collectOrgs(['acme', 'beta', 'gamma']));
    expect(first.message).toMatch(/^[^:]+: cannot reach nonexistent\.invalid: DNS lookup failed \(ENOTFOUND\)$/);
    expect(unresolving.lookups()).toBeGreaterThan(0);
    expect(unresolving.lookups()).toBeLessThanOrEqual(counted.calls());
    const calls = counted.calls();
    expect((await failureOf(collector.collectOrg('delta'))).message).toMatch(/cannot reach nonexistent\.invalid: DNS lookup failed \(ENOTFOUND\)$/);
    expect(counted.calls()).toBe(calls);
  });
});
