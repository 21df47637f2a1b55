/**
 * Libraries never print (STYLE rule 8): they emit structured events and cli/
 * decides how to render them. A no-op sink is the default so that library code
 * can always call `events.emit(...)`.
 */
export type ChainwatchEvent =
  | { type: 'log'; level: 'debug' | 'info' | 'warn'; message: string; data?: Record<string, unknown> }
  | { type: 'progress'; task: string; done: number; total?: number; detail?: string }
  /**
   * One step of a run began or ended (`github jupyter`, `local ./checkouts`). Steps are few, so a
   * front end can say each on its own line, with the time it took, where no progress bar can be
   * drawn (CI logs): a long silence never happens. `detail`: what the step is doing (started), what
   * it gave (done), or why it failed (a sentence already redacted by the front end's describer).
   */
  | { type: 'step'; step: string; state: 'started' | 'done' | 'failed'; durationMs?: number; detail?: string };

export interface EventSink {
  emit(event: ChainwatchEvent): void;
}

export const silentSink: EventSink = { emit() {} };

/**
 * A sink that keeps every event.
 * @internal A test seam: tests read the events a library emitted.
 */
export function collectingSink(): EventSink & { events: ChainwatchEvent[] } {
  const events: ChainwatchEvent[] = [];
  return { events, emit: (event) => void events.push(event) };
}

/** `300ms`, `45s`, `12m`, `2h05m` (rounded to the unit shown): durations as people read them. */
export function formatDuration(seconds: number): string {
  if (seconds < 1) return `${Math.max(0, Math.round(seconds * 1000))}ms`;
  if (seconds < 120) return `${Math.round(seconds)}s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes}m`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
