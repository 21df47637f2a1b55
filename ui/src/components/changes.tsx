import type { ComponentChildren } from 'preact';
import type { ClockChange, DeskAdvisoryRef, FindingChange, PackageRef, PostureChange, Report, ReportChanges } from '../api.js';
import { severityRank } from '../lib/severity.js';
import { viewRoute, type Route } from '../router.js';
import { ClockBadge, OutcomeBadge, SeverityBadge } from './badge.js';
import { DataTable, type Column } from './data-table.js';
import { Link } from './link.js';
import { PackageLink } from './package-link.js';

/**
 * What changed between two runs (a report's `changes`): the Overview shows it
 * since the previous run, History between any two. A part one of the runs
 * lacks is "not compared", with why, never "nothing changed".
 */
export function Changes(props: { route: Route; report: Report; testid?: string }) {
  const { route, report } = props;
  const changes = report.changes;
  if (report.since === null || changes === null) {
    return (
      <p class="empty" data-testid={props.testid}>
        Nothing to compare with: run #{report.run.id} is the first run of {report.run.label} with an audit's parts{report.notes.length > 0 ? ` (${report.notes.join(' ')})` : ''}.
      </p>
    );
  }
  const notCompared = (part: string, what: string) => (
    <p class="not-compared">
      <strong>Not compared:</strong> {changes.not_compared[part] ?? `one of the two runs has no ${what}.`}
    </p>
  );
  const counts = summaryCounts(changes);
  return (
    <div class="changes" data-testid={props.testid}>
      {report.notes.length > 0 && (
        <ul class="notes">
          {report.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
      <ul class="change-counts">
        {counts.map((entry) => (
          <li key={entry.anchor}>
            {entry.count === null ? (
              <span>
                {entry.label}: <span class="muted">not compared</span>
              </span>
            ) : (
              <a href={`#${entry.anchor}`}>
                <span class="count">{entry.count}</span> {entry.label}
              </a>
            )}
          </li>
        ))}
      </ul>

      <Section anchor="changes-findings" title="Vulnerability findings">
        {changes.findings === null ? (
          notCompared('findings', 'findings')
        ) : (
          <>
            <FindingTable route={route} id="appeared" caption="Findings that appeared" rows={changes.findings.appeared} empty="No finding appeared." />
            <FindingTable route={route} id="resolved" caption="Findings resolved" rows={changes.findings.resolved} empty="No finding was resolved." />
          </>
        )}
      </Section>

      <Section anchor="changes-packages" title="Packages">
        {changes.packages === null ? (
          notCompared('packages', 'dependency graph')
        ) : (
          <>
            <PackageTable route={route} id="added" caption="Packages added" rows={changes.packages.added} empty="No package was added." />
            <PackageTable route={route} id="removed" caption="Packages removed" rows={changes.packages.removed} empty="No package was removed." />
            <DataTable
              route={route}
              id="versions"
              caption="Version changes"
              exportName="version-changes"
              rows={changes.packages.version_changes}
              empty="No package changed version."
              columns={VERSION_COLUMNS}
            />
          </>
        )}
      </Section>

      <Section anchor="changes-supply" title="Provenance, install scripts and maintainers">
        {changes.provenance_lost === null ? (
          notCompared('provenance_lost', 'dependency graph')
        ) : (
          <DataTable
            route={route}
            id="provenance"
            caption="Provenance lost (the new version has none, the old one had)"
            exportName="provenance-lost"
            rows={changes.provenance_lost}
            empty="No package lost its provenance."
            columns={[
              { key: 'purl', label: 'Package', value: (row) => row.purl, render: (row) => <PackageLink route={route} purl={row.purl} />, rowHeader: true },
              { key: 'previous', label: 'Previous version', value: (row) => row.previous_purl },
            ]}
          />
        )}
        {changes.new_install_scripts === null ? (
          notCompared('new_install_scripts', 'dependency graph')
        ) : (
          <DataTable
            route={route}
            id="scripts"
            caption="New install scripts"
            exportName="new-install-scripts"
            rows={changes.new_install_scripts}
            empty="No package gained install scripts."
            columns={[
              { key: 'purl', label: 'Package', value: (row) => row.purl, render: (row) => <PackageLink route={route} purl={row.purl} />, rowHeader: true },
              { key: 'scripts', label: 'Scripts now', value: (row) => row.scripts.join(', ') },
              { key: 'previous', label: 'Before', value: (row) => (row.previous === null ? 'new package' : row.previous.join(', ') || 'none') },
            ]}
          />
        )}
        {changes.maintainer_changes === null ? (
          notCompared('maintainer_changes', 'dependency graph')
        ) : (
          <DataTable
            route={route}
            id="maintainers"
            caption="Maintainer changes"
            exportName="maintainer-changes"
            rows={changes.maintainer_changes}
            empty="No package changed maintainers."
            columns={[
              { key: 'purl', label: 'Package', value: (row) => row.purl, render: (row) => <PackageLink route={route} purl={row.purl} />, rowHeader: true },
              { key: 'from', label: 'Maintainers before', value: (row) => row.from, numeric: true },
              { key: 'to', label: 'Maintainers now', value: (row) => row.to, numeric: true },
              { key: 'added', label: 'Came', value: (row) => (row.added === null ? 'names not shown' : row.added.join(', ')) },
              { key: 'removed', label: 'Left', value: (row) => (row.removed === null ? 'names not shown' : row.removed.join(', ')) },
            ]}
          />
        )}
      </Section>

      <Section anchor="changes-posture" title="Repository posture">
        {changes.posture === null ? (
          notCompared('posture', 'posture')
        ) : (
          <>
            <PostureTable route={route} id="regressions" caption="Posture regressions" rows={changes.posture.regressions} empty="No check got worse." />
            <PostureTable route={route} id="fixes" caption="Posture fixes" rows={changes.posture.fixes} empty="No check got better." />
          </>
        )}
      </Section>

      <Section anchor="changes-advisories" title="Security advisories (the desk)">
        {changes.advisories === null ? (
          notCompared('advisories', 'advisories')
        ) : (
          <>
            <DeskTable route={route} id="opened" caption="Advisories opened" rows={changes.advisories.opened} empty="No advisory was opened." />
            <DeskTable route={route} id="closed" caption="Advisories closed" rows={changes.advisories.closed} empty="No advisory was closed." />
            <ClockTable route={route} id="overdue" caption="Clocks turned overdue" rows={changes.advisories.turned_overdue} empty="No clock turned overdue." />
            <ClockTable route={route} id="duesoon" caption="Clocks turned due soon" rows={changes.advisories.turned_due_soon} empty="No clock turned due soon." />
          </>
        )}
      </Section>
    </div>
  );
}

function Section(props: { anchor: string; title: string; children: ComponentChildren }) {
  return (
    <section id={props.anchor} class="change-section" aria-labelledby={`${props.anchor}-h`}>
      <h3 id={`${props.anchor}-h`}>{props.title}</h3>
      {props.children}
    </section>
  );
}

function summaryCounts(changes: ReportChanges): { anchor: string; label: string; count: number | null }[] {
  const length = (list: readonly unknown[] | undefined | null) => (list === undefined || list === null ? null : list.length);
  return [
    { anchor: 'changes-findings', label: 'findings appeared', count: length(changes.findings?.appeared) },
    { anchor: 'changes-findings', label: 'findings resolved', count: length(changes.findings?.resolved) },
    { anchor: 'changes-packages', label: 'packages added', count: length(changes.packages?.added) },
    { anchor: 'changes-packages', label: 'packages removed', count: length(changes.packages?.removed) },
    { anchor: 'changes-packages', label: 'version changes', count: length(changes.packages?.version_changes) },
    { anchor: 'changes-supply', label: 'provenance lost', count: length(changes.provenance_lost) },
    { anchor: 'changes-supply', label: 'new install scripts', count: length(changes.new_install_scripts) },
    { anchor: 'changes-supply', label: 'maintainer changes', count: length(changes.maintainer_changes) },
    { anchor: 'changes-posture', label: 'posture regressions', count: length(changes.posture?.regressions) },
    { anchor: 'changes-posture', label: 'posture fixes', count: length(changes.posture?.fixes) },
    { anchor: 'changes-advisories', label: 'advisories opened', count: length(changes.advisories?.opened) },
    { anchor: 'changes-advisories', label: 'clocks turned overdue', count: length(changes.advisories?.turned_overdue) },
  ];
}

const VERSION_COLUMNS: Column<{ ecosystem: string; name: string; from: string[]; to: string[] }>[] = [
  { key: 'name', label: 'Package', value: (row) => row.name, rowHeader: true },
  { key: 'ecosystem', label: 'Ecosystem', value: (row) => row.ecosystem },
  { key: 'from', label: 'Versions before', value: (row) => row.from.join(', ') },
  { key: 'to', label: 'Versions now', value: (row) => row.to.join(', ') },
];

interface TableProps<Row> {
  route: Route;
  id: string;
  caption: string;
  rows: Row[];
  empty: string;
}

function FindingTable(props: TableProps<FindingChange>) {
  const { route } = props;
  return (
    <DataTable
      route={route}
      id={props.id}
      caption={props.caption}
      exportName={`findings-${props.id}`}
      rows={props.rows}
      empty={props.empty}
      columns={[
        { key: 'id', label: 'Advisory', value: (row) => row.id, render: (row) => <Link to={viewRoute(route, 'vulnerabilities', { q: row.id })}>{row.id}</Link>, rowHeader: true },
        { key: 'severity', label: 'Severity', value: (row) => row.severity, sortValue: (row) => severityRank(row.severity), render: (row) => <SeverityBadge severity={row.severity} />, numeric: true },
        { key: 'package', label: 'Package', value: (row) => row.package.purl, render: (row) => <PackageLink route={route} purl={row.package.purl} name={row.package.name} version={row.package.version} /> },
        { key: 'summary', label: 'Summary', value: (row) => row.summary },
        { key: 'fixed', label: 'Fixed in', value: (row) => row.fixed.join(', ') || 'no fix known' },
      ]}
    />
  );
}

function PackageTable(props: TableProps<PackageRef>) {
  const { route } = props;
  return (
    <DataTable
      route={route}
      id={props.id}
      caption={props.caption}
      exportName={`packages-${props.id}`}
      rows={props.rows}
      empty={props.empty}
      columns={[
        { key: 'name', label: 'Package', value: (row) => row.name, render: (row) => <PackageLink route={route} purl={row.purl} name={row.name} version={row.version} />, rowHeader: true },
        { key: 'ecosystem', label: 'Ecosystem', value: (row) => row.ecosystem },
        { key: 'version', label: 'Version', value: (row) => row.version },
        { key: 'purl', label: 'Package URL', value: (row) => row.purl },
      ]}
    />
  );
}

function PostureTable(props: TableProps<PostureChange>) {
  const { route } = props;
  return (
    <DataTable
      route={route}
      id={props.id}
      caption={props.caption}
      exportName={`posture-${props.id}`}
      rows={props.rows}
      empty={props.empty}
      columns={[
        { key: 'repo', label: 'Repository', value: (row) => row.repo, render: (row) => <Link to={viewRoute(route, 'posture', { q: row.repo })}>{row.repo}</Link>, rowHeader: true },
        { key: 'check', label: 'Check', value: (row) => row.check },
        { key: 'from', label: 'Was', value: (row) => row.from, render: (row) => <OutcomeBadge outcome={row.from} /> },
        { key: 'to', label: 'Is', value: (row) => row.to, render: (row) => <OutcomeBadge outcome={row.to} /> },
        { key: 'summary', label: 'Why', value: (row) => row.summary },
      ]}
    />
  );
}

function DeskTable(props: TableProps<DeskAdvisoryRef>) {
  const { route } = props;
  return (
    <DataTable
      route={route}
      id={props.id}
      caption={props.caption}
      exportName={`advisories-${props.id}`}
      rows={props.rows}
      empty={props.empty}
      columns={[
        { key: 'id', label: 'Advisory', value: (row) => row.id, render: (row) => <Link to={viewRoute(route, 'disclosure', { q: row.id })}>{row.id}</Link>, rowHeader: true },
        { key: 'repo', label: 'Repository', value: (row) => row.repo },
        { key: 'state', label: 'State', value: (row) => row.state },
        { key: 'summary', label: 'Summary', value: (row) => row.summary },
      ]}
    />
  );
}

function ClockTable(props: TableProps<ClockChange>) {
  const { route } = props;
  return (
    <DataTable
      route={route}
      id={props.id}
      caption={props.caption}
      exportName={`clocks-${props.id}`}
      rows={props.rows}
      empty={props.empty}
      columns={[
        { key: 'id', label: 'Advisory', value: (row) => row.id, render: (row) => <Link to={viewRoute(route, 'disclosure', { q: row.id })}>{row.id}</Link>, rowHeader: true },
        { key: 'repo', label: 'Repository', value: (row) => row.repo },
        { key: 'clock', label: 'Clock', value: (row) => row.clock },
        { key: 'to', label: 'Now', value: (row) => row.to, render: (row) => <ClockBadge state={row.to} /> },
        { key: 'due', label: 'Due', value: (row) => row.due },
        { key: 'summary', label: 'Summary', value: (row) => row.summary },
      ]}
    />
  );
}
