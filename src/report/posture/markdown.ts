import type { EcosystemToAdd, RepoRemediationHints } from '../../posture/fix/hints.js';
import type { CheckId, CheckResult, FindingSelector, PostureFinding, PostureReport, RepoPosture } from '../../posture/types.js';
import { escapeMarkdown, markdownCode, markdownTable } from '../markdown-text.js';
import { checkText, needsAction } from './check-metadata.js';
import { findingLocation, orderPostureReport } from './ordering.js';
import type { PostureRenderOptions } from './types.js';
import { waiverScope, waiverUses } from './waived.js';

/**
 * The policy report the council pastes into an issue or a mail: what to do,
 * where, most important repositories first. One section per ask (Dependabot,
 * pinning, token permissions, private vulnerability reporting, security
 * policy), then every other check that needs action, organisations, waivers,
 * expired waivers and unreachable sources. Waived results are left out of the
 * asks and listed with their reasons; "could not tell" is said, never counted
 * as a failure.
 */
export function renderPostureMarkdown(report: PostureReport, options: PostureRenderOptions = {}): string {
  const ordered = orderPostureReport(report, options.importance);
  const hints = options.hints ?? new Map<string, RepoRemediationHints>();
  const out: string[] = ['# Repository posture: policy report', ''];
  out.push(introduction(ordered, options));
  if (ordered.repos.length > 0) out.push('', '## Summary', '', summaryTable(ordered.repos));

  for (const section of POLICY_SECTIONS) {
    const text = policySection(section, ordered.repos, hints);
    if (text !== null) out.push('', text);
  }
  const others = otherChecks(ordered.repos);
  if (others !== null) out.push('', others);
  const orgs = organisations(ordered);
  if (orgs !== null) out.push('', orgs);
  const waived = waivedSection(ordered);
  if (waived !== null) out.push('', waived);
  if (ordered.expiredWaivers.length > 0) {
    out.push(
      '',
      '## Expired waivers (not applied)',
      '',
      markdownTable(
        ['Repository', 'Check', 'Expired', 'Reason'],
        ordered.expiredWaivers.map((waiver) => [markdownCode(waiver.repo), checkWithScope(waiver.check, waiver), escapeMarkdown(waiver.expires), escapeMarkdown(waiver.reason)]),
      ),
    );
  }
  const unreachable = ordered.sources.filter((source) => !source.reachable);
  if (unreachable.length > 0) {
    out.push('', '## Sources that could not be reached', '', 'Checks that need them are reported as "could not tell".', '');
    for (const source of unreachable) out.push(`- ${markdownCode(source.name)}${source.error ? `: ${escapeMarkdown(source.error)}` : ''}`);
  }
  return `${out.join('\n')}\n`;
}

interface PolicySection {
  check: CheckId;
  heading: string;
  advice: string;
  details(repo: string, check: CheckResult, hints: RepoRemediationHints | undefined): string[];
}

const POLICY_SECTIONS: readonly PolicySection[] = [
  {
    check: 'dependency-update-tool',
    heading: 'Turn on Dependabot',
    advice: 'Dependabot (or Renovate) should cover every ecosystem a repository uses. `chainwatch fix dependency-update-tool --repo OWNER/NAME` prints the file.',
    details: dependabotDetails,
  },
  {
    check: 'pinned-actions',
    heading: 'Pin actions to full commit SHAs',
    advice: 'Replace each tag by the commit it points to and keep the tag as a comment (`uses: owner/repo@<sha> # v4`). `chainwatch fix pinned-actions` prints the patch.',
    details: pinningDetails,
  },
  {
    check: 'token-permissions',
    heading: 'Make workflow tokens read-only',
    advice: 'Each workflow needs top-level `permissions: contents: read` (or `{}`), with write scopes only on the jobs that need them. `chainwatch fix token-permissions` prints the patch.',
    details: permissionsDetails,
  },
  {
    check: 'private-vulnerability-reporting',
    heading: 'Turn on private vulnerability reporting',
    advice: 'Settings → Code security → Private vulnerability reporting (or once for the whole organisation).',
    details: (_repo, check) => findingLines(check),
  },
  {
    check: 'security-policy',
    heading: 'Add a security policy',
    advice: "Add SECURITY.md (root, `.github/` or `docs/`), or one in the organisation's `.github` repository, saying how to report a vulnerability privately.",
    details: (_repo, check) => findingLines(check),
  },
];

const POLICY_CHECKS = new Set<string>(POLICY_SECTIONS.map((section) => section.check));

