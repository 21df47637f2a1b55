import { useMemo } from 'preact/hooks';
import { api, type DeskAdvisory } from '../api.js';
import type { ViewProps } from '../app.js';
import { ClockBadge, SeverityBadge } from '../components/badge.js';
import { DataTable, type Column } from '../components/data-table.js';
import { FilterChips } from '../components/filter-chips.js';
import { Markdown } from '../components/markdown.js';
import { NoSource } from '../components/no-source.js';
import { Await } from '../components/status.js';
import { clockState, describeClock, worstClock } from '../lib/clock.js';
import { plural } from '../lib/format.js';
import { filterRows, searchIndex } from '../lib/table.js';
import type { Route } from '../router.js';
import { useApi } from '../use-api.js';

/** GitHub's repository advisory states, in lifecycle order (src/disclosure/types.ts). */
const STATES = ['triage', 'draft', 'published', 'closed', 'withdrawn'];

/**
 * The disclosure desk's advisories by state, with their acknowledge and
 * disclose clocks and their problems. A run without the desk's part has no
 * data source for this board: it says so, with why, instead of showing an
 * empty board that would read as "nothing to do".
 */
export function DisclosureView(props: ViewProps) {
  const { route, run } = props;
  const advisories = useApi(`advisories:${run}`, () => api.advisories(run));
  return (
    <div class="view" data-testid="view-disclosure">
      <h1>Disclosure board</h1>
      <Await state={advisories} what={`the advisories of run #${run}`}>
        {(data) =>
          !data.available ? (
            <NoSource what="data from the disclosure desk" reason={data.reason} testid="disclosure-no-source">
              <p>
                The desk reads the orgs' repository security advisories with a GitHub token: run <code>chainwatch audit</code> with <code>GH_TOKEN</code> set, or{' '}
                <code>chainwatch advisories list</code> to try the desk alone.
              </p>
            </NoSource>
          ) : (
            <Board route={route} run={data.run} advisories={data.advisories} />
          )
        }
      </Await>
    </div>
  );
}

function Board(props: { route: Route; run: number; advisories: DeskAdvisory[] }) {
  const { route } = props;
  const clock = route.params.clock;
  const state = route.params.state;
  const query = route.params.q ?? '';
  const columns = useMemo<Column<DeskAdvisory>[]>(
    () => [
      { key: 'id', label: 'Advisory', value: (row) => row.id, rowHeader: true, render: (row) => <AdvisoryLink advisory={row} /> },
      { key: 'cve', label: 'CVE', value: (row) => row.cve_id ?? null },
      { key: 'repo', label: 'Repository', value: (row) => row.repo },
      { key: 'state', label: 'State', value: (row) => row.state, sortValue: (row) => STATES.indexOf(row.state) },
      { key: 'severity', label: 'Severity', value: (row) => row.severity, render: (row) => <SeverityBadge severity={row.severity} /> },
      { key: 'clock', label: 'Clock', value: (row) => worstClock(row.clocks), render: (row) => <ClockBadge state={worstClock(row.clocks)} /> },
      { key: 'acknowledge', label: 'Acknowledge', value: (row) => describeClock(row.clocks.acknowledge) },
      { key: 'disclose', label: 'Disclose', value: (row) => describeClock(row.clocks.disclose) },
      { key: 'problems', label: 'Problems', value: (row) => row.problems.map((problem) => problem.id).join(', '), sortValue: (row) => row.problems.length },
      { key: 'summary', label: 'Summary', value: (row) => row.summary },
    ],
    [],
  );
  const filtered = useMemo(() => {
    const byFacet = props.advisories.filter((advisory) => (clock === undefined || worstClock(advisory.clocks) === clock) && (state === undefined || advisory.state === state));
    return filterRows(byFacet, searchIndex(byFacet, columns), query);
  }, [props.advisories, clock, state, query, columns]);
  const states = [...STATES, ...new Set(props.advisories.map((advisory) => advisory.state).filter((name) => !STATES.includes(name)))];
  return (
    <>
      <FilterChips
        route={route}
        filters={[
          { param: 'clock', label: 'Clock' },
          { param: 'state', label: 'State' },
          { param: 'q', label: 'Words' },
        ]}
      />
      <section aria-labelledby="board-h" data-testid="disclosure-board">
        <h2 id="board-h">
          {plural(filtered.length, 'advisory', 'advisories')} by state{filtered.length < props.advisories.length ? ` (of ${props.advisories.length})` : ''}
        </h2>
        {props.advisories.length === 0 ? (
          <p class="empty">The desk read its sources and found no repository security advisory in the orgs.</p>
        ) : (
          <div class="board">
            {states.map((name) => {
              const cards = filtered.filter((advisory) => advisory.state === name);
              return (
                <section key={name} class={`board-column state-${name}`} aria-labelledby={`state-${name}`}>
                  <h3 id={`state-${name}`}>
                    {name} <span class="count">{cards.length}</span>
                  </h3>
                  {cards.length === 0 ? (
                    <p class="muted">none</p>
                  ) : (
                    <ul class="cards-list">
                      {cards.map((advisory) => (
                        <li key={advisory.id}>
                          <AdvisoryCard advisory={advisory} />
                        </li>
                      ))}
                    </ul>
                  )}
                </section>
              );
            })}
          </div>
        )}
      </section>
      <section aria-labelledby="list-h">
        <h2 id="list-h">As a list</h2>
        <DataTable
          route={route}
          caption="Advisories with their clocks"
          columns={columns}
          rows={props.advisories.filter((advisory) => (clock === undefined || worstClock(advisory.clocks) === clock) && (state === undefined || advisory.state === state))}
          empty="No advisory."
          exportName={`advisories-run${props.run}`}
          testid="disclosure-table"
        />
      </section>
    </>
  );
}

function AdvisoryLink(props: { advisory: DeskAdvisory }) {
  const { advisory } = props;
  return advisory.url !== null && /^https:\/\//i.test(advisory.url) ? (
    <a href={advisory.url} target="_blank" rel="noopener noreferrer">
      {advisory.id}
    </a>
  ) : (
    <span>{advisory.id}</span>
  );
}

function AdvisoryCard(props: { advisory: DeskAdvisory }) {
  const { advisory } = props;
  return (
    <article class="advisory-card" aria-labelledby={`adv-${advisory.id}`}>
      <h4 id={`adv-${advisory.id}`}>
        <AdvisoryLink advisory={advisory} />
      </h4>
      <p class="muted">
        {advisory.repo}
        {advisory.cve_id ? ` · ${advisory.cve_id}` : ''}
      </p>
      <p>
        <SeverityBadge severity={advisory.severity} /> {advisory.summary}
      </p>
      <dl class="clocks">
        <dt>Acknowledge</dt>
        <dd>
          <ClockBadge state={clockState(advisory.clocks.acknowledge)}>{describeClock(advisory.clocks.acknowledge)}</ClockBadge>
        </dd>
        <dt>Disclose</dt>
        <dd>
          <ClockBadge state={clockState(advisory.clocks.disclose)}>{describeClock(advisory.clocks.disclose)}</ClockBadge>
        </dd>
      </dl>
      {advisory.problems.length > 0 && (
        <ul class="problems" aria-label="Problems">
          {advisory.problems.map((problem) => (
            <li key={problem.id}>
              <strong>{problem.id}</strong>: {problem.message}
              {problem.fix && <span class="detail">Fix: {problem.fix}</span>}
            </li>
          ))}
        </ul>
      )}
      {advisory.description && (
        <details>
          <summary>Description</summary>
          <Markdown text={advisory.description} />
        </details>
      )}
    </article>
  );
}
