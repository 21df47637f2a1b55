import { afterEach, describe, expect, it } from 'vitest';
import { HostError } from '../core/errors.js';
import { openDisclosureStore } from '../store/disclosure-store.js';
import { memorySentStore, policy, status } from './desk-testing.fixture.js';
import { renderDigest, type Digest } from './notify/digest.js';
import { createNotifier } from './notify/notifier.js';
import type { Notifier } from './notify/types.js';
import { startSmtpReceiver, startWebhookReceiver, type SmtpReceiver, type WebhookReceiver } from './notify/notify-receivers.fixture.js';
import { dayIn, remind, remindersFor } from './remind.js';
import { DEFAULT_CLOCK_POLICY, type ClockResult } from './types.js';

/** A notifier that keeps what it is sent, or fails when told to. */
function recordingNotifier(channel: string): Notifier & { sent: Digest[]; failWith: HostError | null } {
  const notifier = {
    type: 'webhook' as const,
    channel,
    sent: [] as Digest[],
    failWith: null as HostError | null,
    check: () => null,
    render: (digest: Digest) => renderDigest(digest, 'text', 100_000),
    async send(digest: Digest) {
      if (notifier.failWith) throw notifier.failWith;
      notifier.sent.push(digest);
      return { ...renderDigest(digest, 'text', 100_000), detail: null };
    },
  };
  return notifier;
}

const met: Partial<ClockResult> = { status: 'met', daysLeft: null, urgency: 'none', metAt: '2026-01-03T00:00:00Z', evidence: 'published' };

const statuses = [
  status({ id: 'GHSA-aaaa-0000-0001' }, { disclose: { status: 'overdue', daysLeft: -3, due: '2026-04-02', urgency: 'urgent' } }),
  status({ id: 'GHSA-aaaa-0000-0002' }, { disclose: { status: 'due', daysLeft: 5, due: '2026-04-10', urgency: 'urgent' } }),
  status({ id: 'GHSA-aaaa-0000-0003' }, { disclose: { status: 'due', daysLeft: 12, due: '2026-04-17', urgency: 'soon' } }),
  status({ id: 'GHSA-aaaa-0000-0004', state: 'triage' }, { acknowledge: { status: 'overdue', daysLeft: -1, due: '2026-04-04' }, disclose: { status: 'due', daysLeft: 60, urgency: 'none' } }),
  status({ id: 'GHSA-aaaa-0000-0005', state: 'published' }, { disclose: met }),
];

const now = new Date('2026-04-05T09:00:00Z');

describe('remindersFor', () => {
  it('overdue, urgent and due-soon clocks, most pressing first; nothing for met clocks or clocks far off', () => {
    expect(remindersFor(statuses).map((one) => one.key)).toEqual([
      'remind:GHSA-aaaa-0000-0001:disclose:overdue',
      'remind:GHSA-aaaa-0000-0004:acknowledge:overdue',
      'remind:GHSA-aaaa-0000-0002:disclose:urgent',
      'remind:GHSA-aaaa-0000-0003:disclose:due-soon',
    ]);
  });
});

describe('dayIn', () => {
  it.each([
    ['2026-04-05T23:30:00Z', 'UTC', '2026-04-05'],
    ['2026-04-05T23:30:00Z', 'Pacific/Auckland', '2026-04-06'],
    ['2026-04-05T02:00:00Z', 'America/Los_Angeles', '2026-04-04'],
    ['2028-02-29T12:00:00Z', 'Europe/Paris', '2028-02-29'],
  ])('%s in %s is %s', (at, zone, day) => {
    expect(dayIn(new Date(at), zone)).toBe(day);
  });

  it('an unknown time zone is a configuration error', () => {
    expect(() => dayIn(now, 'Mars/Olympus')).toThrow(/not an IANA time zone/);
  });
});

