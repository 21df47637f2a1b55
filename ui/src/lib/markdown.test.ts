import { describe, expect, it } from 'vitest';
import { markdownToSafeHtml, safeHref } from './markdown.js';

/*
 * DOMPurify needs a DOM, and none (jsdom, happy-dom) is installed: the
 * sanitiser itself is tested on the hostile advisories in a real browser by
 * the end-to-end tests (test/browser/). Here: the link rule it applies, and
 * that without a DOM nothing comes back as HTML.
 */
describe('advisory Markdown', () => {
  it.each([
    ['https://example.test/advisory', true],
    ['http://example.test/', true],
    ['mailto:security@example.test', true],
    ['  https://example.test/padded', true],
    ['javascript:alert(1)', false],
    ['JavaScript:alert(1)', false],
    ['java\tscript:alert(1)', false],
    [' \u0000javascript:alert(1)', false],
    ['data:text/html;base64,PHNjcmlwdD4=', false],
    ['vbscript:msgbox(1)', false],
    ['/relative/path', false],
    ['//example.test/protocol-relative', false],
    ['#anchor', false],
  ])('keeps the link %j: %s', (href, kept) => {
    expect(safeHref(href) !== null).toBe(kept);
  });

  it('returns no HTML at all when there is no DOM to sanitise with', () => {
    expect(typeof window).toBe('undefined');
    expect(markdownToSafeHtml('<script>alert(1)</script><img src=x onerror=alert(1)>')).toBeNull();
  });
});
