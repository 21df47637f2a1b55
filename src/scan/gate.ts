import { SEVERITY_ORDER, type Finding, type SeverityLevel } from '../advisories/types.js';

/** What `--fail-on` does with a finding no record gives a severity (not even an alias): fail the gate, or let it pass. */
export type UnknownSeverityPolicy = 'fail' | 'ignore';

export const UNKNOWN_SEVERITY_POLICIES: readonly UnknownSeverityPolicy[] = ['fail', 'ignore'];

export interface GateResult {
  /** The findings that reach the threshold, in the order given: the gate failed when there is one. */
  failing: Finding[];
  /** Findings of unknown severity let pass by `ignore`: said, never silent. */
  ignoredUnknown: Finding[];
}

/**
 * `--fail-on`: the findings that reach `threshold`. A finding whose severity
 * is unknown reaches every threshold under `fail` (the default): it is a
 * known vulnerability that could be of any severity, and a gate must not pass
 * it by guessing low. Under `ignore` it passes and is listed as ignored.
 */
export function gateFindings(findings: readonly Finding[], threshold: SeverityLevel, unknown: UnknownSeverityPolicy = 'fail'): GateResult {
  const bar = SEVERITY_ORDER.indexOf(threshold);
  const failing: Finding[] = [];
  const ignoredUnknown: Finding[] = [];
  for (const finding of findings) {
    if (finding.severity.level === 'unknown') (unknown === 'fail' ? failing : ignoredUnknown).push(finding);
    else if (SEVERITY_ORDER.indexOf(finding.severity.level) >= bar) failing.push(finding);
  }
  return { failing, ignoredUnknown };
}
