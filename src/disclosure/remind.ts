/**
 * `advisories remind`: one digest per run of the clocks that need someone,
 * through every configured notifier. A reminder is an (advisory, clock,
 * level): the acknowledge or disclose clock, `due-soon` (from `warnDays`
 * before it is due), `urgent` (from `urgentDays`) or `overdue`. The same
 * reminder goes to a channel at most once a day, the day counted in the
 * policy's time zone; run it hourly or daily, it says each thing once a day
 * until the clock is met.
 */
import { compareText } from '../core/compare.js';
import { ChainwatchError } from '../core/errors.js';
import type { DisclosureStore } from './store.js';
import type { AdvisoryStatus, ClockResult, DeskPolicy } from './types.js';
import type { Digest, DigestItem, DigestSection } from './notify/digest.js';
import { deliverDigest, type ChannelDelivery } from './notify/deliver.js';
import type { Notifier } from './notify/types.js';

export type ClockName = 'acknowledge' | 'disclose';
export type ReminderLevel = 'overdue' | 'urgent' | 'due-soon';

export interface Reminder {
  /** `remind:<advisory id>:<clock>:<level>`: stable, so the store can tell it was sent today. */
  key: string;
  advisoryId: string;
  clock: ClockName;
  level: ReminderLevel;
  /** `YYYY-MM-DD` in the policy's time zone. */
  due: string;
  /** Days from the run's day to the due day; negative when overdue. */
  daysLeft: number;
  status: AdvisoryStatus;
}

export interface RemindOptions {
  statuses: readonly AdvisoryStatus[];
  policy: Pick<DeskPolicy, 'clocks'>;
  /** The run's clock (`--now`). */
  now: Date;
  store: Pick<DisclosureStore, 'sentKeys' | 'markSent'>;
  notifiers: readonly Notifier[];
  /** Send nothing and write nothing; the result says what each channel would get. */
  dryRun?: boolean;
}

export interface RemindResult {
  /** The run's day in the policy's time zone: the deduplication window. */
  day: string;
  /** Every reminder due today, sent before or not. */
  reminders: Reminder[];
  /** Per notifier: what it got (or would get), or why it failed. */
  deliveries: ChannelDelivery[];
}

const LEVEL_ORDER: Record<ReminderLevel, number> = { overdue: 0, urgent: 1, 'due-soon': 2 };
const CLOCK_ORDER: Record<ClockName, number> = { acknowledge: 0, disclose: 1 };

/** The reminders the statuses call for: clocks overdue, or due and within the warning days. Most pressing first. */
export function remindersFor(statuses: readonly AdvisoryStatus[]): Reminder[] {
  const reminders: Reminder[] = [];
  for (const status of statuses) {
    for (const clock of ['acknowledge', 'disclose'] as const) {
      const result = status.clocks[clock];
      const level = levelOf(result);
      if (!level) continue;
      reminders.push({
        key: `remind:${status.advisory.id}:${clock}:${level}`,
        advisoryId: status.advisory.id,
        clock,
        level,
        due: result.due,
        daysLeft: result.daysLeft ?? 0,
        status,
      });
    }
  }
  return reminders.sort(
    (a, b) =>
      LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] ||
      a.daysLeft - b.daysLeft ||
      CLOCK_ORDER[a.clock] - CLOCK_ORDER[b.clock] ||
      compareText(a.advisoryId, b.advisoryId),
  );
}

function levelOf(clock: ClockResult): ReminderLevel | null {
  if (clock.status === 'overdue') return 'overdue';
  if (clock.status !== 'due') return null;
  if (clock.urgency === 'urgent') return 'urgent';
  if (clock.urgency === 'soon') return 'due-soon';
  return null;
}

/**
 * Works out today's reminders and sends each notifier one digest of those it
 * has not had today. Items are marked sent per channel only after that
 * channel's notifier succeeded; a failing channel does not stop the others.
 */
export async function remind(options: RemindOptions): Promise<RemindResult> {
  const day = dayIn(options.now, options.policy.clocks.timeZone);
  const reminders = remindersFor(options.statuses);
  const byKey = new Map(reminders.map((reminder) => [reminder.key, reminder]));
  const deliveries = await deliverDigest({
    items: reminders.map(reminderItem),
    build: (items) => reminderDigest(day, items.map((item) => byKey.get(item.keys[0] ?? '')).filter((one): one is Reminder => one !== undefined)),
    notifiers: options.notifiers,
    store: options.store,
    window: day,
    day,
    dryRun: options.dryRun ?? false,
  });
  return { day, reminders, deliveries };
}

const HEADINGS: Record<ReminderLevel, string> = { overdue: 'Overdue', urgent: 'Urgent', 'due-soon': 'Due soon' };

/** The digest of `reminders` (already in order), one section per level. */
export function reminderDigest(day: string, reminders: readonly Reminder[]): Digest {
  const sections: DigestSection[] = (['overdue', 'urgent', 'due-soon'] as const).map((level) => ({
    heading: HEADINGS[level],
    items: reminders.filter((reminder) => reminder.level === level).map(reminderItem),
  }));
  const counts = (['overdue', 'urgent', 'due-soon'] as const)
    .map((level) => [level, reminders.filter((reminder) => reminder.level === level).length] as const)
    .filter(([, count]) => count > 0)
    .map(([level, count]) => `${count} ${HEADINGS[level].toLowerCase()}`);
  const advisories = new Set(reminders.map((reminder) => reminder.advisoryId)).size;
  return {
    kind: 'remind',
    subject: `Disclosure desk, ${day}: ${counts.join(', ')}`,
    intro: `${reminders.length} clock${reminders.length === 1 ? '' : 's'} on ${advisories} advisor${advisories === 1 ? 'y' : 'ies'} need${reminders.length === 1 ? 's' : ''} someone (respond within the acknowledge days, disclose within the disclose days).`,
    sections,
  };
}

function reminderItem(reminder: Reminder): DigestItem {
  const advisory = reminder.status.advisory;
  const what = reminder.clock === 'acknowledge' ? 'acknowledgement' : 'disclosure';
  const when =
    reminder.level === 'overdue'
      ? `${what} overdue by ${plural(-reminder.daysLeft, 'day')} (due ${reminder.due})`
      : reminder.daysLeft === 0
        ? `${what} due today (${reminder.due})`
        : `${what} due in ${plural(reminder.daysLeft, 'day')} (${reminder.due})`;
  const people = [...advisory.collaboratingUsers, ...advisory.collaboratingTeams.map((team) => `team ${team}`)];
  const details = [
    advisory.summary,
    `${advisory.state}${advisory.cveId ? ` · ${advisory.cveId}` : ''} · on it: ${people.length > 0 ? people.join(', ') : 'nobody yet'}`,
  ].filter((line) => line.trim() !== '');
  return {
    keys: [reminder.key],
    id: advisory.id,
    url: advisory.htmlUrl,
    title: `${advisory.owner}/${advisory.repo}: ${when}`,
    details,
  };
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** `YYYY-MM-DD` of `at` in an IANA time zone. */
export function dayIn(at: Date, timeZone: string): string {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  } catch (error) {
    throw new ChainwatchError('invalid-config', `"${timeZone}" is not an IANA time zone (e.g. UTC, Europe/Paris)`, { cause: error });
  }
  const parts = format.formatToParts(at);
  const part = (type: string) => parts.find((one) => one.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}
