/**
 * Issue 11's benchmark: `chainwatch serve` (the built CLI, in its own
 * process) over the bench store of test/serve-fixture.ts (20 orgs × 1,500
 * repositories, a 5,000-node graph, two audit runs).
 *
 * API: each main route under a bounded local load (autocannon, 10
 * connections, CHAINWATCH_BENCH_SERVE_SECONDS (10) s per route): requests per
 * second, p95 latency from every response's own time (autocannon reports
 * p90 and p97.5 only), and the first, cold request.
 *
 * Browser (Debian's Chromium, headless, software WebGL: no GPU here): for
 * CHAINWATCH_BENCH_SERVE_LOADS (5) loads, each in a fresh context (empty
 * cache), the time from navigation start until
 *   - the Overview is interactive: its view (data-testid="view-overview")
 *     shows its content (the standing and the trend charts, no loading
 *     line) and a frame was painted after that;
 *   - the Graph explorer is interactive: sigma's WebGL canvas is drawn (see
 *     graphReady) and a frame was painted after that;
 * then panning fps: frames (requestAnimationFrame) counted during a scripted
 * 2-second drag across the graph.
 *
 * Goals: overview ≤ 1 s, graph ≤ 2 s, 60 fps, API p95 ≤ 50 ms.
 */
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../test/browser/chromium.js';
import { ensureBuilt, startServe, type ServeProcess } from '../test/browser/serve-process.js';
import { buildServeFixture, type ServeFixture } from '../test/serve-fixture.js';
import { median } from './measure.js';

const SECONDS_PER_ROUTE = Number(process.env.CHAINWATCH_BENCH_SERVE_SECONDS ?? 10);
const LOADS = Number(process.env.CHAINWATCH_BENCH_SERVE_LOADS ?? 5);
const CONNECTIONS = 10;
const LARGE = { orgs: 20, reposPerOrg: 1500, nodes: 5000 };
const GOALS = { overviewMs: 1000, graphMs: 2000, fps: 60, p95Ms: 50 };

/** What the page functions below use of the browser (the type check has no DOM library). */
interface PageTiming {
  requestAnimationFrame(callback: (time: number) => void): number;
  performance: { now(): number };
  __frames?: { frames: number[]; running: boolean };
}

function percentile(values: readonly number[], fraction: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;
}

