/**
 * End-to-end harness for the dashboard: Debian's Chromium driven by
 * playwright-core against the real built CLI (`node bin/chainwatch serve`)
 * on a fixture store, on 127.0.0.1 only.
 *
 *   describeInBrowser('views', () => {
 *     const dashboard = useDashboard(() => fixturePath);   // beforeAll/afterAll: build, serve, launch
 *     it('…', async () => {
 *       const session = await dashboard().open('/#/overview');
 *       …
 *       await session.assertClean();                       // no console error, failed or foreign request
 *     });
 *   });
 *
 * What a session watches: console errors and uncaught exceptions (a CSP
 * violation is one), requests that failed or answered ≥ 400, dialogs, and
 * every request to an origin other than the server's: those are aborted
 * before they leave (route) and recorded, and `assertClean` fails on any.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ImpactValue, RunOptions } from 'axe-core';
import type { Browser, BrowserContext, Locator, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { CHROMIUM_PATH, hasChromium, launchChromium } from './chromium.js';
import { ensureBuilt, REPOSITORY_ROOT, startServe, type ServeProcess } from './serve-process.js';

/** Where each view's screenshot goes (gitignored; CI keeps the folder as an artifact). */
export const SCREENSHOT_DIRECTORY = join(REPOSITORY_ROOT, 'test-artifacts', 'screenshots');

const inContinuousIntegration = process.env.CI === 'true';

/**
 * A suite that needs Chromium. Outside CI, without /usr/bin/chromium, it is
 * skipped and its name says why; in CI (`CI=true`) it runs and fails, since
 * `.ci/run` installs Chromium first.
 */
export function describeInBrowser(name: string, suite: () => void): void {
  const skip = !hasChromium && !inContinuousIntegration;
  describe.skipIf(skip)(skip ? `${name} (skipped: no ${CHROMIUM_PATH}; .ci/run installs it with apt-get)` : name, suite);
}

// ---------------------------------------------------------------------------
// Pages and what they do

export interface SessionProblems {
  consoleErrors: string[];
  pageErrors: string[];
  failedRequests: string[];
  /** URLs of requests to any origin but the server's: all aborted, none should be attempted. */
  foreignRequests: string[];
  dialogs: string[];
  /**
   * Every CSP violation the page reported (securitypolicyviolation events).
   * Chrome reports an inline handler even in a detached document, such as one
   * a sanitiser parses untrusted HTML in, where it never runs: the UI keeps
   * handlers from ever reaching its sanitiser's parser, so none is tolerated.
   */
  cspViolations: CspViolation[];
}

export interface CspViolation {
  directive: string;
  /** The script running when it happened (an app bundle under /assets/), or the document's URL, or ''. */
  sourceFile: string;
  line: number;
}

export interface Session {
  context: BrowserContext;
  page: Page;
  /** The main document's response to the first navigation. */
  response: Response | null;
  problems: SessionProblems;
  /**
   * Fails, listing them, when the page logged an error, a CSP violation
   * happened, a request failed or answered an error status (except
   * `allowStatus`), went to another origin, or a dialog opened.
   */
  assertClean(options?: { allowStatus?: readonly number[] }): void;
  close(): Promise<void>;
}

const LOCAL_SCHEMES = new Set(['data:', 'blob:', 'about:']);

export interface SessionOptions {
  viewport?: { width: number; height: number };
  /**
   * Ignore the page's Content-Security-Policy: to test that the UI's own
   * sanitising stops hostile text, with the CSP's second line of defence off.
   */
  bypassCSP?: boolean;
}

/**
 * A fresh context (its own storage, downloads accepted) on `origin + path`.
 * Every request to another origin is aborted and recorded; dialogs are
 * dismissed and recorded (the hostile-advisory tests count them).
 */
