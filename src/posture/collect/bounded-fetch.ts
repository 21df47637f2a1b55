import { formatDuration } from '../../core/events.js';

/**
 * The fetch the GitHub clients give Octokit: every attempt has a time limit
 * that covers the whole exchange (connecting, the headers and the last byte
 * of the body), and the body has a size limit. Octokit's own `fetch` has
 * neither: an API that accepts the connection and never answers, or sends its
 * answer a byte a minute, keeps a run going for ever, silent.
 *
 * The answer is read here, under the same time limit, and handed to Octokit
 * whole: Octokit reads JSON bodies with `text().catch(...)` and would take a
 * body cut off by the timer for an empty answer.
 *
 * Two kinds of failure, chosen for how Octokit treats them:
 *   - `GithubAnswerTimeout` (one attempt took too long): a plain Error, which
 *     Octokit wraps in a RequestError with status 500, so its retry plugin
 *     retries it like a 5xx, within its limits;
 *   - `GithubRequestStopped` (the caller's signal ended the request, or the
 *     answer is too large): named `AbortError`, which Octokit passes through
 *     unwrapped and its retry plugin never retries;
 *   - `GithubHostUnreachable`, a `GithubRequestStopped` too: no HTTP exchange
 *     happened at all (the name did not resolve, the connection was refused,
 *     no route). Octokit would call it "HTTP 500" and retry it for 14 s; it is
 *     said as what it is, and the transport asks that host nothing more.
 */

export class GithubAnswerTimeout extends Error {
  readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    super(`no complete answer within ${formatDuration(timeoutMs / 1000)}`);
    this.name = 'GithubAnswerTimeout';
    this.timeoutMs = timeoutMs;
  }
}

export class GithubRequestStopped extends Error {
  /** Whether asking again later may help (a deadline, a cancelled collection), or not (an answer too large). */
  readonly retryable: boolean;

  constructor(message: string, retryable: boolean) {
    super(message);
    // Octokit's fetch wrapper passes an AbortError through as it is; its retry plugin retries only RequestErrors.
    this.name = 'AbortError';
    this.retryable = retryable;
  }
}

/**
 * The host could not be reached: a DNS or connection failure, before any HTTP
 * exchange (`cannot reach api.github.com: DNS lookup failed (ENOTFOUND)`).
 */
export class GithubHostUnreachable extends GithubRequestStopped {
  /** `host[:port]` of the URL asked for: the configured server, as GITHUB_API_URL names it. */
  readonly host: string;
  /** The system's code: `ENOTFOUND`, `ECONNREFUSED`... */
  readonly code: string;

  constructor(host: string, code: string, reason: string) {
    super(`cannot reach ${host}: ${reason} (${code})`, true);
    this.host = host;
    this.code = code;
  }
}

/**
 * Failures that happen before any HTTP exchange, each as a person would say it.
 * Not here: ECONNRESET and the like, a connection that was made and then
 * broke (worth another attempt, and the retry plugin gives it one).
 */
const UNREACHABLE_REASONS: Record<string, string> = {
  ENOTFOUND: 'DNS lookup failed',
  EAI_AGAIN: 'DNS lookup failed',
  EAI_FAIL: 'DNS lookup failed',
  EAI_NODATA: 'DNS lookup failed',
  EAI_NONAME: 'DNS lookup failed',
  ECONNREFUSED: 'connection refused',
  EHOSTUNREACH: 'no route to the host',
  EHOSTDOWN: 'no route to the host',
  ENETUNREACH: 'the network is unreachable',
  ENETDOWN: 'the network is unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  CERT_HAS_EXPIRED: 'its TLS certificate is not accepted',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is not accepted',
  SELF_SIGNED_CERT_IN_CHAIN: 'its TLS certificate is not accepted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate is not accepted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its TLS certificate is not accepted',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate is not accepted',
};

/** fetch's `TypeError: fetch failed` whose cause says the host was never reached, as a GithubHostUnreachable; else null. */
export function unreachableHost(error: unknown, url: string): GithubHostUnreachable | null {
  const cause = (error as { cause?: unknown } | null)?.cause ?? error;
  const codes = [cause, ...(((cause as { errors?: unknown } | null)?.errors as unknown[] | undefined) ?? [])].map((entry) => (entry as { code?: unknown } | null)?.code);
  // fetch refuses the ports the Fetch standard blocks (a GITHUB_API_URL on port 9, say), with no code.
  const blockedPort = (cause as { message?: unknown } | null)?.message === 'bad port';
  const code = blockedPort ? 'bad port' : codes.find((entry): entry is string => typeof entry === 'string' && entry in UNREACHABLE_REASONS);
  if (code === undefined) return null;
  let host: string;
  try {
    host = new URL(url).host;
  } catch {
    return null;
  }
  return new GithubHostUnreachable(host, code, blockedPort ? 'fetch does not connect to this port' : UNREACHABLE_REASONS[code]!);
}

export interface BoundedFetchOptions {
  /** One attempt, from sending the request to the last byte of the answer. */
  timeoutMs: number;
  /** Largest body read; a larger one stops the request (not retried). */
  maxBytes: number;
  /** The fetch underneath (default: the global one). */
  fetch?: typeof fetch;
}

/** Statuses whose Response cannot carry a body. */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

export function boundedFetch(options: BoundedFetchOptions): typeof fetch {
  const underlying = options.fetch ?? fetch;
  return async (input, init) => {
    const outer = init?.signal ?? undefined;
    if (outer?.aborted) throw stoppedBy(outer);
    const attempt = new AbortController();
    const timer = setTimeout(() => attempt.abort(), options.timeoutMs);
    const signal = outer ? AbortSignal.any([outer, attempt.signal]) : attempt.signal;
    try {
      const response = await underlying(input, { ...init, signal });
      if (NULL_BODY_STATUSES.has(response.status) || response.body === null) {
        await response.body?.cancel().catch(() => {});
        return new Response(null, { status: response.status, statusText: response.statusText, headers: response.headers });
      }
      const body = await readBody(response, options.maxBytes);
      return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    } catch (error) {
      if (error instanceof GithubRequestStopped) throw error;
      if (outer?.aborted) throw stoppedBy(outer);
      if (attempt.signal.aborted) throw new GithubAnswerTimeout(options.timeoutMs);
      throw unreachableHost(error, requestUrl(input)) ?? error;
    } finally {
      clearTimeout(timer);
    }
  };
}

function requestUrl(input: Parameters<typeof fetch>[0]): string {
  return typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
}

async function readBody(response: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge(maxBytes);
  }
  const reader = response.body!.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

function tooLarge(maxBytes: number): GithubRequestStopped {
  const limit = maxBytes >= 1024 * 1024 ? `${Math.round(maxBytes / (1024 * 1024))} MiB` : `${maxBytes} bytes`;
  return new GithubRequestStopped(`the answer is larger than ${limit}, the limit for a GitHub answer`, false);
}

function stoppedBy(signal: AbortSignal): GithubRequestStopped {
  const reason: unknown = signal.reason;
  if (reason instanceof GithubRequestStopped) return reason;
  return new GithubRequestStopped(reason instanceof Error ? reason.message : 'the request was cancelled', true);
}
