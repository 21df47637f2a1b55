import { describe, expect, it } from 'vitest';
import { markdownToHtml, markdownToSafeHtml, safeHref } from './markdown.js';

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

  // The first layer (marked, configured): the hostile records, before DOMPurify ever sees them.
  it.each([
    ['a script tag', '<script>alert(1)</script>'],
    ['an img with onerror', '<img src=x onerror="alert(1)">'],
    ['svg onload', '<svg onload="alert(1)"><circle r="5"/></svg>'],
    ['inline html in a paragraph', 'text <b onclick="alert(1)">bold</b> more'],
    ['a style attribute', '<p style="color:red">styled</p>'],
    ['an iframe', '<iframe src="https://example.test/frame"></iframe>'],
    ['a javascript: link', '[click](javascript:alert(1))'],
    ['a javascript: link with a tab', '[click](java\tscript:alert(1))'],
    ['a data: link', '[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)'],
    ['a data: image', '![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)'],
    ['a remote image', '![tracker](https://example.test/pixel.png)'],
    ['an autolink to javascript:', '<javascript:alert(1)>'],
  ])('writes %s as text, with no markup that could run', (_, hostile) => {
    const html = markdownToHtml(hostile);
    expect(html).not.toMatch(/<(script|img|svg|iframe|style|object|embed|form)\b/i);
    expect(html).not.toMatch(/<[a-z][^>]*\s(on[a-z]+|style)\s*=/i);
    expect(html).not.toMatch(/href="(?!https?:|mailto:)/i);
  });

  it('keeps plain Markdown and safe links', () => {
    expect(markdownToHtml('**Impact** see [the fix](https://example.test/fix "Fix")')).toBe(
      '<p><strong>Impact</strong> see <a href="https://example.test/fix" title="Fix">the fix</a></p>\n',
    );
    expect(markdownToHtml('![shot](https://example.test/a.png)')).toBe('<p><a href="https://example.test/a.png">shot (image)</a></p>\n');
    expect(markdownToHtml('<script>alert(1)</script>')).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('returns no HTML at all when there is no DOM to sanitise with', () => {
    expect(typeof window).toBe('undefined');
    expect(markdownToSafeHtml('<script>alert(1)</script><img src=x onerror=alert(1)>')).toBeNull();
  });
});