describe('remind', () => {
  it('sends one digest per channel and the same reminder at most once a day', async () => {
    const store = memorySentStore();
    const chat = recordingNotifier('webhook:slack:CHAT_URL');
    const first = await remind({ statuses, policy: policy(), now, store, notifiers: [chat] });
    expect(first.day).toBe('2026-04-05');
    expect(chat.sent).toHaveLength(1);
    expect(chat.sent[0]?.sections.map((section) => [section.heading, section.items.map((item) => item.id)])).toEqual([
      ['Overdue', ['GHSA-aaaa-0000-0001', 'GHSA-aaaa-0000-0004']],
      ['Urgent', ['GHSA-aaaa-0000-0002']],
      ['Due soon', ['GHSA-aaaa-0000-0003']],
    ]);
    expect(chat.sent[0]?.subject).toBe('Disclosure desk, 2026-04-05: 2 overdue, 1 urgent, 1 due soon');
    expect(first.deliveries[0]).toMatchObject({ status: 'sent', alreadySent: 0 });
    expect(store.marked.map((one) => [one.key, one.day, one.channel])).toContainEqual([
      'remind:GHSA-aaaa-0000-0001:disclose:overdue|webhook:slack:CHAT_URL',
      '2026-04-05',
      'webhook:slack:CHAT_URL',
    ]);

    const again = await remind({ statuses, policy: policy(), now: new Date('2026-04-05T21:00:00Z'), store, notifiers: [chat] });
    expect(chat.sent).toHaveLength(1);
    expect(again.deliveries[0]).toMatchObject({ status: 'nothing-new', alreadySent: 4 });

    // A clock that turned urgent the same day is a new reminder.
    const turned = statuses.map((one) =>
      one.advisory.id === 'GHSA-aaaa-0000-0003' ? { ...one, clocks: { ...one.clocks, disclose: { ...one.clocks.disclose, daysLeft: 7, urgency: 'urgent' as const } } } : one,
    );
    await remind({ statuses: turned, policy: policy(), now: new Date('2026-04-05T22:00:00Z'), store, notifiers: [chat] });
    expect(chat.sent[1]?.sections.flatMap((section) => section.items.map((item) => item.keys[0]))).toEqual(['remind:GHSA-aaaa-0000-0003:disclose:urgent']);

    await remind({ statuses, policy: policy(), now: new Date('2026-04-06T09:00:00Z'), store, notifiers: [chat] });
    expect(chat.sent).toHaveLength(3);
    expect(chat.sent[2]?.sections.flatMap((section) => section.items)).toHaveLength(4);
  });

  it("counts the day in the policy's time zone", async () => {
    const store = memorySentStore();
    const chat = recordingNotifier('chat');
    const auckland = policy({ clocks: { ...DEFAULT_CLOCK_POLICY, timeZone: 'Pacific/Auckland' } });
    // 09:00 and 13:00 UTC are two different days in Auckland (21:00 on the 5th, 01:00 on the 6th).
    const first = await remind({ statuses, policy: auckland, now: new Date('2026-04-05T09:00:00Z'), store, notifiers: [chat] });
    const second = await remind({ statuses, policy: auckland, now: new Date('2026-04-05T13:00:00Z'), store, notifiers: [chat] });
    expect([first.day, second.day]).toEqual(['2026-04-05', '2026-04-06']);
    expect(chat.sent).toHaveLength(2);
  });

  it('a failing channel is not marked and gets everything again next run; the others are not repeated', async () => {
    const store = memorySentStore();
    const chat = recordingNotifier('chat');
    const mail = recordingNotifier('mail');
    mail.failWith = new HostError('mail', 'mail through smtp.example.test:587 failed: could not connect (ECONNECTION)');
    const first = await remind({ statuses, policy: policy(), now, store, notifiers: [mail, chat] });
    expect(first.deliveries.map((one) => [one.channel, one.status, one.error])).toEqual([
      ['mail', 'failed', 'mail through smtp.example.test:587 failed: could not connect (ECONNECTION)'],
      ['chat', 'sent', null],
    ]);
    expect(store.marked.every((one) => one.channel === 'chat')).toBe(true);

    mail.failWith = null;
    const second = await remind({ statuses, policy: policy(), now, store, notifiers: [mail, chat] });
    expect(second.deliveries.map((one) => one.status)).toEqual(['sent', 'nothing-new']);
    expect(mail.sent).toHaveLength(1);
    expect(chat.sent).toHaveLength(1);
  });

  it("works on the desk's SQLite store as on the in-memory one", async () => {
    const store = openDisclosureStore(':memory:');
    try {
      const chat = recordingNotifier('chat');
      const mail = recordingNotifier('mail');
      await remind({ statuses, policy: policy(), now, store, notifiers: [chat, mail] });
      const again = await remind({ statuses, policy: policy(), now, store, notifiers: [chat, mail] });
      expect(again.deliveries.map((one) => one.status)).toEqual(['nothing-new', 'nothing-new']);
      const nextDay = await remind({ statuses, policy: policy(), now: new Date('2026-04-06T09:00:00Z'), store, notifiers: [chat] });
      expect(nextDay.deliveries[0]?.status).toBe('sent');
      expect([chat.sent.length, mail.sent.length]).toEqual([2, 1]);
    } finally {
      store.close();
    }
  });

  it('a dry run returns what each channel would get and writes nothing', async () => {
    const store = memorySentStore();
    const chat = recordingNotifier('chat');
    const result = await remind({ statuses, policy: policy(), now, store, notifiers: [chat], dryRun: true });
    expect(chat.sent).toEqual([]);
    expect(store.marked).toEqual([]);
    expect(result.deliveries[0]?.status).toBe('would-send');
    expect(result.deliveries[0]?.rendered?.body).toContain('GHSA-aaaa-0000-0001: jupyter/notebook: disclosure overdue by 3 days (due 2026-04-02)');
    expect(result.deliveries[0]?.items).toHaveLength(4);
  });

  it('a dry run with a misconfigured channel says why it could not send', async () => {
    const notifier = createNotifier({ type: 'webhook', urlEnv: 'NOT_SET_ANYWHERE', format: 'matrix' }, { env: {} });
    const result = await remind({ statuses, policy: policy(), now, store: memorySentStore(), notifiers: [notifier], dryRun: true });
    expect(result.deliveries[0]).toMatchObject({ status: 'failed', error: expect.stringMatching(/NOT_SET_ANYWHERE is not set/) });
  });

  it('nothing to say, nothing sent', async () => {
    const chat = recordingNotifier('chat');
    const result = await remind({ statuses: [statuses[4]!], policy: policy(), now, store: memorySentStore(), notifiers: [chat] });
    expect(result.reminders).toEqual([]);
    expect(result.deliveries[0]?.status).toBe('nothing-new');
    expect(chat.sent).toEqual([]);
  });

  describe('through a local webhook receiver and SMTP server', () => {
    let webhook: WebhookReceiver | null = null;
    let smtp: SmtpReceiver | null = null;
    afterEach(async () => {
      await webhook?.close();
      await smtp?.close();
    });

    it('each gets the digest once a day', async () => {
      webhook = await startWebhookReceiver();
      smtp = await startSmtpReceiver({ requireAuth: true });
      smtp.logins.set('desk', 's3cret-pass');
      const env = { ZULIP_URL: `${webhook.origin}/api/v1/external/slack_incoming?api_key=abc123&stream=security`, SMTP_USER: 'desk', SMTP_PASSWORD: 's3cret-pass' };
      const notifiers = [
        createNotifier({ type: 'webhook', urlEnv: 'ZULIP_URL', format: 'zulip' }, { env }),
        createNotifier({ type: 'smtp', host: '127.0.0.1', port: smtp.port, secure: false, from: 'desk@example.test', to: ['council@example.test'], userEnv: 'SMTP_USER', passwordEnv: 'SMTP_PASSWORD' }, { env }),
      ];
      const store = memorySentStore();
      const result = await remind({ statuses, policy: policy(), now, store, notifiers });
      expect(result.deliveries.map((one) => one.status)).toEqual(['sent', 'sent']);
      expect(webhook.received).toHaveLength(1);
      expect((JSON.parse(webhook.received[0]!.body) as { text: string }).text).toContain('#### Overdue (2)');
      expect(smtp.received).toHaveLength(1);
      expect(smtp.received[0]?.text).toContain('Due soon (1)');

      await remind({ statuses, policy: policy(), now, store, notifiers });
      expect(webhook.received).toHaveLength(1);
      expect(smtp.received).toHaveLength(1);
    });
  });
});
