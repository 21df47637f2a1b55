/** Small helpers the check evaluations share: building a result and writing its sentence. */
import type { ProbeAnswer } from '../probes/index.js';
import type { CheckId, CheckOutcome, CheckResult, PostureFinding, OrgCheckId } from '../types.js';

export function result(id: CheckId | OrgCheckId, outcome: CheckOutcome, summary: string, findings: readonly PostureFinding[] = []): CheckResult {
  return { id, outcome, summary, findings: uniqueFindings(findings) };
}

/** The same unreadable workflow is reported by several probes: list it once. */
function uniqueFindings(findings: readonly PostureFinding[]): PostureFinding[] {
  const seen = new Set<string>();
  return findings.filter((finding) => {
    const key = `${finding.file ?? ''}:${finding.line ?? ''}:${finding.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `a`, `a and b`, `a, b and c`. */
export function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** The parts that apply, in order. */
export function present(...parts: (string | null)[]): string[] {
  return parts.filter((part): part is string => part !== null);
}

export function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Why a probe could not tell: its first finding. */
export function reasonOf(answer: ProbeAnswer<unknown>): string {
  return answer.findings[0]?.message ?? 'the facts are not available';
}

export function firstError(...answers: ProbeAnswer<unknown>[]): ProbeAnswer<unknown> | undefined {
  return answers.find((answer) => answer.outcome === 'error');
}
