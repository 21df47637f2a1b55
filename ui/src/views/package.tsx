import { useMemo } from 'preact/hooks';
import { api, reachOf, severityOf, type Knowable, type PackageDetail, type ScanFinding } from '../api.js';
import type { ViewProps } from '../app.js';
import { OutcomeBadge, SeverityBadge } from '../components/badge.js';
import { DataTable, type Column } from '../components/data-table.js';
import { Link } from '../components/link.js';
import { PackageLink, shortPurl } from '../components/package-link.js';
import { Await, Empty } from '../components/status.js';
import { formatScore } from '../lib/format.js';
import { severityRank } from '../lib/severity.js';
import { viewRoute, type Route } from '../router.js';
import { useApi } from '../use-api.js';

/**
 * One package version: the versions of it in the graph, its signals (each
 * known with its value, or unknown with why), its findings, its repository's
 * posture, and why it is installed at all: the paths from our top packages.
 */
export function PackageView(props: ViewProps) {
  const { route, run } = props;
  const purl = route.params.purl;
  const detail = useApi(purl === undefined ? null : `package:${run}:${purl}`, () => api.package(run, purl!));
  if (purl === undefined) {
    return (
      <div class="view" data-testid="view-package">
        <h1>Package</h1>
        <Empty>
          No package chosen. Pick one from the <Link to={viewRoute(route, 'concerns')}>Concerns</Link>, the <Link to={viewRoute(route, 'vulnerabilities')}>Vulnerabilities</Link> or
          the <Link to={viewRoute(route, 'graph')}>Graph explorer</Link>.
        </Empty>
      </div>
    );
  }
  return (
    <div class="view" data-testid="view-package">
      {detail.status !== 'ok' && <h1>Package {shortPurl(purl)}</h1>}
      <Await state={detail} what={`${shortPurl(purl)} in run #${run}`}>
        {(data) => <PackageDetails route={route} detail={data} />}
      </Await>
    </div>
  );
}

