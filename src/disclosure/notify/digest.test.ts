import { describe, expect, it } from 'vitest';
import { escapeMarkdown, escapeSlack, escapeZulip, renderDigest, type Digest, type DigestItem } from './digest.js';

function item(id: string, fields: Partial<DigestItem> = {}): DigestItem {
  return { keys: [`remind:${id}:disclose:overdue`], id, url: `https://github.com/jupyter/notebook/security/advisories/${id}`, title: 'jupyter/notebook: disclosure overdue by 3 days', details: ['XSS in the file browser'], ...fields };
}

function digest(items: DigestItem[]): Digest {
  return { kind: 'remind', subject: 'Disclosure desk, 2026-04-05: 2 overdue', intro: 'Clocks that need someone.', sections: [{ heading: 'Overdue', items }, { heading: 'Urgent', items: [] }] };
}

describe('renderDigest', () => {
  const two = digest([item('GHSA-1111-1111-1111'), item('GHSA-2222-2222-2222', { url: null })]);

  it.each([
    ['text', ['Disclosure desk, 2026-04-05: 2 overdue', 'Overdue (2)', '* GHSA-1111-1111-1111: jupyter/notebook: disclosure overdue by 3 days', '    https://github.com/jupyter/notebook/security/advisories/GHSA-1111-1111-1111', '* GHSA-2222-2222-2222:']],
    ['markdown', ['### Disclosure desk, 2026-04-05: 2 overdue', '#### Overdue (2)', '- [GHSA-1111-1111-1111](https://github.com/jupyter/notebook/security/advisories/GHSA-1111-1111-1111): jupyter/notebook', '- GHSA-2222-2222-2222: ']],
    ['slack', ['*Disclosure desk, 2026-04-05: 2 overdue*', '*Overdue (2)*', '• <https://github.com/jupyter/notebook/security/advisories/GHSA-1111-1111-1111|GHSA-1111-1111-1111>: jupyter/notebook']],
  ] as const)('%s', (format, expected) => {
    const rendered = renderDigest(two, format, 100_000);
    for (const text of expected) expect(rendered.body).toContain(text);
    expect(rendered.body).not.toContain('Urgent');
    expect(rendered.included).toHaveLength(2);
    expect(rendered.omitted).toBe(0);
  });

  it('stops before the limit, says how many were left out and includes only what it shows', () => {
    const many = digest(Array.from({ length: 50 }, (_, index) => item(`GHSA-${String(index).padStart(4, '0')}-0000-0000`)));
    const rendered = renderDigest(many, 'markdown', 2_000);
    expect(rendered.body.length).toBeLessThanOrEqual(2_000);
    expect(rendered.included.length).toBeGreaterThan(0);
    expect(rendered.included.length).toBeLessThan(50);
    expect(rendered.omitted).toBe(50 - rendered.included.length);
    expect(rendered.body).toContain(`and ${rendered.omitted} more`);
    const last = rendered.included.at(-1)!;
    expect(rendered.body).toContain(last.id);
    expect(rendered.body).not.toContain(many.sections[0]!.items[rendered.included.length]!.id);
  });
});

describe('escaping text from advisories', () => {
  it('Markdown: no formatting, links or mentions', () => {
    const text = escapeMarkdown('@jupyter/security look at [this](https://evil.example) *now* <img src=x>\nnext');
    expect(text).not.toMatch(/@[a-z]/);
    expect(text).toContain('\\[this\\]');
    expect(text).toContain('\\*now\\*');
    expect(text).toContain('\\<img');
    expect(text).not.toContain('\n');
  });

  it("Zulip: no asterisk or underscore pair that its Slack rewrite would turn into bold or italics", () => {
    // Zulip's own rewriting (zerver/webhooks/slack_incoming/view.py, replace_formatting) must leave the text as it is.
    const zulipRewrite = (text: string) =>
      text
        .replace(/([^\w]|^)\*(?!\s+)([^*\n]+)(?<!\s)\*((?=[^\w])|$)/g, '$1**$2**$3')
        .replace(/([^\w]|^)[_](?!\s+)([^_\n]+)(?<!\s)[_]((?=[^\w])|$)/g, '$1*$2*$3');
    const original = 'a *bold* and _italic_ word, snake_case stays';
    expect(zulipRewrite(original)).not.toBe(original);
    const text = escapeZulip(original);
    expect(zulipRewrite(text)).toBe(text);
    expect(text).toContain('snake\\_case');
  });

  it('Slack: &, < and > escaped, so no <!channel> or fake link', () => {
    expect(escapeSlack('<!channel> & <https://evil.example|ok>')).toBe('&lt;!channel&gt; &amp; &lt;https://evil.example|ok&gt;');
  });
});
