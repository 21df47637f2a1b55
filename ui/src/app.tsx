import type { ComponentType } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Profile, type RunSummary } from './api.js';
import { RunStatusBadge } from './components/badge.js';
import { Link } from './components/link.js';
import { Await, Empty } from './components/status.js';
import { formatTime } from './lib/format.js';
import { navigate, useRoute } from './navigation.js';
import { VIEW_TITLES, VIEWS, viewRoute, withParams, type Route, type View } from './router.js';
import { useApi } from './use-api.js';
import { ConcernsView } from './views/concerns.js';
import { DisclosureView } from './views/disclosure.js';
import { HistoryView } from './views/history.js';
import { OverviewView } from './views/overview.js';
import { PackageView } from './views/package.js';
import { PostureView } from './views/posture.js';
import { VulnerabilitiesView } from './views/vulnerabilities.js';

/** What every view gets: the route, the profile picked, and the run shown (an id). */
export interface ViewProps {
  route: Route;
  profile: Profile;
  /** The run shown: the one in the URL, else the profile's newest. */
  run: string;
  profiles: Profile[];
}

/** The Graph explorer (sigma + graphology, the biggest part of the bundle) loads only when opened. */
const loadGraphView = () => import('./views/graph.js').then((module) => module.GraphView);

const EAGER: Record<Exclude<View, 'graph'>, ComponentType<ViewProps>> = {
  overview: OverviewView,
  concerns: ConcernsView,
  package: PackageView,
  vulnerabilities: VulnerabilitiesView,
  posture: PostureView,
  disclosure: DisclosureView,
  history: HistoryView,
};

export function App() {
  const route = useRoute();
  const profiles = useApi('profiles', api.profiles);
  const mainRef = useRef<HTMLElement>(null);
  const lastView = useRef<View | null>(null);

  useEffect(() => {
    // Moving to another view puts the keyboard and screen reader at its start, as a page load would.
    if (lastView.current !== null && lastView.current !== route.view) mainRef.current?.focus();
    lastView.current = route.view;
  }, [route.view]);

  const profile = profiles.status === 'ok' ? pickProfile(profiles.data.profiles, route) : null;
  useEffect(() => {
    document.title = `${VIEW_TITLES[route.view]}${profile ? ` · ${profile.label}` : ''} · chainwatch`;
  }, [route.view, profile?.label]);

  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="site-header">
        <div class="brand">
          <Link to={viewRoute(route, 'overview')}>chainwatch</Link>
          <span class="tagline">supply-chain dashboard</span>
        </div>
        {profiles.status === 'ok' && profile !== null && <RunPicker route={route} profiles={profiles.data.profiles} profile={profile} />}
        <nav class="views-nav" aria-label="Views">
          <ul>
            {VIEWS.map((view) => (
              <li key={view}>
                <Link to={viewRoute(route, view)} current={route.view === view}>
                  {VIEW_TITLES[view]}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" ref={mainRef} tabIndex={-1}>
        <Await state={profiles} what="the saved runs">
          {(data) =>
            profile === null ? (
              <div class="view" data-testid={`view-${route.view}`}>
                <h1>{VIEW_TITLES[route.view]}</h1>
                <Empty>
                  No audit run is saved in this store yet{data.profiles.length > 0 && route.params.identity ? ` for the profile “${route.params.identity}”` : ''}. Run <code>chainwatch audit</code> (for
                  example <code>chainwatch audit --preset jupyter</code>), then reload this page.
                </Empty>
              </div>
            ) : (
              <CurrentView route={route} profile={profile} profiles={data.profiles} run={runOf(route, profile)} />
            )
          }
        </Await>
      </main>
      <footer class="site-footer">
        <p>
          chainwatch dashboard: a read-only view of the runs that <code>chainwatch audit</code> saved. Every list filters, sorts and exports; the address bar holds what you see, so
          a link shares it.
        </p>
      </footer>
    </>
  );
}

function CurrentView(props: ViewProps) {
  const [Graph, setGraph] = useState<ComponentType<ViewProps> | null>(null);
  const [failed, setFailed] = useState<unknown>(null);
  const isGraph = props.route.view === 'graph';
  useEffect(() => {
    if (!isGraph || Graph !== null) return;
    loadGraphView().then(
      (component) => setGraph(() => component),
      (error: unknown) => setFailed(error),
    );
  }, [isGraph]);
  if (props.route.view !== 'graph') {
    const View = EAGER[props.route.view];
    return <View {...props} />;
  }
  if (Graph !== null) return <Graph {...props} />;
  return (
    <div class="view" data-testid="view-graph">
      <h1>{VIEW_TITLES.graph}</h1>
      {failed === null ? (
        <p class="loading" role="status">
          Loading the graph explorer…
        </p>
      ) : (
        <p class="error-message" role="alert">
          The graph explorer's code could not be loaded ({failed instanceof Error ? failed.message : String(failed)}). Reload the page.
        </p>
      )}
    </div>
  );
}

function pickProfile(profiles: Profile[], route: Route): Profile | null {
  const wanted = route.params.identity;
  if (wanted !== undefined) return profiles.find((profile) => profile.identity === wanted) ?? null;
  return profiles[0] ?? null;
}

function runOf(route: Route, profile: Profile): string {
  const run = route.params.run;
  return run === undefined || run === 'latest' ? String(profile.latest.id) : run;
}

/** The profile and run pickers of the header: changing either keeps the view. */
function RunPicker(props: { route: Route; profiles: Profile[]; profile: Profile }) {
  const { route, profile } = props;
  const runs = useApi(`runs:${profile.identity}`, () => api.runs(profile.identity));
  const selected = route.params.run ?? 'latest';
  const current = runOf(route, profile);
  const shown = current === String(profile.latest.id) ? profile.latest : runs.status === 'ok' ? (runs.data.runs.find((run) => String(run.id) === current) ?? null) : null;
  return (
    <form class="picker" aria-label="Profile and run" onSubmit={(event) => event.preventDefault()}>
      <label>
        <span>Profile</span>
        <select
          value={profile.identity}
          onChange={(event) => navigate(withParams(route, { identity: event.currentTarget.value, run: null, since: null, from: null, to: null }))}
        >
          {props.profiles.map((entry) => (
            <option key={entry.identity} value={entry.identity}>
              {entry.label} ({entry.runs} run{entry.runs === 1 ? '' : 's'})
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>Run</span>
        <select value={selected} onChange={(event) => navigate(withParams(route, { run: event.currentTarget.value === 'latest' ? null : event.currentTarget.value, since: null }))}>
          <option value="latest">
            Latest (#{profile.latest.id}, {formatTime(profile.latest.started_at)})
          </option>
          {runs.status === 'ok' &&
            [...runs.data.runs].reverse().map((run: RunSummary) => (
              <option key={run.id} value={String(run.id)}>
                #{run.id} · {formatTime(run.started_at)} · {run.status}
              </option>
            ))}
          {runs.status !== 'ok' && selected !== 'latest' && <option value={selected}>#{selected}</option>}
        </select>
      </label>
      {shown !== null && (
        <span class="picker-status">
          <span class="muted">run #{shown.id}</span> <RunStatusBadge status={shown.status} />
        </span>
      )}
    </form>
  );
}
