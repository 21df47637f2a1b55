/**
 * The GitHub calls the desk's actions make (enforce, the github-issue
 * notifier), declared here and implemented over the collector's transport
 * (posture/collect/github/transport.ts) in disclosure/collect/, so that
 * enforce and the notifiers are tested against an in-memory fake and the
 * real implementation against test/fake-github.
 *
 * Every method throws a HostError when GitHub answers with an error other
 * than the one it returns as a value: `status` is GitHub's (401, 403, 404,
 * 422, 5xx after the retries) and the message holds no credential.
 */
import type { DeskAdvisory } from './types.js';

/** One repository advisory on GitHub. */
export interface AdvisoryReference {
  owner: string;
  repo: string;
  ghsaId: string;
}

/**
 * The body of `PATCH /repos/{owner}/{repo}/security-advisories/{ghsa_id}`
 * that enforce sends: GitHub replaces both lists with what is given, so they
 * always hold every collaborator the advisory already had.
 */
export interface CollaboratorPatch {
  collaborating_users: string[];
  /** Slugs of teams of the advisory's own organisation. */
  collaborating_teams: string[];
}

export interface IssueReference {
  owner: string;
  repo: string;
  issue: number;
}

export interface DeskGithub {
  /**
   * `GET /repos/{owner}/{repo}/security-advisories/{ghsa_id}`: the advisory
   * as it is now, normalised; null when GitHub answers 404 (gone, or the
   * token cannot see it).
   */
  fetchAdvisory(advisory: AdvisoryReference): Promise<DeskAdvisory | null>;
  /**
   * `PATCH /repos/{owner}/{repo}/security-advisories/{ghsa_id}` with `body`;
   * the advisory as GitHub answered it. Needs a token of a repository admin
   * or security manager with security advisories write.
   */
  updateAdvisory(advisory: AdvisoryReference, body: CollaboratorPatch): Promise<DeskAdvisory>;
  /**
   * `POST /repos/{owner}/{repo}/issues/{issue_number}/comments` with
   * `{ body }`; the new comment's `html_url`. Needs issues write on the repository.
   */
  createIssueComment(issue: IssueReference, body: string): Promise<{ url: string }>;
}
