import type { PostureFinding, ProbeOutcome, RepoFacts } from '../../types.js';
import { isCommitSha } from '../../workflows/parse.js';
import type { ActionReference } from '../../workflows/model.js';
import { actionName, isGithubOwned } from './actions.js';
import { allRunnables, repoWorkflows } from './workflows.js';

export type ReferenceKind = 'github-owned' | 'third-party' | 'docker';

export interface ReferenceUse {
  kind: ReferenceKind;
  file: string;
  reference: ActionReference;
  pinned: boolean;
}

/** Every non-local `uses:` in workflows (steps and reusable-workflow calls) and in the repository's own actions. */
export function referenceUses(facts: Pick<RepoFacts, 'files'>): ReferenceUse[] {
  const out: ReferenceUse[] = [];
  for (const workflow of allRunnables(facts)) {
    for (const job of workflow.jobs) {
      const references = [job.uses, ...job.steps.map((step) => step.uses)];
      for (const reference of references) {
        if (!reference || reference.kind === 'local') continue;
        if (reference.kind === 'docker') out.push({ kind: 'docker', file: workflow.path, reference, pinned: isDigest(reference.digest) });
        else if (reference.kind === 'action') {
          out.push({ kind: isGithubOwned(reference) ? 'github-owned' : 'third-party', file: workflow.path, reference, pinned: isCommitSha(reference.ref) });
        } else out.push({ kind: 'third-party', file: workflow.path, reference, pinned: false });
      }
    }
  }
  return out;
}

function isDigest(digest: string | null): boolean {
  return digest !== null && /^sha256:[0-9a-f]{64}$/.test(digest);
}

export interface PinningEvidence {
  /** References of the probe's kind. */
  readonly total: number;
  readonly unpinned: number;
  /** Files with an unpinned reference. */
  readonly files: readonly string[];
}

/** Shared body of the three pinning probes. */
export function pinningAnswer(facts: Pick<RepoFacts, 'files'>, kind: ReferenceKind): { outcome: ProbeOutcome; findings: PostureFinding[]; evidence: PinningEvidence } {
  const { errors } = repoWorkflows(facts);
  const uses = referenceUses(facts).filter((use) => use.kind === kind);
  const unpinned = uses.filter((use) => !use.pinned);
  const findings: PostureFinding[] = unpinned.map((use) => ({
    file: use.file,
    line: use.reference.line,
    message:
      use.reference.kind === 'docker'
        ? `docker image \`${use.reference.raw.trim()}\` is not pinned by digest`
        : `${kind === 'github-owned' ? 'GitHub-owned' : 'third-party'} action \`${use.reference.raw.trim()}\` is not pinned to a full commit SHA`,
    fix:
      use.reference.kind === 'docker'
        ? `use \`docker://${use.reference.image}@sha256:<digest>\``
        : use.reference.kind === 'action'
          ? `use \`${actionName(use.reference)}@<40-character commit SHA> # ${use.reference.ref ?? 'tag'}\` (chainwatch fix pinned-actions)`
          : 'name the action as owner/repo@<commit SHA>',
    // What a waiver can name: the action without its ref, or the image without tag and digest.
    ...(use.reference.kind === 'action' ? { action: actionName(use.reference) } : {}),
    ...(use.reference.kind === 'docker' ? { package: use.reference.image } : {}),
  }));
  const evidence: PinningEvidence = { total: uses.length, unpinned: unpinned.length, files: [...new Set(unpinned.map((use) => use.file))] };
  if (unpinned.length > 0) return { outcome: 'false' as const, findings: [...findings, ...errors], evidence };
  if (errors.length > 0) return { outcome: 'error' as const, findings: errors, evidence };
  if (uses.length === 0) return { outcome: 'not-applicable' as const, findings: [], evidence };
  return { outcome: 'true' as const, findings: [], evidence };
}
