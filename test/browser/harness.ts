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
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page, type Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';

export const REPOSITORY_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CHROMIUM_PATH = '/usr/bin/chromium';
/** Where each view's screenshot goes (gitignored; CI keeps the folder as an artifact). */
export const SCREENSHOT_DIRECTORY = join(REPOSITORY_ROOT, 'test-artifacts', 'screenshots');

/**
 * The flags Chromium needs on this closed network: without the background
 * networking ones it tries Google's hosts at start-up. No --user-data-dir:
 * playwright's launch gives every browser a fresh temporary profile of its
 * own (and removes it on close); it refuses the flag in `args`.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

const inContinuousIntegration = process.env.CI === 'true';
export const hasChromium = existsSync(CHROMIUM_PATH);

/**
 * A suite that needs Chromium. Outside CI, without /usr/bin/chromium, it is
 * skipped and its name says why; in CI (`CI=true`) it runs and fails, since
 * `.ci/run` installs Chromium first.
 */
export function describeInBrowser(name: string, suite: () => void): void {
  const skip = !hasChromium && !inContinuousIntegration;
  describe.skipIf(skip)(skip ? `${name} (skipped: no ${CHROMIUM_PATH}; .ci/run installs it with apt-get)` : name, suite);
}

export async function launchChromium(): Promise<Browser> {
  if (!hasChromium) throw new Error(`Chromium is not installed at ${CHROMIUM_PATH} (CI=${String(process.env.CI)}); .ci/run installs it with apt-get`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

// ---------------------------------------------------------------------------
// The build the tests run against

const BUILT_CLI = join(REPOSITORY_ROOT, 'dist', 'cli', 'main.js');
const BUILT_UI = join(REPOSITORY_ROOT, 'dist', 'ui', 'index.html');
const BUILD_LOCK = join(REPOSITORY_ROOT, 'dist', '.browser-test-build.lock');

function newestModification(path: string): number {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestModification(join(path, entry)));
  }
  return newest;
}

/** Why dist/ cannot be used as it is (missing, or older than a source), or null when it is current. */
function staleBuild(): string | null {
  if (!existsSync(BUILT_CLI)) return `${BUILT_CLI} is missing`;
  if (!existsSync(BUILT_UI)) return `${BUILT_UI} is missing`;
  const built = Math.min(statSync(BUILT_CLI).mtimeMs, statSync(BUILT_UI).mtimeMs);
  const sources = Math.max(
    ...['src', 'ui', 'package.json', 'vite.config.ts', 'ui/vite.config.ts'].map((path) => newestModification(join(REPOSITORY_ROOT, path))),
  );
  return sources > built ? 'a file under src/ or ui/ is newer than dist/' : null;
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/**
 * Makes sure dist/ (the CLI and the UI) is built from the sources as they
 * are: `npm ci` builds it in CI; in a checkout being edited it may be stale,
 * and testing yesterday's UI would pass wrongly. Test files run in parallel,
 * so one builds under a lock directory while the others wait for it.
 */
export async function ensureBuilt(): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const reason = staleBuild();
    if (reason === null) return;
    mkdirSync(join(REPOSITORY_ROOT, 'dist'), { recursive: true });
    let locked = false;
    try {
      mkdirSync(BUILD_LOCK);
      locked = true;
    } catch {
      // Another test file is building; a lock older than the deadline is a crashed build's.
      if (existsSync(BUILD_LOCK) && Date.now() - statSync(BUILD_LOCK).mtimeMs > 180_000) rmSync(BUILD_LOCK, { recursive: true, force: true });
    }
    if (locked) {
      try {
        // `npm run build` starts by removing dist/ (and the lock with it), so build into place without it.
        const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: REPOSITORY_ROOT, encoding: 'utf8', timeout: 170_000 });
        if (result.status !== 0) throw new Error(`npm run build failed (${reason}):\n${result.stdout}\n${result.stderr}`);
      } finally {
        rmSync(BUILD_LOCK, { recursive: true, force: true });
      }
      const after = staleBuild();
      if (after !== null) throw new Error(`npm run build did not produce a current dist/: ${after}`);
      return;
    }
    if (Date.now() > deadline) throw new Error(`gave up waiting for another test file's build (${reason})`);
    await sleep(250);
  }
}

