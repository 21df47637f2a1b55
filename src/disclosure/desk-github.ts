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

/**
 * The positional signatures are those of disclosure/collect/github.ts's
 * AdvisoryGithub, which therefore is a DeskGithub as it is.
 */
export interface DeskGithub {
  /**
   * `GET /repos/{owner}/{repo}/security-advisories/{ghsa_id}`: the advisory
   * as it is now, normalised. Absent (gone, or the token cannot see it): a
   * HostError with status 404, or null.
   */
  fetchAdvisory(owner: string, repo: string, ghsaId: string): Promise<DeskAdvisory | null>;
  /**
   * `PATCH /repos/{owner}/{repo}/security-advisories/{ghsa_id}` with `patch`;
   * the advisory as GitHub answered it. Needs a token of a repository admin
   * or security manager with security advisories write.
   */
  updateAdvisory(owner: string, repo: string, ghsaId: string, patch: CollaboratorPatch): Promise<DeskAdvisory>;
  /**
   * `POST /repos/{owner}/{repo}/issues/{issue_number}/comments` with
   * `{ body }`; the new comment's `html_url` when GitHub gives it. Needs
   * issues write on the repository. Not retried (GitHub may have posted it).
   */
  createIssueComment(owner: string, repo: string, issue: number, body: string): Promise<{ htmlUrl: string | null }>;
}