function introduction(report: PostureReport, options: PostureRenderOptions): string {
  const repos = report.repos.length;
  const orgs = report.orgs.length;
  const counted = `${repos} ${repos === 1 ? 'repository' : 'repositories'}${orgs > 0 ? ` in ${orgs} ${orgs === 1 ? 'organisation' : 'organisations'}` : ''} checked.`;
  const order = options.importance && options.importance.length > 0
    ? ` Repositories are listed most important first${options.importanceNote ? ` (${escapeMarkdown(options.importanceNote)})` : ''}; the others follow by name.`
    : ' Repositories are listed by name (no importance was given).';
  return `${counted}${repos > 0 ? order : ''}`;
}

function summaryTable(repos: readonly RepoPosture[]): string {
  const list = (checks: readonly CheckResult[], withOutcome: boolean): string =>
    checks.length === 0 ? '—' : checks.map((check) => `${markdownCode(check.id)}${withOutcome ? ` (${check.outcome})` : ''}`).join(', ');
  return markdownTable(
    ['Repository', 'Needs action', 'Waived', 'Could not tell'],
    repos.map((repo) => [
      markdownCode(repo.repo),
      list(repo.checks.filter((check) => !check.waiver && needsAction(check.outcome)), true),
      waivedList(repo.checks),
      list(repo.checks.filter((check) => !check.waiver && (check.outcome === 'not-available' || check.outcome === 'error')), false),
    ]),
  );
}

function policySection(section: PolicySection, repos: readonly RepoPosture[], hints: ReadonlyMap<string, RepoRemediationHints>): string | null {
  const acting: { repo: string; check: CheckResult }[] = [];
  const unknown: string[] = [];
  for (const repo of repos) {
    const check = repo.checks.find((entry) => entry.id === section.check);
    if (!check || check.waiver) continue;
    if (needsAction(check.outcome)) acting.push({ repo: repo.repo, check });
    else if (check.outcome === 'not-available' || check.outcome === 'error') unknown.push(repo.repo);
  }
  if (acting.length === 0 && unknown.length === 0) return null;
  const out = [`## ${section.heading}`, '', section.advice, ''];
  if (acting.length === 0) out.push('Every repository that could be checked passes.');
  for (const { repo, check } of acting) {
    out.push(`- [ ] ${markdownCode(repo)} (${check.outcome}): ${escapeMarkdown(check.summary)}`);
    for (const line of section.details(repo, check, hints.get(repo))) out.push(`  ${line}`);
  }
  if (unknown.length > 0) {
    out.push('', `Could not tell for ${unknown.length} ${unknown.length === 1 ? 'repository' : 'repositories'}: ${unknown.map((repo) => markdownCode(repo)).join(', ')}.`);
  }
  return out.join('\n');
}

function dependabotDetails(_repo: string, check: CheckResult, hints: RepoRemediationHints | undefined): string[] {
  const plan = hints?.dependabot;
  if (!plan || plan.toAdd.length === 0) return findingLines(check);
  const ecosystems = plan.toAdd.map(describeEcosystem).join(', ');
  if (plan.renovate !== null) return [`- add to the Renovate config ${markdownCode(plan.renovate)}: ${ecosystems}`];
  if (plan.file === null) return [`- create ${markdownCode('.github/dependabot.yml')} with ${ecosystems}`];
  return [`- add to ${markdownCode(plan.file)}: ${ecosystems}`];
}

function describeEcosystem(entry: EcosystemToAdd): string {
  return `${markdownCode(entry.ecosystem)} (${entry.directories.map((directory) => markdownCode(directory)).join(', ')})`;
}

function pinningDetails(_repo: string, check: CheckResult, hints: RepoRemediationHints | undefined): string[] {
  const actions = hints?.unpinnedActions?.filter((action) => notWaived(check, action.file, action.line));
  if (!actions || actions.length === 0) return findingLines(check);
  const out: string[] = [];
  for (const [label, group] of [
    ['third-party', actions.filter((action) => !action.githubOwned)],
    ['GitHub-owned', actions.filter((action) => action.githubOwned)],
  ] as const) {
    if (group.length === 0) continue;
    // One line per `uses:` value with every place it is written: a repository repeats the same few actions.
    const places = new Map<string, string[]>();
    for (const action of group) places.set(action.uses, [...(places.get(action.uses) ?? []), `${action.file}:${action.line}`]);
    out.push(`- ${label} (${group.length} ${group.length === 1 ? 'reference' : 'references'}):`);
    for (const [uses, where] of places) out.push(`  - ${markdownCode(uses)}: ${where.map((place) => markdownCode(place)).join(', ')}`);
  }
  return out;
}

function permissionsDetails(_repo: string, check: CheckResult, hints: RepoRemediationHints | undefined): string[] {
  const workflows = hints?.workflowPermissions?.filter((workflow) => notWaived(check, workflow.file, workflow.line));
  if (!workflows || workflows.length === 0) return findingLines(check);
  return workflows.map((workflow) => {
    const where = markdownCode(workflow.line === undefined ? workflow.file : `${workflow.file}:${workflow.line}`);
    return workflow.problem === 'missing' ? `- ${where}: no top-level ${markdownCode('permissions')}` : `- ${where}: top-level ${markdownCode('permissions')} grant write access`;
  });
}

