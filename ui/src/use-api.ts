import { useEffect, useState } from 'preact/hooks';

export type Loadable<T> = { status: 'loading' } | { status: 'error'; error: unknown } | { status: 'ok'; data: T };

/**
 * Loads data for a view; `key` names the request (its URL), so a new key
 * loads again and a late answer for an old key is dropped. A null key loads
 * nothing and stays loading.
 */
export function useApi<T>(key: string | null, load: () => Promise<T>): Loadable<T> {
  const [state, setState] = useState<{ key: string | null; value: Loadable<T> }>({ key: null, value: { status: 'loading' } });
  useEffect(() => {
    if (key === null) return;
    let current = true;
    setState({ key, value: { status: 'loading' } });
    load().then(
      (data) => current && setState({ key, value: { status: 'ok', data } }),
      (error: unknown) => current && setState({ key, value: { status: 'error', error } }),
    );
    return () => {
      current = false;
    };
    // `load` is a new closure on every render; `key` says when it asks for something else.
  }, [key]);
  return state.key === key ? state.value : { status: 'loading' };
}
