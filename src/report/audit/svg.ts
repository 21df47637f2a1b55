import { escapeHtml, formatPercent } from './text.js';

/**
 * Small inline-SVG trend charts for the HTML report: stacked bars per run
 * (findings by severity, advisories by clock) and small multiples of the
 * passing percentage per check. Plain markup, no script, no external
 * reference; every number rounded to one decimal so the same input gives the
 * same bytes. A run without the part is a gap (`n/a` under an empty column,
 * a broken line), never drawn as zero. Each chart carries <title>, <desc>
 * and an aria-label; the HTML puts the numbers in a table beside it.
 */

export interface ChartSeries {
  key: string;
  label: string;
  /** A fill colour (`#rrggbb`). */
  colour: string;
}

export interface ChartRun {
  id: number;
  /** Values per series key; null when the run lacks the part (a gap). */
  values: Record<string, number | null> | null;
}

export interface ChartText {
  /** Anchor prefix for the title and description ids (fixed, never from data). */
  id: string;
  title: string;
  description: string;
}

const FONT = 'system-ui, -apple-system, Segoe UI, sans-serif';
const GRID = '#d0d7de';
const MUTED = '#57606a';
const LINE = '#0550ae';

function number(value: number): string {
  return String(Math.round(value * 10) / 10);
}

function attributes(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([name, value]) => ` ${name}="${escapeHtml(typeof value === 'number' ? number(value) : value)}"`)
    .join('');
}

function element(name: string, values: Record<string, string | number>, content: string | null = null): string {
  return content === null ? `<${name}${attributes(values)} />` : `<${name}${attributes(values)}>${content}</${name}>`;
}

function svg(text: ChartText, width: number, height: number, body: string[]): string {
  return [
    `<svg${attributes({ xmlns: 'http://www.w3.org/2000/svg', viewBox: `0 0 ${number(width)} ${number(height)}`, width, height, role: 'img', 'aria-label': text.title, 'aria-describedby': `${text.id}-desc`, 'font-family': FONT, 'font-size': 10 })}>`,
    element('title', { id: `${text.id}-title` }, escapeHtml(text.title)),
    element('desc', { id: `${text.id}-desc` }, escapeHtml(text.description)),
    ...body,
    '</svg>',
  ].join('\n');
}