function PackageDetails(props: { route: Route; detail: PackageDetail }) {
  const { route, detail } = props;
  const signals = useMemo(() => Object.entries(detail.signals).map(([name, signal]) => ({ name, signal })), [detail]);
  const signalColumns = useMemo<Column<{ name: string; signal: Knowable }>[]>(
    () => [
      { key: 'name', label: 'Signal', value: (row) => row.name, rowHeader: true },
      { key: 'known', label: 'Known', value: (row) => (row.signal.known ? 'known' : 'unknown'), render: (row) => (row.signal.known ? 'known' : <span class="unknown">unknown</span>) },
      { key: 'value', label: 'Value, or why unknown', value: (row) => (row.signal.known ? signalText(row.signal.value) : row.signal.reason) },
    ],
    [],
  );
  const findingColumns = useMemo<Column<ScanFinding>[]>(
    () => [
      { key: 'id', label: 'Advisory', value: (row) => row.id, rowHeader: true, render: (row) => <Link to={viewRoute(route, 'vulnerabilities', { q: row.id })}>{row.id}</Link> },
      { key: 'severity', label: 'Severity', value: (row) => severityOf(row), sortValue: (row) => severityRank(severityOf(row)), render: (row) => <SeverityBadge severity={severityOf(row)} /> },
      { key: 'aliases', label: 'Also known as', value: (row) => row.ids.filter((id) => id !== row.id).join(', ') },
      { key: 'summary', label: 'Summary', value: (row) => row.summary },
      { key: 'fixed', label: 'Fixed in', value: (row) => row.fixed.join(', ') || 'no fix known' },
    ],
    [route.params.run, route.params.identity],
  );
  const concern = detail.concern;
  const repository = detail.repository;
  return (
    <>
      <h1>
        {detail.name} <span class="version">{detail.version}</span>
      </h1>
      <p class="lede">
        <code>{detail.purl}</code> · {detail.ecosystem} ·{' '}
        <Link to={viewRoute(route, 'graph', { focus: detail.purl })}>show its paths in the graph</Link>
      </p>

      <section aria-labelledby="why-h" data-testid="package-paths">
        <h2 id="why-h">Why is it installed?</h2>
        {detail.paths.length === 0 ? (
          <p class="empty">No path from the run's top packages reaches it{detail.dependents.length === 0 ? ' and nothing in the graph depends on it' : ''}: it is one of the top packages itself, or was reached another way.</p>
        ) : (
          <>
            <p>
              {detail.paths.length === 1 ? 'The path' : `The ${detail.paths.length} shortest paths`} from the top packages down to it
              {detail.more_paths === true ? ' (more paths exist: the shortest are shown)' : ''}:
            </p>
            <ol class="paths">
              {detail.paths.map((path, index) => (
                <li key={index}>
                  <ol class="path" aria-label={`Path ${index + 1}, ${path.length} packages`}>
                    {path.map((step, position) => (
                      <li key={position}>{position === path.length - 1 ? <strong>{shortPurl(step)}</strong> : <PackageLink route={route} purl={step} />}</li>
                    ))}
                  </ol>
                </li>
              ))}
            </ol>
          </>
        )}
      </section>

      <section aria-labelledby="versions-h">
        <h2 id="versions-h">Versions in the graph</h2>
        {detail.versions_in_graph.length <= 1 ? (
          <p>Only this version ({detail.version}) is in the graph.</p>
        ) : (
          <ul class="inline-list">
            {detail.versions_in_graph.map((version) => (
              <li key={version}>{version === detail.version ? <strong aria-current="true">{version} (this one)</strong> : <PackageLink route={route} purl={replaceVersion(detail.purl, version)} name={detail.name} version={version} />}</li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="findings-h">
        <h2 id="findings-h">Known vulnerabilities</h2>
        <DataTable
          route={route}
          id="findings"
          caption={`Findings on ${detail.name} ${detail.version}`}
          columns={findingColumns}
          rows={detail.findings}
          empty="No known vulnerability affects this version (if its ecosystem was checked: see the Overview)."
          exportName={`findings-${detail.name}-${detail.version}`}
        />
      </section>

      <section aria-labelledby="concern-h">
        <h2 id="concern-h">Concern</h2>
        {concern === null ? (
          <p class="muted">Not in this run's concern ranking.</p>
        ) : (
          <>
            <p>
              Rank <strong>{concern.rank}</strong>, score <strong>{concern.score === null ? 'unknown' : formatScore(concern.score)}</strong>, reach {formatScore((reachOf(concern).score ?? 0) * 100)}, weakness{' '}
              {concern.weakness.score === null ? 'unknown' : formatScore(concern.weakness.score * 100)} ({concern.weakness.known} of {concern.weakness.total} factors known).
            </p>
            <ul class="factors">
              {concern.weakness.factors.map((factor) => (
                <li key={factor.name}>
                  <strong>{factor.name}</strong> (weight {factor.weight}): {factor.value === null ? <span class="unknown">unknown — {factor.detail}</span> : `${factor.value.toFixed(2)} — ${factor.detail}`}
                </li>
              ))}
            </ul>
          </>
        )}
      </section>

      <section aria-labelledby="signals-h">
        <h2 id="signals-h">Signals</h2>
        <DataTable
          route={route}
          id="signals"
          caption="What the registry and the graph tell about this version"
          columns={signalColumns}
          rows={signals}
          empty="The graph holds no signal for this package."
          exportName={`signals-${detail.name}-${detail.version}`}
        />
      </section>

      <section aria-labelledby="repo-h">
        <h2 id="repo-h">Repository and posture</h2>
        {repository === null ? (
          <p class="muted">The registry names no source repository for this version.</p>
        ) : (
          <>
            <p>
              {safeExternal(repository.url) ? (
                <a href={repository.url} target="_blank" rel="noopener noreferrer">
                  {repository.url}
                </a>
              ) : (
                <code>{repository.url}</code>
              )}
              {repository.confidence !== undefined && <span class="muted"> ({repository.confidence})</span>}
              {repository.repo !== null && (
                <>
                  {' '}
                  · <Link to={viewRoute(route, 'posture', { q: repository.repo })}>{repository.repo} in the posture matrix</Link>
                </>
              )}
            </p>
            {repository.posture === null ? (
              <p class="muted">This run did not check this repository's posture (it is not in the orgs the run covers, or the posture step did not run).</p>
            ) : (
              <table class="compact" data-testid="package-posture">
                <caption>Posture of {repository.repo ?? repository.url}</caption>
                <thead>
                  <tr>
                    <th scope="col">Check</th>
                    <th scope="col">Outcome</th>
                    <th scope="col">Why</th>
                  </tr>
                </thead>
                <tbody>
                  {repository.posture.checks.map((check) => (
                    <tr key={check.id}>
                      <th scope="row">{check.id}</th>
                      <td>
                        <OutcomeBadge outcome={check.outcome} />
                      </td>
                      <td>{check.summary}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        )}
      </section>

      <section aria-labelledby="neighbours-h">
        <h2 id="neighbours-h">Neighbours in the graph</h2>
        <div class="two-columns">
          <div>
            <h3>Depends on it ({detail.dependents.length})</h3>
            {detail.dependents.length === 0 ? (
              <p class="muted">Nothing in the graph depends on it.</p>
            ) : (
              <ul class="purl-list">
                {detail.dependents.map((purl) => (
                  <li key={purl}>
                    <PackageLink route={route} purl={purl} />
                  </li>
                ))}
              </ul>
            )}
          </div>
          <div>
            <h3>It depends on ({detail.dependencies.length})</h3>
            {detail.dependencies.length === 0 ? (
              <p class="muted">It depends on nothing in the graph.</p>
            ) : (
              <ul class="purl-list">
                {detail.dependencies.map((purl) => (
                  <li key={purl}>
                    <PackageLink route={route} purl={purl} />
                  </li>
                ))}
              </ul>
            )}
          </div>
        </div>
      </section>
    </>
  );
}

/** A signal's value in words: lists joined, `{url, confidence}` as `url (confidence)`, false as `no`. */
function signalText(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map(signalText).join(', ');
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.url === 'string') return typeof record.confidence === 'string' ? `${record.url} (${record.confidence})` : record.url;
    return Object.entries(record)
      .map(([key, entry]) => `${key}: ${signalText(entry)}`)
      .join('; ');
  }
  return String(value);
}

/** The purl of another version of the same package: the version part replaced, qualifiers kept. */
function replaceVersion(purl: string, version: string): string {
  const match = /^(.*)@[^@?#]*([?#].*)?$/.exec(purl);
  return match === null ? purl : `${match[1]}@${encodeURIComponent(version)}${match[2] ?? ''}`;
}

function safeExternal(url: string): boolean {
  return /^https?:\/\//i.test(url);
}
