/**
 * Using the dashboard as a person does, in Chromium: the keyboard alone (skip
 * link, Tab through the nav to the table, sorting with Enter), the URL as the
 * whole state (a reload keeps the filter, back and forward walk the steps),
 * exports of the filtered rows, and the Graph explorer's WebGL canvas drawn
 * and leading to a package by mouse and by keyboard.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { tableRows, textOf, useFixtureDashboard, waitForView } from './dashboard.js';
import { colourCounts, describeInBrowser, saveScreenshot, type PageGlobals } from './harness.js';

interface Concerns {
  rows: { rank: number; name: string; version: string; purl: string; score: number | null }[];
}
interface Graph {
  nodes: { id: string; name: string; version: string; root: boolean; ecosystem: string }[];
}

/** What has the keyboard focus, described: tag, text or label, and where it sits. */
async function focused(page: Page): Promise<{ tag: string; text: string; inNav: boolean; inMain: boolean; sortOf: string | null; id: string }> {
  return page.evaluate(() => {
    const { document } = globalThis as unknown as PageGlobals;
    const element = document.activeElement as (ReturnType<PageGlobals['document']['querySelectorAll']>[number] & { id: string }) | null;
    if (element === null) return { tag: '', text: '', inNav: false, inMain: false, sortOf: null, id: '' };
    const sortable = element.closest('th') !== null && element.tagName === 'BUTTON' ? (element.closest('th')!.textContent ?? '').replace(/[↕▲▼]/g, '').trim() : null;
    return {
      tag: element.tagName.toLowerCase(),
      text: (element.textContent ?? '').trim(),
      inNav: element.closest('nav[aria-label="Views"]') !== null,
      inMain: element.closest('main') !== null,
      sortOf: sortable,
      id: element.id,
    };
  });
}

