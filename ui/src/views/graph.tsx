import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, type GraphNode, type GraphResponse } from '../api.js';
import type { ViewProps } from '../app.js';
import { SeverityBadge } from '../components/badge.js';
import { DataTable, type Column } from '../components/data-table.js';
import { Link } from '../components/link.js';
import { NoSource } from '../components/no-source.js';
import { PackageLink, shortPurl } from '../components/package-link.js';
import { Await } from '../components/status.js';
import { plural } from '../lib/format.js';
import { nodeVisible, pathNodes, type GraphFilter } from '../lib/graph-layout.js';
import { CROSS_EDGE_COLOUR, ECOSYSTEM_COLOURS, OTHER_COLOUR, SAFE_COLOUR, SEVERITY_COLOURS, type ColourMode } from '../lib/graph-model.js';
import { createScene, type Scene } from '../lib/graph-scene.js';
import { severityRank } from '../lib/severity.js';
import { navigate } from '../navigation.js';
import { viewRoute, withParams, type Route } from '../router.js';
import { useApi } from '../use-api.js';

const RANK_CHOICES = [10, 25, 50, 100, 500];

/**
 * The run's dependency graph in WebGL: filter by ecosystem, vulnerable and
 * concern rank, focus on one package's paths from the roots, colour by
 * ecosystem or by severity; cross-ecosystem edges (a wheel bundling an npm
 * package, a conda package and its PyPI twin) are drawn thick and purple.
 * Clicking a node opens its Package view. The table under the canvas lists
 * the same packages, for the keyboard and screen readers.
 */
export function GraphView(props: ViewProps) {
  const { route, run } = props;
  const graph = useApi(`graph:${run}`, () => api.graph(run));
  return (
    <div class="view" data-testid="view-graph">
      <h1>Graph explorer</h1>
      <Await state={graph} what={`the dependency graph of run #${run}`}>
        {(data) => (data.available === false ? <NoSource what="dependency graph" reason={data.reason} testid="graph-no-source" /> : <Explorer route={route} data={data} />)}
      </Await>
    </div>
  );
}

