import { useMemo } from 'preact/hooks';
import { api, reachOf, type ConcernRow, type WeaknessFactor } from '../api.js';
import type { ViewProps } from '../app.js';
import { DataTable, type Column } from '../components/data-table.js';
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
  const concerns = useApi(`concerns:${run}`, () => api.concerns(run));
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
            <ConcernsTable route={route} run={data.run} rows={data.rows} ranked={data.ranked} />
          )
        }
      </Await>
    </div>
  );
}

function ConcernsTable(props: { route: Route; run: number; rows: ConcernRow[]; ranked: number }) {
  const { route, rows } = props;
  const factorNames = useMemo(() => {
    const names: string[] = [];
    for (const row of rows) for (const factor of row.weakness.factors) if (!names.includes(factor.name)) names.push(factor.name);
    return names;
  }, [rows]);
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
    [rows, factorNames, route.params.identity, route.params.run],
  );
  return (
    <DataTable
      route={route}
      caption={`${props.ranked} packages ranked by concern${rows.length < props.ranked ? ` (the first ${rows.length} shown)` : ''}`}
      columns={columns}
      rows={rows}
      empty="The run ranked no package (its graph was empty or the concerns step did not run)."
      exportName={`concerns-run${props.run}`}
      testid="concerns-table"
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
