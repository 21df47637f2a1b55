import { compareText } from '../../core/compare.js';
import { isCommitSha, parseWorkflow } from '../workflows/index.js';
import type { ActionReference } from '../workflows/index.js';
import type { RepoFile } from '../types.js';
import type { FileChange, FixNote, FixPlan } from './types.js';
import { splitLinesKeepingEnds, workflowAndActionFiles } from './workflow-files.js';

/** Tag → commit, answered by the GitHub API (or a fake in tests). */
export interface ActionRefResolver {
  resolve(owner: string, repo: string, ref: string): Promise<ResolvedRef>;
}

export type ResolvedRef =
  /** `from`: where the commit was found when it was not asked of GitHub (a pin already in a checkout). */
  | { resolved: true; sha: string; from?: string }
  /** `unavailable`: GitHub could not be asked (no token, unreachable); the answer may exist. */
  | { resolved: false; reason: string; unavailable?: true };

/** A resolver for runs without the API: says why for every ref. */
export function unavailableResolver(reason: string): ActionRefResolver {
  return { resolve: async () => ({ resolved: false, reason, unavailable: true }) };
}

/** A commit an `owner/repo@<sha> # <tag>` line already pins a tag to. */
interface KnownPin {
  sha: string;
  /** `owner/name .github/workflows/x.yml:12`. */
  where: string;
}

/**
 * Tag → commit from the pins the repositories already hold: a `uses:
 * owner/repo[/path]@<full sha> # <tag>` in any workflow or action file
 * (Dependabot, Renovate and pinning tools all write the tag in that comment;
 * `# tag=v4` and `# @v4` are read too). Keyed `owner/repo@tag`, owner and
 * repository lower-cased (GitHub's names are case-insensitive, tags are not).
 */
export function findKnownPins(repos: readonly { repo: string; files: readonly RepoFile[] }[]): Map<string, KnownPin[]> {
  const pins = new Map<string, KnownPin[]>();
  for (const { repo, files } of repos) {
    for (const file of workflowAndActionFiles(files)) {
      const parsed = parseWorkflow(file.path, file.text);
      if (!parsed.ok) continue;
      let lines: string[] | null = null;
      for (const job of parsed.value.jobs) {
        for (const reference of [job.uses, ...job.steps.map((step) => step.uses)]) {
          if (reference?.kind !== 'action' || reference.ref === null || !isCommitSha(reference.ref)) continue;
          lines ??= splitLinesKeepingEnds(file.text);
          const tag = pinComment(lines[reference.line - 1] ?? '', reference.raw);
          if (tag === null) continue;
          const key = pinKey(reference.owner, reference.repo, tag);
          const list = pins.get(key) ?? [];
          list.push({ sha: reference.ref.toLowerCase(), where: `${repo} ${file.path}:${reference.line}` });
          pins.set(key, list);
        }
      }
    }
  }
  return pins;
}

