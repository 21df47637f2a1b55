/**
 * Libraries never print (STYLE rule 8): they emit structured events and cli/
 * decides how to render them. A no-op sink is the default so that library code
 * can always call `events.emit(...)`.
 */
export type ChainwatchEvent =
  | { type: 'log'; level: 'debug' | 'info' | 'warn'; message: string; data?: Record<string, unknown> }
  | { type: 'progress'; task: string; done: number; total?: number; detail?: string };

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
