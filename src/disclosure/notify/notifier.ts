/**
 * Where reminders and watch digests go. One interface, three implementations
 * chosen by `NotifierConfig.type` (one typed map): a comment on a private
 * tracking issue, a chat webhook (Slack, Zulip, Matrix hookshot), SMTP mail.
 * Secrets (the webhook URL, the SMTP password) are read from the environment
 * variables the configuration names, when sending, and never appear in an
 * error, a result or a log.
 */
import type { NotifierConfig } from '../types.js';
import { createGithubIssueNotifier } from './github-issue.js';
import { createSmtpNotifier } from './smtp.js';
import type { Notifier, NotifierContext } from './types.js';
import { createWebhookNotifier } from './webhook.js';

/** The notifier for one configuration entry. Nothing is read or checked until `check` or `send`. */
export function createNotifier(config: NotifierConfig, context: NotifierContext = {}): Notifier {
  switch (config.type) {
    case 'github-issue':
      return createGithubIssueNotifier(config, context);
    case 'webhook':
      return createWebhookNotifier(config, context);
    case 'smtp':
      return createSmtpNotifier(config, context);
  }
}

/** A notifier per configuration entry, in order. */
export function createNotifiers(configs: readonly NotifierConfig[], context: NotifierContext = {}): Notifier[] {
  return configs.map((config) => createNotifier(config, context));
}
