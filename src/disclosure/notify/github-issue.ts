/**
 * A comment on one issue of the private tracking repository, in Markdown.
 * The token needs issues write on that repository (fine-grained "Issues:
 * write"; classic `repo`, since the repository is private).
 */
import { ChainwatchError, HostError } from '../../core/errors.js';
import type { NotifierConfig } from '../types.js';
import { MESSAGE_LIMITS, renderDigest, type Digest, type RenderedDigest } from './digest.js';
import type { Notifier, NotifierContext, SentDigest } from './types.js';

type GithubIssueConfig = Extract<NotifierConfig, { type: 'github-issue' }>;

export function createGithubIssueNotifier(config: GithubIssueConfig, context: NotifierContext): Notifier {
  const channel = `github-issue:${config.repo}#${config.issue}`;
  const [owner, repo, ...rest] = config.repo.split('/');

  function problem(): string | null {
    if (!owner || !repo || rest.length > 0) return `github-issue notifier: repo must be owner/name, not "${config.repo}"`;
    if (!Number.isInteger(config.issue) || config.issue < 1) return `github-issue notifier: issue must be an issue number, not ${config.issue}`;
    if (!context.github) return `github-issue notifier ${config.repo}#${config.issue}: no GitHub client (a token is needed: issues write on ${config.repo})`;
    return null;
  }

  function render(digest: Digest): RenderedDigest {
    return renderDigest(digest, 'markdown', MESSAGE_LIMITS.githubComment);
  }

  return {
    type: 'github-issue',
    channel,
    check: problem,
    render,
    async send(digest: Digest): Promise<SentDigest> {
      const wrong = problem();
      if (wrong || !context.github || !owner || !repo) throw new ChainwatchError('invalid-config', wrong ?? 'github-issue notifier: not configured');
      const rendered = render(digest);
      try {
        const comment = await context.github.createIssueComment(owner, repo, config.issue, rendered.body);
        return { ...rendered, detail: comment.htmlUrl };
      } catch (error) {
        if (error instanceof HostError) {
          throw new HostError(channel, `commenting on ${config.repo}#${config.issue} failed: ${explain(error, config.repo)}`, {
            ...(error.status === undefined ? {} : { status: error.status }),
            retryable: error.retryable,
          });
        }
        throw error;
      }
    },
  };
}

function explain(error: HostError, repo: string): string {
  switch (error.status) {
    case 401:
      return 'GitHub refused the token (401)';
    case 403:
      return `the token may not comment there (403): the github-issue notifier needs issues write on ${repo}`;
    case 404:
      return 'not found (404): check the repository and issue number, and that the token can see the private repository';
    case 410:
      return 'the issue was deleted or issues are disabled on the repository (410)';
    default:
      return error.message;
  }
}
