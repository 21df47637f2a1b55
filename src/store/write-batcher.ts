/**
 * Writes held in memory and written together, in one transaction per batch:
 * one transaction per answer cost more than the answers' own writes on a cold
 * resolution. Used by the HTTP cache and the PyPI summary store.
 *
 * A batch is written when `maxWrites` are held, when their sizes reach
 * `maxBytes`, `delayMs` after the first held write, or on flush()/close().
 * A later write under the same key replaces the held one (and moves to the
 * end of the batch); `held(key)` lets reads see writes not yet written.
 * A batch the timer writes has no caller to tell: its failure is thrown by
 * the next flush() (or close()), and `failed` says one is waiting.
 */
export interface WriteBatcherOptions<W> {
  /** Writes one batch, in order, in one transaction; may throw. */
  write(writes: W[]): void;
  maxWrites: number;
  /** Bound on the held writes' sizes (as given to hold); default none. */
  maxBytes?: number;
  delayMs: number;
}

export interface WriteBatcher<W> {
  hold(key: string, write: W, bytes?: number): void;
  held(key: string): W | undefined;
  /** Writes what is held now; throws the failure of a batch written by the timer, if any. */
  flush(): void;
  /** True when a batch written by the timer failed and the next flush() will say so. */
  readonly failed: boolean;
  /** Flushes; afterwards no timer is started (the store is closing). */
  close(): void;
}

export function createWriteBatcher<W>(options: WriteBatcherOptions<W>): WriteBatcher<W> {
  const pending = new Map<string, W>();
  const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
  let pendingBytes = 0;
  let timer: NodeJS.Timeout | null = null;
  let failure: unknown = null;
  let closed = false;

  function writeHeld(): void {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (pending.size === 0) return;
    const writes = [...pending.values()];
    pending.clear();
    pendingBytes = 0;
    options.write(writes);
  }

  function flush(): void {
    writeHeld();
    if (failure !== null) {
      const error = failure;
      failure = null;
      throw error;
    }
  }

  return {
    hold(key, write, bytes = 0) {
      pending.delete(key);
      pending.set(key, write);
      pendingBytes += bytes;
      if (pending.size >= options.maxWrites || pendingBytes >= maxBytes) {
        writeHeld();
        return;
      }
      if (timer === null && !closed) {
        timer = setTimeout(() => {
          timer = null;
          try {
            writeHeld();
          } catch (error) {
            failure ??= error;
          }
        }, options.delayMs);
        timer.unref();
      }
    },
    held: (key) => pending.get(key),
    flush,
    get failed() {
      return failure !== null;
    },
    close() {
      closed = true;
      flush();
    },
  };
}
