import { viewRoute, type Route } from '../router.js';
import { Link } from './link.js';

/** `name@version`, linking to the Package view of that purl. */
export function PackageLink(props: { route: Route; purl: string; name?: string; version?: string }) {
  const label = props.name !== undefined ? `${props.name}@${props.version ?? ''}` : shortPurl(props.purl);
  return (
    <Link to={viewRoute(props.route, 'package', { purl: props.purl })} title={props.purl}>
      {label}
    </Link>
  );
}

/** `pkg:pypi/notebook@7.0.0` → `notebook@7.0.0`; the purl as is when it does not parse. */
export function shortPurl(purl: string): string {
  const match = /^pkg:[^/]+\/(.+?)(?:\?.*)?$/.exec(purl);
  if (match === null) return purl;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return match[1]!;
  }
}
