import { useMemo } from 'preact/hooks';
import { api, type Profile, type Report } from '../api.js';
import type { ViewProps } from '../app.js';
import { ClockBadge, RunStatusBadge, SeverityBadge } from '../components/badge.js';
import { Changes } from '../components/changes.js';
import { DataTable, type Column } from '../components/data-table.js';
import { Link } from '../components/link.js';
import { PackageLink } from '../components/package-link.js';
import { Await } from '../components/status.js';
import { TrendChart } from '../components/trend-chart.js';
import { pointsInSpan, type Series } from '../lib/chart.js';
import { formatCount, formatPercent, formatTime, plural } from '../lib/format.js';
import { navigate } from '../navigation.js';
import { CLOCK_STATES, SEVERITIES, SPANS, viewRoute, withParams, type Route, type Span } from '../router.js';
import { useApi } from '../use-api.js';

const SPAN_LABELS: Record<Span, string> = { '7d': 'last 7 days', '30d': 'last 30 days', '90d': 'last 90 days', '1y': 'last year', all: 'all runs' };

/** The page a council member opens: the latest run per profile, the standing picture, trends, and what changed. */
export function OverviewView(props: ViewProps) {
  const { route, run } = props;
  const since = route.params.since;
  const report = useApi(`report:${run}:${since ?? ''}`, () => api.report(run, since));
  return (
    <div class="view" data-testid="view-overview">
      <h1>Overview</h1>
      <ProfilesTable route={route} profiles={props.profiles} current={props.profile} />
      <Await state={report} what={`the report of run #${run}`}>
        {(data) => <ReportSections route={route} report={data} />}
      </Await>
    </div>
  );
}

function ProfilesTable(props: { route: Route; profiles: Profile[]; current: Profile }) {
  const { route } = props;
  const columns = useMemo<Column<Profile>[]>(
    () => [
      {
        key: 'label',
        label: 'Profile',
        value: (row) => row.label,
        rowHeader: true,
        render: (row) => (
          <Link to={withParams({ view: 'overview', params: {} }, { identity: row.identity })} current={row.identity === props.current.identity}>
            {row.label}
          </Link>
        ),
      },
      {
        key: 'run',
        label: 'Latest run',
        value: (row) => row.latest.id,
        numeric: true,
        render: (row) => <Link to={withParams({ view: 'overview', params: {} }, { identity: row.identity, run: String(row.latest.id) })}>#{row.latest.id}</Link>,
      },
      { key: 'started', label: 'Started', value: (row) => row.latest.started_at, render: (row) => formatTime(row.latest.started_at) },
      { key: 'status', label: 'Status', value: (row) => row.latest.status, render: (row) => <RunStatusBadge status={row.latest.status} /> },
      {
        key: 'packages',
        label: 'Packages',
        value: (row) => row.latest.packages,
        numeric: true,
        render: (row) =>
          row.latest.packages === null ? (
            <span class="muted">no graph</span>
          ) : (
            <Link to={withParams({ view: 'graph', params: {} }, { identity: row.identity, run: String(row.latest.id) })}>{formatCount(row.latest.packages)}</Link>
          ),
      },
      {
        key: 'runs',
        label: 'Runs saved',
        value: (row) => row.runs,
        numeric: true,
        render: (row) => <Link to={withParams({ view: 'history', params: {} }, { identity: row.identity })}>{formatCount(row.runs)}</Link>,
      },
      { key: 'version', label: 'chainwatch', value: (row) => row.latest.tool_version },
    ],
    [props.current.identity],
  );
  return (
    <section aria-labelledby="profiles-h">
      <h2 id="profiles-h">Latest run per profile</h2>
      <DataTable
        route={route}
        id="profiles"
        caption="Profiles and their latest runs"
        columns={columns}
        rows={props.profiles}
        empty="No profile has a saved run."
        exportName="profiles"
        testid="overview-profiles"
      />
    </section>
  );
}

