import { useMemo } from 'preact/hooks';
import { api, type RunSummary } from '../api.js';
import type { ViewProps } from '../app.js';
import { RunStatusBadge } from '../components/badge.js';
import { Changes } from '../components/changes.js';
import { DataTable, type Column } from '../components/data-table.js';
import { Link } from '../components/link.js';
import { Await, Empty } from '../components/status.js';
import { formatCount, formatTime } from '../lib/format.js';
import { navigate } from '../navigation.js';
import { viewRoute, withParams, type Route } from '../router.js';
import { useApi } from '../use-api.js';

/** Pick two runs of the profile and see what changed between them (/api/diff). */
export function HistoryView(props: ViewProps) {
  const { route, profile } = props;
  const runs = useApi(`runs:${profile.identity}`, () => api.runs(profile.identity));
  return (
    <div class="view" data-testid="view-history">
      <h1>History</h1>
      <Await state={runs} what={`the runs of ${profile.label}`}>
        {(data) => <HistoryBody route={route} runs={data.runs} />}
      </Await>
    </div>
  );
}

function HistoryBody(props: { route: Route; runs: RunSummary[] }) {
  const { route, runs } = props;
  const newest = runs[runs.length - 1];
  const previous = runs[runs.length - 2];
  const to = route.params.to ?? (newest ? String(newest.id) : undefined);
  const from = route.params.from ?? (previous ? String(previous.id) : undefined);
  const comparable = from !== undefined && to !== undefined && from !== to;
  const diff = useApi(comparable ? `diff:${from}:${to}` : null, () => api.diff(from!, to!));
  const columns = useMemo<Column<RunSummary>[]>(
    () => [
      { key: 'id', label: 'Run', value: (row) => row.id, numeric: true, rowHeader: true, render: (row) => <Link to={viewRoute(route, 'overview', { run: String(row.id) })}>#{row.id}</Link> },
      { key: 'started', label: 'Started', value: (row) => row.started_at, render: (row) => formatTime(row.started_at) },
      { key: 'status', label: 'Status', value: (row) => row.status, render: (row) => <RunStatusBadge status={row.status} /> },
      { key: 'command', label: 'Command', value: (row) => row.command },
      { key: 'packages', label: 'Packages', value: (row) => row.packages, numeric: true, render: (row) => (row.packages === null ? <span class="muted">no graph</span> : formatCount(row.packages)) },
      { key: 'parts', label: 'Saved parts', value: (row) => row.parts.join(', ') },
      { key: 'version', label: 'chainwatch', value: (row) => row.tool_version },
    ],
    [route.params.identity],
  );
  if (runs.length === 0) return <Empty>This profile has no saved run.</Empty>;
  const choose = (name: 'from' | 'to', value: string) => navigate(withParams(route, { [name]: value }));
  const options = [...runs].reverse();
  return (
    <>
      <form class="inline-form" aria-label="Runs to compare" onSubmit={(event) => event.preventDefault()}>
        <label>
          <span>From (older)</span>
          <select value={from ?? ''} onChange={(event) => choose('from', event.currentTarget.value)}>
            {from === undefined && <option value="">choose a run</option>}
            {options.map((run) => (
              <option key={run.id} value={String(run.id)}>
                #{run.id} · {formatTime(run.started_at)} · {run.status}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>To (newer)</span>
          <select value={to ?? ''} onChange={(event) => choose('to', event.currentTarget.value)}>
            {options.map((run) => (
              <option key={run.id} value={String(run.id)}>
                #{run.id} · {formatTime(run.started_at)} · {run.status}
              </option>
            ))}
          </select>
        </label>
        {comparable && (
          <button type="button" onClick={() => navigate(withParams(route, { from: to, to: from }))}>
            Swap
          </button>
        )}
      </form>
      <section aria-labelledby="diff-h" data-testid="history-diff">
        <h2 id="diff-h">{comparable ? `What changed from run #${from} to run #${to}` : 'What changed'}</h2>
        {!comparable ? (
          <p class="empty">{runs.length < 2 ? 'This profile has one run only: there is nothing to compare it with yet.' : 'Pick two different runs.'}</p>
        ) : (
          <Await state={diff} what={`the changes from run #${from} to run #${to}`}>
            {(report) => <Changes route={route} report={report} />}
          </Await>
        )}
      </section>
      <section aria-labelledby="runs-h">
        <h2 id="runs-h">Runs of this profile</h2>
        <DataTable route={route} id="runs" caption="Saved runs, newest last" columns={columns} rows={runs} empty="No run." exportName="runs" testid="history-runs" />
      </section>
    </>
  );
}
