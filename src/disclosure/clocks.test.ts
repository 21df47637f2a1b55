import { describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.js';
import { ChainwatchError } from '../core/errors.js';
import { addDays, advisoryClocks, calendarDate, daysBetween, runClock } from './clocks.js';
import { deskAdvisory } from './lifecycle.fixture.js';
import { DEFAULT_CLOCK_POLICY, type ClockPolicy, type ClockStatus, type ClockUrgency, type DeskAdvisory } from './types.js';

function policyIn(timeZone: string, overrides: Partial<ClockPolicy> = {}): ClockPolicy {
  return { ...DEFAULT_CLOCK_POLICY, timeZone, ...overrides };
}

/** The acknowledge clock (3 days) of an advisory still in triage. */
function acknowledgeAt(createdAt: string, timeZone: string, now: string) {
  return advisoryClocks(deskAdvisory({ state: 'triage', createdAt }), null, policyIn(timeZone), fixedClock(now).now()).acknowledge;
}

describe('the acknowledge clock: calendar days in the policy\'s zone, due until its due day ends there', () => {
  const rows: [string, string, string, string, string, ClockStatus, number][] = [
    // name, created_at, zone, now, due, status, daysLeft
    ['leap year, UTC: created 23:30 on 28 Feb, due 2 Mar', '2028-02-28T23:30:00Z', 'UTC', '2028-02-28T23:45:00Z', '2028-03-02', 'due', 3],
    ['leap year, UTC: still due in the last second of the due day', '2028-02-28T23:30:00Z', 'UTC', '2028-03-02T23:59:59Z', '2028-03-02', 'due', 0],
    ['leap year, UTC: overdue from the midnight after', '2028-02-28T23:30:00Z', 'UTC', '2028-03-03T00:00:00Z', '2028-03-02', 'overdue', -1],
    ['leap day itself counts as a day', '2028-02-28T12:00:00Z', 'UTC', '2028-02-29T12:00:00Z', '2028-03-02', 'due', 2],
    ['far east, Kiritimati (UTC+14): 23:30 UTC on 28 Feb is 29 Feb there', '2028-02-28T23:30:00Z', 'Pacific/Kiritimati', '2028-02-29T00:00:00Z', '2028-03-03', 'due', 3],
    ['far east: due until 23:59:59 on 3 Mar there (09:59:59 UTC)', '2028-02-28T23:30:00Z', 'Pacific/Kiritimati', '2028-03-03T09:59:59Z', '2028-03-03', 'due', 0],
    ['far east: overdue from midnight there (10:00 UTC)', '2028-02-28T23:30:00Z', 'Pacific/Kiritimati', '2028-03-03T10:00:00Z', '2028-03-03', 'overdue', -1],
    ['far west, Pago Pago (UTC-11): 23:30 UTC on 28 Feb is still 28 Feb there', '2028-02-28T23:30:00Z', 'Pacific/Pago_Pago', '2028-02-29T00:00:00Z', '2028-03-02', 'due', 3],
    ['far west: 10:59 UTC on 29 Feb is 23:59 on 28 Feb there', '2028-02-29T10:59:00Z', 'Pacific/Pago_Pago', '2028-02-29T11:00:00Z', '2028-03-02', 'due', 2],
    ['far west: 11:00 UTC on 29 Feb is the leap day there', '2028-02-29T11:00:00Z', 'Pacific/Pago_Pago', '2028-02-29T11:00:00Z', '2028-03-03', 'due', 3],
    ['far west: due until 10:59:59 UTC the next day', '2028-02-28T23:30:00Z', 'Pacific/Pago_Pago', '2028-03-03T10:59:59Z', '2028-03-02', 'due', 0],
    ['far west: overdue from 11:00 UTC', '2028-02-28T23:30:00Z', 'Pacific/Pago_Pago', '2028-03-03T11:00:00Z', '2028-03-02', 'overdue', -1],
    ['Berlin, spring forward (29 Mar 2026): created 00:30 CET on 28 Mar', '2026-03-27T23:30:00Z', 'Europe/Berlin', '2026-03-28T23:00:00Z', '2026-03-31', 'due', 2],
    ['Berlin: the 23-hour day is one day', '2026-03-27T23:30:00Z', 'Europe/Berlin', '2026-03-29T22:00:00Z', '2026-03-31', 'due', 1],
    ['Berlin: due until 23:59:59 CEST (21:59:59 UTC)', '2026-03-27T23:30:00Z', 'Europe/Berlin', '2026-03-31T21:59:59Z', '2026-03-31', 'due', 0],
    ['Berlin: overdue from midnight CEST (22:00 UTC)', '2026-03-27T23:30:00Z', 'Europe/Berlin', '2026-03-31T22:00:00Z', '2026-03-31', 'overdue', -1],
    ['Berlin, fall back (25 Oct 2026): created 00:30 CEST on 25 Oct', '2026-10-24T22:30:00Z', 'Europe/Berlin', '2026-10-25T12:00:00Z', '2026-10-28', 'due', 3],
    ['Berlin: due until 23:59:59 CET (22:59:59 UTC)', '2026-10-24T22:30:00Z', 'Europe/Berlin', '2026-10-28T22:59:59Z', '2026-10-28', 'due', 0],
    ['Berlin: overdue from midnight CET (23:00 UTC)', '2026-10-24T22:30:00Z', 'Europe/Berlin', '2026-10-28T23:00:00Z', '2026-10-28', 'overdue', -1],
    ['New York, spring forward (8 Mar 2026): 04:59 UTC is 23:59 EST on 7 Mar', '2026-03-08T04:59:00Z', 'America/New_York', '2026-03-08T12:00:00Z', '2026-03-10', 'due', 2],
    ['New York: 05:00 UTC is midnight EST on 8 Mar', '2026-03-08T05:00:00Z', 'America/New_York', '2026-03-08T12:00:00Z', '2026-03-11', 'due', 3],
    ['New York: due until 23:59:59 EDT (03:59:59 UTC the next day)', '2026-03-08T05:00:00Z', 'America/New_York', '2026-03-12T03:59:59Z', '2026-03-11', 'due', 0],
    ['New York: overdue from midnight EDT', '2026-03-08T05:00:00Z', 'America/New_York', '2026-03-12T04:00:00Z', '2026-03-11', 'overdue', -1],
    ['New York, fall back (1 Nov 2026): created 00:30 EDT on 1 Nov', '2026-11-01T04:30:00Z', 'America/New_York', '2026-11-01T12:00:00Z', '2026-11-04', 'due', 3],
    ['New York: due until 23:59:59 EST (04:59:59 UTC)', '2026-11-01T04:30:00Z', 'America/New_York', '2026-11-05T04:59:59Z', '2026-11-04', 'due', 0],
    ['New York: overdue from midnight EST (05:00 UTC)', '2026-11-01T04:30:00Z', 'America/New_York', '2026-11-05T05:00:00Z', '2026-11-04', 'overdue', -1],
    ['year end, UTC', '2026-12-30T12:00:00Z', 'UTC', '2026-12-31T12:00:00Z', '2027-01-02', 'due', 2],
    ['year end: overdue into the new year', '2026-12-30T12:00:00Z', 'UTC', '2027-01-05T00:00:00Z', '2027-01-02', 'overdue', -3],
    ['year end: 15:00 UTC on 31 Dec is New Year in Tokyo', '2026-12-31T15:00:00Z', 'Asia/Tokyo', '2026-12-31T15:00:00Z', '2027-01-04', 'due', 3],
    ['year end: 14:59 UTC on 31 Dec is still the old year in Tokyo', '2026-12-31T14:59:00Z', 'Asia/Tokyo', '2026-12-31T15:00:00Z', '2027-01-03', 'due', 2],
  ];

  it.each(rows)('%s', (_name, createdAt, timeZone, now, due, status, daysLeft) => {
    expect(acknowledgeAt(createdAt, timeZone, now)).toEqual({ due, status, daysLeft, urgency: 'urgent', metAt: null, evidence: 'none' });
  });
});

describe('the disclose clock', () => {
  it.each([
    ['90 days from 28 Feb in a leap year', '2028-02-28T23:30:00Z', 'UTC', '2028-05-28'],
    ['90 days from 29 Feb (Kiritimati\'s day for the same instant)', '2028-02-28T23:30:00Z', 'Pacific/Kiritimati', '2028-05-29'],
    ['90 days ending on the leap day', '2027-12-01T00:00:00Z', 'UTC', '2028-02-29'],
    ['90 days over a year end, no leap day', '2026-12-30T12:00:00Z', 'UTC', '2027-03-30'],
    ['90 days over a year end, with a leap day', '2027-12-30T12:00:00Z', 'UTC', '2028-03-29'],
  ])('%s', (_name, createdAt, timeZone, due) => {
    const clocks = advisoryClocks(deskAdvisory({ createdAt }), null, policyIn(timeZone), fixedClock(createdAt).now());
    expect(clocks.disclose.due).toBe(due);
    expect(clocks.disclose.status).toBe('due');
  });

  // Created 1 Jan 2026, due 1 Apr 2026 (90 days); warn 14, urgent 7.
  it.each<[string, number, ClockUrgency, ClockStatus]>([
    ['2026-03-17T23:59:59Z', 15, 'none', 'due'],
    ['2026-03-18T00:00:00Z', 14, 'soon', 'due'],
    ['2026-03-24T12:00:00Z', 8, 'soon', 'due'],
    ['2026-03-25T00:00:00Z', 7, 'urgent', 'due'],
    ['2026-04-01T23:59:59Z', 0, 'urgent', 'due'],
    ['2026-04-02T00:00:00Z', -1, 'urgent', 'overdue'],
  ])('at %s: %i days left, %s', (now, daysLeft, urgency, status) => {
    const clock = advisoryClocks(deskAdvisory({ createdAt: '2026-01-01T00:00:00Z' }), null, DEFAULT_CLOCK_POLICY, fixedClock(now).now()).disclose;
    expect(clock).toEqual({ due: '2026-04-01', status, daysLeft, urgency, metAt: null, evidence: 'none' });
  });

  it('warns and urges by the org\'s own days', () => {
    const clock = runClock(Date.parse('2026-01-01T00:00:00Z'), 30, null, policyIn('UTC', { warnDays: 20, urgentDays: 10 }), fixedClock('2026-01-11T00:00:00Z').now());
    expect([clock.due, clock.daysLeft, clock.urgency]).toEqual(['2026-01-31', 20, 'soon']);
  });

  const met: [string, Partial<DeskAdvisory>, string, string][] = [
    ['published', { state: 'published', publishedAt: '2026-05-01T00:00:00Z' }, '2026-05-01T00:00:00Z', 'published'],
    ['published without a date (a file record): its updated_at', { state: 'published', updatedAt: '2026-05-02T00:00:00Z' }, '2026-05-02T00:00:00Z', 'published'],
    ['closed', { state: 'closed', closedAt: '2026-03-04T00:00:00Z' }, '2026-03-04T00:00:00Z', 'closed'],
    ['withdrawn after it was published: disclosed when published', { state: 'withdrawn', publishedAt: '2026-04-01T00:00:00Z', withdrawnAt: '2026-04-09T00:00:00Z' }, '2026-04-01T00:00:00Z', 'published'],
    ['withdrawn with no publication date', { state: 'withdrawn', withdrawnAt: '2026-04-09T00:00:00Z' }, '2026-04-09T00:00:00Z', 'closed'],
  ];
  it.each(met)('is met when %s, even after its due day', (_name, overrides, metAt, evidence) => {
    const clock = advisoryClocks(deskAdvisory({ createdAt: '2026-01-01T00:00:00Z', ...overrides }), null, DEFAULT_CLOCK_POLICY, fixedClock('2026-12-31T00:00:00Z').now()).disclose;
    expect(clock).toEqual({ due: '2026-04-01', status: 'met', daysLeft: null, urgency: 'none', metAt, evidence });
  });

  it('a draft reopened after it was closed is not met by the old closed_at', () => {
    const clock = advisoryClocks(deskAdvisory({ state: 'draft', createdAt: '2026-01-01T00:00:00Z', closedAt: '2026-01-05T00:00:00Z' }), null, DEFAULT_CLOCK_POLICY, fixedClock('2026-01-10T00:00:00Z').now()).disclose;
    expect([clock.status, clock.evidence]).toEqual(['due', 'none']);
  });
});

describe('the acknowledge clock when answered', () => {
  it('is met with the answer\'s time and evidence, even when late', () => {
    const clock = advisoryClocks(deskAdvisory({ createdAt: '2026-03-01T10:00:00Z' }), { at: '2026-03-09T00:00:00Z', evidence: 'observed-transition' }, DEFAULT_CLOCK_POLICY, fixedClock('2026-03-10T00:00:00Z').now()).acknowledge;
    expect(clock).toEqual({ due: '2026-03-04', status: 'met', daysLeft: null, urgency: 'none', metAt: '2026-03-09T00:00:00Z', evidence: 'observed-transition' });
  });
});

describe('a policy the clocks cannot run on', () => {
  it.each([
    ['an unknown zone', policyIn('Mars/Olympus_Mons'), /unknown time zone "Mars\/Olympus_Mons": name an IANA time zone/],
    ['an empty zone', policyIn(''), /time zone is empty/],
    ['negative days', policyIn('UTC', { discloseDays: -1 }), /discloseDays must be a whole number/],
    ['fractional days', policyIn('UTC', { acknowledgeDays: 2.5 }), /acknowledgeDays must be a whole number/],
    ['urgent before soon', policyIn('UTC', { warnDays: 5, urgentDays: 7 }), /urgentDays \(7\) is more than warnDays \(5\)/],
  ])('%s is invalid-config with a clear message', (_name, policy, message) => {
    let error: unknown;
    try {
      advisoryClocks(deskAdvisory(), null, policy, fixedClock('2026-03-01T00:00:00Z').now());
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ChainwatchError);
    expect((error as ChainwatchError).code).toBe('invalid-config');
    expect((error as ChainwatchError).message).toMatch(message);
  });

  it('a created_at that is not a date names the advisory', () => {
    expect(() => advisoryClocks(deskAdvisory({ createdAt: '01/03/2026' }), null, DEFAULT_CLOCK_POLICY, fixedClock('2026-03-01T00:00:00Z').now())).toThrow(/GHSA-aaaa-bbbb-cccc: created_at/);
  });
});

describe('calendar helpers', () => {
  it('calendarDate writes the zone\'s Gregorian date with Latin digits', () => {
    expect(calendarDate(new Date('2028-02-28T23:30:00Z'), 'Pacific/Kiritimati')).toBe('2028-02-29');
    expect(calendarDate(Date.parse('2028-02-28T23:30:00Z'), 'Pacific/Pago_Pago')).toBe('2028-02-28');
    expect(calendarDate(new Date('2026-12-31T23:00:00Z'), 'Europe/Berlin')).toBe('2027-01-01');
  });

  it.each([
    ['2028-02-28', 1, '2028-02-29'],
    ['2028-02-29', 1, '2028-03-01'],
    ['2027-02-28', 1, '2027-03-01'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2026-03-28', 3, '2026-03-31'],
    ['2026-03-01', 0, '2026-03-01'],
    ['2100-02-28', 1, '2100-03-01'],
  ])('addDays(%s, %i) = %s', (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
    expect(daysBetween(date, expected)).toBe(days);
  });
});

describe('the examples in lifecycle.md', () => {
  it('are what the clocks compute', async () => {
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(new URL('./lifecycle.md', import.meta.url), 'utf8');
    const examples = [...text.matchAll(/^\| (\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}) \| ([A-Za-z_/]+)[^|]* \| (\S+) \| (\S+) \| (\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}) \| (\S+) \|$/gm)];
    expect(examples.length).toBe(6);
    for (const [line, createdDay, createdTime, timeZone, , acknowledgeDue, overdueDay, overdueTime, discloseDue] of examples) {
      const advisory = deskAdvisory({ state: 'triage', createdAt: `${createdDay}T${createdTime}:00Z` });
      const overdueFrom = Date.parse(`${overdueDay}T${overdueTime}:00Z`);
      const before = advisoryClocks(advisory, null, policyIn(timeZone!), new Date(overdueFrom - 1000));
      const after = advisoryClocks(advisory, null, policyIn(timeZone!), new Date(overdueFrom));
      expect([before.acknowledge.due, before.acknowledge.status, after.acknowledge.status, before.disclose.due], line).toEqual([acknowledgeDue, 'due', 'overdue', discloseDue]);
    }
  });
});
