import { describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.js';
import { ChainwatchError } from '../core/errors.js';
import { leftTriage, observationFor, type TriageExit } from './lifecycle.js';
import { deskAdvisory, observed } from './lifecycle.fixture.js';
import type { AdvisoryObservation, DeskAdvisory, ManualAcknowledgement } from './types.js';

const NOW = fixedClock('2026-03-10T12:00:00Z').now();

function ack(at: string): ManualAcknowledgement {
  return { advisoryId: 'GHSA-aaaa-bbbb-cccc', at, by: 'coordinator', note: 'answered by mail' };
}

describe('observationFor', () => {
  it('records the advisory as the run saw it, at the run time', () => {
    const advisory = deskAdvisory({ state: 'published', updatedAt: '2026-03-09T08:00:00Z' });
    expect(observationFor(advisory, NOW)).toEqual({ advisoryId: 'GHSA-aaaa-bbbb-cccc', observedAt: '2026-03-10T12:00:00.000Z', state: 'published', updatedAt: '2026-03-09T08:00:00Z' });
  });
});

describe('leftTriage', () => {
  const rows: [string, Partial<DeskAdvisory>, AdvisoryObservation[], ManualAcknowledgement | null, TriageExit | null][] = [
    ['in triage, never seen: not answered', { state: 'triage' }, [], null, null],
    ['in triage in every run: not answered', { state: 'triage' }, [observed('2026-03-02T00:00:00Z', 'triage'), observed('2026-03-03T00:00:00Z', 'triage')], null, null],
    ['first seen now, already a draft: its updated_at', { state: 'draft', updatedAt: '2026-03-04T09:30:00Z' }, [], null, { at: '2026-03-04T09:30:00Z', evidence: 'updated-at-when-first-seen' }],
    [
      'first seen out of triage by an earlier run: that run\'s updated_at, not today\'s',
      { state: 'published', updatedAt: '2026-03-09T00:00:00Z' },
      [observed('2026-03-05T00:00:00Z', 'draft', '2026-03-03T07:00:00Z')],
      null,
      { at: '2026-03-03T07:00:00Z', evidence: 'updated-at-when-first-seen' },
    ],
    [
      'seen in triage, then out: the later run\'s time',
      { state: 'published' },
      [observed('2026-03-02T00:00:00Z', 'triage'), observed('2026-03-04T00:00:00Z', 'draft', '2026-03-03T23:00:00Z'), observed('2026-03-06T00:00:00Z', 'published')],
      null,
      { at: '2026-03-04T00:00:00Z', evidence: 'observed-transition' },
    ],
    ['seen in triage by every earlier run, out of triage now: this run\'s time', { state: 'draft' }, [observed('2026-03-02T00:00:00Z', 'triage')], null, { at: '2026-03-10T12:00:00.000Z', evidence: 'observed-transition' }],
    ['closed straight from triage (rejected, reporter told): answered then', { state: 'closed' }, [observed('2026-03-02T00:00:00Z', 'triage'), observed('2026-03-03T00:00:00Z', 'closed')], null, { at: '2026-03-03T00:00:00Z', evidence: 'observed-transition' }],
    [
      'observations out of order are read oldest first',
      { state: 'draft' },
      [observed('2026-03-04T00:00:00Z', 'draft'), observed('2026-03-02T00:00:00Z', 'triage'), observed('2026-03-03T00:00:00Z', 'draft')],
      null,
      { at: '2026-03-03T00:00:00Z', evidence: 'observed-transition' },
    ],
    [
      'observations after --now are not known yet',
      { state: 'draft' },
      [observed('2026-03-02T00:00:00Z', 'triage'), observed('2026-03-11T00:00:00Z', 'draft')],
      null,
      { at: '2026-03-10T12:00:00.000Z', evidence: 'observed-transition' },
    ],
    [
      'back in triage later: the first exit counts',
      { state: 'triage' },
      [observed('2026-03-02T00:00:00Z', 'triage'), observed('2026-03-03T00:00:00Z', 'draft'), observed('2026-03-04T00:00:00Z', 'triage')],
      null,
      { at: '2026-03-03T00:00:00Z', evidence: 'observed-transition' },
    ],
    ['accepted while the record still says triage (a manual record): its updated_at', { state: 'triage', submissionAccepted: true, updatedAt: '2026-03-05T00:00:00Z' }, [], null, { at: '2026-03-05T00:00:00Z', evidence: 'submission-accepted' }],
    [
      'accepted and a draft: the state history names the time',
      { state: 'draft', submissionAccepted: true, updatedAt: '2026-03-05T00:00:00Z' },
      [observed('2026-03-02T00:00:00Z', 'triage'), observed('2026-03-03T00:00:00Z', 'draft')],
      null,
      { at: '2026-03-03T00:00:00Z', evidence: 'observed-transition' },
    ],
    ['not accepted (false) is no evidence', { state: 'triage', submissionAccepted: false }, [], null, null],
    ['acknowledged by hand while in triage', { state: 'triage' }, [observed('2026-03-02T00:00:00Z', 'triage')], ack('2026-03-02T18:00:00Z'), { at: '2026-03-02T18:00:00Z', evidence: 'manual-acknowledgement' }],
    [
      'acknowledged by hand before it left triage: the earlier answer wins',
      { state: 'draft' },
      [observed('2026-03-02T00:00:00Z', 'triage'), observed('2026-03-08T00:00:00Z', 'draft')],
      ack('2026-03-03T00:00:00Z'),
      { at: '2026-03-03T00:00:00Z', evidence: 'manual-acknowledgement' },
    ],
    [
      'acknowledged by hand after it left triage: the transition wins',
      { state: 'draft' },
      [observed('2026-03-02T00:00:00Z', 'triage'), observed('2026-03-03T00:00:00Z', 'draft')],
      ack('2026-03-05T00:00:00Z'),
      { at: '2026-03-03T00:00:00Z', evidence: 'observed-transition' },
    ],
    [
      'at the same instant: the state history is named',
      { state: 'draft' },
      [observed('2026-03-02T00:00:00Z', 'triage'), observed('2026-03-03T00:00:00Z', 'draft')],
      ack('2026-03-03T00:00:00.000Z'),
      { at: '2026-03-03T00:00:00Z', evidence: 'observed-transition' },
    ],
    ['an acknowledgement dated after --now is not known yet', { state: 'triage' }, [], ack('2026-03-11T00:00:00Z'), null],
  ];

  it.each(rows)('%s', (_name, overrides, observations, acknowledgement, expected) => {
    expect(leftTriage(deskAdvisory(overrides), observations, acknowledgement, NOW)).toEqual(expected);
  });

  it('refuses another advisory\'s observations or acknowledgement (a wiring bug)', () => {
    const advisory = deskAdvisory({ state: 'draft' });
    expect(() => leftTriage(advisory, [observed('2026-03-02T00:00:00Z', 'triage', undefined, 'GHSA-other')], null, NOW)).toThrow(/GHSA-other passed for GHSA-aaaa/);
    expect(() => leftTriage(advisory, [], { ...ack('2026-03-02T00:00:00Z'), advisoryId: 'GHSA-other' }, NOW)).toThrow(/GHSA-other/);
  });

  it.each([
    ['not a date', 'yesterday'],
    ['a time without a zone (read in the machine\'s zone)', '2026-03-02T10:00:00'],
  ])('an observation time that is %s is invalid-advisory, naming the advisory', (_name, observedAt) => {
    let error: unknown;
    try {
      leftTriage(deskAdvisory(), [observed(observedAt, 'triage')], null, NOW);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ChainwatchError);
    expect((error as ChainwatchError).code).toBe('invalid-advisory');
    expect((error as ChainwatchError).message).toMatch(/^GHSA-aaaa-bbbb-cccc: observedAt/);
  });
});
