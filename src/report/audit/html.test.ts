import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { AuditReportModel } from '../../audit/report-types.js';
import { loadAuditRenderers } from '../index.js';
import { renderAuditHtml } from './html.js';
import { renderAuditMarkdown } from './markdown.js';
import { HOSTILE_REPO, HOSTILE_SCRIPT, LONG_SUMMARY, sampleAuditModel } from './sample-model.fixture.js';
import { escapeHtml, httpsUrl } from './text.js';

/*
 * No HTML parser is installed (parse5, htmlparser2, jsdom…), so the renderer
 * writes HTML that is also well-formed XML, and the tests parse it with
 * fast-xml-parser (a dev dependency): every element, attribute and text
 * below is what a parser sees, not what a regular expression guesses.
 */

interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlNode[];
}
type XmlNode = XmlElement | { text: string };

const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', parseAttributeValue: false, parseTagValue: false, trimValues: false, htmlEntities: true });

function toTree(nodes: unknown[]): XmlNode[] {
  return nodes.map((node) => {
    const record = node as Record<string, unknown>;
    if ('#text' in record) return { text: String(record['#text']) };
    const name = Object.keys(record).find((key) => key !== ':@')!;
    return { name, attributes: (record[':@'] ?? {}) as Record<string, string>, children: toTree(record[name] as unknown[]) };
  });
}

function parse(html: string): XmlElement {
  expect(XMLValidator.validate(html)).toBe(true);
  const roots = toTree(parser.parse(html) as unknown[]).filter((node): node is XmlElement => 'name' in node);
  expect(roots.map((root) => root.name)).toEqual(['html']);
  return roots[0]!;
}

function elements(root: XmlElement): XmlElement[] {
  const out: XmlElement[] = [root];
  for (const child of root.children) if ('name' in child) out.push(...elements(child));
  return out;
}

function textOf(node: XmlNode): string {
  return 'text' in node ? node.text : node.children.map(textOf).join('');
}

function byName(root: XmlElement, name: string): XmlElement[] {
  return elements(root).filter((element) => element.name === name);
}

function withModel(change: (model: AuditReportModel) => void): AuditReportModel {
  const model = sampleAuditModel();
  change(model);
  return model;
}

const html = renderAuditHtml(sampleAuditModel());
const root = parse(html);
const all = elements(root);

const ALLOWED = new Set([
  ...['html', 'head', 'meta', 'title', 'style', 'body', 'header', 'nav', 'main', 'section', 'footer', 'h1', 'h2', 'h3', 'h4'],
  ...['p', 'ul', 'ol', 'li', 'a', 'code', 'pre', 'strong', 'span', 'div', 'table', 'caption', 'thead', 'tbody', 'tr', 'th', 'td', 'figure', 'figcaption'],
  ...['svg', 'desc', 'g', 'rect', 'line', 'polyline', 'circle', 'text'],
]);