function Explorer(props: { route: Route; data: GraphResponse }) {
  const { route, data } = props;
  const params = route.params;
  const filter: GraphFilter = useMemo(
    () => ({ ecosystem: params.ecosystem ?? null, vulnerable: params.vulnerable === '1', maxRank: params.rank === undefined ? null : Number(params.rank) }),
    [params.ecosystem, params.vulnerable, params.rank],
  );
  const focus = params.focus ?? null;
  const colour: ColourMode = params.colour === 'severity' ? 'severity' : 'ecosystem';

  const ecosystems = useMemo(() => [...new Set(data.nodes.map((node) => node.ecosystem))].sort(), [data]);
  const byId = useMemo(() => new Map(data.nodes.map((node) => [node.id, node])), [data]);
  const degree = useMemo(() => {
    const counts = new Map<string, { dependents: number; dependencies: number }>();
    for (const node of data.nodes) counts.set(node.id, { dependents: 0, dependencies: 0 });
    for (const edge of data.edges) {
      const from = counts.get(edge.from);
      const to = counts.get(edge.to);
      if (from) from.dependencies++;
      if (to) to.dependents++;
    }
    return counts;
  }, [data]);
  const crossEdges = useMemo(() => data.edges.filter((edge) => byId.get(edge.from)?.ecosystem !== byId.get(edge.to)?.ecosystem && byId.has(edge.from) && byId.has(edge.to)).length, [data, byId]);
  const visible = useMemo(() => new Set(data.nodes.filter((node) => nodeVisible(node, filter)).map((node) => node.id)), [data, filter]);
  const onPath = useMemo(() => (focus === null ? null : pathNodes(data.nodes, data.edges, focus)), [data, focus]);
  const focusMissing = focus !== null && !byId.has(focus);

  // The scene: created once per graph, updated in place when filters, focus or colours change.
  const container = useRef<HTMLDivElement>(null);
  const scene = useRef<Scene | null>(null);
  const routeRef = useRef(route);
  routeRef.current = route;
  const [sceneError, setSceneError] = useState<string | null>(null);
  const [depth, setDepth] = useState<Map<string, number> | null>(null);
  useEffect(() => {
    if (container.current === null) return;
    try {
      const created = createScene(container.current, data, colour, (id) => navigate(viewRoute(routeRef.current, 'package', { purl: id })));
      scene.current = created;
      setDepth(created.depth);
      setSceneError(null);
    } catch (error) {
      setSceneError(error instanceof Error ? error.message : String(error));
    }
    return () => {
      scene.current?.kill();
      scene.current = null;
    };
  }, [data]);
  useEffect(() => scene.current?.apply(visible, onPath, focusMissing ? null : focus), [visible, onPath, focus, depth]);
  useEffect(() => scene.current?.setColours(colour), [colour]);

  const set = (changes: Record<string, string | null>) => navigate(withParams(route, { ...changes, page: null }));
  const [focusText, setFocusText] = useState('');
  // The suggestions (one option per package, thousands) are built when the field is first used, not with the view.
  const [suggest, setSuggest] = useState(false);
  const submitFocus = (text: string) => {
    const wanted = text.trim();
    if (wanted === '') return;
    const match = byId.has(wanted) ? wanted : data.nodes.find((node) => `${node.name}@${node.version}` === wanted || node.name === wanted)?.id;
    set({ focus: match ?? wanted });
  };

  const tableRows = useMemo(() => data.nodes.filter((node) => visible.has(node.id) && (onPath === null || onPath.has(node.id))), [data, visible, onPath]);
  const columns = useMemo<Column<GraphNode>[]>(
    () => [
      { key: 'name', label: 'Package', value: (row) => `${row.name}@${row.version}`, rowHeader: true, render: (row) => <PackageLink route={routeRef.current} purl={row.id} name={row.name} version={row.version} /> },
      { key: 'ecosystem', label: 'Ecosystem', value: (row) => row.ecosystem },
      { key: 'root', label: 'Top package', value: (row) => row.root },
      { key: 'depth', label: 'Depth', value: (row) => depth?.get(row.id) ?? null, numeric: true, render: (row) => (depth?.get(row.id) === -1 ? 'not reached' : String(depth?.get(row.id) ?? '—')) },
      { key: 'severity', label: 'Vulnerable', value: (row) => (row.vulnerable ? (row.severity ?? 'unknown') : 'no'), sortValue: (row) => (row.vulnerable ? severityRank(row.severity) + 1 : 0), render: (row) => (row.vulnerable ? <SeverityBadge severity={row.severity} /> : 'no') },
      { key: 'rank', label: 'Concern rank', value: (row) => row.concern_rank, numeric: true },
      { key: 'dependents', label: 'Dependents', value: (row) => degree.get(row.id)?.dependents ?? 0, numeric: true },
      { key: 'dependencies', label: 'Dependencies', value: (row) => degree.get(row.id)?.dependencies ?? 0, numeric: true },
      {
        key: 'focus',
        label: 'Paths',
        value: () => null,
        sortable: false,
        render: (row) => (
          <Link to={withParams(routeRef.current, { focus: row.id, page: null })} aria-label={`Focus on the paths to ${row.name}@${row.version}`}>
            focus
          </Link>
        ),
      },
    ],
    [depth, degree],
  );

  return (
    <>
      <form class="inline-form filters" aria-label="Graph filters" onSubmit={(event) => event.preventDefault()}>
        <label>
          <span>Ecosystem</span>
          <select value={filter.ecosystem ?? ''} onChange={(event) => set({ ecosystem: event.currentTarget.value || null })}>
            <option value="">all</option>
            {ecosystems.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label class="checkbox">
          <input type="checkbox" checked={filter.vulnerable} onChange={(event) => set({ vulnerable: event.currentTarget.checked ? '1' : null })} />
          <span>Vulnerable only</span>
        </label>
        <label>
          <span>Concern rank</span>
          <select value={params.rank ?? ''} onChange={(event) => set({ rank: event.currentTarget.value || null })}>
            <option value="">any</option>
            {RANK_CHOICES.map((rank) => (
              <option key={rank} value={String(rank)}>
                top {rank}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>Colour by</span>
          <select value={colour} onChange={(event) => set({ colour: event.currentTarget.value === 'severity' ? 'severity' : null })}>
            <option value="ecosystem">ecosystem</option>
            <option value="severity">vulnerability</option>
          </select>
        </label>
      </form>
      <form
        class="inline-form"
        aria-label="Focus on a package"
        onSubmit={(event) => {
          event.preventDefault();
          submitFocus(focusText);
        }}
      >
        <label>
          <span>Paths to</span>
          <input
            type="text"
            list="graph-packages"
            value={focusText}
            placeholder="name@version"
            onFocus={() => setSuggest(true)}
            onInput={(event) => setFocusText(event.currentTarget.value)}
          />
        </label>
        <datalist id="graph-packages">{suggest && data.nodes.map((node) => <option key={node.id} value={`${node.name}@${node.version}`} />)}</datalist>
        <button type="submit">Focus</button>
        {focus !== null && (
          <button type="button" onClick={() => set({ focus: null })}>
            Clear focus
          </button>
        )}
      </form>
      <p class="graph-status" role="status" data-testid="graph-status">
        {plural(visible.size, 'package')} of {data.nodes.length} shown, {plural(data.edges.length, 'edge')} ({plural(crossEdges, 'cross-ecosystem edge')}).
        {focus !== null && !focusMissing && onPath !== null && (
          <>
            {' '}
            Focus: <strong>{shortPurl(focus)}</strong>, {plural(onPath.size, 'package')} on its paths from the top packages.{' '}
            <Link to={viewRoute(route, 'package', { purl: focus })}>Open its page</Link>
          </>
        )}
        {focusMissing && <span class="warning-inline"> No package “{focus}” in this run's graph.</span>}
      </p>
      <div class="graph-frame">
        {data.nodes.length === 0 ? (
          <p class="empty">This run saved an empty graph (no top package resolved).</p>
        ) : sceneError !== null ? (
          <p class="error-message" role="alert">
            This browser could not draw the graph with WebGL 2 ({sceneError}). The table below lists the same packages.
          </p>
        ) : null}
        <div
          ref={container}
          class={`graph-canvas${data.nodes.length === 0 || sceneError !== null ? ' hidden' : ''}`}
          data-testid="graph-canvas"
          role="img"
          aria-label={`Dependency graph: ${visible.size} packages in rings by depth from the top packages; the table below lists them.`}
        />
        <div class="graph-side">
          <div class="zoom-buttons" role="group" aria-label="Zoom">
            <button type="button" onClick={() => scene.current?.zoom('in')} aria-label="Zoom in">
              +
            </button>
            <button type="button" onClick={() => scene.current?.zoom('out')} aria-label="Zoom out">
              −
            </button>
            <button type="button" onClick={() => scene.current?.zoom('reset')}>
              Reset
            </button>
          </div>
          <Legend colour={colour} ecosystems={ecosystems} />
        </div>
      </div>
      <section aria-labelledby="nodes-h">
        <h2 id="nodes-h">{onPath === null ? 'Packages shown' : 'Packages on the paths'}</h2>
        <DataTable
          route={route}
          caption={onPath === null ? 'Packages of the graph that pass the filters' : `Packages on the paths from the top packages to ${shortPurl(focus!)}`}
          columns={columns}
          rows={tableRows}
          empty={data.nodes.length === 0 ? 'The graph is empty.' : 'No package passes the filters.'}
          exportName={`graph-run${data.run}`}
          testid="graph-table"
        />
      </section>
    </>
  );
}

function Legend(props: { colour: ColourMode; ecosystems: string[] }) {
  const entries =
    props.colour === 'ecosystem'
      ? props.ecosystems.map((name) => ({ label: name, colour: ECOSYSTEM_COLOURS[name] ?? OTHER_COLOUR }))
      : [
          ...Object.entries(SEVERITY_COLOURS)
            .filter(([name]) => name !== 'none')
            .map(([name, colour]) => ({ label: `vulnerable: ${name}`, colour })),
          { label: 'no known vulnerability', colour: SAFE_COLOUR },
        ];
  return (
    <div class="legend-box">
      <h2 class="legend-title">Legend</h2>
      <ul class="legend">
        {entries.map((entry) => (
          <li key={entry.label}>
            <svg width="14" height="14" aria-hidden="true">
              <circle cx="7" cy="7" r="6" fill={entry.colour} />
            </svg>{' '}
            {entry.label}
          </li>
        ))}
        <li>
          <svg width="22" height="14" aria-hidden="true">
            <line x1="1" y1="7" x2="21" y2="7" stroke={CROSS_EDGE_COLOUR} stroke-width="3" />
          </svg>{' '}
          cross-ecosystem edge (thick)
        </li>
        <li>Big nodes: top packages; medium: the 10 worst concerns. Rings: depth from the top packages, the outer ring not reached.</li>
      </ul>
    </div>
  );
}