export async function openSession(browser: Browser, origin: string, path = '/', options: SessionOptions = {}): Promise<Session> {
  const context = await browser.newContext({
    acceptDownloads: true,
    viewport: options.viewport ?? { width: 1280, height: 900 },
    reducedMotion: 'reduce',
    bypassCSP: options.bypassCSP === true,
  });
  const problems: SessionProblems = { consoleErrors: [], pageErrors: [], failedRequests: [], foreignRequests: [], dialogs: [], cspViolations: [] };
  const statusProblems: { status: number; line: string }[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.origin === origin || LOCAL_SCHEMES.has(url.protocol)) return route.continue();
    problems.foreignRequests.push(route.request().url());
    return route.abort('blockedbyclient');
  });
  await context.routeWebSocket(/.*/, (socket) => {
    problems.foreignRequests.push(socket.url());
    return socket.close();
  });
  await context.exposeBinding('__chainwatchCspReport', (_source, violation: CspViolation) => {
    problems.cspViolations.push(violation);
  });
  await context.addInitScript(() => {
    const page = globalThis as unknown as {
      __chainwatchCspReport(violation: CspViolation): void;
      addEventListener(type: string, listener: (event: { violatedDirective: string; sourceFile: string; lineNumber: number }) => void, capture: boolean): void;
    };
    page.addEventListener('securitypolicyviolation', (event) => page.__chainwatchCspReport({ directive: event.violatedDirective, sourceFile: event.sourceFile, line: event.lineNumber }), true);
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') problems.consoleErrors.push(`${message.text()} (${message.location().url}:${message.location().lineNumber})`);
  });
  page.on('pageerror', (error) => problems.pageErrors.push(error.stack ?? error.message));
  page.on('requestfailed', (request) => {
    const url = new URL(request.url());
    if (url.origin !== origin) return; // recorded as foreign already
    const error = request.failure()?.errorText ?? 'failed';
    // Cancelled by a navigation (or by the app when the reader moves on): not a failure.
    if (error === 'net::ERR_ABORTED') return;
    problems.failedRequests.push(`${request.method()} ${request.url()}: ${error}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) statusProblems.push({ status: response.status(), line: `${response.request().method()} ${response.url()}: ${response.status()}` });
  });
  page.on('dialog', (dialog) => {
    problems.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss().catch(() => {});
  });
  const response = await page.goto(origin + path, { waitUntil: 'load' });
  return {
    context,
    page,
    response,
    problems,
    assertClean({ allowStatus = [] } = {}) {
      const allowed = (line: string): boolean => allowStatus.some((status) => line.includes(`the server responded with a status of ${status}`));
      const lines = [
        ...problems.consoleErrors.filter((line) => !allowed(line)).map((line) => `console error: ${line}`),
        ...problems.cspViolations.map((violation) => `CSP violation: ${violation.directive} (${violation.sourceFile || 'no script'}:${violation.line})`),
        ...problems.pageErrors.map((line) => `uncaught: ${line}`),
        ...problems.failedRequests.map((line) => `request failed: ${line}`),
        ...statusProblems.filter((entry) => !allowStatus.includes(entry.status)).map((entry) => `error status: ${entry.line}`),
        ...problems.foreignRequests.map((line) => `request to another origin (aborted): ${line}`),
        ...problems.dialogs.map((line) => `dialog: ${line}`),
      ];
      if (lines.length > 0) expect.fail(`the page was not clean:\n  ${lines.join('\n  ')}`);
    },
    close: () => context.close(),
  };
}

// ---------------------------------------------------------------------------
// Functions run in the page

/**
 * The few DOM shapes the functions given to `page.evaluate` use: the
 * project's type check has no DOM library (src/ is Node), and adding one for
 * the tests would let src/ use `document` unnoticed. Reach them through
 * `(globalThis as unknown as PageGlobals)`, a cast that compiles to nothing.
 */
export interface PageElement {
  tagName: string;
  outerHTML: string;
  textContent: string | null;
  attributes: ArrayLike<{ name: string; value: string }>;
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
  closest(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
}
export interface PageGlobals {
  document: PageElement & { activeElement: PageElement | null };
  location: { origin: string; href: string };
  __xss?: unknown;
  axe?: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> };
}

// ---------------------------------------------------------------------------
// Accessibility (axe-core)

const requireFromHere = createRequire(import.meta.url);
let axeSource: string | undefined;

export interface AxeViolation {
  id: string;
  impact: ImpactValue | undefined;
  help: string;
  helpUrl: string;
  nodes: { target: unknown[]; failureSummary?: string; html: string }[];
}

/**
 * Runs axe-core (WCAG 2 A, AA and 2.1 AA rules) on the page and returns the
 * serious and critical violations. axe is evaluated through the DevTools
 * protocol rather than added as a <script> tag: the page's CSP forbids inline
 * scripts (that is tested), and axe's own Playwright integration does the same.
 */
export async function seriousAccessibilityViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFileSync(requireFromHere.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  const options: RunOptions = { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa'] }, resultTypes: ['violations'] };
  const violations = await page.evaluate(async (runOptions) => {
    const { axe, document } = globalThis as unknown as PageGlobals;
    const result = await axe!.run(document, runOptions);
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      helpUrl: violation.helpUrl,
      nodes: violation.nodes.map((node) => ({ target: node.target, failureSummary: node.failureSummary, html: node.html })),
    }));
  }, options);
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

/** The violations as a person reads them: rule, impact, what to fix, and each element (at most five per rule). */
export function formatViolations(violations: readonly AxeViolation[]): string {
  return violations
    .map((violation) => {
      const nodes = violation.nodes
        .slice(0, 5)
        .map((node) => `    ${JSON.stringify(node.target)} ${node.html.slice(0, 160)}\n      ${(node.failureSummary ?? '').replaceAll('\n', '\n      ')}`);
      const more = violation.nodes.length > 5 ? [`    … and ${violation.nodes.length - 5} more`] : [];
      return [`[${violation.impact}] ${violation.id}: ${violation.help} (${violation.helpUrl})`, ...nodes, ...more].join('\n');
    })
    .join('\n');
}

/** Fails listing every serious or critical axe violation of the page as it is now. */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  const violations = await seriousAccessibilityViolations(page);
  if (violations.length > 0) expect.fail(`${label}: ${violations.length} serious or critical accessibility violation(s)\n${formatViolations(violations)}`);
}

/**
 * How many pixels of the element's screenshot are near each colour (`#rrggbb`,
 * within 40 in every channel). For what only pixels show: that a WebGL
 * canvas drew something (its buffer cannot be read back once composited).
 * The PNG is decoded by the browser itself (createImageBitmap).
 */
export async function colourCounts<Name extends string>(page: Page, element: Locator, colours: Record<Name, string>): Promise<Record<Name, number>> {
  const png = await element.screenshot({ animations: 'disabled' });
  return page.evaluate(
    async ({ bytes, wanted }) => {
      interface Canvas2d {
        drawImage(image: unknown, x: number, y: number): void;
        getImageData(x: number, y: number, width: number, height: number): { data: Uint8ClampedArray };
      }
      const browser = globalThis as unknown as {
        createImageBitmap(blob: Blob): Promise<{ width: number; height: number }>;
        OffscreenCanvas: new (width: number, height: number) => { getContext(kind: '2d'): Canvas2d };
      };
      const bitmap = await browser.createImageBitmap(new Blob([new Uint8Array(bytes)], { type: 'image/png' }));
      const context = new browser.OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d');
      context.drawImage(bitmap, 0, 0);
      const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
      const targets = Object.entries(wanted).map(([name, hex]) => ({ name, rgb: [1, 3, 5].map((start) => parseInt(hex.slice(start, start + 2), 16)) }));
      const counts: Record<string, number> = Object.fromEntries(targets.map((target) => [target.name, 0]));
      for (let offset = 0; offset < data.length; offset += 4) {
        for (const target of targets) {
          if (Math.abs(data[offset]! - target.rgb[0]!) <= 40 && Math.abs(data[offset + 1]! - target.rgb[1]!) <= 40 && Math.abs(data[offset + 2]! - target.rgb[2]!) <= 40) counts[target.name]!++;
        }
      }
      return counts;
    },
    { bytes: [...png], wanted: colours as Record<string, string> },
  ) as Promise<Record<Name, number>>;
}

/** Writes `test-artifacts/screenshots/<name>.png` (the full page) and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIRECTORY, { recursive: true });
  const path = join(SCREENSHOT_DIRECTORY, `${name}.png`);
  await page.screenshot({ path, fullPage: true, animations: 'disabled' });
  return path;
}

// ---------------------------------------------------------------------------
// Hostile content

/**
 * What an injection would leave in the DOM, as sentences: a script element
 * the app did not ship (inline, or from anywhere but the server's /assets/),
 * an event-handler attribute (on*), a javascript:/vbscript:/data:text/html URL
 * in a link, form, frame or SVG reference, frames and plugins, and
 * `window.__xss` (what the hostile fixture's payloads set).
 */
export async function injectedMarkup(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const page = globalThis as unknown as PageGlobals;
    const { document, location } = page;
    const origin = location.origin;
    const describe = (element: PageElement): string => element.outerHTML.slice(0, 120);
    for (const script of Array.from(document.querySelectorAll('script'))) {
      const source = script.getAttribute('src');
      if (source === null || !new URL(source, location.href).href.startsWith(`${origin}/`)) found.push(`script element: ${describe(script)}`);
    }
    for (const element of Array.from(document.querySelectorAll('*'))) {
      for (const attribute of Array.from(element.attributes)) {
        const name = attribute.name.toLowerCase();
        if (name.startsWith('on')) found.push(`event handler ${name}: ${describe(element)}`);
        // As a browser reads a URL's scheme: controls and spaces dropped, any case.
        const value = Array.from(attribute.value).filter((character) => character.charCodeAt(0) > 0x20).join('').toLowerCase();
        if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'srcdoc'].includes(name) && /^(javascript|vbscript|data:text\/html)/.test(value)) {
          found.push(`${name}=${attribute.value.slice(0, 60)}: ${describe(element)}`);
        }
      }
      const tag = element.tagName.toLowerCase();
      if (['iframe', 'frame', 'object', 'embed', 'base', 'meta'].includes(tag) && !(tag === 'meta' && element.closest('head') && !element.hasAttribute('http-equiv'))) {
        found.push(`${tag} element: ${describe(element)}`);
      }
    }
    if (page.__xss !== undefined) found.push(`window.__xss = ${String(page.__xss)}`);
    return found;
  });
}

