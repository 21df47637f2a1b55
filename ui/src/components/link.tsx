import type { ComponentChildren } from 'preact';
import { navigate } from '../navigation.js';
import { formatRoute, type Route } from '../router.js';

/**
 * A link inside the app: a real `<a href>` (open in a new tab, copy, share)
 * that moves without reloading on a plain click.
 */
export function Link(props: { to: Route; children: ComponentChildren; class?: string; current?: boolean; title?: string; 'aria-label'?: string }) {
  const href = formatRoute(props.to);
  return (
    <a
      href={href}
      class={props.class}
      title={props.title}
      aria-label={props['aria-label']}
      aria-current={props.current ? 'page' : undefined}
      onClick={(event) => {
        if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        navigate(props.to);
      }}
    >
      {props.children}
    </a>
  );
}