const milliseconds = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(value < 10 ? 1 : 0)} ms` : 'n/a');
const met = (ok: boolean): string => (ok ? 'met' : 'NOT met');
const load = (): string => `load average ${loadavg().map((value) => value.toFixed(2)).join(' / ')} on ${cpus().length} cores`;

function spread(values: readonly number[], format: (value: number) => string): string {
  if (values.length === 0) return 'n/a';
  return `median ${format(median(values))} (min ${format(Math.min(...values))}, max ${format(Math.max(...values))}, n=${values.length})`;
}

/** The main routes of the API, as the views ask for them; the package is one from the middle of the graph. */
function routes(fixture: ServeFixture, packagePurl: string): { name: string; path: string }[] {
  const { first, second } = fixture.runs;
  return [
    { name: 'profiles', path: '/api/profiles' },
    { name: 'runs', path: `/api/runs?identity=${encodeURIComponent(fixture.identity)}` },
    { name: 'report (overview)', path: `/api/runs/${second}/report` },
    // The lists the server pages, as the UI asks for their first page (and a filtered, sorted one).
    { name: 'concerns (page)', path: `/api/runs/${second}/concerns?limit=100&offset=0` },
    { name: 'concerns (words, sorted)', path: `/api/runs/${second}/concerns?limit=100&offset=100&q=pypi&sort=-score` },
    { name: 'graph', path: `/api/runs/${second}/graph` },
    { name: 'package', path: `/api/runs/${second}/packages/${encodeURIComponent(packagePurl)}` },
    { name: 'findings', path: `/api/runs/${second}/findings` },
    { name: 'posture (page)', path: `/api/runs/${second}/posture?limit=50&offset=0` },
    { name: 'posture (filtered, sorted)', path: `/api/runs/${second}/posture?archived=hide&limit=50&offset=500&sort=-check.dependency-update-tool` },
    { name: 'advisories', path: `/api/runs/${second}/advisories` },
    { name: 'diff', path: `/api/diff?from=${first}&to=${second}` },
  ];
}

interface RouteFigures {
  name: string;
  coldMs: number;
  /** The JSON's size (fetch inflates the gzipped body). */
  bytes: number;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  failures: number;
}

/** As the browser asks: its bodies come gzipped when large (the server compresses once and keeps it). */
const REQUEST_HEADERS = { 'accept-encoding': 'gzip' };

async function benchRoute(origin: string, route: { name: string; path: string }): Promise<RouteFigures> {
  const url = origin + route.path;
  const started = performance.now();
  const first = await fetch(url, { headers: REQUEST_HEADERS });
  const body = await first.arrayBuffer();
  const coldMs = performance.now() - started;
  if (!first.ok) throw new Error(`GET ${route.path}: ${first.status} ${Buffer.from(body).toString('utf8').slice(0, 300)}`);
  const latencies: number[] = [];
  const instance = autocannon({ url, connections: CONNECTIONS, duration: SECONDS_PER_ROUTE, headers: REQUEST_HEADERS });
  instance.on('response', (_client, _status, _bytes, time) => latencies.push(time));
  const result = await instance;
  return {
    name: route.name,
    coldMs,
    bytes: body.byteLength,
    requestsPerSecond: result.requests.total / result.duration,
    p50: percentile(latencies, 0.5),
    p95: percentile(latencies, 0.95),
    p99: percentile(latencies, 0.99),
    failures: result.errors + result.timeouts + result.non2xx,
  };
}

// ---------------------------------------------------------------- the browser

/** The DOM the readiness checks below read (the type check has no DOM library). */
interface PageDom {
  document: { querySelector(selector: string): PageNode | null };
}
interface PageNode {
  querySelector(selector: string): PageNode | null;
  width?: number;
  height?: number;
}

/** Milliseconds from navigation start until `ready` holds in the page, plus one painted frame. */
async function timeUntil(page: Page, ready: () => boolean, timeoutMs: number): Promise<number> {
  // A function, not a string: the page's CSP forbids eval.
  await page.waitForFunction(ready, undefined, { polling: 'raf', timeout: timeoutMs });
  // The frame that shows it: the next animation frame after the state is there.
  return page.evaluate(() => {
    const page = globalThis as unknown as PageTiming;
    return new Promise<number>((resolveTime) => page.requestAnimationFrame(() => resolveTime(page.performance.now())));
  });
}

/**
 * The Overview shows its content: its view is there, nothing in it is
 * loading, and the standing (the numbers) and the trend charts are rendered.
 */
function overviewReady(): boolean {
  const { document } = globalThis as unknown as PageDom;
  const view = document.querySelector('[data-testid="view-overview"]');
  return view !== null && view.querySelector('.loading') === null && view.querySelector('[data-testid="overview-standing"]') !== null && view.querySelector('[data-testid="trend-findings"] svg') !== null;
}

/**
 * The Graph explorer is drawn: sigma's WebGL canvas is in the view with a
 * size and nothing in the view is loading. Sigma draws its first frame
 * synchronously when it is created (its constructor renders), so the canvas
 * being there means the frame is in it; the next animation frame shows it.
 */
function graphReady(): boolean {
  const { document } = globalThis as unknown as PageDom;
  const canvas = document.querySelector('[data-testid="graph-canvas"] canvas');
  if (canvas === null || !canvas.width || !canvas.height) return false;
  return document.querySelector('[data-testid="view-graph"] .loading') === null;
}

interface FrameFigures {
  fps: number;
  worstFrameMs: number;
}

/** Frames painted (requestAnimationFrame callbacks) while `during` runs. */
async function countFrames(page: Page, during: () => Promise<void>): Promise<FrameFigures> {
  // Given as source text: tsx wraps the functions of this file in a naming helper the page lacks,
  // and a recursive requestAnimationFrame callback needs a name. (Evaluated through DevTools: the CSP allows it.)
  await page.evaluate(`(() => {
    const state = { frames: [], running: true };
    window.__frames = state;
    requestAnimationFrame(function tick(time) {
      state.frames.push(time);
      if (state.running) requestAnimationFrame(tick);
    });
  })()`);
  await during();
  const frames = await page.evaluate(() => {
    const state = (globalThis as unknown as PageTiming).__frames!;
    state.running = false;
    return state.frames;
  });
  const gaps = frames.slice(1).map((time, index) => time - frames[index]!);
  const span = frames.at(-1)! - frames[0]!;
  return { fps: ((frames.length - 1) * 1000) / span, worstFrameMs: Math.max(...gaps) };
}

/** The mouse drags the graph in circles for about two seconds: the view keeps panning. */
async function dragGraph(page: Page): Promise<void> {
  const box = await page.getByTestId('graph-canvas').boundingBox();
  if (box === null) throw new Error('the graph canvas has no box');
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  const started = Date.now();
  for (let step = 0; Date.now() - started < 2000; step++) {
    // A circle of radius 120 px, one turn a second.
    const angle = (step / 30) * Math.PI;
    await page.mouse.move(x + Math.cos(angle) * 120, y + Math.sin(angle) * 120);
    await page.waitForTimeout(8);
  }
  await page.mouse.up();
}

/** When the graph's API response had arrived, in ms from navigation start (resource timing). */
async function graphDataArrived(page: Page): Promise<number> {
  return page.evaluate(() => {
    const { performance } = globalThis as unknown as { performance: { getEntriesByType(type: string): { name: string; responseEnd: number }[] } };
    return performance.getEntriesByType('resource').find((entry) => /\/api\/runs\/[^/]+\/graph/.test(entry.name))?.responseEnd ?? Number.NaN;
  });
}

interface BrowserFigures {
  overview: number[];
  graph: number[];
  graphData: number[];
  idle: FrameFigures[];
  pan: FrameFigures[];
}

async function benchBrowser(browser: Browser, origin: string, print: (line: string) => void): Promise<BrowserFigures> {
  const figures: BrowserFigures = { overview: [], graph: [], graphData: [], idle: [], pan: [] };
  for (let index = 0; index < LOADS; index++) {
    for (const view of ['overview', 'graph'] as const) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.route('**/*', (route) => (new URL(route.request().url()).origin === origin ? route.continue() : route.abort('blockedbyclient')));
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      try {
        await page.goto(`${origin}${view === 'overview' ? '/' : '/graph'}`, { waitUntil: 'commit' });
        const time = await timeUntil(page, view === 'overview' ? overviewReady : graphReady, 60_000);
        figures[view].push(time);
        if (view === 'graph') {
          figures.graphData.push(await graphDataArrived(page));
          figures.idle.push(await countFrames(page, () => page.waitForTimeout(1000)));
          figures.pan.push(await countFrames(page, () => dragGraph(page)));
        }
      } catch (error) {
        print(`  ${view} load ${index + 1}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}${errors.length > 0 ? ` (page errors: ${errors.join('; ')})` : ''}`);
      } finally {
        await context.close();
      }
    }
  }
  return figures;
}

export async function runServeBench(print: (line: string) => void): Promise<void> {
  const work = resolve(import.meta.dirname, '..', '.bench', 'serve');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const storePath = join(work, 'runs.sqlite');
  print(`serve: chainwatch serve (built CLI) over ${LARGE.orgs} orgs × ${LARGE.reposPerOrg} repositories and a ${LARGE.nodes}-node graph, two audit runs`);
  print(`  machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GB; ${load()} at start`);
  let started = performance.now();
  const fixture = buildServeFixture(storePath, { large: LARGE });
  print(`  store written in ${((performance.now() - started) / 1000).toFixed(1)} s (${(statSync(storePath).size / 2 ** 20).toFixed(1)} MB)`);

  await ensureBuilt();
  let server: ServeProcess | undefined;
  let browser: Browser | undefined;
  try {
    started = performance.now();
    server = await startServe(storePath);
    print(`  server listening after ${milliseconds(performance.now() - started)}`);

    print('');
    print(`  API: autocannon, ${CONNECTIONS} connections, ${SECONDS_PER_ROUTE} s per route, Accept-Encoding: gzip as a browser sends (goal p95 ≤ ${GOALS.p95Ms} ms)`);
    print('  | route | body (JSON, uncompressed) | first request | requests/s | p50 | p95 | p99 | failed | goal |');
    print('  |---|---|---|---|---|---|---|---|---|');
    const api: RouteFigures[] = [];
    const graph = (await (await fetch(`${server.origin}/api/runs/${fixture.runs.second}/graph`)).json()) as { nodes: { id: string }[] };
    for (const route of routes(fixture, graph.nodes[Math.floor(graph.nodes.length / 2)]!.id)) {
      const figures = await benchRoute(server.origin, route);
      api.push(figures);
      print(
        `  | ${figures.name} | ${(figures.bytes / 1024).toFixed(0)} KiB | ${milliseconds(figures.coldMs)} | ${figures.requestsPerSecond.toFixed(0)} | ${milliseconds(figures.p50)} | ${milliseconds(figures.p95)} | ${milliseconds(figures.p99)} | ${figures.failures} | ${met(figures.p95 <= GOALS.p95Ms && figures.failures === 0)} |`,
      );
    }
    print(`  ${load()} after the API load`);

    print('');
    print(`  Browser: Chromium headless (software WebGL), ${LOADS} loads each in a fresh context`);
    browser = await launchChromium();
    const figures = await benchBrowser(browser, server.origin, print);
    const fps = (value: number): string => `${value.toFixed(1)} fps`;
    print(`  overview interactive: ${spread(figures.overview, milliseconds)} — goal ≤ ${GOALS.overviewMs} ms ${met(figures.overview.length > 0 && median(figures.overview) <= GOALS.overviewMs)}`);
    print(`  graph interactive:    ${spread(figures.graph, milliseconds)} — goal ≤ ${GOALS.graphMs} ms ${met(figures.graph.length > 0 && median(figures.graph) <= GOALS.graphMs)}`);
    print(`    of which its API response had arrived at ${spread(figures.graphData, milliseconds)} (the rest: parsing, layout, sigma's first frame)`);
    print(`  graph idle:           ${spread(figures.idle.map((entry) => entry.fps), fps)} (frames with nothing to do: the browser's own ceiling here)`);
    print(`  panning:              ${spread(figures.pan.map((entry) => entry.fps), fps)}, worst frame ${spread(figures.pan.map((entry) => entry.worstFrameMs), milliseconds)} — goal ${GOALS.fps} fps ${met(figures.pan.length > 0 && median(figures.pan.map((entry) => entry.fps)) >= GOALS.fps - 1)}`);
    print(`  ${load()} at the end`);
  } finally {
    await browser?.close();
    await server?.close();
  }
}
