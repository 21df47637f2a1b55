/**
 * Advisory text is written by outsiders. The fixture puts script tags,
 * javascript: links, event handlers, SVG and data: payloads (each sets
 * `window.__xss` if it ever runs) into a desk advisory's summary and
 * Markdown description and into a finding's summary. Every view that shows
 * them is opened twice: as served (the CSP on: its header is checked), and
 * with the CSP bypassed, so the UI's own sanitising is shown to hold alone.
 * Each time: no script ran, no dialog opened, and the DOM holds no script
 * the app did not ship, no on* attribute and no javascript: URL.
 */
import { expect, it } from 'vitest';
import { HOSTILE_PAYLOADS } from '../serve-fixture.js';
import { textOf, useFixtureDashboard, waitForView } from './dashboard.js';
import { describeInBrowser, injectedMarkup, saveScreenshot, securityHeaderProblems, type PageGlobals, type Session } from './harness.js';

/** The views where the fixture's hostile text shows, and a piece of it each must show as text. */
function hostileViews(fixture: ReturnType<ReturnType<typeof useFixtureDashboard>['fixture']>) {
  return [
    { name: 'disclosure', path: '/disclosure', shows: 'Stored XSS in the notebook viewer <img src=x onerror="window.__xss=1">' },
    { name: 'vulnerabilities', path: `/vulnerabilities?q=${fixture.hostileFindingId}`, shows: HOSTILE_PAYLOADS[0] },
    { name: 'history', path: `/history?from=${fixture.runs.first}&to=${fixture.runs.second}`, shows: HOSTILE_PAYLOADS[1] },
    { name: 'overview', path: '/', shows: null },
    { name: 'package', path: `/package?purl=${encodeURIComponent('pkg:pypi/urllib3@2.2.1')}`, shows: HOSTILE_PAYLOADS[3] },
  ] as const;
}

/**
 * Opens every <details> (the advisories' descriptions) and waits until anything they could
 * start has had its turn: no request left in flight (an image's failed load fires onerror),
 * then two animation frames.
 */
async function revealAll(session: Session): Promise<void> {
  await session.page.locator('details').evaluateAll((elements) => {
    for (const element of elements) (element as unknown as { open: boolean }).open = true;
  });
  await session.page.waitForLoadState('networkidle');
  await session.page.evaluate(() => new Promise<void>((resolve) => (globalThis as unknown as { requestAnimationFrame(callback: () => void): void }).requestAnimationFrame(() => (globalThis as unknown as { requestAnimationFrame(callback: () => void): void }).requestAnimationFrame(() => resolve()))));
}

async function expectNothingRan(session: Session, label: string): Promise<void> {
  expect(await injectedMarkup(session.page), label).toEqual([]);
  expect(await session.page.evaluate(() => (globalThis as unknown as PageGlobals).__xss), label).toBeUndefined();
  expect(session.problems.dialogs, label).toEqual([]);
  // Also: no CSP violation, not even Chrome's report of a handler in the sanitiser's detached parse.
  session.assertClean();
}

describeInBrowser('hostile advisory text in Chromium', () => {
  const { dashboard, fixture, api } = useFixtureDashboard();

  it('the document and the API answer with a strict CSP, nosniff and frame-ancestors none', async () => {
    const session = await dashboard().open('/disclosure');
    expect(session.response).not.toBeNull();
    expect(securityHeaderProblems(session.response!.headers())).toEqual([]);
    await session.close();
    const direct = await fetch(new URL(`/api/runs/${fixture().runs.second}/advisories`, dashboard().server.origin));
    expect(securityHeaderProblems(Object.fromEntries(direct.headers))).toEqual([]);
  });

  it('the hostile records are in the store as the views receive them (so the tests below test something)', async () => {
    const advisories = await api<{ advisories: { id: string; summary: string; description: string | null }[] }>('/api/runs/latest/advisories');
    const desk = advisories.advisories.find((advisory) => advisory.id === fixture().hostileDeskId)!;
    for (const payload of HOSTILE_PAYLOADS) expect(desk.description).toContain(payload);
    expect(desk.summary).toContain('onerror=');
    const findings = await api<{ advisories: { id: string; summary: string }[] }>('/api/runs/latest/findings');
    expect(findings.advisories.find((advisory) => advisory.id === fixture().hostileFindingId)!.summary).toContain('<script>');
  });

  for (const bypassCSP of [false, true]) {
    it(`no hostile payload runs or reaches the DOM as markup, ${bypassCSP ? 'with the CSP bypassed: the sanitising alone holds' : 'as served, CSP on'}`, async () => {
      for (const view of hostileViews(fixture())) {
        const session = await dashboard().open(view.path, { bypassCSP });
        await waitForView(session.page, view.name);
        await revealAll(session);
        // The payloads are shown as text where the UI shows plain text: they reached the page.
        if (view.shows !== null) expect(await textOf(session.page.locator('main')), view.name).toContain(view.shows);
        await expectNothingRan(session, `${view.name}${bypassCSP ? ' (CSP bypassed)' : ''}`);
        await session.close();
      }
    });
  }

  it("the desk advisory's Markdown is rendered, with the payloads removed and safe links kept", async () => {
    const session = await dashboard().open('/disclosure', { bypassCSP: true });
    const { page } = session;
    await waitForView(page, 'disclosure');
    const card = page.locator('article.advisory-card', { has: page.locator(`h4#adv-${fixture().hostileDeskId}`) });
    await card.locator('details summary').click();
    const markdown = card.locator('.markdown');
    expect(await markdown.locator('h3').allInnerTexts()).toEqual(['Impact', 'Patches']);
    const links = await markdown.locator('a').evaluateAll((elements) =>
      elements.map((element) => {
        const link = element as unknown as { getAttribute(name: string): string | null; textContent: string | null };
        return { text: link.textContent, href: link.getAttribute('href'), rel: link.getAttribute('rel') };
      }),
    );
    // The release notes link kept (opening without opener or referrer); the javascript: and data: ones lost their targets.
    expect(links).toContainEqual({ text: 'the release notes', href: 'https://github.com/jupyter/notebook/releases', rel: 'noopener noreferrer' });
    for (const link of links) expect(link.href === null || /^https:\/\//.test(link.href), JSON.stringify(link)).toBe(true);
    await expect(markdown.locator('script, img, svg, iframe, object, embed').count()).resolves.toBe(0);
    await saveScreenshot(page, 'disclosure-hostile-description');
    await expectNothingRan(session, 'desk description');
    await session.close();
  });
});