/** The tag a pinned `uses:` names in its comment (`# v4.1.1`, `# tag=v4`, `# @v4`), or null. */
function pinComment(line: string, raw: string): string | null {
  const start = line.indexOf(raw);
  if (start === -1) return null;
  const rest = line.slice(start + raw.length).replace(/^["']/, '');
  const match = /^\s+#\s*(?:tag\s*[=:]\s*)?@?([\w./+-]+)/.exec(rest);
  return match ? match[1]! : null;
}

function pinKey(owner: string, repo: string, ref: string): string {
  return `${owner.toLowerCase()}/${repo.toLowerCase()}@${ref}`;
}

/**
 * The resolver given, and when it cannot ask GitHub (no token, unreachable),
 * the pins the repositories already hold (`findKnownPins`): a tag every pin
 * agrees on is resolved, saying where it was found (the tag may have moved
 * since: a reviewer checks); pins that disagree are not chosen between.
 */
export function withKnownPins(primary: ActionRefResolver, pins: ReadonlyMap<string, readonly KnownPin[]>): ActionRefResolver {
  return {
    async resolve(owner, repo, ref) {
      const answer = await primary.resolve(owner, repo, ref);
      if (answer.resolved || !answer.unavailable) return answer;
      const found = pins.get(pinKey(owner, repo, ref)) ?? [];
      const commits = [...new Set(found.map((pin) => pin.sha))];
      if (commits.length === 1) return { resolved: true, sha: commits[0]!, from: found[0]!.where };
      if (commits.length > 1) {
        const seen = commits.map((sha) => `${sha.slice(0, 12)} (${found.find((pin) => pin.sha === sha)!.where})`).join(', ');
        return { resolved: false, unavailable: true, reason: `the checkouts pin ${ref} to ${commits.length} different commits, ${seen}; which is the tag's now needs GitHub: ${answer.reason}` };
      }
      return { resolved: false, unavailable: true, reason: `no checkout read pins it (\`@<sha> # ${ref}\`); ${answer.reason}` };
    },
  };
}

/** A `uses:` that is not pinned to a full commit SHA. */
export interface UnpinnedReference {
  file: string;
  line: number;
  /** The value as written. */
  uses: string;
  reference: Extract<ActionReference, { kind: 'action' | 'docker' }>;
  /** `actions/*` and `github/*`. */
  githubOwned: boolean;
}

const GITHUB_OWNERS = new Set(['actions', 'github']);

/**
 * Every `uses:` of a workflow or action file that is not pinned to a full
 * commit SHA (actions, reusable workflows) or a digest (`docker://` images).
 * Local actions (`./path`) are the repository's own code and never listed.
 */
export function findUnpinnedReferences(files: readonly RepoFile[]): { references: UnpinnedReference[]; notes: FixNote[] } {
  const references: UnpinnedReference[] = [];
  const notes: FixNote[] = [];
  for (const file of workflowAndActionFiles(files)) {
    const parsed = parseWorkflow(file.path, file.text);
    if (!parsed.ok) {
      notes.push({ kind: 'skipped', file: file.path, line: parsed.error.location?.line, message: `not read: ${parsed.error.message}` });
      continue;
    }
    const uses = parsed.value.jobs.flatMap((job) => [job.uses, ...job.steps.map((step) => step.uses)]).filter((entry): entry is ActionReference => entry !== null);
    for (const reference of uses) {
      if (reference.kind === 'action' && !isCommitSha(reference.ref)) {
        references.push({ file: file.path, line: reference.line, uses: reference.raw, reference, githubOwned: GITHUB_OWNERS.has(reference.owner.toLowerCase()) });
      } else if (reference.kind === 'docker' && reference.digest === null) {
        references.push({ file: file.path, line: reference.line, uses: reference.raw, reference, githubOwned: false });
      }
    }
  }
  references.sort((a, b) => compareText(a.file, b.file) || a.line - b.line);
  return { references, notes };
}

/**
 * Pins every unpinned action to the commit its tag (or branch) points at now,
 * keeping the tag as a comment: `uses: actions/checkout@<sha> # v4`. Refs the
 * resolver cannot answer are left as they are and listed as `unresolved`;
 * Docker images are listed too (their digests come from a registry, not from
 * GitHub). Each distinct owner/repo@ref is resolved once.
 */
export async function planPinnedActions(repo: string, files: readonly RepoFile[], resolver: ActionRefResolver): Promise<FixPlan> {
  const { references, notes } = findUnpinnedReferences(files);
  const answers = new Map<string, Promise<ResolvedRef>>();
  const resolve = (owner: string, name: string, ref: string): Promise<ResolvedRef> => {
    const key = `${owner}/${name}@${ref}`.toLowerCase();
    let answer = answers.get(key);
    if (!answer) {
      answer = resolver.resolve(owner, name, ref).catch((error: unknown) => ({ resolved: false as const, reason: error instanceof Error ? error.message : String(error) }));
      answers.set(key, answer);
    }
    return answer;
  };

  const edits = new Map<string, { line: number; reference: UnpinnedReference; sha: string }[]>();
  const pinned: UnpinnedReference[] = [];
  for (const entry of references) {
    const reference = entry.reference;
    if (reference.kind === 'docker') {
      notes.push({ kind: 'unresolved', file: entry.file, line: entry.line, message: `${entry.uses}: pin the image by digest (docker://image@sha256:...) by hand; chainwatch does not query container registries` });
      continue;
    }
    if (reference.ref === null) {
      notes.push({ kind: 'unresolved', file: entry.file, line: entry.line, message: `${entry.uses}: no @ref to resolve` });
      continue;
    }
    const answer = await resolve(reference.owner, reference.repo, reference.ref);
    if (!answer.resolved) {
      notes.push({ kind: 'unresolved', file: entry.file, line: entry.line, message: `${entry.uses}: ${answer.reason}`, ...(answer.unavailable ? { needsGithub: `${reference.owner}/${reference.repo}@${reference.ref}` } : {}) });
      continue;
    }
    if (answer.from !== undefined) {
      const message = `${reference.owner}/${reference.repo}@${reference.ref}: pinned to ${answer.sha} as ${answer.from} pins it, not checked with GitHub (the tag may have moved since)`;
      if (!notes.some((note) => note.kind === 'review' && note.message === message)) notes.push({ kind: 'review', message });
    }
    edits.set(entry.file, [...(edits.get(entry.file) ?? []), { line: entry.line, reference: entry, sha: answer.sha }]);
    pinned.push(entry);
  }

  const changes: FileChange[] = [];
  for (const file of workflowAndActionFiles(files)) {
    const fileEdits = edits.get(file.path);
    if (!fileEdits) continue;
    const lines = splitLinesKeepingEnds(file.text);
    for (const edit of fileEdits) {
      const rewritten = pinLine(lines[edit.line - 1] ?? '', edit.reference.uses, edit.sha, (edit.reference.reference as { ref: string }).ref);
      if (rewritten === null) {
        notes.push({ kind: 'skipped', file: file.path, line: edit.line, message: `${edit.reference.uses}: not found as written on its line (multi-line value?); pin it by hand to ${edit.sha}` });
        pinned.splice(pinned.indexOf(edit.reference), 1);
        continue;
      }
      lines[edit.line - 1] = rewritten;
    }
    const after = lines.join('');
    if (after !== file.text) changes.push({ path: file.path, before: file.text, after });
  }

  const unresolved = notes.filter((note) => note.kind === 'unresolved').length;
  return {
    repo,
    check: 'pinned-actions',
    changes,
    notes,
    title: `Pin ${pinned.length} GitHub Action ${pinned.length === 1 ? 'reference' : 'references'} to full commit SHAs`,
    description: [
      'A tag can be moved to other code at any time; a full commit SHA cannot. Each `uses:` below now names the commit its tag pointed to when this change was made, and keeps the tag as a comment so that Dependabot (github-actions) keeps updating both.',
      '',
      ...pinned.map((entry) => `- \`${entry.file}:${entry.line}\` \`${entry.uses}\``),
      ...(unresolved > 0 ? ['', `${unresolved} reference(s) could not be resolved and are unchanged.`] : []),
    ].join('\n'),
  };
}

/**
 * The line with `owner/repo@ref` replaced by `owner/repo@sha # ref`. The
 * comment is left out inside a flow collection (`{ uses: x@v1 }`), where a `#`
 * would comment out the closing brace. null when the value is not on the line.
 */
export function pinLine(line: string, uses: string, sha: string, ref: string): string | null {
  const start = line.indexOf(uses);
  if (start === -1) return null;
  const at = uses.lastIndexOf('@');
  const pinnedValue = `${uses.slice(0, at + 1)}${sha}`;
  let end = start + uses.length;
  // Step over a closing quote so the comment goes after the scalar.
  if ((line[start - 1] === '"' || line[start - 1] === "'") && line[end] === line[start - 1]) end += 1;
  const rest = line.slice(end);
  const before = line.slice(0, start);
  const inFlow = /[{[]/.test(before.replace(/#.*$/, '')) || /^\s*[,}\]]/.test(rest);
  const comment = inFlow ? '' : ` # ${ref}`;
  return `${before}${pinnedValue}${line.slice(start + uses.length, end)}${comment}${rest}`;
}
