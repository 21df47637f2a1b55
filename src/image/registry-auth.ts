/**
 * Asking a registry with the authorization it wants (distribution's token
 * authentication spec, and Docker's client): a request goes out bare; a 401's
 * `WWW-Authenticate: Bearer realm=…,service=…,scope=…` sends us to the realm
 * (GET `realm?service=…&scope=…`, with Basic credentials when there are
 * some, anonymously otherwise) for a token, and the request is sent again
 * with it; `Basic realm=…` is answered with the credentials themselves. A
 * token is kept in memory for the session and asked for again when a later
 * 401 says it expired.
 *
 * Secrets (password, tokens) go only into Authorization headers, which the
 * HTTP layer scrubs from everything it reports; the messages here name the
 * registry, the config file and the status, never a credential, a token
 * or a token service's body.
 */
import { z } from 'zod';
import { ChainwatchError, HostError } from '../core/errors.js';
import { redactUrl, scrubSecrets } from '../http/redact.js';
import type { HttpResponse, HttpStreamResponse, StreamingHttpClient } from '../http/types.js';
import type { RegistryCredentials } from './docker-config.js';

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** The challenges of a `WWW-Authenticate` header (`Bearer realm="…",service="…"`, possibly several, comma-separated). */
export function parseChallenges(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  let current: Challenge | null = null;
  let position = 0;
  const text = header.slice(0, 8192);
  while (position < text.length) {
    const word = /^[\s,]*([\w!#$%&'*+.^`|~-]+)\s*/.exec(text.slice(position));
    if (!word) break;
    position += word[0].length;
    if (text[position] !== '=') {
      current = { scheme: word[1]!.toLowerCase(), params: {} };
      challenges.push(current);
      continue;
    }
    position++;
    let value: string;
    const quoted = /^\s*"((?:[^"\\]|\\.)*)"/.exec(text.slice(position));
    if (quoted) {
      value = quoted[1]!.replace(/\\(.)/g, '$1');
      position += quoted[0].length;
    } else {
      const bare = /^\s*([^,\s]*)/.exec(text.slice(position))!;
      value = bare[1]!;
      position += bare[0].length;
    }
    if (current !== null) current.params[word[1]!.toLowerCase()] = value;
  }
  return challenges;
}

const TokenAnswerSchema = z.object({ token: z.string().min(1).optional(), access_token: z.string().min(1).optional() }).loose();

export interface RegistrySessionOptions {
  http: StreamingHttpClient;
  /** The registry's name in messages (`127.0.0.1:5000`, `docker.io`). */
  registry: string;
  /** The repository's pull scope (`repository:library/python:pull`). */
  scope: string;
  credentials: RegistryCredentials | null;
  /** Whether `http://` is allowed for a URL (loopback and insecure registries); credentials never go to other plain-HTTP hosts. */
  allowsPlainHttp: (url: URL) => boolean;
  /** The failure-list source name. */
  source: string;
  deadlineMs: number;
}

export interface RegistrySession {
  /** A GET answered in full (manifests, config, tokens): any status, 401s resolved by authenticating. */
  get(url: string, options: { accept?: string; maxBytes: number }): Promise<HttpResponse>;
  /** A GET whose 200 body streams (layers). */
  stream(url: string, options: { maxBytes: number }): Promise<HttpStreamResponse>;
  /** What the caller's own messages must never contain. */
  secrets(): string[];
}

