import { useMemo } from 'preact/hooks';
import { api, type AdvisoryGroup } from '../api.js';
import type { ViewProps } from '../app.js';
import { SeverityBadge } from '../components/badge.js';
import { DataTable, type Column } from '../components/data-table.js';
import { FilterChips } from '../components/filter-chips.js';
import { Link } from '../components/link.js';
import { NoSource } from '../components/no-source.js';
import { PackageLink } from '../components/package-link.js';
import { Await } from '../components/status.js';
import { plural } from '../lib/format.js';
import { severityRank } from '../lib/severity.js';
import { viewRoute, type Route } from '../router.js';
import { useApi } from '../use-api.js';

/**
 * Every finding of the run, grouped by advisory (worst first): the fixed
 * versions, and where it comes from, each affected package linking to its
 * page (the paths that install it).
 */
export function VulnerabilitiesView(props: ViewProps) {
  const { route, run } = props;
  const findings = useApi(`findings:${run}`, () => api.findings(run));
  return (
    <div class="view" data-testid="view-vulnerabilities">
      <h1>Vulnerabilities</h1>
      <p class="lede">Known vulnerabilities in the package versions of the run's dependency graph, one row per advisory, with the versions that fix it and the packages it affects.</p>
      <FilterChips route={route} filters={[{ param: 'severity', label: 'Severity' }, { param: 'ecosystem', label: 'Ecosystem' }]} />
      <Await state={findings} what={`the findings of run #${run}`}>
        {(data) =>
          data.available === false ? (
            <NoSource what="vulnerability findings" reason={data.reason} testid="vulnerabilities-no-source" />
          ) : (
            <AdvisoryTable route={route} run={data.run} advisories={data.advisories} />
          )
        }
      </Await>
    </div>
  );
}

function AdvisoryTable(props: { route: Route; run: number; advisories: AdvisoryGroup[] }) {
  const { route } = props;
  const severity = route.params.severity;
  const ecosystem = route.params.ecosystem;
  const rows = useMemo(
    () =>
      props.advisories
        .filter((advisory) => severity === undefined || advisory.severity === severity)
        .map((advisory) => (ecosystem === undefined ? advisory : { ...advisory, packages: advisory.packages.filter((entry) => entry.ecosystem === ecosystem) }))
        .filter((advisory) => advisory.packages.length > 0),
    [props.advisories, severity, ecosystem],
  );
  const columns = useMemo<Column<AdvisoryGroup>[]>(
    () => [
      {
        key: 'id',
        label: 'Advisory',
        value: (row) => row.id,
        rowHeader: true,
        render: (row) => (
          <>
            <span class="advisory-id">{row.id}</span>
            {row.ids.length > 1 && <span class="detail">also {row.ids.filter((id) => id !== row.id).join(', ')}</span>}
          </>
        ),
      },
      { key: 'severity', label: 'Severity', value: (row) => row.severity, sortValue: (row) => severityRank(row.severity), render: (row) => <SeverityBadge severity={row.severity} /> },
      { key: 'summary', label: 'Summary', value: (row) => row.summary ?? '' },
      { key: 'fixed', label: 'Fixed in', value: (row) => row.fixed.join(', ') || 'no fix known', render: (row) => (row.fixed.length === 0 ? <span class="unknown">no fix known</span> : row.fixed.join(', ')) },
      {
        key: 'packages',
        label: 'Affected packages (where from)',
        value: (row) => row.packages.map((entry) => `${entry.purl}${entry.fix ? ` -> ${entry.fix}` : ''}`).join(' '),
        sortValue: (row) => row.packages.length,
        render: (row) => (
          <ul class="affected">
            {row.packages.map((entry) => (
              <li key={entry.purl}>
                <PackageLink route={route} purl={entry.purl} name={entry.name} version={entry.version} />
                <span class="muted"> ({entry.ecosystem})</span>
                {entry.fix === null ? <span class="unknown"> no fixed version</span> : <span> → upgrade to {entry.fix}</span>}{' '}
                <Link class="small" to={viewRoute(route, 'graph', { focus: entry.purl })}>
                  paths
                </Link>
              </li>
            ))}
          </ul>
        ),
      },
      { key: 'count', label: 'Packages', value: (row) => row.packages.length, numeric: true },
    ],
    [route.params.run, route.params.identity],
  );
  const total = rows.reduce((sum, row) => sum + row.packages.length, 0);
  return (
    <DataTable
      route={route}
      caption={`${plural(rows.length, 'advisory', 'advisories')} affecting ${plural(total, 'package version')}`}
      columns={columns}
      rows={rows}
      empty={
        props.advisories.length === 0
          ? 'This run found no known vulnerability in its graph. If an ecosystem was not checked (the Overview says which), that means not checked, not safe.'
          : 'No advisory matches the filters in use.'
      }
      exportName={`vulnerabilities-run${props.run}`}
      testid="vulnerabilities-table"
    />
  );
}