function ReportSections(props: { route: Route; report: Report }) {
  const { route, report } = props;
  const link = (view: Parameters<typeof viewRoute>[1], params: Record<string, string> = {}) => viewRoute(route, view, params);
  const { standing } = report;
  return (
    <>
      <p class="lede" data-testid="overview-run">
        Run <strong>#{report.run.id}</strong> of <strong>{report.run.label}</strong>, {formatTime(report.run.started_at)}, <RunStatusBadge status={report.run.status} />
        {report.since === null ? (
          ' — the first run of this profile.'
        ) : (
          <>
            {' '}
            — compared with run <Link to={withParams(route, { run: String(report.since.id), since: null })}>#{report.since.id}</Link> ({formatTime(report.since.started_at)}).
          </>
        )}
      </p>

      <section aria-labelledby="standing-h" data-testid="overview-standing">
        <h2 id="standing-h">Standing</h2>
        {standing.not_checked.length > 0 && (
          <p class="warning" role="note">
            <strong>Not checked for vulnerabilities:</strong> {standing.not_checked.join(', ')}. The advisory database holds nothing for{' '}
            {standing.not_checked.length === 1 ? 'this ecosystem' : 'these ecosystems'}: no finding there means “not checked”, not “no known vulnerabilities”.
          </p>
        )}
        <div class="cards">
          <article class="card" aria-labelledby="card-vulns">
            <h3 id="card-vulns">Vulnerabilities</h3>
            {standing.vulnerabilities === null ? (
              <p class="muted">This run saved no findings.</p>
            ) : (
              <>
                <p class="big">
                  <Link to={link('vulnerabilities')}>{formatCount(standing.vulnerabilities.findings)}</Link> findings in{' '}
                  <Link to={link('graph', { vulnerable: '1' })}>{formatCount(standing.vulnerabilities.packages)}</Link> packages
                </p>
                <ul class="counts">
                  {SEVERITIES.map((severity) => (
                    <li key={severity}>
                      <SeverityBadge severity={severity} />{' '}
                      <Link to={link('vulnerabilities', { severity })} aria-label={`${standing.vulnerabilities!.by_severity[severity] ?? 0} ${severity} findings`}>
                        {formatCount(standing.vulnerabilities!.by_severity[severity] ?? 0)}
                      </Link>
                    </li>
                  ))}
                </ul>
              </>
            )}
          </article>
          <article class="card" aria-labelledby="card-concerns">
            <h3 id="card-concerns">Concerns</h3>
            {standing.concerns === null ? (
              <p class="muted">This run saved no concern ranking.</p>
            ) : (
              <>
                <p class="big">
                  <Link to={link('concerns')}>{formatCount(standing.concerns.ranked)}</Link> packages ranked
                </p>
                <ol class="top-concerns">
                  {standing.concerns.top.slice(0, 5).map((row) => (
                    <li key={row.purl}>
                      <PackageLink route={route} purl={row.purl} name={row.name} version={row.version} /> <span class="muted">score {row.score === null ? 'unknown' : row.score.toFixed(1)}</span>
                    </li>
                  ))}
                </ol>
              </>
            )}
          </article>
          <article class="card" aria-labelledby="card-posture">
            <h3 id="card-posture">Posture</h3>
            {standing.posture === null ? (
              <p class="muted">This run saved no posture.</p>
            ) : (
              <>
                <p class="big">
                  <Link to={link('posture')}>{formatCount(standing.posture.repos)}</Link> repositories
                  {standing.posture.expired_waivers > 0 && (
                    <>
                      , <Link to={link('posture', { q: 'expired' })}>{plural(standing.posture.expired_waivers, 'expired waiver')}</Link>
                    </>
                  )}
                </p>
                <ul class="coverage-list">
                  {standing.posture.checks.map((check) => (
                    <li key={check.check}>
                      <span class="check-name">{check.check}</span>
                      <Link to={link('posture', { check: check.check })} aria-label={`${check.check}: ${formatPercent(check.percent)} pass`}>
                        {formatPercent(check.percent)}
                      </Link>
                      <meter min={0} max={100} value={check.percent ?? 0} aria-hidden="true" />
                    </li>
                  ))}
                </ul>
              </>
            )}
          </article>
          <article class="card" aria-labelledby="card-advisories">
            <h3 id="card-advisories">Security advisories</h3>
            {standing.advisories === null ? (
              <p class="muted">This run saved no advisories: the disclosure board has no data source for it.</p>
            ) : (
              <>
                <p class="big">
                  <Link to={link('disclosure')}>{formatCount(standing.advisories.total)}</Link> advisories
                </p>
                <ul class="counts">
                  {CLOCK_STATES.map((state) => (
                    <li key={state}>
                      <ClockBadge state={state} />{' '}
                      <Link to={link('disclosure', { clock: state })} aria-label={`${standing.advisories!.by_clock[state] ?? 0} advisories ${state}`}>
                        {formatCount(standing.advisories!.by_clock[state] ?? 0)}
                      </Link>
                    </li>
                  ))}
                </ul>
              </>
            )}
          </article>
        </div>
      </section>

      <Actions report={report} />
      <Trends route={route} report={report} />

      <section aria-labelledby="changes-h">
        <h2 id="changes-h">What changed{report.since === null ? '' : ` since run #${report.since.id}`}</h2>
        <Changes route={route} report={report} testid="overview-changes" />
      </section>

      <RunHealth report={report} />
    </>
  );
}

