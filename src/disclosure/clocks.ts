/**
 * The two clocks of an advisory, both started by `created_at`:
 * - acknowledge: answer the report within `acknowledgeDays` (met when it left
 *   triage, was accepted, or an acknowledgement was recorded: lifecycle.ts);
 * - disclose: publish within `discloseDays`, patch or not (met when it is
 *   published, or closed or withdrawn).
 *
 * Days are calendar days in the policy's time zone, never 24-hour periods:
 * - the clock starts on the calendar day, in that zone, on which the advisory
 *   was created, and is due N calendar days later (`due`, `YYYY-MM-DD`);
 * - it is `due` until that day ends in that zone, and `overdue` from the
 *   midnight after it (a report created at 23:30 UTC on 2028-02-28 with a
 *   3-day clock in UTC is due on 2028-03-02 and overdue from 2028-03-03T00:00Z;
 *   in Pacific/Kiritimati, UTC+14, it was created on 29 February and is due on
 *   3 March);
 * - `daysLeft` is the due day minus the run's day in that zone: 0 on the due
 *   day, -1 the day after; a day of 23 or 25 hours (daylight saving) is still
 *   one day;
 * - urgency of an unmet clock: `urgent` when overdue or `daysLeft <= urgentDays`,
 *   else `soon` when `daysLeft <= warnDays`, else `none`; a met clock is `none`.
 *   With the defaults (3 days to acknowledge, urgent from 7) a new report is
 *   urgent from the day it arrives: on purpose.
 * A clock that was met stays `met`, even when it was met after its due day;
 * `metAt` says when.
 */
import { ChainwatchError } from '../core/errors.js';
import { instant, type TriageExit } from './lifecycle.js';
import { clockPolicyProblem } from './policy.js';
import type { ClockEvidence, ClockPolicy, ClockResult, ClockUrgency, DeskAdvisory } from './types.js';

export interface AdvisoryClocks {
  acknowledge: ClockResult;
  disclose: ClockResult;
}

/** Both clocks of `advisory` at `now`; `answered` is lifecycle.ts's `leftTriage`. */
export function advisoryClocks(advisory: DeskAdvisory, answered: TriageExit | null, policy: ClockPolicy, now: Date): AdvisoryClocks {
  const problem = clockPolicyProblem(policy);
  if (problem !== null) throw new ChainwatchError('invalid-config', `disclosure clocks: ${problem}`);
  const created = instant(advisory.createdAt, 'created_at', advisory.id);
  return {
    acknowledge: runClock(created, policy.acknowledgeDays, answered, policy, now),
    disclose: runClock(created, policy.discloseDays, disclosure(advisory), policy, now),
  };
}

/** When the advisory was disclosed (or the report closed), by its state now. */
export function disclosure(advisory: DeskAdvisory): { at: string; evidence: ClockEvidence } | null {
  switch (advisory.state) {
    case 'published':
      return { at: advisory.publishedAt ?? advisory.updatedAt, evidence: 'published' };
    case 'closed':
      return { at: advisory.closedAt ?? advisory.updatedAt, evidence: 'closed' };
    case 'withdrawn':
      // A withdrawn advisory was published first: disclosed then, when GitHub kept the date.
      return advisory.publishedAt !== null ? { at: advisory.publishedAt, evidence: 'published' } : { at: advisory.withdrawnAt ?? advisory.updatedAt, evidence: 'closed' };
    case 'triage':
    case 'draft':
      return null;
  }
}

/** One clock started at `startedAt` (ms), due `days` calendar days later in the policy's zone. */
export function runClock(startedAt: number, days: number, met: { at: string; evidence: ClockEvidence } | null, policy: ClockPolicy, now: Date): ClockResult {
  const due = addDays(calendarDate(startedAt, policy.timeZone), days);
  if (met !== null) return { due, status: 'met', daysLeft: null, urgency: 'none', metAt: met.at, evidence: met.evidence };
  const daysLeft = daysBetween(calendarDate(now.getTime(), policy.timeZone), due);
  return { due, status: daysLeft >= 0 ? 'due' : 'overdue', daysLeft, urgency: urgencyOf(daysLeft, policy), metAt: null, evidence: 'none' };
}

function urgencyOf(daysLeft: number, policy: ClockPolicy): ClockUrgency {
  if (daysLeft < 0 || daysLeft <= policy.urgentDays) return 'urgent';
  return daysLeft <= policy.warnDays ? 'soon' : 'none';
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The calendar date (`YYYY-MM-DD`) of an instant in an IANA time zone. Also
 * the day key of reminders: "never twice a day" means a day of this zone.
 */
export function calendarDate(at: Date | number, timeZone: string): string {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    // Gregorian calendar and Latin digits whatever the machine's locale.
    formatter = new Intl.DateTimeFormat('en-US-u-ca-gregory-nu-latn', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, formatter);
  }
  const parts = formatter.formatToParts(typeof at === 'number' ? new Date(at) : at);
  const part = (type: 'year' | 'month' | 'day'): string => parts.find((entry) => entry.type === type)?.value ?? '';
  return `${part('year').padStart(4, '0')}-${part('month')}-${part('day')}`;
}

const DAY_MS = 86_400_000;

/** The day number of a `YYYY-MM-DD` date: calendar arithmetic in UTC, where every day has 24 hours. */
function dayNumber(date: string): number {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

/** `date` plus `days` calendar days. */
export function addDays(date: string, days: number): string {
  return new Date((dayNumber(date) + days) * DAY_MS).toISOString().slice(0, 10);
}

/** Calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}
