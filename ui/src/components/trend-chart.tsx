import { useId } from 'preact/hooks';
import { layoutChart, type Series } from '../lib/chart.js';
import { formatDay, formatTime } from '../lib/format.js';
import type { Route } from '../router.js';
import { Link } from './link.js';

export interface TrendChartProps {
  title: string;
  /** What the chart shows, for people who cannot see it (the SVG's desc). */
  description: string;
  points: readonly { id: number; started_at: string }[];
  series: readonly Series[];
  /**
   * One more series on a scale of its own, read on the right axis: a figure
   * of another size than the others (new packages beside all packages), which
   * would be a flat line at the bottom of their scale.
   */
  secondary?: Series;
  /** Percentages: the y axis runs 0–100 and values read `87.5 %`. */
  percent?: boolean;
  /** The list behind a number (the series' key in that run), for the table of numbers. */
  linkFor?: (seriesKey: string, runId: number) => Route | null;
  /** CSS class of each series' line, by key (severity colours); `series-<n>` otherwise. */
  classFor?: (seriesKey: string, index: number) => string;
  testid?: string;
}

const BOX = { width: 560, height: 200, left: 44, right: 12, top: 12, bottom: 28 };
/** With a right axis: room for its numbers. */
const BOX_WITH_RIGHT_AXIS = { ...BOX, right: 44 };

/**
 * A line chart in SVG, one line per series. A run without the figure is a
 * gap in the line (the table says "no data"), never a zero. The numbers are
 * in a table under the chart, each linking to the list behind it.
 */
export function TrendChart(props: TrendChartProps) {
  const id = useId();
  const { points, secondary } = props;
  const box = secondary ? BOX_WITH_RIGHT_AXIS : BOX;
  const dates = points.map((point) => point.started_at);
  const layout = layoutChart(dates, props.series, box, props.percent ? 100 : undefined);
  // No right axis without a value to read on it.
  const right = secondary?.values.some((value) => value !== null) ? layoutChart(dates, [secondary], box) : null;
  // Every series, the right axis's last: the legend, the lines' classes and the table of numbers.
  const series = secondary ? [...props.series, secondary] : props.series;
  const lines = right ? [...layout.series, ...right.series] : layout.series;
  const format = (value: number) => (props.percent ? `${value.toFixed(1)} %` : String(value));
  const classFor = props.classFor ?? ((_: string, index: number) => `series-${index % 8}`);
  const hasData = series.some((entry) => entry.values.some((value) => value !== null));
  const xLabels = pickLabels(points.length);
  const rightLabel = (entry: Series) => (secondary && entry.key === secondary.key ? `${entry.label} (right axis)` : entry.label);
  return (
    <figure class="trend" data-testid={props.testid}>
      <figcaption>
        <h3>{props.title}</h3>
      </figcaption>
      {points.length === 0 ? (
        <p class="empty">No run in this span.</p>
      ) : !hasData ? (
        <p class="empty">None of the runs in this span has these figures (the part was not saved).</p>
      ) : (
        <>
          <svg class="chart" viewBox={`0 0 ${box.width} ${box.height}`} role="img" aria-labelledby={`${id}-t ${id}-d`} preserveAspectRatio="xMidYMid meet">
            <title id={`${id}-t`}>{props.title}</title>
            <desc id={`${id}-d`}>
              {props.description} {points.length} run{points.length === 1 ? '' : 's'} from {formatDay(points[0]!.started_at)} to {formatDay(points[points.length - 1]!.started_at)}; a run without the figure
              is a gap in the line.{secondary ? ` ${secondary.label} is read on the right axis.` : ''} The numbers are in the table below.
            </desc>
            {layout.yTicks.map((tick) => (
              <g key={tick.value} class="tick">
                <line x1={box.left} x2={box.width - box.right} y1={tick.y} y2={tick.y} />
                <text x={box.left - 6} y={tick.y + 4} text-anchor="end">
                  {props.percent ? `${tick.value}%` : tick.value}
                </text>
              </g>
            ))}
            {right?.yTicks.map((tick) => (
              <g key={`right-${tick.value}`} class="tick">
                <text x={box.width - box.right + 6} y={tick.y + 4} text-anchor="start">
                  {tick.value}
                </text>
              </g>
            ))}
            {xLabels.map((index) => (
              <text key={index} class="x-label" x={layout.xs[index]} y={box.height - 8} text-anchor="middle">
                {formatDay(points[index]!.started_at).slice(5)}
              </text>
            ))}
            {lines.map((entry, index) => (
              <g key={entry.key} class={`series ${classFor(entry.key, index)}`}>
                {entry.paths.map((d, part) => (
                  <path key={part} d={d} fill="none" />
                ))}
                {entry.points.map((point) => (
                  <circle key={point.index} cx={point.x} cy={point.y} r="3">
                    <title>
                      {entry.label}: {format(point.value)} (run {points[point.index]!.id}, {formatDay(points[point.index]!.started_at)})
                    </title>
                  </circle>
                ))}
              </g>
            ))}
          </svg>
          <ul class="legend">
            {series.map((entry, index) => (
              <li key={entry.key}>
                <span class={`swatch ${classFor(entry.key, index)}`} aria-hidden="true" />
                {rightLabel(entry)}
              </li>
            ))}
          </ul>
        </>
      )}
      {points.length > 0 && (
        <details class="numbers">
          <summary>Numbers of “{props.title}”</summary>
          <div class="table-scroll" tabIndex={0} role="region" aria-label={`Numbers of ${props.title}`}>
            <table>
              <thead>
                <tr>
                  <th scope="col">Run</th>
                  {series.map((entry) => (
                    <th scope="col" class="numeric" key={entry.key}>
                      {entry.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {points.map((point, index) => (
                  <tr key={point.id}>
                    <th scope="row">
                      #{point.id} <span class="muted">{formatTime(point.started_at)}</span>
                    </th>
                    {series.map((entry) => {
                      const value = entry.values[index] ?? null;
                      const to = value === null ? null : props.linkFor?.(entry.key, point.id) ?? null;
                      return (
                        <td class="numeric" key={entry.key}>
                          {value === null ? <span class="muted">no data</span> : to === null ? format(value) : <Link to={to}>{format(value)}</Link>}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      )}
    </figure>
  );
}

/** At most six x labels, spread evenly, always the first and the last. */
function pickLabels(count: number): number[] {
  if (count <= 6) return Array.from({ length: count }, (_, index) => index);
  const step = (count - 1) / 5;
  return Array.from({ length: 6 }, (_, index) => Math.round(index * step));
}
