import type { CheckId } from '../types.js';

/** The checks `chainwatch fix` can write a patch for; every check can have an issue (`--issue`). */
export const FIXABLE_CHECKS = ['dependency-update-tool', 'pinned-actions', 'token-permissions'] as const satisfies readonly CheckId[];
export type FixableCheckId = (typeof FIXABLE_CHECKS)[number];

export function isFixableCheck(id: string): id is FixableCheckId {
  return (FIXABLE_CHECKS as readonly string[]).includes(id);
}

/** One file's content before and after a fix. */
export interface FileChange {
  /** Repository-relative, `/`-separated. */
  path: string;
  /** null when the fix creates the file. */
  before: string | null;
  after: string;
}

/**
 * Something the patch does not do, or that a reviewer should look at:
 *  - `unresolved`: a change that could not be made (a tag the API could not resolve);
 *  - `skipped`: a file left alone (unparsable, a case the fix does not handle);
 *  - `review`: the patch is made, but a human should check a consequence.
 */
export interface FixNote {
  kind: 'unresolved' | 'skipped' | 'review';
  file?: string;
  line?: number;
  message: string;
  /** An `unresolved` change GitHub could have answered, had it been asked (no token, unreachable): what to ask (`owner/repo@ref`). */
  needsGithub?: string;
}

/** What a fix would change in one repository. Pure data: printing it, committing it or opening a PR is the caller's. */
export interface FixPlan {
  repo: string;
  check: FixableCheckId;
  changes: FileChange[];
  notes: FixNote[];
  /** A commit subject / PR title. */
  title: string;
  /** Markdown for a PR body: what changed and why. */
  description: string;
}