/**
 * Hints come from the facts, waivers from the results: a place a waiver
 * covered (a waived finding at that file and line, or in that file when the
 * hint has no line) is not asked for again.
 */
function notWaived(check: CheckResult, file: string, line: number | undefined): boolean {
  return !(check.waivedFindings ?? []).some((finding) => finding.file === file && (line === undefined || finding.line === line));
}

/** The check's own findings: `file:line` message (fix). */
function findingLines(check: CheckResult): string[] {
  return check.findings.map((finding) => `- ${describeFinding(finding)}`);
}

function describeFinding(finding: PostureFinding): string {
  const location = findingLocation(finding);
  const fix = finding.fix ? ` — fix: ${escapeMarkdown(finding.fix)}` : '';
  return `${location === null ? '' : `${markdownCode(location)}: `}${escapeMarkdown(finding.message)}${fix}`;
}

function otherChecks(repos: readonly RepoPosture[]): string | null {
  const byCheck = new Map<string, { repo: string; check: CheckResult }[]>();
  for (const repo of repos) {
    for (const check of repo.checks) {
      if (POLICY_CHECKS.has(check.id) || check.waiver || !needsAction(check.outcome)) continue;
      byCheck.set(check.id, [...(byCheck.get(check.id) ?? []), { repo: repo.repo, check }]);
    }
  }
  if (byCheck.size === 0) return null;
  const out = ['## Other checks that need action'];
  for (const [id, entries] of byCheck) {
    const text = checkText(id);
    out.push('', `### ${escapeMarkdown(text.title)} (${markdownCode(id)})`, '');
    // Our own fixed text (the check's definition), already Markdown.
    if (text.fix) out.push(text.fix, '');
    for (const { repo, check } of entries) {
      out.push(`- [ ] ${markdownCode(repo)} (${check.outcome}): ${escapeMarkdown(check.summary)}`);
      for (const line of findingLines(check)) out.push(`  ${line}`);
    }
  }
  return out.join('\n');
}

function organisations(report: PostureReport): string | null {
  const rows = report.orgs.flatMap((org) =>
    org.checks.map((check) => [
      markdownCode(org.org),
      markdownCode(check.id),
      check.waiver ? `${check.outcome} (waived)` : check.outcome,
      [escapeMarkdown(check.summary), ...check.findings.map(describeFinding)].join('<br>'),
    ]),
  );
  if (rows.length === 0) return null;
  return ['## Organisations', '', markdownTable(['Organisation', 'Check', 'Outcome', 'Details'], rows)].join('\n');
}

function waivedSection(report: PostureReport): string | null {
  const rows = [
    ...report.repos.flatMap((repo) => repo.checks.map((check) => ({ subject: repo.repo, check }))),
    ...report.orgs.flatMap((org) => org.checks.map((check) => ({ subject: org.org, check }))),
  ].flatMap(({ subject, check }) =>
    waiverUses(check).map(({ waiver, findings }) => [
      markdownCode(subject),
      checkWithScope(check.id, waiver),
      check.waiver ? check.outcome : `${check.outcome} (${check.findings.length} finding(s) not waived)`,
      findings === null ? 'the whole check' : findings.map((finding) => markdownCode(findingLocation(finding) ?? finding.message)).join(', '),
      escapeMarkdown(waiver.reason),
      escapeMarkdown(waiver.approvedBy),
      escapeMarkdown(waiver.expires),
    ]),
  );
  if (rows.length === 0) return null;
  return ['## Waived', '', markdownTable(['Repository', 'Check', 'Outcome', 'Covers', 'Reason', 'Approved by', 'Expires'], rows)].join('\n');
}

/** `pinned-actions`, or `pinned-actions` (action `jupyterlab/maintainer-tools/*`) for a waiver that named findings. */
function checkWithScope(check: string, selector: FindingSelector): string {
  const scope = waiverScope(selector);
  return scope === '' ? markdownCode(check) : `${markdownCode(check)} (${escapeMarkdown(scope)})`;
}

/** The summary's Waived column: waived checks, and checks with some findings waived (how many). */
function waivedList(checks: readonly CheckResult[]): string {
  const entries = checks.flatMap((check) => {
    if (check.waiver) return [markdownCode(check.id)];
    const waived = check.waivedFindings?.length ?? 0;
    return waived > 0 ? [`${markdownCode(check.id)} (${waived} finding${waived === 1 ? '' : 's'})`] : [];
  });
  return entries.length === 0 ? '—' : entries.join(', ');
}
