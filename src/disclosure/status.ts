/**
 * One advisory's row of `advisories list`: when it left triage, its two
 * clocks and its problems, under the clocks of its own organisation; and the
 * order in which a report lists the rows.
 */
import { compareText } from '../core/compare.js';
import { advisoryClocks } from './clocks.js';
import { leftTriage } from './lifecycle.js';
import { clockPolicyFor } from './policy.js';
import { evaluateProblems, type ProblemNotEvaluated, type PypaAdvisoryIndex } from './problems.js';
import type { AdvisoryObservation, AdvisoryStatus, ClockResult, DeskAdvisory, DeskPolicy, ManualAcknowledgement } from './types.js';

/** An AdvisoryStatus, plus the problems that could not be evaluated and why (a report may show them; JSON readers may ignore them). */
export interface DeskAdvisoryStatus extends AdvisoryStatus {
  notEvaluated: ProblemNotEvaluated[];
}

/**
 * The status of `advisory` at `now`. `observations`: what the store recorded
 * of it (store.observations(...).get(id) ?? []); `acknowledgement`: the one
 * recorded by hand, if any; `pypaIndex`: a pypa/advisory-database checkout,
 * or null when none was given (then `not-in-pypa-db` is not evaluated).
 * Throws `invalid-config` when the org's clocks cannot run (a bad time zone)
 * and `invalid-advisory` for a date that does not parse.
 */
export function advisoryStatus(
  advisory: DeskAdvisory,
  observations: readonly AdvisoryObservation[],
  acknowledgement: ManualAcknowledgement | null,
  policy: DeskPolicy,
  now: Date,
  pypaIndex: PypaAdvisoryIndex | null,
): DeskAdvisoryStatus {
  const clockPolicy = clockPolicyFor(policy, advisory.owner);
  const answered = leftTriage(advisory, observations, acknowledgement, now);
  const clocks = advisoryClocks(advisory, answered, clockPolicy, now);
  const { problems, notEvaluated } = evaluateProblems({ advisory, policy, clockPolicy, clocks, now, pypaIndex });
  return { advisory, leftTriage: answered, clocks, problems, notEvaluated };
}

/**
 * The order of a report: advisories with an overdue clock first, then those
 * with a clock still running, then those with both clocks met; within each,
 * by the earliest due date among the clocks not met (the most overdue, or the
 * next due, first), then by advisory id, then repository, in code-point order
 * (core/compare.ts) so that every machine lists them the same way.
 */
export function compareStatuses(a: AdvisoryStatus, b: AdvisoryStatus): number {
  return (
    urgencyRank(a) - urgencyRank(b) ||
    compareText(earliestOpenDue(a), earliestOpenDue(b)) ||
    compareText(a.advisory.id, b.advisory.id) ||
    compareText(`${a.advisory.owner}/${a.advisory.repo}`, `${b.advisory.owner}/${b.advisory.repo}`)
  );
}

/** A sorted copy, in report order. */
export function sortStatuses<Status extends AdvisoryStatus>(statuses: readonly Status[]): Status[] {
  return [...statuses].sort(compareStatuses);
}

function clocksOf(status: AdvisoryStatus): ClockResult[] {
  return [status.clocks.acknowledge, status.clocks.disclose];
}

function urgencyRank(status: AdvisoryStatus): number {
  const clocks = clocksOf(status);
  if (clocks.some((clock) => clock.status === 'overdue')) return 0;
  return clocks.some((clock) => clock.status === 'due') ? 1 : 2;
}

/** `YYYY-MM-DD` dates order as text; both clocks met: '' (then the id decides). */
function earliestOpenDue(status: AdvisoryStatus): string {
  const open = clocksOf(status)
    .filter((clock) => clock.status !== 'met')
    .map((clock) => clock.due)
    .sort(compareText);
  return open[0] ?? '';
}
