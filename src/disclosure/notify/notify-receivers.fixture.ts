/**
 * Local receivers the notifier tests start on 127.0.0.1: an HTTP server
 * standing in for Slack, Zulip and Matrix incoming webhooks, and an SMTP
 * server (smtp-server) that keeps what it is sent.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedPost {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  received: ReceivedPost[];
  /** What the next requests get (default 200 "ok"); `hang` never answers. */
  answer: { status: number; body: string } | 'hang';
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const hanging: ServerResponse[] = [];
  const receiver: WebhookReceiver = {
    origin: '',
    received: [],
    answer: { status: 200, body: 'ok' },
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of hanging) response.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      receiver.received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      const answer = receiver.answer;
      if (answer === 'hang') {
        hanging.push(response);
        return;
      }
      response.writeHead(answer.status, { 'content-type': 'text/plain' });
      response.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return receiver;
}

export interface ReceivedMail {
  from: string | null;
  to: string[];
  user: string | null;
  /** The message as it arrived: headers and encoded body. */
  data: string;
  /** The body, quoted-printable decoded when it is so encoded. */
  text: string;
}

function decodedBody(data: string): string {
  const split = data.indexOf('\r\n\r\n');
  const headers = split === -1 ? '' : data.slice(0, split);
  const body = split === -1 ? data : data.slice(split + 4);
  if (!/^content-transfer-encoding:\s*quoted-printable/im.test(headers)) return body;
  const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

export interface SmtpReceiver {
  port: number;
  received: ReceivedMail[];
  /** Logins accepted (user → password); empty: no authentication offered is required. */
  logins: Map<string, string>;
  /** A reply to refuse the message with (e.g. "552 message too big"), or null. */
  refuseData: string | null;
  close(): Promise<void>;
}

export async function startSmtpReceiver(options: { requireAuth: boolean }): Promise<SmtpReceiver> {
  const receiver: SmtpReceiver = {
    port: 0,
    received: [],
    logins: new Map(),
    refuseData: null,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    // Plain connections on 127.0.0.1: the test has no certificate, and nodemailer only upgrades when STARTTLS is offered.
    disabledCommands: options.requireAuth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    allowInsecureAuth: true,
    authOptional: !options.requireAuth,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username && receiver.logins.get(auth.username) === auth.password) callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (receiver.refuseData) {
          const error = new Error(receiver.refuseData) as Error & { responseCode: number };
          error.responseCode = Number(receiver.refuseData.slice(0, 3));
          callback(error);
          return;
        }
        const from = session.envelope.mailFrom;
        receiver.received.push({
          from: from ? from.address : null,
          to: session.envelope.rcptTo.map((one) => one.address),
          user: typeof session.user === 'string' ? session.user : null,
          data: Buffer.concat(chunks).toString('utf8'),
          text: decodedBody(Buffer.concat(chunks).toString('utf8')),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.port = (server.server.address() as AddressInfo).port;
  return receiver;
}