// ---------------------------------------------------------------------------
// `chainwatch serve`

export interface ServeProcess {
  /** `http://127.0.0.1:<port>`, as the server printed it. */
  origin: string;
  /** Everything the server wrote so far. */
  output(): { stdout: string; stderr: string };
  close(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts `node bin/chainwatch serve --db <store> --host 127.0.0.1 --port 0`
 * (the real built CLI, as a user runs it) and reads the address it listens on
 * from its stdout. No token in its environment: on loopback it needs none.
 */
export async function startServe(storePath: string, extraArguments: readonly string[] = []): Promise<ServeProcess> {
  const environment: NodeJS.ProcessEnv = { ...process.env };
  delete environment.CHAINWATCH_SERVE_TOKEN;
  const child = spawn(process.execPath, [join(REPOSITORY_ROOT, 'bin', 'chainwatch'), 'serve', '--db', storePath, '--host', '127.0.0.1', '--port', '0', ...extraArguments], {
    cwd: REPOSITORY_ROOT,
    env: environment,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  exited.then(() => running.delete(child), () => {});

  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`chainwatch serve printed no http://127.0.0.1:<port> within 20 s\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, 20_000);
    const look = (): void => {
      const match = /http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout + stderr);
      if (match && match[1] !== '0') {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${match[1]}`);
      }
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', look);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`chainwatch serve exited (${String(code)}) before listening\nstdout: ${stdout}\nstderr: ${stderr}`));
    });
  });

  return {
    origin,
    output: () => ({ stdout, stderr }),
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** GET `path` from the server as JSON (the tests' expectations come from the same store the page reads). */
export async function getJson<T = unknown>(origin: string, path: string): Promise<T> {
  const response = await fetch(new URL(path, origin));
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
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
}

export interface Session {
  context: BrowserContext;
  page: Page;
  /** The main document's response to the first navigation. */
  response: Response | null;
  problems: SessionProblems;
  /**
   * Fails, listing them, when the page logged an error, a request failed or
   * answered an error status (except `allowStatus`), went elsewhere, or a dialog opened.
   */
  assertClean(options?: { allowStatus?: readonly number[] }): void;
  close(): Promise<void>;
}

const LOCAL_SCHEMES = new Set(['data:', 'blob:', 'about:']);

/**
 * A fresh context (its own storage, downloads accepted) on `origin + path`.
 * Every request to another origin is aborted and recorded; dialogs are
 * dismissed and recorded (the hostile-advisory tests count them).
 */
export async function openSession(browser: Browser, origin: string, path = '/', options: { viewport?: { width: number; height: number } } = {}): Promise<Session> {
  const context = await browser.newContext({ acceptDownloads: true, viewport: options.viewport ?? { width: 1280, height: 900 }, reducedMotion: 'reduce' });
  const problems: SessionProblems = { consoleErrors: [], pageErrors: [], failedRequests: [], foreignRequests: [], dialogs: [] };
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
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') problems.consoleErrors.push(`${message.text()} (${message.location().url}:${message.location().lineNumber})`);
  });
  page.on('pageerror', (error) => problems.pageErrors.push(error.stack ?? error.message));
  page.on('requestfailed', (request) => {
    const url = new URL(request.url());
    if (url.origin !== origin) return; // recorded as foreign already
    problems.failedRequests.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText ?? 'failed'}`);
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
  impact: string | null;
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
  const violations = await page.evaluate(async () => {
    const { axe, document } = globalThis as unknown as PageGlobals;
    const result = await axe!.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa'] }, resultTypes: ['violations'] });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      helpUrl: violation.helpUrl,
      nodes: violation.nodes.map((node) => ({ target: node.target, failureSummary: node.failureSummary, html: node.html })),
    }));
  });
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
  open(path?: string, options?: { viewport?: { width: number; height: number } }): Promise<Session>;
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