function Actions(props: { report: Report }) {
  const actions = props.report.actions;
  const first = actions.slice(0, 5);
  const rest = actions.slice(5);
  const item = (action: Report['actions'][number]) => (
    <li key={`${action.priority}-${action.title}`} class="action">
      <p>
        <strong>{action.title}</strong> {action.is_new && <span class="badge new">new</span>} <span class="muted">({action.kind})</span>
      </p>
      <p class="why">{action.why}</p>
      {action.command !== null && (
        <pre>
          <code>{action.command}</code>
        </pre>
      )}
      {action.patch !== null && (
        <pre>
          <code>{action.patch}</code>
        </pre>
      )}
    </li>
  );
  return (
    <section aria-labelledby="actions-h" data-testid="overview-actions">
      <h2 id="actions-h">What to do first</h2>
      {actions.length === 0 ? (
        <p class="empty">The report calls for no action on this run.</p>
      ) : (
        <>
          <ol class="actions">{first.map(item)}</ol>
          {rest.length > 0 && (
            <details>
              <summary>{plural(rest.length, 'more action')}</summary>
              <ol class="actions" start={6}>
                {rest.map(item)}
              </ol>
            </details>
          )}
        </>
      )}
    </section>
  );
}


function Trends(props: { route: Route; report: Report }) {
  const { route, report } = props;
  const span = (route.params.span as Span | undefined) ?? 'all';
  const points = pointsInSpan(report.trends, span);
  const checks = [...new Set(points.flatMap((point) => Object.keys(point.coverage ?? {})))].sort();
  const runLink = (view: Parameters<typeof viewRoute>[1], params: Record<string, string>) => (runId: number) => viewRoute(route, view, { ...params, run: String(runId) });
  const findings: Series[] = SEVERITIES.map((severity) => ({ key: severity, label: severity, values: points.map((point) => (point.findings === null ? null : (point.findings[severity] ?? 0))) }));
  const coverage: Series[] = checks.map((check) => ({ key: check, label: check, values: points.map((point) => (point.coverage === null ? null : (point.coverage[check] ?? null))) }));
  const clocks: Series[] = CLOCK_STATES.map((state) => ({ key: state, label: state, values: points.map((point) => (point.advisories === null ? null : (point.advisories[state] ?? 0))) }));
  const packages: Series[] = [{ key: 'packages', label: 'packages in the graph', values: points.map((point) => point.packages) }];
  // The new dependencies of a run are the packages the History view lists as added since the run before it.
  const addedSince = (runId: number) => {
    const before = report.trends[report.trends.findIndex((point) => point.id === runId) - 1];
    return before === undefined ? null : viewRoute(route, 'history', { from: String(before.id), to: String(runId) });
  };
  const newPackages: Series = { key: 'new-packages', label: 'new dependencies', values: points.map((point) => point.new_packages) };
  return (
    <section aria-labelledby="trends-h" data-testid="overview-trends">
      <h2 id="trends-h">Trends</h2>
      <form class="inline-form" onSubmit={(event) => event.preventDefault()}>
        <label>
          <span>Span</span>
          <select value={span} onChange={(event) => navigate(withParams(route, { span: event.currentTarget.value === 'all' ? null : event.currentTarget.value }))}>
            {SPANS.map((value) => (
              <option key={value} value={value}>
                {SPAN_LABELS[value]}
              </option>
            ))}
          </select>
        </label>
        <span class="muted">
          {plural(points.length, 'run')} of {report.run.label} up to run #{report.run.id}
        </span>
      </form>
      <div class="charts">
        <TrendChart
          title="Findings by severity"
          description="Vulnerability findings on the packages of the graph, one line per severity."
          points={points}
          series={findings}
          classFor={(key) => `severity-line-${key}`}
          linkFor={(key, runId) => runLink('vulnerabilities', { severity: key })(runId)}
          testid="trend-findings"
        />
        <TrendChart
          title="Posture coverage per check"
          description="Share of the evaluated repositories that pass each check, in percent."
          points={points}
          series={coverage}
          percent
          linkFor={(key, runId) => runLink('posture', { check: key })(runId)}
          testid="trend-coverage"
        />
        <TrendChart
          title="Advisories by clock state"
          description="The desk's advisories, each counted once by its worse clock."
          points={points}
          series={clocks}
          classFor={(key) => `clock-line-${key}`}
          linkFor={(key, runId) => runLink('disclosure', { clock: key })(runId)}
          testid="trend-advisories"
        />
        <TrendChart
          title="Packages and new dependencies"
          description="Package versions in the dependency graph, and the new dependencies: those not in the graph of the run before."
          points={points}
          series={packages}
          secondary={newPackages}
          linkFor={(key, runId) => (key === 'packages' ? runLink('graph', {})(runId) : addedSince(runId))}
          testid="trend-packages"
        />
      </div>
    </section>
  );
}