describe('renderAuditHtml: one self-contained page', () => {
  it('is a well-formed document in English with a title and a content security policy that forbids loading anything', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(root.attributes.lang).toBe('en');
    const csp = byName(root, 'meta').find((meta) => meta.attributes['http-equiv'] === 'Content-Security-Policy');
    expect(csp?.attributes.content).toBe("default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'");
    expect(textOf(byName(root, 'title')[0]!)).toBe('chainwatch audit report: jupyter preset (run 42)');
  });

  it('uses only known elements: no script, image, frame, form, link or object', () => {
    expect([...new Set(all.map((element) => element.name))].filter((name) => !ALLOWED.has(name))).toEqual([]);
    expect(html).not.toMatch(/<script|<iframe|<img|<link|<object|<embed|<form|<base|<foreignObject/i);
    expect(byName(root, 'style')).toHaveLength(1);
  });

  it('has no event handler, inline style, src, or href other than https advisory links and in-page anchors', () => {
    const ids = new Set(all.map((element) => element.attributes.id).filter((id) => id !== undefined));
    const links: string[] = [];
    for (const element of all) {
      for (const [name, value] of Object.entries(element.attributes)) {
        expect(name.toLowerCase().startsWith('on'), `${element.name} ${name}`).toBe(false);
        expect(['src', 'srcset', 'style', 'xlink:href', 'action', 'formaction', 'background', 'poster']).not.toContain(name.toLowerCase());
        if (name === 'href') {
          expect(element.name).toBe('a');
          if (value.startsWith('#')) expect(ids.has(value.slice(1)), value).toBe(true);
          else {
            expect(value.startsWith('https://')).toBe(true);
            expect(element.attributes.rel).toBe('noopener noreferrer');
            links.push(value);
          }
        }
      }
    }
    expect(links).toEqual([
      'https://github.com/jupyter/jupyter_server/security/advisories/GHSA-good-0000-0002',
      'https://github.com/jupyterlab/jupyterlab/security/advisories/GHSA-soon-0000-0003',
    ]);
  });

  it('fetches nothing from its stylesheet and prints without backgrounds, a section per page', () => {
    const css = textOf(byName(root, 'style')[0]!);
    expect(css).not.toMatch(/url\s*\(|@import|expression\s*\(|@font-face/i);
    const print = css.slice(css.indexOf('@media print'));
    expect(print).toContain('background: transparent !important');
    expect(print).toContain('main > section + section { break-before: page; }');
  });

  it('renders the javascript: and http: addresses as text, never as links', () => {
    const opened = byName(root, 'li').find((li) => textOf(li).startsWith('GHSA-xss0-0000-0001'))!;
    expect(byName(opened, 'a')).toEqual([]);
    expect(textOf(opened)).toContain('address not linked (not https): javascript:alert(1)');
    const overdue = byName(root, 'li').find((li) => textOf(li).startsWith('GHSA-late-0000-0004'))!;
    expect(byName(overdue, 'a')).toEqual([]);
  });

  it('escapes every text from outside: it reaches the reader as text, never as markup', () => {
    const text = textOf(root);
    expect(text).toContain(`${HOSTILE_SCRIPT} path traversal | pipes | *markdown* _x_`);
    expect(text).toContain(`${HOSTILE_REPO} security-policy: pass → fail`);
    expect(text).toContain('+<b>mallory</b>');
    expect(text).toContain('Stored XSS in <svg onload=alert(1)>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(byName(root, 'svg')).toHaveLength(3);
    const unprintable = [...html].filter((character) => {
      const code = character.codePointAt(0)!;
      return (code < 0x20 && character !== '\n') || (code >= 0x7f && code <= 0x9f) || (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);
    });
    expect(unprintable).toEqual([]);
    // Cut at 300 characters in the page; the JSON keeps the whole summary.
    expect(text).not.toContain(LONG_SUMMARY);
    expect(text).toContain(`${[...LONG_SUMMARY].slice(0, 299).join('')}…`);
  });
});

describe('renderAuditHtml: the same report as the Markdown', () => {
  it('has the same headings in the same order, one h1 and no level skipped', () => {
    const headings = all.filter((element) => /^h[1-6]$/.test(element.name));
    const markdownHeadings = renderAuditMarkdown(sampleAuditModel())
      .split('\n')
      .filter((line) => /^#{1,6} /.test(line))
      .map((line) => ({ level: line.indexOf(' '), text: line.slice(line.indexOf(' ') + 1) }));
    expect(headings.map((heading) => ({ level: Number(heading.name.slice(1)), text: textOf(heading) }))).toEqual(markdownHeadings);
    expect(headings.filter((heading) => heading.name === 'h1')).toHaveLength(1);
    headings.forEach((heading, index) => {
      if (index > 0) expect(Number(heading.name.slice(1))).toBeLessThanOrEqual(Number(headings[index - 1]!.name.slice(1)) + 1);
    });
    const nav = byName(byName(root, 'nav')[0]!, 'a').map((link) => link.attributes.href);
    expect(nav).toEqual(['#notes', '#changes', '#actions', '#standing', '#steps']);
  });

  it('gives every table a caption and every header cell a scope', () => {
    for (const table of byName(root, 'table')) {
      expect(byName(table, 'caption')).toHaveLength(1);
      for (const th of byName(table, 'th')) expect(['col', 'row']).toContain(th.attributes.scope);
    }
    const severity = byName(root, 'table').find((table) => textOf(byName(table, 'caption')[0]!) === 'Findings by severity')!;
    expect(byName(severity, 'tr').slice(1).map((row) => row.children.map((cell) => textOf(cell)))).toEqual([
      ['critical', '1'],
      ['high', '2'],
      ['medium', '3'],
      ['low', '1'],
      ['unknown', '0'],
      ['none', '0'],
    ]);
  });

  it('shows outcomes by text as well as colour', () => {
    const tones = all.filter((element) => element.name === 'span' && (element.attributes.class ?? '').startsWith('tone '));
    expect(tones.length).toBeGreaterThan(20);
    for (const tone of tones) expect(textOf(tone).trim()).not.toBe('');
    const regression = byName(root, 'li').find((li) => textOf(li).startsWith('jupyter/notebook pinned-actions'))!;
    expect(byName(regression, 'span').map((span) => [span.attributes.class, textOf(span)])).toEqual([
      ['tone tone-warn', 'partial'],
      ['tone tone-bad', 'fail'],
    ]);
  });

  it('numbers the actions in priority order with the multi-line patch preformatted', () => {
    const actions = byName(root, 'section').find((section) => section.attributes.id === 'actions')!;
    const items = byName(actions, 'ol')[0]!.children.filter((child): child is XmlElement => 'name' in child);
    expect(items.map((item) => textOf(byName(item, 'strong')[0]!))).toEqual([
      'Upgrade jupyter-server to 2.14.1',
      'Publish GHSA-late-0000-0004, overdue since 2026-05-10',
      'Upgrade @jupyterlab/services in jupyterlab/jupyterlab',
      'Pin actions to full commit SHAs in jupyter/notebook',
      'Renew or drop the expired waiver of jupyter/docker-stacks token-permissions',
      'Review *markdown* | pipes | in evil-package',
    ]);
    expect(textOf(byName(items[2]!, 'pre')[0]!)).toContain('-    "@jupyterlab/services": "^7.2.0"\n+    "@jupyterlab/services": "~7.1.0"\n```');
    expect(textOf(items[5]!)).toContain('Command: npm view evil-package scripts `whoami`');
  });
});

describe('renderAuditHtml: trend charts', () => {
  const figures = byName(root, 'figure');

  function runGroup(svg: XmlElement, run: number): XmlElement {
    return byName(svg, 'g').find((group) => group.attributes['data-run'] === String(run))!;
  }

  it('draws three accessible charts, each with the numbers in a table and a summary beside it', () => {
    expect(figures.map((figure) => figure.attributes.id)).toEqual(['chart-findings', 'chart-coverage', 'chart-advisories']);
    for (const figure of figures) {
      const svg = byName(figure, 'svg')[0]!;
      expect(svg.attributes.role).toBe('img');
      expect(svg.attributes['aria-label']).toBe(textOf(byName(svg, 'title')[0]!));
      const desc = byName(svg, 'desc')[0]!;
      expect(svg.attributes['aria-describedby']).toBe(desc.attributes.id);
      expect(byName(figure, 'table')).toHaveLength(1);
      expect(byName(figure, 'p').map(textOf)).toContain(textOf(desc));
    }
  });

  it('writes each SVG as a standalone well-formed SVG document', () => {
    const svgs = html.match(/<svg[\s\S]*?<\/svg>/g)!;
    expect(svgs).toHaveLength(3);
    for (const svg of svgs) {
      expect(XMLValidator.validate(svg)).toBe(true);
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ')).toBe(true);
    }
  });

  it('stacks the findings of each run with heights from the counts, worst at the bottom', () => {
    const svg = byName(figures[0]!, 'svg')[0]!;
    // Run 42 has 7 findings; the axis goes to 10 over 120 units.
    const bars = byName(runGroup(svg, 42), 'rect').map((rect) => [rect.attributes['data-series'], rect.attributes['data-value'], rect.attributes.height, rect.attributes.y]);
    expect(bars).toEqual([
      ['critical', '1', '12', '120'],
      ['high', '2', '24', '96'],
      ['medium', '3', '36', '60'],
      ['low', '1', '12', '48'],
    ]);
    expect(byName(svg, 'g').filter((group) => group.attributes['data-run'] !== undefined).map((group) => group.attributes['data-run'])).toEqual(['40', '41', '42']);
  });

  it('leaves a gap (no line through it, no point) for the run without posture', () => {
    const svg = byName(figures[1]!, 'svg')[0]!;
    const panels = byName(svg, 'g').filter((group) => group.attributes.class === 'check');
    expect(panels.map((panel) => panel.attributes['data-check'])).toEqual(['dependency-update-tool', 'pinned-actions', 'security-policy', 'token-permissions']);
    const pinned = panels[1]!;
    expect(byName(pinned, 'circle').map((circle) => [circle.attributes['data-run'], circle.attributes['data-value']])).toEqual([
      ['41', '40'],
      ['42', '26.7'],
    ]);
    expect(byName(pinned, 'polyline')).toHaveLength(1);
    // Never evaluated: no point, no line, said in words.
    expect(byName(panels[3]!, 'circle')).toEqual([]);
    expect(textOf(panels[3]!)).toContain('no data');
    expect(textOf(byName(svg, 'desc')[0]!)).toContain('Run 40 has no posture results: a gap, not a zero.');
  });

  it('breaks a line at a run in the middle that lacks the part, and tells a gap from a zero', () => {
    const page = parse(
      renderAuditHtml(
        withModel((model) => {
          const run41 = model.trends.find((point) => point.id === 41)!;
          const run40 = model.trends.find((point) => point.id === 40)!;
          run40.coverage = { 'pinned-actions': 20 };
          run41.coverage = null;
          run41.findings = null;
          run40.findings = { critical: 0, high: 0, medium: 0, low: 0, unknown: 0, none: 0 };
        }),
      ),
    );
    const [findings, coverage] = byName(page, 'figure').map((figure) => byName(figure, 'svg')[0]!);
    const gap = runGroup(findings!, 41);
    expect(gap.attributes.class).toBe('run gap');
    expect(byName(gap, 'rect')).toEqual([]);
    expect(textOf(gap)).toContain('n/a');
    const zero = runGroup(findings!, 40);
    expect(byName(zero, 'rect')).toEqual([]);
    expect(byName(zero, 'line')).toHaveLength(1);
    expect(textOf(zero)).not.toContain('n/a');
    const pinned = byName(coverage!, 'g').find((group) => group.attributes['data-check'] === 'pinned-actions')!;
    expect(byName(pinned, 'circle').map((circle) => circle.attributes['data-run'])).toEqual(['40', '42']);
    expect(byName(pinned, 'polyline')).toEqual([]);
    const row = byName(byName(page, 'figure')[0]!, 'tr').find((tr) => textOf(tr.children[0]!) === '41')!;
    expect(row.children.slice(3).map((cell) => textOf(cell))).toEqual(Array(7).fill('no data'));
  });

  it('says "one run so far" and draws nothing with a single run', () => {
    const page = renderAuditHtml(withModel((model) => (model.trends = model.trends.filter((point) => point.id === 42))));
    expect(page).not.toContain('<svg');
    expect(page).toContain('<p>One run so far: trends start with the next.</p>');
  });
});

describe('renderAuditHtml: determinism and the loader', () => {
  it('gives the same bytes for the same model, whatever the order of its lists', () => {
    const shuffled = withModel((model) => {
      model.actions.reverse();
      model.trends.reverse();
      model.changes!.advisories!.opened.reverse();
      model.standing.posture!.orgs.reverse();
    });
    expect(renderAuditHtml(shuffled)).toBe(html);
    expect(renderAuditHtml(sampleAuditModel())).toBe(html);
  });

  it('is loaded with the other formats through the report entry', async () => {
    const renderers = await loadAuditRenderers();
    expect(renderers.renderAuditHtml).toBe(renderAuditHtml);
    expect(renderers.renderAuditMarkdown).toBe(renderAuditMarkdown);
    expect(typeof renderers.renderAuditJson).toBe('function');
  });
});

describe('escapeHtml and httpsUrl', () => {
  it.each([
    ['<a href="x">Tom & Jerry\'s</a>', '&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;'],
    ['bell\u0007 and \u202Eoverride', 'bell\uFFFD and \uFFFDoverride'],
    ['line\r\nbreak', 'line\nbreak'],
    ['lone \uD800 surrogate', 'lone \uFFFD surrogate'],
  ])('escapeHtml(%j)', (input, expected) => {
    expect(escapeHtml(input)).toBe(expected);
  });

  it.each([
    ['https://github.com/o/r/security/advisories/GHSA-1', 'https://github.com/o/r/security/advisories/GHSA-1'],
    ['https://example.test/a b"<x>', 'https://example.test/a%20b%22%3Cx%3E'],
    ['javascript:alert(1)', null],
    ['JAVASCRIPT:alert(1)', null],
    ['http://example.test/', null],
    ['data:text/html,<script>', null],
    ['//example.test/x', null],
    ['https://user:secret@example.test/', null],
    [null, null],
  ])('httpsUrl(%j)', (input, expected) => {
    expect(httpsUrl(input)).toBe(expected);
  });
});