/** Presses Tab until `wanted` holds for the focused element (at most `limit` times); returns how many presses it took. */
async function tabUntil(page: Page, wanted: (element: Awaited<ReturnType<typeof focused>>) => boolean, limit = 80): Promise<number> {
  for (let presses = 1; presses <= limit; presses++) {
    await page.keyboard.press('Tab');
    if (wanted(await focused(page))) return presses;
  }
  throw new Error(`Tab did not reach the element within ${limit} presses; the focus is on ${JSON.stringify(await focused(page))}`);
}

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const character = text[index]!;
    if (quoted) {
      if (character === '"' && text[index + 1] === '"') {
        cell += '"';
        index++;
      } else if (character === '"') quoted = false;
      else cell += character;
    } else if (character === '"') quoted = true;
    else if (character === ',') {
      row.push(cell);
      cell = '';
    } else if (character === '\n' || character === '\r') {
      if (character === '\r' && text[index + 1] === '\n') index++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += character;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

describeInBrowser('dashboard interaction in Chromium', () => {
  const { dashboard, fixture, api } = useFixtureDashboard();

  it('keyboard: the skip link comes first and moves to the content; Tab reaches the nav and the table; Enter on a header sorts', async () => {
    const concerns = await api<Concerns>('/api/runs/latest/concerns');
    const session = await dashboard().open('/concerns');
    const { page } = session;
    await waitForView(page, 'concerns');

    await page.keyboard.press('Tab');
    const first = await focused(page);
    expect(first).toMatchObject({ tag: 'a', text: 'Skip to content' });
    expect(await page.locator('.skip-link').isVisible()).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.activeElement?.closest('main') != null);
    expect((await focused(page)).inMain).toBe(true);

    // From the top again (the address without the #main the skip link added, which would start Tab at the content).
    await page.goto(new URL('/concerns', page.url()).href);
    await waitForView(page, 'concerns');
    await tabUntil(page, (element) => element.inNav);
    expect((await focused(page)).tag).toBe('a');
    await tabUntil(page, (element) => element.sortOf === 'Score');
    await page.keyboard.press('Enter');
    await page.waitForURL(/sort=-score/);
    const header = page.getByTestId('concerns-table').locator('th', { has: page.getByRole('button', { name: /^Score/ }) });
    expect(await header.getAttribute('aria-sort')).toBe('descending');
    const scores = concerns.rows.map((row) => row.score ?? -1);
    const descending = (await tableRows(page, 'concerns-table')).map((row) => Number(row[3]));
    expect(descending[0]).toBeCloseTo(Math.max(...scores), 1);
    expect(descending).toEqual([...descending].sort((a, b) => b - a));
    // The focus stays on the header's button, so Enter again turns the order.
    expect((await focused(page)).sortOf).toBe('Score');
    await page.keyboard.press('Enter');
    await page.waitForURL(/sort=score/);
    expect(await header.getAttribute('aria-sort')).toBe('ascending');
    const ascending = (await tableRows(page, 'concerns-table')).map((row) => Number(row[3]));
    expect(ascending[0]).toBeCloseTo(Math.min(...scores.filter((score) => score >= 0)), 1);
    session.assertClean();
    await session.close();
  });

  it('URL state: a reload keeps the filter and the sort; back and forward walk the views', async () => {
    const concerns = await api<Concerns>('/api/runs/latest/concerns');
    const session = await dashboard().open('/concerns?sort=package');
    const { page } = session;
    await waitForView(page, 'concerns');
    await page.getByTestId('concerns-table').getByLabel('Filter').fill('jupyter');
    await page.waitForURL(/q=jupyter/);
    const before = await tableRows(page, 'concerns-table');
    const countText = await textOf(page.getByTestId('concerns-table').locator('.row-count'));
    expect(countText).toBe(`${before.length} of ${concerns.rows.length} rows`);
    expect(before.length).toBeGreaterThan(1);
    expect(before.length).toBeLessThan(concerns.rows.length);
    for (const row of before) expect(row.join(' ').toLowerCase()).toContain('jupyter');

    await page.reload();
    await waitForView(page, 'concerns');
    expect(await page.getByTestId('concerns-table').getByLabel('Filter').inputValue()).toBe('jupyter');
    expect(await textOf(page.getByTestId('concerns-table').locator('.row-count'))).toBe(countText);
    expect(await tableRows(page, 'concerns-table')).toEqual(before);
    // Still sorted by package (as the table sorts text: numeric, case-blind, English collation).
    const names = before.map((row) => row[1]!.split(' ')[0]!);
    expect(names).toEqual([...names].sort(new Intl.Collator('en', { numeric: true, sensitivity: 'base' }).compare));

    // Concerns → Vulnerabilities (nav) → a package (link in the table); back, back, forward.
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Vulnerabilities' }).click();
    await waitForView(page, 'vulnerabilities');
    const { packages } = fixture();
    await page.getByTestId('vulnerabilities-table').getByRole('link', { name: /^jupyter-server@2\.14\.0/ }).first().click();
    await waitForView(page, 'package');
    expect(new URL(page.url()).searchParams.get('purl')).toBe(packages.critical);
    expect(await textOf(page.locator('h1'))).toBe('jupyter-server 2.14.0');

    await page.goBack();
    await waitForView(page, 'vulnerabilities');
    expect(new URL(page.url()).pathname).toBe('/vulnerabilities');
    await page.goBack();
    await waitForView(page, 'concerns');
    expect(await page.getByTestId('concerns-table').getByLabel('Filter').inputValue()).toBe('jupyter');
    expect(await tableRows(page, 'concerns-table')).toEqual(before);
    await page.goForward();
    await waitForView(page, 'vulnerabilities');
    await page.goForward();
    await waitForView(page, 'package');
    expect(await textOf(page.locator('h1'))).toBe('jupyter-server 2.14.0');
    session.assertClean();
    await session.close();
  });

  it('exports: CSV and JSON downloads hold the filtered rows, all of them and only them', async () => {
    const concerns = await api<Concerns>('/api/runs/latest/concerns');
    const expected = concerns.rows.filter((row) => `${row.name}@${row.version}`.includes('lumino'));
    expect(expected.length).toBeGreaterThan(1);
    const session = await dashboard().open('/concerns?q=lumino');
    const { page } = session;
    await waitForView(page, 'concerns');
    const shown = await tableRows(page, 'concerns-table');
    expect(shown).toHaveLength(expected.length);

    const table = page.getByTestId('concerns-table');
    const [csvDownload] = await Promise.all([page.waitForEvent('download'), table.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(csvDownload.suggestedFilename()).toMatch(/\.csv$/);
    const csv = parseCsv((await readFile((await csvDownload.path())!, 'utf8')).replace(/^\uFEFF/, ''));
    const [header, ...csvRows] = csv.filter((row) => row.some((cell) => cell !== ''));
    expect(header!.slice(0, 4)).toEqual(['Rank', 'Package', 'Ecosystem', 'Score']);
    // A cell starting with = + - @ is prefixed with ' so a spreadsheet does not run it as a formula.
    expect(csvRows.map((row) => [Number(row[0]), row[1]])).toEqual(expected.map((row) => [row.rank, `'${row.name}@${row.version}`]));
    expect(csvRows.map((row) => Number(row[3]))).toEqual(expected.map((row) => row.score));

    const [jsonDownload] = await Promise.all([page.waitForEvent('download'), table.getByRole('button', { name: 'Export JSON' }).click()]);
    expect(jsonDownload.suggestedFilename()).toMatch(/\.json$/);
    const json = JSON.parse(await readFile((await jsonDownload.path())!, 'utf8')) as Record<string, unknown>[];
    expect(json.map((row) => [row.rank, row.package])).toEqual(expected.map((row) => [row.rank, `${row.name}@${row.version}`]));
    expect(json.map((row) => row.score)).toEqual(expected.map((row) => row.score));
    session.assertClean();
    await session.close();
  });

  it('graph explorer: sigma draws the packages of both ecosystems and the cross-ecosystem edges in WebGL', async () => {
    const session = await dashboard().open('/graph');
    const { page } = session;
    await waitForView(page, 'graph');
    const container = page.getByTestId('graph-canvas');
    await container.locator('canvas').first().waitFor();
    // Colours from ui/src/lib/graph-scene.ts: PyPI and npm nodes, cross-ecosystem edges.
    const counts = await colourCounts(page, container, { pypi: '#0072b2', npm: '#d55e00', cross: '#7b3294' });
    expect(counts.pypi, JSON.stringify(counts)).toBeGreaterThan(50);
    expect(counts.npm, JSON.stringify(counts)).toBeGreaterThan(50);
    expect(counts.cross, JSON.stringify(counts)).toBeGreaterThan(10);
    session.assertClean();
    await session.close();
  });

  it('graph explorer: clicking a node on the canvas opens its Package view', async () => {
    const graph = await api<Graph>('/api/runs/latest/graph');
    const root = graph.nodes.find((node) => node.root && node.name === 'jupyterlab')!;
    // Focusing a package centres the camera on it: the node is then under the canvas's centre.
    const session = await dashboard().open(`/graph?focus=${encodeURIComponent(root.id)}`);
    const { page } = session;
    await waitForView(page, 'graph');
    expect(await textOf(page.getByTestId('graph-status'))).toContain(`Focus: ${root.name}@${root.version}`);
    const container = page.getByTestId('graph-canvas');
    await container.locator('canvas').first().waitFor();
    await page.locator(`[data-testid="graph-canvas"][data-camera-on=${JSON.stringify(root.id)}]`).waitFor(); // the camera's move to it has ended
    const box = (await container.boundingBox())!;
    await saveScreenshot(page, 'graph-focus');
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await waitForView(page, 'package');
    expect(new URL(page.url()).searchParams.get('purl')).toBe(root.id);
    expect(await textOf(page.locator('h1'))).toBe(`${root.name} ${root.version}`);
    session.assertClean();
    await session.close();
  });

  it('graph explorer: by keyboard, a package focused from the table leads to its Package view', async () => {
    const { packages } = fixture();
    const session = await dashboard().open('/graph?q=idna');
    const { page } = session;
    await waitForView(page, 'graph');
    const focusLink = page.getByTestId('graph-table').getByRole('link', { name: /^Focus on the paths to idna@/ });
    await focusLink.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.searchParams.get('focus') === packages.deep);
    const status = page.getByTestId('graph-status');
    expect(await textOf(status)).toMatch(/Focus: idna@3\.6, \d+ packages on its paths from the top packages/);
    await page.locator(`[data-testid="graph-canvas"][data-camera-on=${JSON.stringify(packages.deep)}]`).waitFor(); // the camera's move to the package has ended (leaving earlier is the next test)
    await status.getByRole('link', { name: 'Open its page' }).focus();
    await page.keyboard.press('Enter');
    await waitForView(page, 'package');
    expect(new URL(page.url()).searchParams.get('purl')).toBe(packages.deep);
    session.assertClean();
    await session.close();
  });

  it('graph explorer: leaving it while the camera still moves to a focused package raises no error', async () => {
    const { packages } = fixture();
    const session = await dashboard().open('/graph');
    const { page } = session;
    await waitForView(page, 'graph');
    await page.getByTestId('graph-canvas').locator('canvas').first().waitFor();
    // Focus a package, then open its page on the first frame its link is there, while the camera
    // is still on its way (the canvas has no data-camera-on until the move ends). Both clicks are
    // made in the page, frame by frame: driving them from here adds a variable delay that can miss
    // the window. The page answers whether the camera was still moving when the page was opened.
    const stillMoving = await page.evaluate(
      () =>
        new Promise<boolean>((resolve) => {
          const { document } = globalThis as unknown as PageGlobals;
          const frame = (globalThis as unknown as { requestAnimationFrame(callback: () => void): void }).requestAnimationFrame;
          const links = (selector: string) => Array.from(document.querySelectorAll(selector)) as unknown as { textContent: string | null; getAttribute(name: string): string | null; click(): void }[];
          links('[data-testid="graph-table"] a').find((link) => link.getAttribute('aria-label')?.startsWith('Focus on the paths to idna@'))!.click();
          const openWhenShown = () => {
            const open = links('[data-testid="graph-status"] a').find((link) => link.textContent === 'Open its page');
            if (open === undefined) return frame(openWhenShown);
            const [canvas] = links('[data-testid="graph-canvas"]');
            const moving = canvas !== undefined && canvas.getAttribute('data-camera-on') === null;
            open.click();
            resolve(moving);
          };
          frame(openWhenShown);
        }),
    );
    expect(stillMoving).toBe(true);
    await waitForView(page, 'package');
    expect(new URL(page.url()).searchParams.get('purl')).toBe(packages.deep);
    // Frames the left view had scheduled run within the next two animation frames: an error from them would be recorded by then.
    await page.evaluate(() => new Promise<void>((resolve) => (globalThis as unknown as { requestAnimationFrame(callback: () => void): void }).requestAnimationFrame(() => (globalThis as unknown as { requestAnimationFrame(callback: () => void): void }).requestAnimationFrame(() => resolve()))));
    session.assertClean();
    await session.close();
  });
});
