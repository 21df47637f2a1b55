/**
 * When an advisory was answered: GitHub records no date for leaving triage,
 * so the desk reads it from what the store observed run after run, from the
 * advisory itself, and from acknowledgements recorded by hand. Pure functions:
 * the run's clock is passed in, nothing here reads the time or the store.
 *
 * The evidence, and the time each one gives:
 * - `observed-transition`: a run saw the advisory in `triage` and a later run
 *   saw it out of triage; the later run's time (it left at the latest then).
 * - `updated-at-when-first-seen`: the first run that saw the advisory already
 *   saw it out of triage; the advisory's `updated_at` recorded by that run
 *   (leaving triage is an update, so it cannot have happened later).
 * - `submission-accepted`: `submission.accepted` is true but nothing above
 *   gives a time (a record still in `triage` that says it was accepted, as a
 *   manual record can); the advisory's `updated_at`. On GitHub, accepting a
 *   report moves it to `draft`, so the state history gives the time and names
 *   it instead.
 * - `manual-acknowledgement`: recorded with `advisories ack` or in the manual
 *   file; its time.
 * The earliest time wins (the report was answered then); on equal times the
 * state history is named before a manual acknowledgement.
 *
 * The desk's report is as of `now`: observations and acknowledgements dated
 * after it are not counted, so `--now` in the past replays what was known
 * then. The first exit from triage counts even if the advisory went back to
 * triage later: the reporter was answered, the clock does not restart.
 */
import { ChainwatchError } from '../core/errors.js';
import type { AdvisoryObservation, ClockEvidence, DeskAdvisory, ManualAcknowledgement } from './types.js';

/** When an advisory left triage (was answered), and what proves it. */
export interface TriageExit {
  at: string;
  evidence: Exclude<ClockEvidence, 'published' | 'closed' | 'none'>;
}

/** The observation a run records for an advisory it saw at `now`. */
export function observationFor(advisory: DeskAdvisory, now: Date): AdvisoryObservation {
  return { advisoryId: advisory.id, observedAt: now.toISOString(), state: advisory.state, updatedAt: advisory.updatedAt };
}

/**
 * When `advisory` left triage, or null while nothing shows it was answered.
 * `observations`: what the store recorded of it (any order; other advisories'
 * are a bug); the advisory as it is now counts as one more observation at `now`.
 */
export function leftTriage(
  advisory: DeskAdvisory,
  observations: readonly AdvisoryObservation[],
  acknowledgement: ManualAcknowledgement | null,
  now: Date,
): TriageExit | null {
  const nowMs = now.getTime();
  const history = observations
    .map((observation, index) => {
      if (observation.advisoryId !== advisory.id) throw new Error(`observation of ${observation.advisoryId} passed for ${advisory.id}`);
      return { observation, time: instant(observation.observedAt, 'observedAt', advisory.id), index };
    })
    .filter((entry) => entry.time <= nowMs)
    // Oldest first; the store already orders them, equal times keep its order.
    .sort((a, b) => a.time - b.time || a.index - b.index)
    .map((entry) => entry.observation);
  history.push(observationFor(advisory, now));

  const candidates: TriageExit[] = [];
  const fromState = exitFromStates(history);
  if (fromState !== null) candidates.push(fromState);
  else if (advisory.submissionAccepted === true) candidates.push({ at: advisory.updatedAt, evidence: 'submission-accepted' });
  if (acknowledgement !== null) {
    if (acknowledgement.advisoryId !== advisory.id) throw new Error(`acknowledgement of ${acknowledgement.advisoryId} passed for ${advisory.id}`);
    if (instant(acknowledgement.at, 'acknowledgement', advisory.id) <= nowMs) candidates.push({ at: acknowledgement.at, evidence: 'manual-acknowledgement' });
  }
  let earliest: TriageExit | null = null;
  for (const candidate of candidates) {
    if (earliest === null || instant(candidate.at, candidate.evidence, advisory.id) < instant(earliest.at, earliest.evidence, advisory.id)) earliest = candidate;
  }
  return earliest;
}

/** The first exit from triage in a run of observations, oldest first. */
function exitFromStates(history: readonly AdvisoryObservation[]): TriageExit | null {
  let seenInTriage = false;
  for (const observation of history) {
    if (observation.state === 'triage') {
      seenInTriage = true;
      continue;
    }
    return seenInTriage ? { at: observation.observedAt, evidence: 'observed-transition' } : { at: observation.updatedAt, evidence: 'updated-at-when-first-seen' };
  }
  return null;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/**
 * Milliseconds since the epoch of an ISO date of the model. The collectors
 * validate dates at the boundary; one that does not parse here is a record
 * the desk cannot put on a clock, named with the advisory.
 */
export function instant(iso: string, field: string, advisoryId: string): number {
  // A time without a zone would be read in the machine's zone: two runs could disagree.
  const time = ISO_INSTANT.test(iso) ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(time)) throw new ChainwatchError('invalid-advisory', `${advisoryId}: ${field} is not an ISO date with a time zone: ${JSON.stringify(iso)}`);
  return time;
}
