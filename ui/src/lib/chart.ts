import type { Span } from '../router.js';

/**
 * The trend charts' arithmetic: which runs a span keeps, and where each point
 * and line goes. A run that lacked a part has `null` there: that is a gap in
 * the line, never a zero (a run without posture is not "0 % coverage").
 */
export interface Series {
  key: string;
  label: string;
  /** One value per point of the chart, null where that run has no figure. */
  values: readonly (number | null)[];
}

const DAY = 86_400_000;
const SPAN_DAYS: Record<Exclude<Span, 'all'>, number> = { '7d': 7, '30d': 30, '90d': 90, '1y': 365 };

/**
 * The points within the span, counted back from the newest point (the run
 * shown), not from today: a report of an old run shows that run's trend.
 * Points whose time cannot be read are kept only with `all`.
 */
export function pointsInSpan<Point extends { started_at: string }>(points: readonly Point[], span: Span): Point[] {
  if (span === 'all') return [...points];
  const times = points.map((point) => Date.parse(point.started_at));
  const newest = Math.max(...times.filter((time) => Number.isFinite(time)));
  if (!Number.isFinite(newest)) return [];
  const from = newest - SPAN_DAYS[span] * DAY;
  return points.filter((_, index) => times[index]! >= from);
}

/** Runs of consecutive known values: each becomes one line; a null between two runs is a gap. */
export function segments(values: readonly (number | null)[]): { index: number; value: number }[][] {
  const out: { index: number; value: number }[][] = [];
  let current: { index: number; value: number }[] = [];
  values.forEach((value, index) => {
    if (value === null || !Number.isFinite(value)) {
      if (current.length > 0) out.push(current);
      current = [];
    } else current.push({ index, value });
  });
  if (current.length > 0) out.push(current);
  return out;
}

/**
 * Up to `count` round tick values from 0 to at least `max` (1, 2 or 5 times a
 * power of ten apart), never closer than `minStep` (1 for counts: no "1.5
 * findings").
 */
export function niceTicks(max: number, count = 4, minStep = 0): number[] {
  if (!(max > 0)) return [0, 1];
  const rough = max / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = Math.max(minStep, [1, 2, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= rough) ?? 10 * power);
  const ticks: number[] = [];
  for (let tick = 0; tick < max + step / 2; tick += step) ticks.push(Number(tick.toPrecision(12)));
  if (ticks[ticks.length - 1]! < max) ticks.push(Number((ticks[ticks.length - 1]! + step).toPrecision(12)));
  return ticks;
}

export interface ChartBox {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface PlottedSeries {
  key: string;
  label: string;
  /** One SVG path per segment (`M x y L x y …`); a lone point has a path of its own too. */
  paths: string[];
  points: { index: number; value: number; x: number; y: number }[];
}

export interface ChartLayout {
  xs: number[];
  yTicks: { value: number; y: number }[];
  series: PlottedSeries[];
  yMax: number;
}

/**
 * Where everything goes. x: by time when the points have distinct readable
 * times, else evenly by index; y: from 0 to `fixedMax` (100 for percentages)
 * or, for counts, the rounded-up largest value with whole-number ticks.
 */
export function layoutChart(times: readonly string[], series: readonly Series[], box: ChartBox, fixedMax?: number): ChartLayout {
  const count = times.length;
  const innerWidth = box.width - box.left - box.right;
  const innerHeight = box.height - box.top - box.bottom;
  const parsed = times.map((time) => Date.parse(time));
  const byTime = count > 1 && parsed.every((time) => Number.isFinite(time)) && new Set(parsed).size === count;
  const first = Math.min(...parsed);
  const last = Math.max(...parsed);
  const xs = times.map((_, index) => {
    if (count <= 1) return box.left + innerWidth / 2;
    const share = byTime ? (parsed[index]! - first) / (last - first) : index / (count - 1);
    return round(box.left + share * innerWidth);
  });
  const largest = Math.max(0, ...series.flatMap((entry) => entry.values.filter((value): value is number => value !== null && Number.isFinite(value))));
  const ticks = fixedMax === undefined ? niceTicks(largest, 4, 1) : niceTicks(fixedMax);
  const yMax = fixedMax ?? ticks[ticks.length - 1]!;
  const yOf = (value: number) => round(box.top + innerHeight - (Math.min(value, yMax) / yMax) * innerHeight);
  return {
    xs,
    yMax,
    yTicks: ticks.filter((tick) => tick <= yMax).map((value) => ({ value, y: yOf(value) })),
    series: series.map((entry) => {
      const runs = segments(entry.values);
      return {
        key: entry.key,
        label: entry.label,
        paths: runs.map((run) => run.map((point, position) => `${position === 0 ? 'M' : 'L'}${xs[point.index]} ${yOf(point.value)}`).join(' ')),
        points: runs.flat().map((point) => ({ ...point, x: xs[point.index]!, y: yOf(point.value) })),
      };
    }),
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
