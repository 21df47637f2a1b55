import { withParams, type Route } from '../router.js';
import { Link } from './link.js';

/**
 * The filters that came with a link (an Overview number: `severity=high`),
 * each shown with a link that removes it, so a filtered list never looks
 * like the whole list.
 */
export function FilterChips(props: { route: Route; filters: { param: string; label: string }[] }) {
  const active = props.filters.filter((filter) => props.route.params[filter.param] !== undefined);
  if (active.length === 0) return null;
  return (
    <ul class="chips" aria-label="Filters in use">
      {active.map((filter) => (
        <li key={filter.param}>
          <span>
            {filter.label}: <strong>{props.route.params[filter.param]}</strong>
          </span>{' '}
          <Link to={withParams(props.route, { [filter.param]: null, page: null })}>
            <span aria-hidden="true">✕ </span>remove<span class="visually-hidden"> the filter {filter.label}</span>
          </Link>
        </li>
      ))}
    </ul>
  );
}
