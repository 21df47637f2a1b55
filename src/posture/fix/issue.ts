import type { CheckResult } from '../types.js';
import type { GithubWrites, IssueRef } from './github-writes.js';

/** The label chainwatch puts on its issues, and looks for them by. */
export const ISSUE_LABEL = 'chainwatch';

export type IssueOutcome =
  | { kind: 'opened' | 'updated' | 'reopened' | 'closed'; issue: IssueRef }
  /** Nothing to do: the check passes and no issue is open, or the issue already says this. */
  | { kind: 'unchanged'; issue: IssueRef | null }
  /** The check could not be evaluated (not-available, error): the issue is left as it is. */
  | { kind: 'left-alone'; issue: IssueRef | null; reason: string };

/** Hidden in the body: how an issue is found again, whatever its title became. */
export function issueMarker(repo: string, check: string): string {
  return `<!-- chainwatch:posture repo=${repo.toLowerCase()} check=${check} -->`;
}

export interface IssueText {
  title: string;
  /** Everything but the marker, which syncIssue adds. */
  body: string;
}

/**
 * Keeps exactly one issue per repository and check:
 *   - the check fails or is partial (and is not waived): update the issue
 *     that carries the marker (reopening a closed one), or open one;
 *   - the check passes, is not applicable, or is waived: close the open issue;
 *   - the check could not be evaluated: touch nothing (could not tell is not passing).
 * Issues are found by the label and the hidden marker; when several carry the
 * marker (made by hand), the open one with the lowest number is kept.
 */
export async function syncIssue(writes: GithubWrites, repo: string, check: CheckResult, text: IssueText): Promise<IssueOutcome> {
  const marker = issueMarker(repo, check.id);
  const candidates = (await writes.listIssues(repo, { label: ISSUE_LABEL })).filter((issue) => issue.body.includes(marker));
  const existing =
    candidates.filter((issue) => issue.state === 'open').sort((a, b) => a.number - b.number)[0] ??
    candidates.sort((a, b) => b.number - a.number)[0] ??
    null;
  const body = `${text.body.trimEnd()}\n\n${marker}\n`;

  if (check.outcome === 'not-available' || check.outcome === 'error') {
    return { kind: 'left-alone', issue: existing, reason: `${check.id} is ${check.outcome}: ${check.summary}` };
  }
  const failing = (check.outcome === 'fail' || check.outcome === 'partial') && !check.waiver;
  if (failing) {
    if (existing === null) return { kind: 'opened', issue: await writes.createIssue(repo, { title: text.title, body, labels: [ISSUE_LABEL] }) };
    if (existing.state === 'closed') return { kind: 'reopened', issue: await writes.updateIssue(repo, existing.number, { title: text.title, body, state: 'open' }) };
    if (existing.body === body && existing.title === text.title) return { kind: 'unchanged', issue: existing };
    return { kind: 'updated', issue: await writes.updateIssue(repo, existing.number, { title: text.title, body }) };
  }
  if (existing === null || existing.state === 'closed') return { kind: 'unchanged', issue: existing };
  return { kind: 'closed', issue: await writes.updateIssue(repo, existing.number, { body, state: 'closed' }) };
}
