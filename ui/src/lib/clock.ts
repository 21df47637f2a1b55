import type { ClockState } from '../router.js';

/**
 * A desk advisory's clock state as the report counts it
 * (src/audit/report-model.ts clockState): met, overdue, due with some urgency
 * (`due-soon`), or due. An advisory counts once, by its worse clock.
 */
export interface ClockLike {
  status: 'met' | 'due' | 'overdue';
  urgency: 'none' | 'soon' | 'urgent';
}

export function clockState(clock: ClockLike): ClockState {
  if (clock.status === 'met') return 'met';
  if (clock.status === 'overdue') return 'overdue';
  return clock.urgency === 'none' ? 'due' : 'due-soon';
}

const ORDER: readonly ClockState[] = ['overdue', 'due-soon', 'due', 'met'];

export function worstClock(clocks: { acknowledge: ClockLike; disclose: ClockLike }): ClockState {
  const states = [clockState(clocks.acknowledge), clockState(clocks.disclose)];
  return ORDER.find((state) => states.includes(state))!;
}

/** `overdue 3 days (due 2026-05-01)`, `due in 5 days (2026-05-09)`, `met 2026-04-30`: as `advisories list` says it. */
export function describeClock(clock: ClockLike & { due: string; days_left: number | null; met_at?: string | null }): string {
  if (clock.status === 'met') return `met ${clock.met_at?.slice(0, 10) ?? ''}`.trim();
  const days = clock.days_left ?? 0;
  if (clock.status === 'overdue') return `overdue ${-days} day${days === -1 ? '' : 's'} (due ${clock.due})`;
  const when = days === 0 ? 'due today' : `due in ${days} day${days === 1 ? '' : 's'}`;
  return clock.urgency === 'none' ? `${when} (${clock.due})` : `${when} (${clock.due}, ${clock.urgency})`;
}
