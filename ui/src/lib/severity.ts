import type { Severity } from '../router.js';

const RANK: Record<Severity, number> = { critical: 5, high: 4, medium: 3, low: 2, unknown: 1, none: 0 };

/** Worse is bigger: sorting by it descending puts critical first. An unrecognised level ranks as unknown. */
export function severityRank(severity: string | null): number {
  return RANK[(severity ?? 'unknown') as Severity] ?? RANK.unknown;
}
