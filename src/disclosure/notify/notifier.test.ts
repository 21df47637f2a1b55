import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChainwatchError, HostError } from '../../core/errors.js';
import { memoryGithub } from '../desk-testing.fixture.js';
import type { NotifierConfig } from '../types.js';
import type { Digest } from './digest.js';
import { createNotifier } from './notifier.js';
import type { Notifier } from './types.js';
import { startSmtpReceiver, startWebhookReceiver, type SmtpReceiver, type WebhookReceiver } from './notify-receivers.fixture.js';

const digest: Digest = {
  kind: 'remind',
  subject: 'Disclosure desk, 2026-04-05: 1 overdue',
  intro: 'Clocks that need someone.',
  sections: [
    {
      heading: 'Overdue',
      items: [
        {
          keys: ['remind:GHSA-1111-2222-3333:disclose:overdue'],
          id: 'GHSA-1111-2222-3333',
          url: 'https://github.com/jupyter/notebook/security/advisories/GHSA-1111-2222-3333',
          title: 'jupyter/notebook: disclosure overdue by 3 days (due 2026-04-02)',
          details: ['XSS & <script> in the file browser'],
        },
      ],
    },
  ],
};

/** Everything a caller could show: the result, the error's message, its string form, its cause, its stack. */
function everythingSaid(value: unknown): string {
  if (value instanceof Error) {
    return [value.message, String(value), value.stack ?? '', JSON.stringify(value), value.cause === undefined ? '' : everythingSaid(value.cause)].join('\n');
  }
  return JSON.stringify(value) ?? '';
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('webhook notifier', () => {
  let receiver: WebhookReceiver;
  beforeEach(async () => {
    receiver = await startWebhookReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  const secretPath = '/services/T0SECRET/B0SECRET/xoxSecretHookPart';

  it.each([
    ['slack', /^\*Disclosure desk, 2026-04-05: 1 overdue\*/, '<https://github.com/jupyter/notebook/security/advisories/GHSA-1111-2222-3333|GHSA-1111-2222-3333>', 'XSS &amp; &lt;script&gt;'],
    ['zulip', /^### Disclosure desk, 2026-04-05: 1 overdue/, '[GHSA-1111-2222-3333](https://github.com/jupyter/notebook/security/advisories/GHSA-1111-2222-3333)', 'XSS & \\<script\\>'],
    ['matrix', /^### Disclosure desk, 2026-04-05: 1 overdue/, '[GHSA-1111-2222-3333](https://github.com/jupyter/notebook/security/advisories/GHSA-1111-2222-3333)', 'XSS & \\<script\\>'],
  ] as const)('%s: POSTs {"text"} as JSON to the URL from the environment', async (format, start, link, escaped) => {
    const notifier = createNotifier({ type: 'webhook', urlEnv: 'CHAT_URL', format }, { env: { CHAT_URL: `${receiver.origin}${secretPath}?api_key=k3yk3yk3y&stream=security` } });
    expect(notifier.channel).toBe(`webhook:${format}:CHAT_URL`);
    expect(notifier.check()).toBeNull();
    const sent = await notifier.send(digest);
    expect(receiver.received).toHaveLength(1);
    const post = receiver.received[0]!;
    expect(post.method).toBe('POST');
    expect(post.url).toBe(`${secretPath}?api_key=k3yk3yk3y&stream=security`);
    expect(post.headers['content-type']).toMatch(/^application\/json/);
    const payload = JSON.parse(post.body) as Record<string, unknown>;
    expect(Object.keys(payload)).toEqual(['text']);
    expect(payload.text).toMatch(start);
    expect(payload.text).toContain(link);
    expect(payload.text).toContain(escaped);
    expect(sent.included.map((item) => item.id)).toEqual(['GHSA-1111-2222-3333']);
  });

  it('a missing variable is a configuration error naming the variable', async () => {
    const notifier = createNotifier({ type: 'webhook', urlEnv: 'CHAT_URL', format: 'slack' }, { env: {} });
    expect(notifier.check()).toMatch(/CHAT_URL is not set/);
    const error = await failure(notifier.send(digest));
    expect(error).toBeInstanceOf(ChainwatchError);
    expect((error as ChainwatchError).code).toBe('invalid-config');
  });

  describe('the URL is a secret', () => {
    const secretParts = ['T0SECRET', 'B0SECRET', 'xoxSecretHookPart', 'k3yk3yk3y'];

    function secretNotifier(extra: { deadlineMs?: number } = {}): Notifier {
      return createNotifier(
        { type: 'webhook', urlEnv: 'CHAT_URL', format: 'zulip' },
        { env: { CHAT_URL: `${receiver.origin}${secretPath}?api_key=k3yk3yk3y` }, ...extra },
      );
    }

    function expectNoSecret(said: string): void {
      for (const part of secretParts) expect(said).not.toContain(part);
      expect(said).not.toContain(receiver.origin);
    }

    it('a refusal that echoes the URL', async () => {
      receiver.answer = { status: 403, body: `invalid api_key k3yk3yk3y for ${receiver.origin}${secretPath}` };
      const error = await failure(secretNotifier().send(digest));
      expect(error).toBeInstanceOf(HostError);
      expect((error as HostError).status).toBe(403);
      expect((error as HostError).message).toMatch(/the zulip webhook in \$CHAT_URL answered 403 \(invalid api_key \*\*\*/);
      expectNoSecret(everythingSaid(error));
    });

    it('a server error', async () => {
      receiver.answer = { status: 500, body: 'Internal Server Error' };
      const error = await failure(secretNotifier().send(digest));
      expect((error as HostError).retryable).toBe(true);
      expectNoSecret(everythingSaid(error));
    });

    it('nobody listening', async () => {
      const notifier = secretNotifier();
      await receiver.close();
      const error = await failure(notifier.send(digest));
      expect((error as Error).message).toMatch(/could not be reached: ECONNREFUSED/);
      expectNoSecret(everythingSaid(error));
      receiver = await startWebhookReceiver();
    });

    it('no answer within the deadline', async () => {
      receiver.answer = 'hang';
      const error = await failure(secretNotifier({ deadlineMs: 300 }).send(digest));
      expect((error as Error).message).toMatch(/deadline/);
      expectNoSecret(everythingSaid(error));
    });

    it('a variable that does not hold a URL is not repeated', () => {
      const notifier = createNotifier({ type: 'webhook', urlEnv: 'CHAT_URL', format: 'slack' }, { env: { CHAT_URL: 'xoxSecretHookPart not a url' } });
      const problem = notifier.check();
      expect(problem).toMatch(/does not hold a URL/);
      expectNoSecret(problem ?? '');
    });
  });
});

describe('smtp notifier', () => {
  let server: SmtpReceiver;
  afterEach(async () => {
    await server.close();
  });

  const config: Extract<NotifierConfig, { type: 'smtp' }> = {
    type: 'smtp',
    host: '127.0.0.1',
    port: 0,
    secure: false,
    from: 'desk@example.test',
    to: ['security@example.test', 'council@example.test'],
    userEnv: 'SMTP_USER',
    passwordEnv: 'SMTP_PASSWORD',
  };

  it('sends the plain-text digest, logged in with the credentials from the environment', async () => {
    server = await startSmtpReceiver({ requireAuth: true });
    server.logins.set('desk', 'pa55-w0rd-secret');
    const notifier = createNotifier({ ...config, port: server.port }, { env: { SMTP_USER: 'desk', SMTP_PASSWORD: 'pa55-w0rd-secret' } });
    expect(notifier.channel).toBe(`smtp:127.0.0.1:${server.port}`);
    const sent = await notifier.send(digest);
    expect(server.received).toHaveLength(1);
    const mail = server.received[0]!;
    expect(mail.user).toBe('desk');
    expect(mail.from).toBe('desk@example.test');
    expect(mail.to).toEqual(['security@example.test', 'council@example.test']);
    expect(mail.data).toContain('Subject: Disclosure desk, 2026-04-05: 1 overdue');
    expect(mail.text).toContain('* GHSA-1111-2222-3333: jupyter/notebook: disclosure overdue by 3 days (due 2026-04-02)');
    expect(mail.text).toContain('    XSS & <script> in the file browser');
    expect(mail.text).toContain('    https://github.com/jupyter/notebook/security/advisories/GHSA-1111-2222-3333');
    expect(sent.detail).toMatch(/^<.+>$/);
  });

  it('without userEnv and passwordEnv it sends without logging in', async () => {
    server = await startSmtpReceiver({ requireAuth: false });
    const notifier = createNotifier({ type: 'smtp', host: '127.0.0.1', port: server.port, secure: false, from: 'desk@example.test', to: ['security@example.test'] }, { env: {} });
    await notifier.send(digest);
    expect(server.received.map((mail) => mail.user)).toEqual([null]);
  });

  it('a refused login names the problem and never the password', async () => {
    server = await startSmtpReceiver({ requireAuth: true });
    server.logins.set('desk', 'the-right-one');
    const notifier = createNotifier({ ...config, port: server.port }, { env: { SMTP_USER: 'desk', SMTP_PASSWORD: 'pa55-w0rd-secret' } });
    const error = await failure(notifier.send(digest));
    expect(error).toBeInstanceOf(HostError);
    expect((error as Error).message).toMatch(/refused the login \(check the user and password variables\) \(EAUTH\)/);
    const said = everythingSaid(error);
    expect(said).not.toContain('pa55-w0rd-secret');
    expect(said).not.toContain(Buffer.from('\u0000desk\u0000pa55-w0rd-secret').toString('base64'));
    expect(said).not.toContain(Buffer.from('pa55-w0rd-secret').toString('base64'));
    expect(server.received).toEqual([]);
  });

  it('a refused message carries the server reply', async () => {
    server = await startSmtpReceiver({ requireAuth: true });
    server.logins.set('desk', 'pa55-w0rd-secret');
    server.refuseData = '552 mailbox full';
    const notifier = createNotifier({ ...config, port: server.port }, { env: { SMTP_USER: 'desk', SMTP_PASSWORD: 'pa55-w0rd-secret' } });
    const error = await failure(notifier.send(digest));
    expect((error as Error).message).toMatch(/552 mailbox full/);
    expect(everythingSaid(error)).not.toContain('pa55-w0rd-secret');
  });

  it('a password variable that is not set', () => {
    server = { close: async () => {} } as SmtpReceiver;
    const notifier = createNotifier({ ...config, port: 25 }, { env: { SMTP_USER: 'desk' } });
    expect(notifier.check()).toBe('mail through 127.0.0.1:25: the environment variable SMTP_PASSWORD is not set');
  });
});

describe('github-issue notifier', () => {
  it('comments on the tracking issue in Markdown', async () => {
    const github = memoryGithub();
    const notifier = createNotifier({ type: 'github-issue', repo: 'jupyter/security-tracking', issue: 12 }, { github });
    expect(notifier.channel).toBe('github-issue:jupyter/security-tracking#12');
    const sent = await notifier.send(digest);
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]?.issue).toEqual({ owner: 'jupyter', repo: 'security-tracking', issue: 12 });
    expect(github.comments[0]?.body).toContain('#### Overdue (1)');
    expect(github.comments[0]?.body).toContain('[GHSA-1111-2222-3333](https://github.com/jupyter/notebook/security/advisories/GHSA-1111-2222-3333)');
    expect(sent.detail).toBe('https://github.com/jupyter/security-tracking/issues/12#issuecomment-1');
  });

  it('a 403 says which permission the token needs', async () => {
    const github = memoryGithub();
    github.commentFailure = 403;
    const notifier = createNotifier({ type: 'github-issue', repo: 'jupyter/security-tracking', issue: 12 }, { github });
    const error = await failure(notifier.send(digest));
    expect(error).toBeInstanceOf(HostError);
    expect((error as Error).message).toMatch(/needs issues write on jupyter\/security-tracking/);
  });

  it('a bad repo or no GitHub client is a configuration problem', () => {
    expect(createNotifier({ type: 'github-issue', repo: 'security-tracking', issue: 12 }, { github: memoryGithub() }).check()).toMatch(/owner\/name/);
    expect(createNotifier({ type: 'github-issue', repo: 'jupyter/security-tracking', issue: 12 }).check()).toMatch(/a token is needed/);
  });
});
