/**
 * Chat webhooks. Every format is a JSON object with `text`, which is what
 * each service's incoming webhook reads:
 * - slack: Slack incoming webhooks, `{"text": …}` in Slack's mrkdwn
 *   (`<url|label>` links, `&`, `<`, `>` escaped).
 * - zulip: Zulip's Slack-compatible incoming webhook
 *   (`/api/v1/external/slack_incoming?api_key=…&stream=…&topic=…`), which reads
 *   `text` as Zulip Markdown after rewriting Slack's `*bold*`/`_italic_`.
 * - matrix: matrix-hookshot's generic (inbound) webhooks, which read `text`
 *   as Markdown and post it to the room.
 * The URL is the secret (Slack's path, Zulip's `api_key`, hookshot's path):
 * it is read from the environment variable the configuration names, and no
 * part of it reaches an error, a result or a log.
 */
import { request } from 'undici';
import { ChainwatchError, HostError } from '../../core/errors.js';
import { scrubSecrets } from '../../http/redact.js';
import type { NotifierConfig } from '../types.js';
import { MESSAGE_LIMITS, renderDigest, type Digest, type DigestFormat, type RenderedDigest } from './digest.js';
import { DEFAULT_NOTIFY_DEADLINE_MS, type Notifier, type NotifierContext, type SentDigest } from './types.js';

type WebhookConfig = Extract<NotifierConfig, { type: 'webhook' }>;

const FORMATS: Record<WebhookConfig['format'], { render: DigestFormat; maxChars: number }> = {
  slack: { render: 'slack', maxChars: MESSAGE_LIMITS.slack },
  zulip: { render: 'zulip', maxChars: MESSAGE_LIMITS.zulip },
  matrix: { render: 'markdown', maxChars: MESSAGE_LIMITS.matrix },
};

/** What is POSTed: `{"text": …}` for all three formats. */
export function webhookPayload(rendered: RenderedDigest): { text: string } {
  return { text: rendered.body };
}

export function createWebhookNotifier(config: WebhookConfig, context: NotifierContext): Notifier {
  const env = context.env ?? process.env;
  const deadlineMs = context.deadlineMs ?? DEFAULT_NOTIFY_DEADLINE_MS;
  const channel = `webhook:${config.format}:${config.urlEnv}`;
  const format = FORMATS[config.format];
  const where = `the ${config.format} webhook in $${config.urlEnv}`;

  function resolveUrl(): { url: URL } | { problem: string } {
    const value = env[config.urlEnv]?.trim();
    if (!value) return { problem: `${where}: the environment variable ${config.urlEnv} is not set` };
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return { problem: `${where}: the variable does not hold a URL` };
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return { problem: `${where}: the URL is not http(s)` };
    return { url };
  }

  function render(digest: Digest): RenderedDigest {
    return renderDigest(digest, format.render, format.maxChars);
  }

  return {
    type: 'webhook',
    channel,
    check() {
      const resolved = resolveUrl();
      return 'problem' in resolved ? resolved.problem : null;
    },
    render,
    async send(digest: Digest): Promise<SentDigest> {
      const resolved = resolveUrl();
      if ('problem' in resolved) throw new ChainwatchError('invalid-config', resolved.problem);
      const url = resolved.url;
      const secrets = urlSecrets(url);
      const rendered = render(digest);
      const signal = AbortSignal.timeout(deadlineMs);
      let status: number;
      let answer: string;
      try {
        const response = await request(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'chainwatch' },
          body: JSON.stringify(webhookPayload(rendered)),
          signal,
          headersTimeout: deadlineMs,
          bodyTimeout: deadlineMs,
          ...(context.dispatcher ? { dispatcher: context.dispatcher } : {}),
        });
        status = response.statusCode;
        answer = await readSome(response.body, 300);
      } catch (error) {
        // The cause is left out: undici's errors can carry the request's URL.
        throw new HostError(channel, `${where} could not be reached: ${describeNetworkError(error, signal, deadlineMs)}`, { retryable: true });
      }
      if (status < 200 || status >= 300) {
        const said = scrubSecrets(answer.replace(/\s+/g, ' ').trim(), secrets).slice(0, 200);
        throw new HostError(channel, `${where} answered ${status}${said ? ` (${said})` : ''}`, { status, retryable: status === 429 || status >= 500 });
      }
      return { ...rendered, detail: null };
    },
  };
}

/** Every part of the URL that may be (part of) the secret, for scrubbing what the service answers. */
function urlSecrets(url: URL): string[] {
  const secrets = [url.href, url.host, url.pathname, url.search, decodeURIComponent(url.pathname), url.username, url.password];
  for (const segment of url.pathname.split('/')) if (segment.length >= 4) secrets.push(segment, decodeURIComponent(segment));
  for (const value of url.searchParams.values()) secrets.push(value);
  return secrets;
}

async function readSome(body: AsyncIterable<Buffer>, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    length += chunk.length;
    // Leaving the loop destroys the rest of the body: only the start of an error page is read.
    if (length >= maxBytes) break;
  }
  return Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8');
}

function describeNetworkError(error: unknown, signal: AbortSignal, deadlineMs: number): string {
  if (signal.aborted) return `no answer within the ${Math.round(deadlineMs / 1000)} s deadline`;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'the connection failed';
}