function RunHealth(props: { report: Report }) {
  const { report } = props;
  return (
    <section aria-labelledby="health-h">
      <h2 id="health-h">How the run went</h2>
      <div class="two-columns">
        <table class="compact">
          <caption>Steps</caption>
          <thead>
            <tr>
              <th scope="col">Step</th>
              <th scope="col">Status</th>
              <th scope="col" class="numeric">
                Seconds
              </th>
              <th scope="col">Note</th>
            </tr>
          </thead>
          <tbody>
            {report.steps.map((step) => (
              <tr key={step.name}>
                <th scope="row">{step.name}</th>
                <td>
                  <span class={`badge step-${step.status}`}>{step.status}</span>
                </td>
                <td class="numeric">{(step.milliseconds / 1000).toFixed(1)}</td>
                <td>{step.note ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <table class="compact">
          <caption>Sources</caption>
          <thead>
            <tr>
              <th scope="col">Source</th>
              <th scope="col">Reached</th>
            </tr>
          </thead>
          <tbody>
            {report.sources.map((source) => (
              <tr key={source.name}>
                <th scope="row">{source.name}</th>
                <td>
                  {source.reachable ? (
                    <span class="badge outcome-pass">✓ reached</span>
                  ) : (
                    <>
                      <span class="badge outcome-fail">✗ not reached</span> {source.error ?? 'no answer'}
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
