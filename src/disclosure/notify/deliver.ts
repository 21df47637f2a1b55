/**
 * One digest per channel per run, deduplicated in the store. Each notifier
 * is a channel of its own: a channel that failed gets its items again on the
 * next run while the ones that worked are not repeated. The store's keys are
 * the items' keys followed by the channel (`remind:GHSA-…:disclose:urgent|webhook:slack:CHAT_URL`),
 * marked only after that channel's notifier succeeded, and only for the items
 * the message had room for.
 */
import { ChainwatchError } from '../../core/errors.js';
import type { DisclosureStore } from '../store.js';
import type { Digest, DigestItem, RenderedDigest } from './digest.js';
import type { Notifier } from './types.js';

export interface DeliveryRequest {
  items: readonly DigestItem[];
  /** The digest for the items a channel still has to get. */
  build: (items: DigestItem[]) => Digest;
  notifiers: readonly Notifier[];
  store: Pick<DisclosureStore, 'sentKeys' | 'markSent'>;
  /** Deduplication window: a day (`YYYY-MM-DD`: never twice that day) or null (never twice at all). */
  window: string | null;
  /** The run's day, recorded with what was sent. */
  day: string;
  /** Send nothing, write nothing: say what would be sent. */
  dryRun?: boolean;
  /** Record the items as sent without sending anything (a watch's first run, so that it starts quiet). */
  markOnly?: boolean;
}

export type DeliveryStatus =
  /** The digest went out; its items are marked. */
  | 'sent'
  /** Every item was already sent through this channel in the window. */
  | 'nothing-new'
  /** Dry run: `rendered` is what would go out. */
  | 'would-send'
  /** `markOnly`: the items were marked without sending. */
  | 'marked'
  /** The configuration is unusable or the service failed (`error`); nothing marked, the next run tries again. */
  | 'failed';

export interface ChannelDelivery {
  channel: string;
  status: DeliveryStatus;
  /** The items this channel got (or would get): those not sent before, that fitted in the message. */
  items: DigestItem[];
  /** Items left out because this channel already had them. */
  alreadySent: number;
  /** Items that did not fit in the message: they wait for the next run. */
  omitted: number;
  rendered: RenderedDigest | null;
  /** The comment URL or mail message id, when the channel gives one. */
  detail: string | null;
  /** Why it failed, with no secret in it. */
  error: string | null;
}

/** The store key of one item key on one channel. */
export function channelKey(key: string, channel: string): string {
  return `${key}|${channel}`;
}

/** Sends, or says it would send, one digest per notifier. A channel that fails does not stop the others. */
export async function deliverDigest(request: DeliveryRequest): Promise<ChannelDelivery[]> {
  const deliveries: ChannelDelivery[] = [];
  for (const notifier of request.notifiers) deliveries.push(await deliverOne(request, notifier));
  return deliveries;
}

async function deliverOne(request: DeliveryRequest, notifier: Notifier): Promise<ChannelDelivery> {
  const channel = notifier.channel;
  const keysOf = (item: DigestItem) => item.keys.map((key) => channelKey(key, channel));
  const sent = request.items.length === 0 ? new Set<string>() : request.store.sentKeys(request.items.flatMap(keysOf), request.window);
  const pending = request.items.filter((item) => !keysOf(item).some((key) => sent.has(key)));
  const base: ChannelDelivery = {
    channel,
    status: 'nothing-new',
    items: [],
    alreadySent: request.items.length - pending.length,
    omitted: 0,
    rendered: null,
    detail: null,
    error: null,
  };
  if (pending.length === 0) return base;

  if (request.markOnly) {
    if (!request.dryRun) request.store.markSent(pending.flatMap(keysOf), request.day, channel);
    return { ...base, status: 'marked', items: pending };
  }

  const digest = request.build(pending);
  const problem = notifier.check();
  if (problem) {
    const rendered = notifier.render(digest);
    return { ...base, status: 'failed', items: rendered.included, omitted: rendered.omitted, rendered, error: problem };
  }
  if (request.dryRun) {
    const rendered = notifier.render(digest);
    return { ...base, status: 'would-send', items: rendered.included, omitted: rendered.omitted, rendered };
  }
  try {
    const result = await notifier.send(digest);
    request.store.markSent(result.included.flatMap(keysOf), request.day, channel);
    const { detail, ...rendered } = result;
    return { ...base, status: 'sent', items: result.included, omitted: result.omitted, rendered, detail };
  } catch (error) {
    if (!(error instanceof ChainwatchError)) throw error;
    return { ...base, status: 'failed', error: error.message };
  }
}
