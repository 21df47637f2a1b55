import { afterEach, describe, expect, it, vi } from 'vitest';
import { createWriteBatcher } from './write-batcher.js';

afterEach(() => {
  vi.useRealTimers();
});

function recorder(options: { maxWrites?: number; maxBytes?: number; failWith?: Error } = {}) {
  const batches: string[][] = [];
  const batcher = createWriteBatcher<string>({
    write(writes) {
      if (options.failWith) throw options.failWith;
      batches.push(writes);
    },
    maxWrites: options.maxWrites ?? 3,
    ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }),
    delayMs: 250,
  });
  return { batcher, batches };
}

describe('createWriteBatcher', () => {
  it('holds writes (held() sees them), a later write under a key replacing the earlier one at the end, until flush', () => {
    const { batcher, batches } = recorder({ maxWrites: 10 });
    batcher.hold('a', 'a1');
    batcher.hold('b', 'b1');
    batcher.hold('a', 'a2');
    expect(batcher.held('a')).toBe('a2');
    expect(batches).toEqual([]);
    batcher.flush();
    expect(batches).toEqual([['b1', 'a2']]);
    expect(batcher.held('a')).toBeUndefined();
    batcher.flush();
    expect(batches).toHaveLength(1);
  });

  it('writes a batch by itself at maxWrites, at maxBytes, and the rest on the timer', () => {
    vi.useFakeTimers();
    const { batcher, batches } = recorder({ maxWrites: 3, maxBytes: 100 });
    for (const key of ['a', 'b', 'c']) batcher.hold(key, key);
    expect(batches).toEqual([['a', 'b', 'c']]);
    batcher.hold('big', 'big', 60);
    batcher.hold('bigger', 'bigger', 60);
    expect(batches).toEqual([['a', 'b', 'c'], ['big', 'bigger']]);
    batcher.hold('late', 'late');
    vi.advanceTimersByTime(249);
    expect(batches).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(batches).toEqual([['a', 'b', 'c'], ['big', 'bigger'], ['late']]);
  });

  it('a batch the timer fails to write is thrown by the next flush, once', () => {
    vi.useFakeTimers();
    const { batcher } = recorder({ failWith: new Error('disk full') });
    batcher.hold('a', 'a');
    expect(batcher.failed).toBe(false);
    vi.advanceTimersByTime(250);
    expect(batcher.failed).toBe(true);
    expect(() => batcher.flush()).toThrow('disk full');
    expect(batcher.failed).toBe(false);
    expect(() => batcher.flush()).not.toThrow();
  });

  it('close writes what is held and starts no timer afterwards', () => {
    vi.useFakeTimers();
    const { batcher, batches } = recorder({ maxWrites: 10 });
    batcher.hold('a', 'a');
    batcher.close();
    expect(batches).toEqual([['a']]);
    batcher.hold('b', 'b');
    expect(vi.getTimerCount()).toBe(0);
  });
});
