import { useEffect, useState } from 'preact/hooks';
import { formatRoute, parseRoute, type Route } from './router.js';

/**
 * The browser side of the router: the current route from the address bar,
 * and moving to another one with the History API (so back and forward walk
 * the reader's steps and every state is a URL).
 */
const CHANGE = 'chainwatch:navigate';

export function currentRoute(): Route {
  return parseRoute(window.location.pathname, window.location.search);
}

/**
 * Moves to a route. `replace` rewrites the current history entry instead of
 * adding one: for typing in a filter, where each key is not a step back.
 */
export function navigate(route: Route, options: { replace?: boolean } = {}): void {
  const url = formatRoute(route);
  if (url === `${window.location.pathname}${window.location.search}`) return;
  if (options.replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  window.dispatchEvent(new Event(CHANGE));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    window.addEventListener('popstate', update);
    window.addEventListener(CHANGE, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(CHANGE, update);
    };
  }, []);
  return route;
}
