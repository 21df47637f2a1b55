import { useEffect, useState } from 'preact/hooks';

/** `stale`: the answer to an earlier key, shown while the current one loads (keepPrevious). */
export type Loadable<T> = { status: 'loading' } | { status: 'error'; error: unknown } | { status: 'ok'; data: T; stale?: boolean };

/**
 * Loads data for a view; `key` names the request (its URL), so a new key
 * loads again and a late answer for an old key is dropped. A null key loads
 * nothing and stays loading. With `keepPrevious`, the last answer stays
 * shown while the next loads (a list the server pages: typing in its filter
 * must not replace the table, and the filter box in it, with "loading").
 */
export function useApi<T>(key: string | null, load: () => Promise<T>, options: { keepPrevious?: boolean } = {}): Loadable<T> {
  const [state, setState] = useState<{ key: string | null; value: Loadable<T>; last: Loadable<T> | null }>({ key: null, value: { status: 'loading' }, last: null });
  useEffect(() => {
    if (key === null) return;
    let current = true;
    setState((previous) => ({ key, value: { status: 'loading' }, last: previous.value.status === 'ok' ? previous.value : previous.last }));
    load().then(
      (data) => current && setState({ key, value: { status: 'ok', data }, last: null }),
      (error: unknown) => current && setState({ key, value: { status: 'error', error }, last: null }),
    );
    return () => {
      current = false;
    };
    // `load` is a new closure on every render; `key` says when it asks for something else.
  }, [key]);
  const value = state.key === key ? state.value : ({ status: 'loading' } as const);
  if (value.status === 'loading' && options.keepPrevious === true) {
    const last = state.key === key ? state.last : state.value.status === 'ok' ? state.value : state.last;
    if (last !== null && last.status === 'ok') return { ...last, stale: true };
  }
  return value;
}
