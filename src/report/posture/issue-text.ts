import { checkDefinition } from '../../posture/checks/index.js';
import type { IssueText } from '../../posture/fix/issue.js';
import type { CheckResult } from '../../posture/types.js';
import { escapeMarkdown, markdownCode } from '../markdown-text.js';

/** Patches longer than this are not pasted into an issue (GitHub caps bodies at 65,536 characters). */
const MAX_PATCH_CHARACTERS = 40_000;

/**
 * The title and body of the one issue per repository and check that
 * `chainwatch fix --issue` keeps (src/posture/fix/issue.ts `syncIssue` adds
 * the marker). Rendered here, not in posture/, because it is Markdown: the
 * front end passes this function to the fix run.
 */
export function issueText(repo: string, check: CheckResult, patch?: string): IssueText {
  const text = checkDefinition(check.id);
  const title = `Posture: ${text.title} (${check.id})`;
  const footer = `_Kept up to date by \`chainwatch fix ${check.id} --issue\`, which closes this issue when the check passes._`;
  const failing = (check.outcome === 'fail' || check.outcome === 'partial') && !check.waiver;
  if (!failing) {
    const why = check.waiver
      ? `The check is waived: ${escapeMarkdown(check.waiver.reason)} (approved by ${escapeMarkdown(check.waiver.approvedBy)}, until ${escapeMarkdown(check.waiver.expires)}).`
      : `The check ${check.outcome === 'pass' ? 'passes' : 'does not apply'} now: ${escapeMarkdown(check.summary)}`;
    return { title, body: [`${markdownCode(repo)} ${markdownCode(check.id)}: ${why}`, '', footer].join('\n') };
  }
  const lines = [
    `${markdownCode(repo)} does not meet ${markdownCode(check.id)} (${check.outcome}): ${escapeMarkdown(check.summary)}`,
    '',
    `**Why it matters:** ${text.why}`,
    '',
    `**How to fix:** ${text.fix}`,
  ];
  if (check.findings.length > 0) {
    lines.push('', '### Findings', '');
    for (const finding of check.findings) {
      const where = finding.file === undefined ? '' : `${markdownCode(finding.line === undefined ? finding.file : `${finding.file}:${finding.line}`)}: `;
      lines.push(`- ${where}${escapeMarkdown(finding.message)}${finding.fix ? ` — fix: ${escapeMarkdown(finding.fix)}` : ''}`);
    }
  }
  if (patch !== undefined && patch.trim() !== '') {
    lines.push('', '### Suggested patch', '');
    if (patch.length > MAX_PATCH_CHARACTERS) {
      lines.push(`The patch is ${patch.length} characters long: run \`chainwatch fix ${check.id} --repo ${repo}\` to see it.`);
    } else {
      const fence = patch.includes('```') ? '````' : '```';
      lines.push('<details><summary>git apply this diff in the repository root</summary>', '', `${fence}diff`, patch.trimEnd(), fence, '', '</details>');
    }
  }
  lines.push('', footer);
  return { title, body: lines.join('\n') };
}
