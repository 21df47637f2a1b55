import { useMemo } from 'preact/hooks';
import { api, listQueryString, type CheckCoverage, type ListQuery, type PostureCell, type PostureRepo, type PostureResponse } from '../api.js';
import type { ViewProps } from '../app.js';
import { OutcomeBadge } from '../components/badge.js';
import { DataTable, pageOffset, type Column } from '../components/data-table.js';
import { FilterChips } from '../components/filter-chips.js';
import { Link } from '../components/link.js';
import { NoSource } from '../components/no-source.js';
import { Await } from '../components/status.js';
import { formatDay, formatPercent, plural } from '../lib/format.js';
import { navigate } from '../navigation.js';
import { OUTCOMES, viewRoute, withParams, type Route } from '../router.js';
import { useApi } from '../use-api.js';

/**
 * Repositories × checks: each cell the outcome in words and colour, the
 * reason, the check's documentation, and a waiver with its expiry. Archived
 * and inactive repositories can be left out or shown alone; coverage per org
 * below.
 */
export function PostureView(props: ViewProps) {
  const { route, run } = props;
  // The server filters, sorts and pages the matrix (30,000 repositories are fifty megabytes of cells).
  const query = postureQuery(route);
  const posture = useApi(`posture:${run}:${listQueryString(query)}`, () => api.posture(run, query), { keepPrevious: true });
  return (
    <div class="view" data-testid="view-posture">
      <h1>Posture</h1>
      <p class="lede">
        How each repository of the orgs is hardened, check by check. “unknown” means the check could not be evaluated (no access, an error): it is never counted as a failure. Coverage =
        pass / (pass + partial + fail).
      </p>
      <Await state={posture} what={`the posture of run #${run}`}>
        {(data) => (data.available === false ? <NoSource what="repository posture" reason={data.reason} testid="posture-no-source" /> : <PostureBody route={route} run={run} data={data} busy={posture.status === 'ok' && posture.stale === true} />)}
      </Await>
    </div>
  );
}

const PAGE_SIZE = 50;

/** The matrix query the URL holds: the filters, the words, the column, the page (an outcome counts only with its check). */
function postureQuery(route: Route): ListQuery {
  const { org, archived, inactive, check, outcome, q, sort } = route.params;
  return { org, archived, inactive, check, outcome: check === undefined ? undefined : outcome, q, sort, offset: pageOffset(route, undefined, PAGE_SIZE), limit: PAGE_SIZE };
}

