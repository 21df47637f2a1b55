import type { Finding, OrgFacts, ProbeOutcome, ProbeResult, RepoFacts } from '../types.js';

/**
 * What every probe declares about itself (STYLE rule 10: plugins say what they need,
 * so that an offline or local run can leave a probe out and say why).
 */
export interface ProbeMetadata {
  /** camelCase yes/no question, the probe's stable id: `hasDependabotConfig`. */
  id: string;
  /** The question in words, answered by `true`/`false`. */
  question: string;
  /** Why the answer matters. */
  why: string;
  /** How to turn a bad answer into a good one. */
  fix: string;
  /** Where its facts come from: files of the repo, git history, or the GitHub API. */
  needs: 'files' | 'git' | 'api';
}

/** Thresholds the time-based probes use; the checks pass them in (defaults in DEFAULT_POSTURE_SETTINGS). */
export interface PostureSettings {
  /** A commit this recent makes a repository "active". */
  recentCommitDays: number;
  /** A release this recent counts as a recent release. */
  recentReleaseDays: number;
  /** No commit and no release for this long: finished or abandoned. */
  inactiveAfterDays: number;
  /** An org member with no activity for this long is inactive. */
  inactiveMemberDays: number;
  /** An update bot's pull request open for longer than this is stale. */
  stalePullRequestDays: number;
}

export const DEFAULT_POSTURE_SETTINGS: PostureSettings = {
  recentCommitDays: 90,
  recentReleaseDays: 365,
  inactiveAfterDays: 365,
  inactiveMemberDays: 180,
  stalePullRequestDays: 30,
};

/** Probes are pure: "now" and the thresholds come in, never from the system clock. */
export interface ProbeContext {
  now: Date;
  settings: PostureSettings;
}

/** The evidence of a probe that has nothing to add to its outcome and findings. */
export type NoEvidence = Readonly<Record<never, never>>;

/**
 * A probe's answer: the shared ProbeResult plus the evidence behind it, typed
 * per probe (each probe declares its evidence type, so a check that reads a
 * field the probe does not give, or a renamed one, does not compile).
 * (ProbeResult in ../types.ts has no place for evidence; this adds one without changing it.)
 */
export interface ProbeAnswer<Evidence = NoEvidence> extends ProbeResult {
  evidence: Evidence;
}

export interface RepoProbe<Evidence = NoEvidence> {
  metadata: ProbeMetadata;
  run(facts: RepoFacts, context: ProbeContext): ProbeAnswer<Evidence>;
}

export interface OrgProbe<Evidence = NoEvidence> {
  metadata: ProbeMetadata;
  run(facts: OrgFacts, context: ProbeContext): ProbeAnswer<Evidence>;
}

/**
 * An answer without evidence fits only a probe whose evidence fields are all
 * optional: a probe that promises a field must give it on every path.
 */
export function answer(probe: string, outcome: ProbeOutcome, findings?: Finding[]): ProbeAnswer;
export function answer<Evidence>(probe: string, outcome: ProbeOutcome, findings: Finding[], evidence: Evidence): ProbeAnswer<Evidence>;
export function answer(probe: string, outcome: ProbeOutcome, findings: Finding[] = [], evidence: unknown = {}): ProbeAnswer<unknown> {
  return { probe, outcome, findings, evidence };
}

/** `true`/`false` from a boolean. */
export function yesNo(value: boolean): 'true' | 'false' {
  return value ? 'true' : 'false';
}
