/**
 * The URL holds all the page's state, so a link can be shared and back/forward
 * work: the view is the path (`/concerns`), everything else is the query
 * (`?run=42&q=jupyter&sort=-score`). Pure: parse and format only; the browser
 * side (history, popstate) is navigation.ts.
 *
 * History routing rather than a hash: the server answers every path that is
 * not a file or /api with index.html (src/server/static.ts).
 */

export const VIEWS = ['overview', 'concerns', 'package', 'graph', 'vulnerabilities', 'posture', 'disclosure', 'history'] as const;
export type View = (typeof VIEWS)[number];

export const VIEW_TITLES: Record<View, string> = {
  overview: 'Overview',
  concerns: 'Concerns',
  package: 'Package',
  graph: 'Graph explorer',
  vulnerabilities: 'Vulnerabilities',
  posture: 'Posture',
  disclosure: 'Disclosure board',
  history: 'History',
};

/** Trend spans, counted back from the run shown. */
export const SPANS = ['7d', '30d', '90d', '1y', 'all'] as const;
export type Span = (typeof SPANS)[number];

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'unknown', 'none'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const CLOCK_STATES = ['overdue', 'due-soon', 'due', 'met'] as const;
export type ClockState = (typeof CLOCK_STATES)[number];
export const OUTCOMES = ['pass', 'partial', 'fail', 'not-available', 'not-applicable', 'error'] as const;
export type Outcome = (typeof OUTCOMES)[number];

type Validator = (value: string) => boolean;
const anyText: Validator = (value) => value.length > 0 && value.length <= 2000;
const runId: Validator = (value) => /^[1-9]\d{0,15}$/.test(value);
const runRef: Validator = (value) => value === 'latest' || runId(value);
const positive: Validator = (value) => /^[1-9]\d{0,6}$/.test(value);
const oneOf =
  (values: readonly string[]): Validator =>
  (value) =>
    values.includes(value);

/** Every named parameter the URL may hold, with what it accepts. Anything else is dropped when parsed. */
const PARAMS = {
  /** The profile (the run identity) picked in the header. */
  identity: anyText,
  /** The run shown: an id or `latest`. */
  run: runRef,
  /** The run compared with (Overview). */
  since: runId,
  /** History: the two runs compared. */
  from: runId,
  to: runId,
  span: oneOf(SPANS),
  /** Package view: the package URL shown. */
  purl: anyText,
  /** Graph explorer: the package whose paths are shown, and the filters. */
  focus: anyText,
  ecosystem: anyText,
  vulnerable: oneOf(['1']),
  rank: positive,
  colour: oneOf(['ecosystem', 'severity']),
  severity: oneOf(SEVERITIES),
  check: anyText,
  outcome: oneOf(OUTCOMES),
  org: anyText,
  archived: oneOf(['hide', 'only']),
  inactive: oneOf(['hide', 'only']),
  clock: oneOf(CLOCK_STATES),
  state: anyText,
} as const satisfies Record<string, Validator>;
export type ParamName = keyof typeof PARAMS;

/** The parameters that follow the reader from view to view (the nav keeps them). */
export const GLOBAL_PARAMS: readonly ParamName[] = ['identity', 'run'];

/**
 * A table's own state: `q` (filter text), `sort` (`score` ascending,
 * `-score` descending) and `page`, prefixed by the table's id when a view has
 * several tables (`added-q`).
 */
const TABLE_PARAM = /^(?:([a-z][a-z0-9]{0,30})-)?(q|sort|page)$/;
const TABLE_VALUE: Record<string, Validator> = {
  q: (value) => value.length > 0 && value.length <= 500,
  sort: (value) => /^-?[A-Za-z0-9_.:-]{1,80}$/.test(value),
  page: (value) => positive(value) && value !== '1',
};

export interface Route {
  view: View;
  /** Only valid, non-default values; a missing key is the default. */
  params: Readonly<Record<string, string>>;
}

export function tableParam(table: string | undefined, name: 'q' | 'sort' | 'page'): string {
  return table === undefined ? name : `${table}-${name}`;
}

function validParam(name: string, value: string): boolean {
  if (Object.hasOwn(PARAMS, name)) return PARAMS[name as ParamName](value);
  const table = TABLE_PARAM.exec(name);
  return table !== null && TABLE_VALUE[table[2]!]!(value);
}

export function parseRoute(pathname: string, search: string): Route {
  const segment = pathname.replace(/^\/+|\/+$/g, '').split('/')[0] ?? '';
  const view = (VIEWS as readonly string[]).includes(segment) ? (segment as View) : 'overview';
  const params: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(search)) {
    if (Object.hasOwn(params, name)) continue;
    if (validParam(name, value)) params[name] = value;
  }
  return { view, params };
}

/** Percent-encodes a query value, leaving the characters package URLs are made of readable (`pkg:pypi/x@1`). */
function encodeValue(value: string): string {
  return encodeURIComponent(value).replace(/%(40|2F|3A|2C)/g, (escape) => decodeURIComponent(escape));
}

/** The canonical URL of a route: `/` for the Overview, parameters in name order. */
export function formatRoute(route: Route): string {
  const names = Object.keys(route.params)
    .filter((name) => validParam(name, route.params[name]!))
    .sort();
  const query = names.map((name) => `${encodeURIComponent(name)}=${encodeValue(route.params[name]!)}`).join('&');
  const path = route.view === 'overview' ? '/' : `/${route.view}`;
  return query === '' ? path : `${path}?${query}`;
}

/** The route with some parameters set (a string) or removed (null / undefined / ''). */
export function withParams(route: Route, changes: Readonly<Record<string, string | null | undefined>>): Route {
  const params: Record<string, string> = { ...route.params };
  for (const [name, value] of Object.entries(changes)) {
    if (value === null || value === undefined || value === '' || !validParam(name, value)) delete params[name];
    else params[name] = value;
  }
  return { view: route.view, params };
}

/** A link to another view that keeps the reader's profile and run, with the given parameters. */
export function viewRoute(from: Route, view: View, params: Readonly<Record<string, string | null | undefined>> = {}): Route {
  const kept: Record<string, string> = {};
  for (const name of GLOBAL_PARAMS) {
    const value = from.params[name];
    if (value !== undefined) kept[name] = value;
  }
  return withParams({ view, params: kept }, params);
}

export function parseSort(value: string | undefined): { key: string; descending: boolean } | null {
  if (value === undefined || value === '' || value === '-') return null;
  return value.startsWith('-') ? { key: value.slice(1), descending: true } : { key: value, descending: false };
}

export function formatSort(sort: { key: string; descending: boolean }): string {
  return `${sort.descending ? '-' : ''}${sort.key}`;
}
