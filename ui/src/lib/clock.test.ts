import { describe, expect, it } from 'vitest';
import { clockState, describeClock, worstClock } from './clock.js';

describe('desk clocks', () => {
  it('reads a clock as the report counts it', () => {
    expect(clockState({ status: 'met', urgency: 'none' })).toBe('met');
    expect(clockState({ status: 'overdue', urgency: 'urgent' })).toBe('overdue');
    expect(clockState({ status: 'due', urgency: 'soon' })).toBe('due-soon');
    expect(clockState({ status: 'due', urgency: 'urgent' })).toBe('due-soon');
    expect(clockState({ status: 'due', urgency: 'none' })).toBe('due');
  });

  it('counts an advisory by its worse clock', () => {
    expect(worstClock({ acknowledge: { status: 'met', urgency: 'none' }, disclose: { status: 'due', urgency: 'soon' } })).toBe('due-soon');
    expect(worstClock({ acknowledge: { status: 'overdue', urgency: 'urgent' }, disclose: { status: 'due', urgency: 'none' } })).toBe('overdue');
    expect(worstClock({ acknowledge: { status: 'met', urgency: 'none' }, disclose: { status: 'met', urgency: 'none' } })).toBe('met');
  });

  it('says a clock in words', () => {
    expect(describeClock({ status: 'overdue', urgency: 'urgent', due: '2026-04-23', days_left: -11, met_at: null })).toBe('overdue 11 days (due 2026-04-23)');
    expect(describeClock({ status: 'overdue', urgency: 'urgent', due: '2026-04-23', days_left: -1, met_at: null })).toBe('overdue 1 day (due 2026-04-23)');
    expect(describeClock({ status: 'due', urgency: 'soon', due: '2026-05-30', days_left: 1, met_at: null })).toBe('due in 1 day (2026-05-30, soon)');
    expect(describeClock({ status: 'due', urgency: 'none', due: '2026-05-30', days_left: 0, met_at: null })).toBe('due today (2026-05-30)');
    expect(describeClock({ status: 'met', urgency: 'none', due: '2026-05-30', days_left: null, met_at: '2026-03-02T08:00:00Z' })).toBe('met 2026-03-02');
  });
});
