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
 *     unwrapped and its retry plugin never retries.
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
      throw error;
    } finally {
      clearTimeout(timer);
    }
  };
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

/** `300ms`, `45s`, `12m`, `2h05m` (rounded to the unit shown). */
export function formatDuration(seconds: number): string {
  if (seconds < 1) return `${Math.max(0, Math.round(seconds * 1000))}ms`;
  if (seconds < 120) return `${Math.round(seconds)}s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes}m`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