export function createRegistrySession(options: RegistrySessionOptions): RegistrySession {
  const { http, registry, credentials } = options;
  let authorization: string | null = null;
  const tokens: string[] = [];
  const basic = credentials?.kind === 'basic' ? `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}` : null;
  const secrets = () => [...tokens, ...(credentials?.kind === 'basic' ? [credentials.password, basic!, basic!.slice('Basic '.length)] : [])].filter((secret) => secret.length > 0);

  function refused(status: number, what: string): HostError {
    const hint =
      credentials === null
        ? ' (no credentials for it in the Docker configuration: the pull was anonymous)'
        : credentials.kind === 'unusable'
          ? ` (the pull was anonymous: ${credentials.why})`
          : ` with the credentials from ${credentials.from}`;
    return new HostError(options.source, `${registry} refused ${what} (HTTP ${status})${hint}`, { status });
  }

  async function fetchToken(challenge: Challenge): Promise<string> {
    const realm = challenge.params.realm;
    let url: URL;
    try {
      url = new URL(realm ?? '');
    } catch {
      throw new HostError(options.source, `${registry} asked for a token from a realm that is not a URL`);
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && options.allowsPlainHttp(url))) {
      throw new HostError(options.source, `${registry} asked for a token from ${redactUrl(url.toString())}, which is neither https nor a loopback or insecure registry: not asked`);
    }
    if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
    url.searchParams.append('scope', challenge.params.scope ?? options.scope);
    const answer = await http.get({
      url: url.toString(),
      headers: basic === null ? { accept: 'application/json' } : { accept: 'application/json', authorization: basic },
      source: options.source,
      cache: 'no-store',
      maxBytes: 1 << 20,
      deadlineMs: options.deadlineMs,
    });
    if (answer.status === 401 || answer.status === 403) throw refused(answer.status, `a token for ${options.scope}`);
    if (answer.status !== 200) throw new HostError(options.source, `the token service of ${registry} (${redactUrl(url.toString())}) answered HTTP ${answer.status}`, { status: answer.status });
    let parsed: z.infer<typeof TokenAnswerSchema> | null = null;
    try {
      const result = TokenAnswerSchema.safeParse(JSON.parse(answer.body.toString('utf8')));
      if (result.success) parsed = result.data;
    } catch {
      parsed = null;
    }
    const token = parsed?.token ?? parsed?.access_token;
    // The body is never quoted: it may hold a token.
    if (token === undefined) throw new HostError(options.source, `the token service of ${registry} (${redactUrl(url.toString())}) did not answer a token (expected JSON with token or access_token)`);
    tokens.push(token);
    return token;
  }

  /** Authorization for the next attempt after a 401, or null when there is nothing more to try. */
  async function answerChallenge(header: string | undefined): Promise<string | null> {
    const challenges = parseChallenges(header ?? '');
    const bearer = challenges.find((challenge) => challenge.scheme === 'bearer');
    if (bearer) return `Bearer ${await fetchToken(bearer)}`;
    if (challenges.some((challenge) => challenge.scheme === 'basic') && basic !== null) return basic;
    return null;
  }

  async function withAuthorization<Answer extends { status: number; headers: Record<string, string> }>(url: string, send: (headers: Record<string, string>) => Promise<Answer>, what: string): Promise<Answer> {
    const target = new URL(url);
    if (target.protocol === 'http:' && !options.allowsPlainHttp(target)) throw new ChainwatchError('invalid-argument', `${registry}: refusing plain http for ${redactUrl(url)}`);
    let answer = await send(authorization === null ? {} : { authorization });
    // A 401's body is small and already read (stream() reads non-200 answers whole): nothing to drain.
    if (answer.status !== 401) return answer;
    const next = await answerChallenge(answer.headers['www-authenticate']);
    if (next === null || next === authorization) throw refused(401, what);
    authorization = next;
    answer = await send({ authorization });
    if (answer.status === 401) throw refused(401, what);
    return answer;
  }

  return {
    get: (url, request) =>
      withAuthorization(
        url,
        (headers) => http.get({ url, headers: request.accept ? { ...headers, accept: request.accept } : headers, source: options.source, cache: 'no-store', maxBytes: request.maxBytes, deadlineMs: options.deadlineMs }),
        `access to ${options.scope}`,
      ).then((answer) => {
        if (answer.status === 403) throw refused(403, `access to ${options.scope}`);
        return answer;
      }),
    stream: (url, request) =>
      withAuthorization(url, (headers) => http.stream({ url, headers, source: options.source, maxBytes: request.maxBytes, deadlineMs: options.deadlineMs }), `access to ${options.scope}`).then((answer) => {
        if (answer.status === 403) throw refused(403, `access to ${options.scope}`);
        return answer;
      }),
    secrets,
  };
}

/** A registry's error body (`{"errors":[{"code":"MANIFEST_UNKNOWN","message":…}]}`) as a short phrase, scrubbed; empty when it is not one. */
export function registryErrorOf(body: Buffer, secrets: readonly string[]): string {
  try {
    const parsed = z.object({ errors: z.array(z.object({ code: z.string().optional(), message: z.string().optional() }).loose()).min(1) }).safeParse(JSON.parse(body.subarray(0, 4096).toString('utf8')));
    if (!parsed.success) return '';
    const first = parsed.data.errors[0]!;
    return scrubSecrets([first.code, first.message].filter(Boolean).join(': ').slice(0, 200), secrets);
  } catch {
    return '';
  }
}
