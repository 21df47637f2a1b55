const DAY_MS = 86_400_000;

/** Whole days from an ISO date to `now` (negative when the date is in the future); null for an unreadable date. */
export function daysSince(iso: string, now: Date): number | null {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return null;
  return Math.floor((now.getTime() - time) / DAY_MS);
}
