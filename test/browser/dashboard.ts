/**
 * What the dashboard's browser suites share: `chainwatch serve` over the
 * fixture store of test/serve-fixture.ts (two audit runs of the Jupyter
 * preset identity and one run of another profile, hostile advisory text
 * included), and the steps every view test ends with.
 */
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, expect } from 'vitest';
import { temporaryDirectory } from '../cli-harness.js';
import { buildServeFixture, type ServeFixture } from '../serve-fixture.js';
import { expectAccessible, saveScreenshot, useDashboard, type Dashboard, type PageGlobals, type Session } from './harness.js';

export interface FixtureDashboard {
  dashboard(): Dashboard;
  fixture(): ServeFixture;
  /** GET an API path from the running server, as JSON. */
  api<T>(path: string): Promise<T>;
}

/** One fixture store and one server and browser for the test file (beforeAll / afterAll). */
export function useFixtureDashboard(): FixtureDashboard {
  let directory: ReturnType<typeof temporaryDirectory> | undefined;
  let fixture: ServeFixture | undefined;
  // Registered first, so it runs after the server (registered below) is closed.
  afterAll(() => directory?.remove());
  const dashboard = useDashboard(() => {
    directory = temporaryDirectory();
    fixture = buildServeFixture(join(directory.path, 'history', 'runs.sqlite'));
    return fixture.path;
  });
  return {
    dashboard,
    fixture: () => fixture!,
    async api<T>(path: string) {
      const response = await fetch(new URL(path, dashboard().server.origin));
      if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    },
  };
}

/** Waits until the view is shown and nothing in <main> is loading any more. */
export async function waitForView(page: Page, view: string): Promise<void> {
  await page.locator(`[data-testid="view-${view}"]`).waitFor({ timeout: 15_000 });
  await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.querySelectorAll('main .loading').length === 0, undefined, { timeout: 15_000 });
}

/** The body rows of the data table `testid`, each as its cells' texts. */
export async function tableRows(page: Page, testid: string): Promise<string[][]> {
  // A list the server pages is aria-busy while the rows shown answer the URL's previous query.
  const table = page.locator(`[data-testid="${testid}"]:not([aria-busy="true"]) table`);
  await table.waitFor({ timeout: 15_000 });
  return table.locator('tbody tr').evaluateAll((rows) =>
    rows.map((row) => Array.from((row as unknown as { children: ArrayLike<{ innerText: string }> }).children).map((cell) => cell.innerText.replace(/\s+/g, ' ').trim())),
  );
}

/** The column headers of the data table `testid` (without the sort marks). */
export async function tableHeaders(page: Page, testid: string): Promise<string[]> {
  const headers = await page.locator(`[data-testid="${testid}"] table thead th`).allTextContents();
  return headers.map((text) => text.replace(/[↕▲▼]/g, '').replace(/\s+/g, ' ').trim());
}

/** The text of a locator as it reads on screen (innerText), its white space collapsed. */
export async function textOf(locator: Locator): Promise<string> {
  return (await locator.innerText()).replace(/\s+/g, ' ').trim();
}

/**
 * Every view test ends here: zero serious or critical axe violations, a
 * screenshot for a person to look at, nothing logged, failed or sent
 * elsewhere. Returns the screenshot's path.
 */
export async function finishView(session: Session, name: string): Promise<string> {
  await expectAccessible(session.page, name);
  // Wide tables scroll in their own box: the page itself never scrolls sideways (WCAG 1.4.10, reflow).
  const widths = await session.page.evaluate(() => {
    const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
    return { scroll: root.scrollWidth, client: root.clientWidth };
  });
  expect(widths.scroll, `the ${name} view is wider than the window`).toBeLessThanOrEqual(widths.client);
  const path = await saveScreenshot(session.page, name);
  session.assertClean();
  await session.close();
  return path;
}
