/**
 * Mail through an SMTP server, with nodemailer: the digest as plain text.
 * The user name and password come from the environment variables the
 * configuration names (`userEnv`, `passwordEnv`); without them the server is
 * used without authentication. Port 465 takes `secure: true` (TLS from the
 * start); on 587 and 25 nodemailer upgrades with STARTTLS when the server
 * offers it. The password never appears in an error or a result: errors are
 * rebuilt from nodemailer's code and the server's reply, with every form of
 * the credentials (as given, and base64 as AUTH PLAIN/LOGIN send them) scrubbed.
 */
import nodemailer from 'nodemailer';
import { ChainwatchError, HostError } from '../../core/errors.js';
import { scrubSecrets } from '../../http/redact.js';
import type { NotifierConfig } from '../types.js';
import { MESSAGE_LIMITS, renderDigest, type Digest, type RenderedDigest } from './digest.js';
import { DEFAULT_NOTIFY_DEADLINE_MS, type Notifier, type NotifierContext, type SentDigest } from './types.js';

type SmtpConfig = Extract<NotifierConfig, { type: 'smtp' }>;

export function createSmtpNotifier(config: SmtpConfig, context: NotifierContext): Notifier {
  const env = context.env ?? process.env;
  const deadlineMs = context.deadlineMs ?? DEFAULT_NOTIFY_DEADLINE_MS;
  const channel = `smtp:${config.host}:${config.port}`;
  const where = `mail through ${config.host}:${config.port}`;

  function credentials(): { auth: { user: string; pass: string } | null } | { problem: string } {
    if (config.to.length === 0) return { problem: `${where}: no recipient (\`to\` is empty)` };
    if (!config.userEnv && !config.passwordEnv) return { auth: null };
    const user = config.userEnv ? env[config.userEnv] : undefined;
    const pass = config.passwordEnv ? env[config.passwordEnv] : undefined;
    const unset = [config.userEnv && !user ? config.userEnv : null, config.passwordEnv && !pass ? config.passwordEnv : null].filter(Boolean);
    if (unset.length > 0) return { problem: `${where}: the environment variable${unset.length > 1 ? 's' : ''} ${unset.join(' and ')} ${unset.length > 1 ? 'are' : 'is'} not set` };
    if (!user || !pass) return { problem: `${where}: set both userEnv and passwordEnv, or neither` };
    return { auth: { user, pass } };
  }

  function render(digest: Digest): RenderedDigest {
    return renderDigest(digest, 'text', MESSAGE_LIMITS.mail);
  }

  return {
    type: 'smtp',
    channel,
    check() {
      const resolved = credentials();
      return 'problem' in resolved ? resolved.problem : null;
    },
    render,
    async send(digest: Digest): Promise<SentDigest> {
      const resolved = credentials();
      if ('problem' in resolved) throw new ChainwatchError('invalid-config', resolved.problem);
      const secrets = resolved.auth ? credentialForms(resolved.auth.user, resolved.auth.pass) : [];
      const rendered = render(digest);
      const transport = nodemailer.createTransport({
        host: config.host,
        port: config.port,
        secure: config.secure,
        ...(resolved.auth ? { auth: resolved.auth } : {}),
        connectionTimeout: deadlineMs,
        greetingTimeout: deadlineMs,
        socketTimeout: deadlineMs,
        logger: false,
        debug: false,
      });
      try {
        const info = await transport.sendMail({ from: config.from, to: config.to, subject: rendered.subject, text: rendered.body });
        const messageId = typeof info.messageId === 'string' ? info.messageId : null;
        return { ...rendered, detail: messageId };
      } catch (error) {
        throw new HostError(channel, scrubSecrets(`${where} failed: ${describeMailError(error)}`, secrets), {
          retryable: isTransient(error),
        });
      } finally {
        transport.close();
      }
    },
  };
}

/** The credentials as given and as AUTH PLAIN / AUTH LOGIN put them on the wire. */
function credentialForms(user: string, pass: string): string[] {
  const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
  return [pass, base64(pass), base64(`\u0000${user}\u0000${pass}`), base64(`${user}\u0000${user}\u0000${pass}`), encodeURIComponent(pass)];
}

/** nodemailer's code (EAUTH, ECONNECTION, ETIMEDOUT, EENVELOPE…) and the server's reply; never the command it sent. */
function describeMailError(error: unknown): string {
  const fields = (error ?? {}) as { code?: unknown; responseCode?: unknown; response?: unknown };
  const code = typeof fields.code === 'string' ? fields.code : null;
  const reply = typeof fields.response === 'string' ? fields.response.replace(/\s+/g, ' ').trim().slice(0, 200) : null;
  const what =
    code === 'EAUTH'
      ? 'the server refused the login (check the user and password variables)'
      : code === 'ECONNECTION' || code === 'ESOCKET'
        ? 'could not connect'
        : code === 'ETIMEDOUT'
          ? 'no answer in time'
          : code === 'EENVELOPE'
            ? 'the server refused the sender or the recipients'
            : 'the server refused the message';
  return [what, code ? `(${code})` : null, reply ? `: ${reply}` : null].filter(Boolean).join(' ');
}

function isTransient(error: unknown): boolean {
  const fields = (error ?? {}) as { code?: unknown; responseCode?: unknown };
  if (fields.code === 'ECONNECTION' || fields.code === 'ETIMEDOUT' || fields.code === 'ESOCKET') return true;
  return typeof fields.responseCode === 'number' && fields.responseCode >= 400 && fields.responseCode < 500;
}