function PostureBody(props: { route: Route; run: string; data: PostureResponse; busy: boolean }) {
  const { route, data, run } = props;
  const { org, check, outcome } = route.params;
  const archived = route.params.archived;
  const inactive = route.params.inactive;
  const shownChecks = check !== undefined && data.checks.includes(check) ? [check] : data.checks;
  const now = useMemo(() => new Date().toISOString().slice(0, 10), []);
  const rows = data.repos;
  const exportAll = async () => (await api.posture(run, { ...postureQuery(route), offset: 0, limit: 'all' })).repos;
  const columns = useMemo<Column<PostureRepo>[]>(
    () => [
      {
        key: 'repo',
        label: 'Repository',
        value: (row) => row.repo,
        rowHeader: true,
        render: (row) => (
          <>
            <a href={`https://github.com/${row.repo}`} target="_blank" rel="noopener noreferrer">
              {row.repo}
            </a>
            {row.archived === true && <span class="tag">archived</span>}
            {row.inactive === true && <span class="tag">inactive</span>}
          </>
        ),
      },
      { key: 'org', label: 'Org', value: (row) => row.org },
      { key: 'archived', label: 'Archived', value: (row) => row.archived, render: (row) => flagText(row.archived) },
      { key: 'inactive', label: 'Inactive', value: (row) => row.inactive, render: (row) => flagText(row.inactive) },
      ...shownChecks.map(
        (id): Column<PostureRepo> => ({
          key: `check.${id}`,
          label: id,
          value: (row) => cellText(row.checks[id], now),
          sortValue: (row) => OUTCOME_ORDER[row.checks[id]?.outcome ?? 'not-available'] ?? 0,
          render: (row) => <Cell id={id} cell={row.checks[id]} now={now} />,
        }),
      ),
    ],
    [shownChecks.join(' '), now],
  );
  const archivedCount = data.counts.archived;
  const inactiveCount = data.counts.inactive;
  const orgs = data.orgs.map((entry) => entry.org);
  const set = (changes: Record<string, string | null>) => navigate(withParams(route, { ...changes, page: null }));
  return (
    <>
      <form class="inline-form filters" aria-label="Posture filters" onSubmit={(event) => event.preventDefault()}>
        <label>
          <span>Org</span>
          <select value={org ?? ''} onChange={(event) => set({ org: event.currentTarget.value || null })}>
            <option value="">all ({orgs.length})</option>
            {orgs.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>Archived ({archivedCount})</span>
          <select value={archived ?? ''} onChange={(event) => set({ archived: event.currentTarget.value || null })}>
            <option value="">included</option>
            <option value="hide">left out</option>
            <option value="only">only these</option>
          </select>
        </label>
        <label>
          <span>Inactive ({inactiveCount})</span>
          <select value={inactive ?? ''} onChange={(event) => set({ inactive: event.currentTarget.value || null })}>
            <option value="">included</option>
            <option value="hide">left out</option>
            <option value="only">only these</option>
          </select>
        </label>
        <label>
          <span>Check</span>
          <select value={check ?? ''} onChange={(event) => set({ check: event.currentTarget.value || null, outcome: null })}>
            <option value="">all ({data.checks.length})</option>
            {data.checks.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </label>
        {check !== undefined && (
          <label>
            <span>Outcome</span>
            <select value={outcome ?? ''} onChange={(event) => set({ outcome: event.currentTarget.value || null })}>
              <option value="">any</option>
              {OUTCOMES.map((value) => (
                <option key={value} value={value}>
                  {value}
                </option>
              ))}
            </select>
          </label>
        )}
      </form>
      <FilterChips
        route={route}
        filters={[
          { param: 'org', label: 'Org' },
          { param: 'archived', label: 'Archived' },
          { param: 'inactive', label: 'Inactive' },
          { param: 'check', label: 'Check' },
          { param: 'outcome', label: 'Outcome' },
        ]}
      />
      <section aria-labelledby="matrix-h">
        <h2 id="matrix-h">Repositories × checks</h2>
        <DataTable
          route={route}
          caption={`${plural(data.total, 'repository', 'repositories')} × ${plural(shownChecks.length, 'check')}`}
          columns={columns}
          rows={rows}
          empty="This run checked no repository (no org was configured, or the posture step did not run)."
          exportName={`posture-run${data.run}`}
          testid="posture-matrix"
          pageSize={PAGE_SIZE}
          server={{ total: data.total, unfiltered: data.counts.repos, exportAll }}
          busy={props.busy}
          rowClass={(row) => (row.archived === true || row.inactive === true ? 'dimmed' : undefined)}
        />
      </section>
      <section aria-labelledby="coverage-h" data-testid="posture-coverage">
        <h2 id="coverage-h">Coverage per org</h2>
        <CoverageTable route={route} checks={data.checks} orgs={data.orgs} total={data.coverage} />
      </section>
    </>
  );
}

const OUTCOME_ORDER: Record<string, number> = { fail: 5, error: 4, partial: 3, 'not-available': 2, 'not-applicable': 1, pass: 0 };

function flagText(flag: boolean | null) {
  return flag === null ? <span class="muted">unknown</span> : flag ? 'yes' : 'no';
}

/** Whether a waiver has expired: the server's word when it gives one, else its expiry date before today. */
function waiverExpired(waiver: NonNullable<PostureCell['waiver']>, now: string): boolean {
  if (typeof waiver.expired === 'boolean') return waiver.expired;
  return waiver.expires !== null && waiver.expires.slice(0, 10) < now;
}

function cellText(cell: PostureCell | undefined, now: string): string | null {
  if (cell === undefined) return null;
  const waiver = cell.waiver === null ? '' : ` [waived${cell.waiver.expires ? ` until ${cell.waiver.expires}` : ''}${waiverExpired(cell.waiver, now) ? ' (expired)' : ''}: ${cell.waiver.reason}]`;
  return `${cell.outcome}: ${cell.summary}${waiver}`;
}

/** The check's documentation: the server's own page (`/docs/checks#…`, same tab) or an https page (new tab); anything else is not linked. */
function DocsLink(props: { href: string; check: string }) {
  const label = (
    <>
      docs<span class="visually-hidden"> of {props.check}</span>
    </>
  );
  if (/^\/(?!\/)/.test(props.href)) return <a class="small" href={props.href}>{label}</a>;
  if (/^https?:\/\//i.test(props.href))
    return (
      <a class="small" href={props.href} target="_blank" rel="noopener noreferrer">
        {label}
      </a>
    );
  return null;
}

function Cell(props: { id: string; cell: PostureCell | undefined; now: string }) {
  const { cell } = props;
  if (cell === undefined) return <span class="muted">not checked</span>;
  const expired = cell.waiver !== null && waiverExpired(cell.waiver, props.now);
  return (
    <div class="posture-cell">
      <OutcomeBadge outcome={cell.outcome} />
      <span class="detail">{cell.summary}</span>
      {cell.waiver !== null && (
        <span class={`waiver${expired ? ' expired' : ''}`}>
          {expired ? 'waiver expired' : 'waived'}
          {cell.waiver.expires ? ` ${expired ? 'on' : 'until'} ${formatDay(cell.waiver.expires)}` : ' (no expiry)'}: {cell.waiver.reason}
        </span>
      )}
      <DocsLink href={cell.docs} check={props.id} />
    </div>
  );
}

function CoverageTable(props: { route: Route; checks: string[]; orgs: { org: string; checks: CheckCoverage[] }[]; total: CheckCoverage[] }) {
  const { route, checks } = props;
  const rows = [...props.orgs, { org: '', checks: props.total }];
  return (
    <div class="table-scroll" tabIndex={0} role="region" aria-labelledby="coverage-caption">
      <table class="coverage">
        <caption id="coverage-caption">Share of evaluated repositories that pass, per org and check (all orgs last)</caption>
        <thead>
          <tr>
            <th scope="col">Org</th>
            {checks.map((id) => (
              <th scope="col" class="numeric" key={id}>
                {id}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.org} class={row.org === '' ? 'total' : undefined}>
              <th scope="row">{row.org === '' ? 'All orgs' : <Link to={withParams(viewRoute(route, 'posture'), { org: row.org })}>{row.org}</Link>}</th>
              {checks.map((id) => {
                const coverage = row.checks.find((entry) => entry.check === id);
                return (
                  <td class="numeric" key={id}>
                    {coverage === undefined ? (
                      <span class="muted">—</span>
                    ) : (
                      <Link
                        to={withParams(viewRoute(route, 'posture'), { org: row.org || null, check: id })}
                        title={`pass ${coverage.pass}, partial ${coverage.partial}, fail ${coverage.fail}, unknown ${coverage.unknown}, n/a ${coverage.not_applicable}`}
                      >
                        {formatPercent(coverage.percent)}
                      </Link>
                    )}
                    {coverage !== undefined && (
                      <span class="detail">
                        {coverage.pass}✓ {coverage.partial}◐ {coverage.fail}✗{coverage.unknown > 0 ? ` ${coverage.unknown}?` : ''}
                      </span>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
