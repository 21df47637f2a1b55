/**
 * The notifier interface and what its implementations are given; the typed
 * map from configuration to implementation is in notifier.ts.
 */
import type { Dispatcher } from 'undici';
import type { DeskGithub } from '../desk-github.js';
import type { NotifierConfig } from '../types.js';
import type { Digest, RenderedDigest } from './digest.js';

export interface SentDigest extends RenderedDigest {
  /** Where it went, when the channel says (the comment's URL, the mail's message id); never a secret. */
  detail: string | null;
}

export interface Notifier {
  readonly type: NotifierConfig['type'];
  /**
   * A stable name for the channel, with no secret in it: `github-issue:owner/repo#12`,
   * `webhook:slack:SLACK_WEBHOOK_URL` (the variable's name, not the URL),
   * `smtp:mail.example:587`. Deduplication is per channel.
   */
  readonly channel: string;
  /** What is wrong with the configuration without sending anything (a variable not set); null when it looks usable. */
  check(): string | null;
  /** The message as this channel would get it (a dry run). */
  render(digest: Digest): RenderedDigest;
  /**
   * Sends the digest. Throws a ChainwatchError (`invalid-config`: a variable
   * not set) or a HostError (the service refused or did not answer in time),
   * whose message names the channel and never holds the secret.
   */
  send(digest: Digest): Promise<SentDigest>;
}

export interface NotifierContext {
  /** Where secrets are read (default process.env). */
  env?: Record<string, string | undefined>;
  /** For `github-issue` notifiers; without it they fail with `invalid-config`. */
  github?: DeskGithub;
  /** undici dispatcher for webhooks (default: undici's global one). */
  dispatcher?: Dispatcher;
  /** Time allowed for one webhook POST or one mail, connection included (default 30 s). */
  deadlineMs?: number;
}

export const DEFAULT_NOTIFY_DEADLINE_MS = 30_000;
