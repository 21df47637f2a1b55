import { checkDefinition } from '../../posture/checks/index.js';
import { CHECK_IDS, ORG_CHECK_IDS, type CheckOutcome } from '../../posture/types.js';
import type { AnyCheckId } from './types.js';

/**
 * A view of the check definitions (src/posture/checks/<id>.ts, the one place
 * their texts live) for the renderers, which also accept ids they do not know
 * (a report read back from JSON): those show their id and no text.
 */
export interface CheckText {
  /** Table column header. */
  column: string;
  title: string;
  why: string;
  fix: string;
}

export function checkText(id: string): CheckText {
  if (!isCheckId(id)) return { column: id, title: id, why: '', fix: '' };
  const { column, title, why, fix } = checkDefinition(id);
  return { column, title, why, fix };
}

/** The order checks appear in every report: the shared CHECK_IDS order, then org checks. */
export const CHECK_ORDER: readonly AnyCheckId[] = [...CHECK_IDS, ...ORG_CHECK_IDS];

function isCheckId(id: string): id is AnyCheckId {
  return (CHECK_ORDER as readonly string[]).includes(id);
}

export function checkRank(id: string): number {
  const index = (CHECK_ORDER as readonly string[]).indexOf(id);
  return index === -1 ? CHECK_ORDER.length : index;
}

/** Short outcome words for the matrix: failures shout, "could not tell" stays quiet. */
export const OUTCOME_LABEL: Record<CheckOutcome, string> = {
  pass: 'pass',
  partial: 'PARTIAL',
  fail: 'FAIL',
  'not-available': 'n/a',
  'not-applicable': '-',
  error: 'ERROR',
};

/** Outcomes that ask someone to act (when not waived). */
export function needsAction(outcome: CheckOutcome): boolean {
  return outcome === 'fail' || outcome === 'partial';
}
