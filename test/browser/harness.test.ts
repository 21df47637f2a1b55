/**
 * The harness's own checks, shown to fail: a page that reaches for another
 * origin, logs an error, opens a dialog, carries injected markup or breaks an
 * accessibility rule is caught. The pages come from a stub server on
 * 127.0.0.1, so these run without the dashboard.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalServer, type LocalServer } from '../local-server.js';
import { launchChromium } from './chromium.js';
import { describeInBrowser, formatViolations, injectedMarkup, openSession, securityHeaderProblems, seriousAccessibilityViolations } from './harness.js';

const PAGES: Record<string, string> = {
  '/clean': '<!doctype html><html lang="en"><head><title>Clean</title></head><body><main><h1>Clean</h1><p>Nothing here.</p></main></body></html>',
  '/foreign':
    '<!doctype html><html lang="en"><head><title>Foreign</title><link rel="stylesheet" href="http://fonts.example.test/a.css"></head>' +
    '<body><main><h1>Foreign</h1><img alt="" src="http://203.0.113.7/pixel.png"></main><script>console.error("boom"); alert("hi")</script></body></html>',
  '/hostile':
    '<!doctype html><html lang="en"><head><title>Hostile</title></head><body><main><h1>Hostile</h1>' +
    '<a href=" JaVaScript:alert(1)">link</a><img alt="x" src="/missing.png" onerror="window.__xss = 1">' +
    '<svg><a xlink:href="javascript:alert(2)"><text>t</text></a></svg><iframe title="f" srcdoc="<p>x</p>"></iframe>' +
    '</main><script>window.__xss = window.__xss || 2</script></body></html>',
  '/csp':
    '<!doctype html><html lang="en"><head><title>CSP</title></head><body><main><h1>CSP</h1></main><script>window.__xss = 3</script>' +
    '<script src="/assets/parse.js"></script></body></html>',
  '/inaccessible': '<!doctype html><html><head><title>Bad</title></head><body><img src="/pixel.png"><input type="text"></body></html>',
};

describe('securityHeaderProblems', () => {
  const strict = {
    'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'",
    'x-content-type-options': 'nosniff',
  };
  it.each([
    ['a strict policy', strict, []],
    ['no policy', { 'x-content-type-options': 'nosniff' }, ['no Content-Security-Policy header']],
    ['inline scripts', { ...strict, 'content-security-policy': strict['content-security-policy'].replace("script-src 'self'", "script-src 'self' 'unsafe-inline'") }, ["the CSP lets scripts come from 'unsafe-inline'"]],
    ['a CDN', { ...strict, 'content-security-policy': strict['content-security-policy'].replace("script-src 'self'", 'script-src https://cdn.example.test') }, ['the CSP lets scripts come from https://cdn.example.test']],
    ['framing allowed', { ...strict, 'content-security-policy': "default-src 'self'" }, ["frame-ancestors is absent, not 'none'"]],
    ['no nosniff', { 'content-security-policy': strict['content-security-policy'] }, ['no X-Content-Type-Options: nosniff']],
  ])('%s', (_name, headers, expected) => {
    expect(securityHeaderProblems(headers)).toEqual(expected);
  });
});

describeInBrowser('browser harness', () => {
  let server: LocalServer;
  let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startLocalServer((request, response) => {
        if (request.url === '/assets/parse.js') {
          // What a sanitiser does: parse untrusted HTML in a detached document.
          response.writeHead(200, { 'content-type': 'text/javascript' });
          response.end('new DOMParser().parseFromString(\'<img src=x onerror="window.__xss = 4">\', "text/html");');
          return;
        }
        const page = PAGES[request.url ?? ''];
        const csp = request.url === '/csp' ? { 'content-security-policy': "default-src 'self'; script-src 'self'" } : {};
        response.writeHead(page ? 200 : 404, { 'content-type': page ? 'text/html; charset=utf-8' : 'text/plain', ...csp });
        response.end(page ?? 'not found');
      }),
      launchChromium(),
    ]);
  });
  afterAll(async () => {
    await Promise.all([browser?.close(), server?.close()]);
  });

  it('passes a clean page', async () => {
    const session = await openSession(browser, server.origin, '/clean');
    session.assertClean();
    expect(await injectedMarkup(session.page)).toEqual([]);
    expect(await seriousAccessibilityViolations(session.page)).toEqual([]);
    await session.close();
  });

  it('aborts and records requests to other origins, console errors and dialogs', async () => {
    const session = await openSession(browser, server.origin, '/foreign');
    expect(session.problems.foreignRequests.sort()).toEqual(['http://203.0.113.7/pixel.png', 'http://fonts.example.test/a.css']);
    expect(session.problems.consoleErrors.some((line) => line.startsWith('boom'))).toBe(true);
    expect(session.problems.dialogs).toEqual(['alert: hi']);
    expect(() => session.assertClean()).toThrow();
    await session.close();
  });

  it('finds injected scripts, handlers, javascript: links, frames and window.__xss', async () => {
    const session = await openSession(browser, server.origin, '/hostile');
    const found = await injectedMarkup(session.page);
    for (const pattern of [/^script element: <script>window/, /^event handler onerror: <img/, /^href= JaVaScript:alert\(1\)/, /^xlink:href=javascript:alert\(2\)/, /^iframe element/, /^window\.__xss = \d/]) {
      expect(found.some((line) => pattern.test(line)), `${String(pattern)} in ${JSON.stringify(found, null, 1)}`).toBe(true);
    }
    expect(() => session.assertClean()).toThrow(/missing\.png: 404/);
    expect(() => session.assertClean({ allowStatus: [404] })).not.toThrow();
    await session.close();
  });

  it('bypassCSP lets the page run what its CSP forbids (so the sanitising is tested without the CSP)', async () => {
    const enforced = await openSession(browser, server.origin, '/csp');
    expect(await injectedMarkup(enforced.page)).toEqual([expect.stringMatching(/^script element: <script>window.__xss = 3/)]);
    expect(enforced.problems.consoleErrors.join('\n')).toMatch(/Content Security Policy/);
    // Both reports reach the harness through its binding; wait for them rather than for a fixed time.
    await expect.poll(() => enforced.problems.cspViolations.length).toBe(2);
    const violations = enforced.problems.cspViolations;
    // The blocked inline script, and the handler of HTML parsed in a detached document (as a
    // sanitiser does): Chrome reports that too, and the harness counts it.
    expect(violations.map((violation) => [violation.directive, new URL(violation.sourceFile).pathname])).toEqual([
      ['script-src-elem', '/csp'],
      ['script-src-attr', '/assets/parse.js'],
    ]);
    expect(() => enforced.assertClean()).toThrow(/CSP violation: script-src-attr \(http:\/\/127\.0\.0\.1:\d+\/assets\/parse\.js/);
    await enforced.close();
    const bypassed = await openSession(browser, server.origin, '/csp', { bypassCSP: true });
    expect(await injectedMarkup(bypassed.page)).toContain('window.__xss = 3');
    bypassed.assertClean();
    await bypassed.close();
  });

  it('reports serious accessibility violations readably', async () => {
    const session = await openSession(browser, server.origin, '/inaccessible');
    const violations = await seriousAccessibilityViolations(session.page);
    expect(violations.map((violation) => violation.id)).toEqual(expect.arrayContaining(['html-has-lang', 'image-alt', 'label']));
    expect(formatViolations(violations)).toMatch(/\[critical\] image-alt: .*\n {4}\["img"\] <img src="\/pixel.png">/);
    await session.close();
  });
});