/** The Content-Security-Policy's directives, lower-cased: `{ 'script-src': ["'self'"], … }`. */
export function parseContentSecurityPolicy(header: string): Record<string, string[]> {
  const directives: Record<string, string[]> = {};
  for (const part of header.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) directives[name.toLowerCase()] = values.map((value) => value.toLowerCase());
  }
  return directives;
}

/**
 * What is wrong with a document's security headers, as sentences: no CSP, a
 * script source beyond 'self' (inline, eval, a host, a scheme, *), frames
 * allowed, no nosniff. Empty when they are as the issue asks.
 */
export function securityHeaderProblems(headers: Record<string, string>): string[] {
  const problems: string[] = [];
  const policy = headers['content-security-policy'];
  if (!policy) return ['no Content-Security-Policy header'];
  const directives = parseContentSecurityPolicy(policy);
  const scripts = directives['script-src'] ?? directives['default-src'];
  if (!scripts) problems.push('the CSP has neither script-src nor default-src');
  else {
    const extra = scripts.filter((source) => source !== "'self'" && source !== "'none'");
    if (extra.length > 0) problems.push(`the CSP lets scripts come from ${extra.join(' ')}`);
  }
  if (!directives['default-src']) problems.push('the CSP has no default-src');
  else {
    const remote = directives['default-src'].filter((source) => source !== "'self'" && source !== "'none'");
    if (remote.length > 0) problems.push(`the CSP's default-src allows ${remote.join(' ')}`);
  }
  if (directives['frame-ancestors']?.join(' ') !== "'none'") problems.push(`frame-ancestors is ${directives['frame-ancestors']?.join(' ') ?? 'absent'}, not 'none'`);
  if (headers['x-content-type-options']?.toLowerCase() !== 'nosniff') problems.push('no X-Content-Type-Options: nosniff');
  return problems;
}

