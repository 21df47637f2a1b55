/** An injected clock: logic never calls Date.now() directly (STYLE rule 9). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * A clock stopped at `iso`: tests, benchmarks and `--now` (reproducible reports).
 */
export function fixedClock(iso: string): Clock {
  const at = new Date(iso);
  return { now: () => new Date(at) };
}
