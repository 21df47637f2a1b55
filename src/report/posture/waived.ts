import type { CheckResult, FindingSelector, WaivedFinding, WaiverNote } from '../../posture/types.js';

/**
 * What the renderers say about waivers: which ones are in force on a result
 * (a waiver of the whole check, or each waiver that covered some findings,
 * with those findings), and what a waiver named besides its repository and
 * check.
 */

/** `action jupyterlab/maintainer-tools/*`, `file …, action …`; '' for a waiver of the whole check. */
export function waiverScope(selector: FindingSelector): string {
  const parts: string[] = [];
  if (selector.file !== undefined) parts.push(`file ${selector.file}`);
  if (selector.action !== undefined) parts.push(`action ${selector.action}`);
  if (selector.package !== undefined) parts.push(`package ${selector.package}`);
  return parts.join(', ');
}

export interface WaiverUse {
  waiver: WaiverNote;
  /** The findings it covered, in report order; null when it waives the whole check. */
  findings: WaivedFinding[] | null;
}

/** The waivers in force on a result, in the order their first finding appears. */
export function waiverUses(check: CheckResult): WaiverUse[] {
  const waived = check.waivedFindings ?? [];
  if (waived.length === 0) return check.waiver ? [{ waiver: check.waiver, findings: null }] : [];
  const uses = new Map<string, WaiverUse>();
  for (const finding of waived) {
    const key = JSON.stringify(finding.waiver);
    const use = uses.get(key);
    if (use) use.findings!.push(finding);
    else uses.set(key, { waiver: finding.waiver, findings: [finding] });
  }
  return [...uses.values()];
}

/** Whether any waiver is in force on the result, for the whole check or for some findings. */
export function hasWaiverInForce(check: CheckResult): boolean {
  return check.waiver !== undefined || (check.waivedFindings?.length ?? 0) > 0;
}
