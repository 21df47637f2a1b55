import { useMemo } from 'preact/hooks';
import { api, listQueryString, reachOf, type ConcernRow, type ConcernsResponse, type ListQuery, type WeaknessFactor } from '../api.js';
import type { ViewProps } from '../app.js';
import { DataTable, pageOffset, type Column } from '../components/data-table.js';
import { Link } from '../components/link.js';
import { NoSource } from '../components/no-source.js';
import { PackageLink } from '../components/package-link.js';
import { Await } from '../components/status.js';
import { formatScore } from '../lib/format.js';
import { viewRoute, type Route } from '../router.js';
import { useApi } from '../use-api.js';

/** Names of the weakness factors for people (src/graph/concerns.ts WEAKNESS_FACTORS, RUN_FACTORS). */
const FACTOR_LABELS: Record<string, string> = {
  advisories: 'Advisories',
  stale: 'Stale',
  singleMaintainer: 'Single maintainer',
  noProvenance: 'No provenance',
  provenanceDropped: 'Provenance dropped',
  installScripts: 'Install scripts',
  deprecatedOrYanked: 'Deprecated or yanked',
  repositoryPosture: 'Repository posture',
};

/**
 * The ranked packages with every factor: reach (how many roots reach it, by
 * how many paths, how central) and each weakness factor with its value, or
 * "unknown" and why (an unknown factor counts neither good nor bad).
 */
export function ConcernsView(props: ViewProps) {
  const { route, run } = props;
  // The server filters, sorts and pages the list (a graph of thousands of packages is megabytes of rows).
  const query = listQuery(route);
  const concerns = useApi(`concerns:${run}:${listQueryString(query)}`, () => api.concerns(run, query), { keepPrevious: true });
  return (
    <div class="view" data-testid="view-concerns">
      <h1>Concerns</h1>
      <p class="lede">
        Score = reach × weakness × 100. Reach: the share of our top packages that pull it in, the number of paths, and how central it is. Weakness: the weighted mean of the
        factors that are <em>known</em>; an unknown factor is shown with why and counted neither as good nor as bad, so check the coverage (known / all).
      </p>
      <Await state={concerns} what={`the concerns of run #${run}`}>
        {(data) =>
          data.available === false ? (
            <NoSource what="concern ranking" reason={data.reason} testid="concerns-no-source" />
          ) : (
            <ConcernsTable route={route} run={run} data={data} busy={concerns.status === 'ok' && concerns.stale === true} />
          )
        }
      </Await>
    </div>
  );
}

const PAGE_SIZE = 100;

/** The list query the URL holds: words, column, page. */
function listQuery(route: Route): ListQuery {
  return { q: route.params.q, sort: route.params.sort, offset: pageOffset(route, undefined, PAGE_SIZE), limit: PAGE_SIZE };
}

function ConcernsTable(props: { route: Route; run: string; data: ConcernsResponse; busy: boolean }) {
  const { route, data, run } = props;
  const rows = data.rows;
  const factorNames = data.factor_names;
  const columns = useMemo<Column<ConcernRow>[]>(
    () => [
      { key: 'rank', label: 'Rank', value: (row) => row.rank, numeric: true },
      {
        key: 'package',
        label: 'Package',
        value: (row) => `${row.name}@${row.version}`,
        rowHeader: true,
        render: (row) => (
          <>
            <PackageLink route={route} purl={row.purl} name={row.name} version={row.version} />
            <br />
            <Link class="small" to={viewRoute(route, 'graph', { focus: row.purl })}>
              paths in the graph
            </Link>
          </>
        ),
      },
      { key: 'ecosystem', label: 'Ecosystem', value: (row) => row.ecosystem },
      {
        key: 'score',
        label: 'Score',
        value: (row) => row.score,
        numeric: true,
        render: (row) => (row.score === null ? <span class="unknown">unknown (no factor known)</span> : <strong>{formatScore(row.score)}</strong>),
      },
      {
        key: 'reach',
        label: 'Reach',
        value: (row) => reachOf(row).score,
        numeric: true,
        render: (row) => {
          const reach = reachOf(row);
          return (
            <>
              {reach.score === null ? '—' : formatScore(reach.score * 100)}
              <span class="detail">
                roots {reach.rootsReaching ?? '?'}/{reach.rootsTotal ?? '?'}, paths {reach.paths ?? '?'}, centrality {reach.centrality === null ? '?' : reach.centrality.toFixed(3)}
              </span>
            </>
          );
        },
      },
      {
        key: 'weakness',
        label: 'Weakness',
        value: (row) => row.weakness.score,
        numeric: true,
        render: (row) => (row.weakness.score === null ? <span class="unknown">unknown</span> : formatScore(row.weakness.score * 100)),
      },
      {
        key: 'coverage',
        label: 'Known',
        value: (row) => `${row.weakness.known}/${row.weakness.total}`,
        sortValue: (row) => (row.weakness.total === 0 ? 0 : row.weakness.known / row.weakness.total),
        numeric: true,
      },
      ...factorNames.map(
        (name): Column<ConcernRow> => ({
          key: `factor.${name}`,
          label: FACTOR_LABELS[name] ?? name,
          value: (row) => factorText(row.weakness.factors.find((factor) => factor.name === name)),
          sortValue: (row) => row.weakness.factors.find((factor) => factor.name === name)?.value ?? null,
          render: (row) => <FactorCell factor={row.weakness.factors.find((factor) => factor.name === name)} />,
        }),
      ),
    ],
    [factorNames.join(' '), route.params.identity, route.params.run],
  );
  const exportAll = async () => (await api.concerns(run, { ...listQuery(route), offset: 0, limit: 'all' })).rows;
  return (
    <DataTable
      route={route}
      caption={`${data.ranked} packages ranked by concern${data.listed < data.ranked ? ` (the first ${data.listed} kept by the run)` : ''}`}
      columns={columns}
      rows={rows}
      empty="The run ranked no package (its graph was empty or the concerns step did not run)."
      exportName={`concerns-run${data.run}`}
      testid="concerns-table"
      pageSize={PAGE_SIZE}
      server={{ total: data.total, unfiltered: data.listed, exportAll }}
      busy={props.busy}
    />
  );
}

function factorText(factor: WeaknessFactor | undefined): string | null {
  if (factor === undefined) return null;
  return factor.value === null ? `unknown: ${factor.detail}` : `${factor.value.toFixed(2)} (weight ${factor.weight}): ${factor.detail}`;
}

function FactorCell(props: { factor: WeaknessFactor | undefined }) {
  const { factor } = props;
  if (factor === undefined) return <span class="muted">not in this ranking</span>;
  if (factor.value === null)
    return (
      <span class="factor unknown">
        <span class="factor-value">unknown</span>
        <span class="detail">why: {factor.detail}</span>
      </span>
    );
  return (
    <span class={`factor ${factor.value > 0 ? 'weighs' : 'clear'}`}>
      <span class="factor-value">
        {factor.value > 0 ? '▲ ' : '✓ '}
        {factor.value.toFixed(2)}
      </span>
      <span class="detail">{factor.detail}</span>
    </span>
  );
}