// ---------------------------------------------------------------------------
// One server and one browser per test file

export interface Dashboard {
  browser: Browser;
  server: ServeProcess;
  /** A fresh session on `path` (e.g. `/#/concerns` or `/concerns`). */
  open(path?: string, options?: SessionOptions): Promise<Session>;
}

/**
 * beforeAll: builds dist/ if needed, starts `chainwatch serve` over the store
 * `storePath()` returns (called then, so a beforeAll declared earlier can make
 * it), launches Chromium; afterAll closes both. Returns a getter.
 */
export function useDashboard(storePath: () => string | Promise<string>): () => Dashboard {
  let dashboard: Dashboard | undefined;
  let browser: Browser | undefined;
  let server: ServeProcess | undefined;
  beforeAll(async () => {
    await ensureBuilt();
    [server, browser] = await Promise.all([Promise.resolve(storePath()).then((path) => startServe(path)), launchChromium()]);
    const launched = { browser, server };
    dashboard = {
      ...launched,
      open: (path = '/', options = {}) => openSession(launched.browser, launched.server.origin, path, options),
    };
  }, 240_000);
  afterAll(async () => {
    await Promise.all([browser?.close(), server?.close()]);
  });
  return () => {
    if (!dashboard) throw new Error('the dashboard is not started (useDashboard must be called inside the describe, before the tests)');
    return dashboard;
  };
}