/** The smallest 1, 2 or 5 × 10^k at least `value` (1 when nothing is above zero). */
function roundUp(value: number): number {
  if (value <= 1) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

const BAR = { left: 40, top: 12, plot: 120, column: 28, bar: 18, legend: 120 };

/** Stacked bars, one column per run, the first series at the bottom; a legend with the series names on the right. */
export function stackedBarChart(text: ChartText, series: readonly ChartSeries[], runs: readonly ChartRun[]): string {
  const total = (run: ChartRun): number => series.reduce((sum, entry) => sum + (run.values?.[entry.key] ?? 0), 0);
  const top = roundUp(Math.max(0, ...runs.filter((run) => run.values !== null).map(total)));
  const plotWidth = runs.length * BAR.column;
  const base = BAR.top + BAR.plot;
  const width = BAR.left + plotWidth + 12 + BAR.legend;
  const height = Math.max(base + 30, BAR.top + series.length * 16 + 8);
  const body: string[] = [];

  const ticks = top >= 2 && top % 2 === 0 ? [0, top / 2, top] : [0, top];
  for (const tick of ticks) {
    const y = base - (tick / top) * BAR.plot;
    body.push(element('line', { x1: BAR.left, x2: BAR.left + plotWidth, y1: y, y2: y, stroke: GRID }), element('text', { x: BAR.left - 4, y: y + 3, 'text-anchor': 'end', fill: MUTED }, String(tick)));
  }

  runs.forEach((run, index) => {
    const x = BAR.left + index * BAR.column + (BAR.column - BAR.bar) / 2;
    const centre = x + BAR.bar / 2;
    const parts: string[] = [];
    if (run.values === null) {
      parts.push(element('title', {}, escapeHtml(`Run ${run.id}: no data`)), element('text', { x: centre, y: base - 4, 'text-anchor': 'middle', fill: MUTED, class: 'gap' }, 'n/a'));
    } else if (total(run) === 0) {
      parts.push(element('line', { x1: x, x2: x + BAR.bar, y1: base, y2: base, stroke: MUTED, 'stroke-width': 2 }, element('title', {}, escapeHtml(`Run ${run.id}: 0`))));
    } else {
      let y = base;
      for (const entry of series) {
        const value = run.values[entry.key] ?? 0;
        if (value <= 0) continue;
        const barHeight = (value / top) * BAR.plot;
        y -= barHeight;
        parts.push(element('rect', { x, y, width: BAR.bar, height: barHeight, fill: entry.colour, 'data-series': entry.key, 'data-value': value }, element('title', {}, escapeHtml(`Run ${run.id}, ${entry.label}: ${value}`))));
      }
    }
    parts.push(element('text', { x: centre, y: base + 14, 'text-anchor': 'middle' }, String(run.id)));
    body.push(element('g', { class: run.values === null ? 'run gap' : 'run', 'data-run': String(run.id) }, parts.join('')));
  });
  body.push(element('text', { x: BAR.left + plotWidth / 2, y: base + 27, 'text-anchor': 'middle', fill: MUTED }, 'run'));

  const legendX = BAR.left + plotWidth + 12;
  series.forEach((entry, index) => {
    const y = BAR.top + index * 16;
    body.push(element('rect', { x: legendX, y, width: 10, height: 10, fill: entry.colour }), element('text', { x: legendX + 14, y: y + 9 }, escapeHtml(entry.label)));
  });
  return svg(text, width, height, body);
}

const PANEL = { width: 200, height: 80, top: 18, plot: 40, left: 34, right: 44, columns: 3 };

/** One small panel per check: the passing percentage (0–100%) across the runs; a missing value breaks the line. */
export function coverageChart(text: ChartText, checks: readonly string[], runs: readonly ChartRun[]): string {
  const step = runs.length > 1 ? Math.min(24, (PANEL.width - PANEL.left - PANEL.right) / (runs.length - 1)) : 0;
  const columns = Math.max(1, Math.min(PANEL.columns, checks.length));
  const width = columns * PANEL.width;
  const height = Math.max(1, Math.ceil(checks.length / PANEL.columns)) * PANEL.height;
  const body: string[] = [];
  checks.forEach((check, index) => {
    const originX = (index % PANEL.columns) * PANEL.width;
    const originY = Math.floor(index / PANEL.columns) * PANEL.height;
    const base = PANEL.top + PANEL.plot;
    const point = (runIndex: number, percent: number): { x: number; y: number } => ({ x: PANEL.left + runIndex * step, y: base - (Math.max(0, Math.min(100, percent)) / 100) * PANEL.plot });
    const values = runs.map((run) => (run.values === null ? null : (run.values[check] ?? null)));
    const parts: string[] = [
      element('text', { x: 0, y: 10, 'font-weight': 600 }, escapeHtml(check)),
      element('line', { x1: PANEL.left, x2: PANEL.left + step * Math.max(1, runs.length - 1), y1: base, y2: base, stroke: GRID }),
      element('line', { x1: PANEL.left, x2: PANEL.left + step * Math.max(1, runs.length - 1), y1: PANEL.top, y2: PANEL.top, stroke: GRID }),
      element('text', { x: PANEL.left - 3, y: base + 3, 'text-anchor': 'end', fill: MUTED }, '0%'),
      element('text', { x: PANEL.left - 3, y: PANEL.top + 3, 'text-anchor': 'end', fill: MUTED }, '100%'),
      element('text', { x: PANEL.left, y: base + 11, 'text-anchor': 'middle', fill: MUTED }, String(runs[0]?.id ?? '')),
    ];
    if (runs.length > 1) parts.push(element('text', { x: PANEL.left + step * (runs.length - 1), y: base + 11, 'text-anchor': 'middle', fill: MUTED }, String(runs[runs.length - 1]!.id)));
    // Consecutive known values are one polyline; a gap starts the next.
    let segment: string[] = [];
    const flush = (): void => {
      if (segment.length > 1) parts.push(element('polyline', { points: segment.join(' '), fill: 'none', stroke: LINE, 'stroke-width': 1.5 }));
      segment = [];
    };
    values.forEach((value, runIndex) => {
      if (value === null) {
        flush();
        return;
      }
      const { x, y } = point(runIndex, value);
      segment.push(`${number(x)},${number(y)}`);
    });
    flush();
    // The newest known value in words, right of the line: the chart reads without hovering.
    const newest = values.map((value, runIndex) => ({ value, runIndex })).filter((entry) => entry.value !== null).pop();
    parts.push(
      newest === undefined
        ? element('text', { x: PANEL.left + 4, y: base - 16, fill: MUTED }, 'no data')
        : element('text', { x: point(newest.runIndex, newest.value!).x + 6, y: point(newest.runIndex, newest.value!).y + 3 }, escapeHtml(formatPercent(newest.value))),
    );
    values.forEach((value, runIndex) => {
      if (value === null) return;
      const { x, y } = point(runIndex, value);
      parts.push(element('circle', { cx: x, cy: y, r: 2.5, fill: LINE, 'data-run': String(runs[runIndex]!.id), 'data-value': value }, element('title', {}, escapeHtml(`Run ${runs[runIndex]!.id}, ${check}: ${formatPercent(value)}`))));
    });
    body.push(element('g', { class: 'check', 'data-check': check, transform: `translate(${originX} ${originY})` }, parts.join('')));
  });
  return svg(text, width, height, body);
}
