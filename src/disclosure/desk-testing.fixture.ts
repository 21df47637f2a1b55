/**
 * Test doubles for the desk's actions: advisories and statuses with defaults,
 * an in-memory DisclosureStore (only what reminders and watch use, plus a
 * log of what was marked), and an in-memory GitHub implementing DeskGithub
 * that behaves as the REST API does: PATCH replaces the collaborator lists.
 */
import { HostError } from '../core/errors.js';
import type { CollaboratorPatch, DeskGithub } from './desk-github.js';
import type { DisclosureStore } from './store.js';
import type { AdvisoryStatus, ClockResult, DeskAdvisory, DeskPolicy } from './types.js';
import { DEFAULT_DESK_POLICY } from './policy.js';

export function advisory(fields: Partial<DeskAdvisory> = {}): DeskAdvisory {
  const ghsaId = fields.ghsaId === undefined ? (fields.id ?? 'GHSA-aaaa-bbbb-cccc') : fields.ghsaId;
  return {
    id: ghsaId ?? 'MAIL-2026-001',
    ghsaId,
    cveId: null,
    owner: 'jupyter',
    repo: 'notebook',
    repositoryPublic: true,
    htmlUrl: ghsaId ? `https://github.com/jupyter/notebook/security/advisories/${ghsaId}` : null,
    summary: 'XSS in the file browser',
    description: null,
    state: 'draft',
    createdAt: '2026-01-02T10:00:00Z',
    updatedAt: '2026-01-03T10:00:00Z',
    publishedAt: null,
    closedAt: null,
    withdrawnAt: null,
    submissionAccepted: null,
    credits: [],
    collaboratingUsers: [],
    collaboratingTeams: [],
    author: null,
    publisher: null,
    severity: 'high',
    cvss: [],
    cweIds: [],
    vulnerabilities: [],
    privateFork: null,
    references: [],
    origin: 'github-org',
    source: 'GET /orgs/jupyter/security-advisories',
    ...fields,
  };
}

export function policy(fields: Partial<DeskPolicy> = {}): DeskPolicy {
  return { ...DEFAULT_DESK_POLICY, ...fields };
}

export function clock(fields: Partial<ClockResult> = {}): ClockResult {
  return { due: '2026-04-02', status: 'due', daysLeft: 30, urgency: 'none', metAt: null, evidence: 'none', ...fields };
}

export function status(
  advisoryFields: Partial<DeskAdvisory>,
  clocks: { acknowledge?: Partial<ClockResult>; disclose?: Partial<ClockResult> } = {},
): AdvisoryStatus {
  return {
    advisory: advisory(advisoryFields),
    leftTriage: null,
    clocks: {
      acknowledge: clock({ status: 'met', daysLeft: null, metAt: '2026-01-03T10:00:00Z', evidence: 'observed-transition', due: '2026-01-05', ...clocks.acknowledge }),
      disclose: clock(clocks.disclose),
    },
    problems: [],
  };
}

export interface MemorySentStore extends Pick<DisclosureStore, 'sentKeys' | 'markSent'> {
  marked: { key: string; day: string; channel: string }[];
}

export function memorySentStore(): MemorySentStore {
  const marked: { key: string; day: string; channel: string }[] = [];
  return {
    marked,
    sentKeys(keys, day) {
      const wanted = new Set(keys);
      return new Set(marked.filter((one) => wanted.has(one.key) && (day === null || one.day === day)).map((one) => one.key));
    },
    markSent(keys, day, channel) {
      for (const key of keys) marked.push({ key, day, channel });
    },
  };
}

export interface MemoryGithub extends DeskGithub {
  advisories: Map<string, DeskAdvisory>;
  patches: { ghsaId: string; body: CollaboratorPatch }[];
  comments: { issue: { owner: string; repo: string; issue: number }; body: string }[];
  reads: string[];
  /** Status to fail with, per GHSA id and call. */
  failures: Map<string, { call: 'fetch' | 'update'; status: number }>;
  commentFailure: number | null;
}

export function memoryGithub(advisories: readonly DeskAdvisory[] = []): MemoryGithub {
  const github: MemoryGithub = {
    advisories: new Map(advisories.map((one) => [one.ghsaId ?? one.id, structuredClone(one)])),
    patches: [],
    comments: [],
    reads: [],
    failures: new Map(),
    commentFailure: null,
    // Absent is a 404 HostError, as the real implementation (disclosure/collect/github.ts) answers.
    async fetchAdvisory(owner: string, repo: string, ghsaId: string) {
      github.reads.push(ghsaId);
      fail(ghsaId, 'fetch');
      const found = github.advisories.get(ghsaId);
      if (!found || found.owner !== owner || found.repo !== repo) throw new HostError('github', `GET ${ghsaId}: HTTP 404`, { status: 404 });
      return structuredClone(found);
    },
    async updateAdvisory(_owner: string, _repo: string, ghsaId: string, body: CollaboratorPatch) {
      fail(ghsaId, 'update');
      const found = github.advisories.get(ghsaId);
      if (!found) throw new HostError('github', `PATCH ${ghsaId}: 404`, { status: 404 });
      github.patches.push({ ghsaId, body: structuredClone(body) });
      found.collaboratingUsers = [...body.collaborating_users];
      found.collaboratingTeams = [...body.collaborating_teams];
      return structuredClone(found);
    },
    async createIssueComment(owner: string, repo: string, issue: number, body: string) {
      if (github.commentFailure !== null) throw new HostError('github', `POST comment: ${github.commentFailure}`, { status: github.commentFailure });
      github.comments.push({ issue: { owner, repo, issue }, body });
      return { htmlUrl: `https://github.com/${owner}/${repo}/issues/${issue}#issuecomment-${github.comments.length}` };
    },
  };
  function fail(ghsaId: string, call: 'fetch' | 'update'): void {
    const failure = github.failures.get(ghsaId);
    if (failure && failure.call === call) throw new HostError('github', `GitHub answered ${failure.status}`, { status: failure.status });
  }
  return github;
}
