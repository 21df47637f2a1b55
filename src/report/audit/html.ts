import { REPORT_CLOCK_STATES, REPORT_SEVERITIES, type AuditReportModel } from '../../audit/report-types.js';
import { buildAuditDocument, CLOCK_LABELS, SEVERITY_LABELS, type AuditRenderOptions, type Block, type ChartBlock, type Inline, type Line, type ListBlock, type Section, type TableBlock } from './document.js';
import { coverageChart, stackedBarChart, type ChartRun, type ChartSeries } from './svg.js';
import { escapeHtml } from './text.js';

/**
 * The council's report as one self-contained HTML file, for a browser, a
 * printer or GitHub Pages: the same sections in the same order as the
 * Markdown, with inline-SVG trend charts. Nothing is fetched (no stylesheet,
 * font, image or script; a Content-Security-Policy says so to the browser
 * too), nothing needs a script to read, and the only links are https
 * advisory addresses from the model and anchors inside the page. Every text
 * goes through escapeHtml, attribute values included. The markup is also
 * well-formed XML (every element closed, every attribute quoted), which the
 * tests parse.
 */
export function renderAuditHtml(model: AuditReportModel, options: AuditRenderOptions = {}): string {
  const document = buildAuditDocument(model, options);
  const out: string[] = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8" />',
    '<meta name="viewport" content="width=device-width, initial-scale=1" />',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml("default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'")}" />`,
    '<meta name="referrer" content="no-referrer" />',
    `<meta name="generator" content="${escapeHtml(`chainwatch ${document.toolVersion}`)}" />`,
    `<title>${escapeHtml(`${document.title} (run ${document.runId})`)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<header>',
    `<h1>${escapeHtml(document.title)}</h1>`,
    ...document.header.map(renderBlock),
    '<nav aria-label="Sections"><ul>',
    ...document.sections.map((section) => `<li><a href="#${section.id}">${escapeHtml(section.title)}</a></li>`),
    '</ul></nav>',
    '</header>',
    '<main>',
    ...document.sections.map((section) => renderSection(section, 2)),
    '</main>',
    `<footer><p>${escapeHtml(`Rendered by chainwatch ${document.toolVersion} from saved run ${document.runId}.`)}</p></footer>`,
    '</body>',
    '</html>',
  ];
  return `${out.join('\n')}\n`;
}

// No url(), no @import, no font file: the page must not ask for anything.
const STYLE = `
:root { color-scheme: light; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; background: #ffffff; max-width: 62rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.6rem; margin-bottom: 0.5rem; }
h2 { font-size: 1.3rem; border-bottom: 1px solid #d0d7de; padding-bottom: 0.2rem; margin-top: 2.2rem; }
h3 { font-size: 1.1rem; margin-top: 1.6rem; }
h4 { font-size: 1rem; margin-top: 1.2rem; }
nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.4rem 1.2rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
caption { text-align: left; font-weight: 600; padding: 0.2rem 0; }
th, td { border: 1px solid #d0d7de; padding: 0.2rem 0.5rem; text-align: left; vertical-align: top; }
thead th { background: #f6f8fa; }
.number { text-align: right; font-variant-numeric: tabular-nums; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.85em; background: #f6f8fa; border-radius: 4px; overflow-wrap: anywhere; }
code { padding: 0.05rem 0.25rem; }
pre { padding: 0.5rem; white-space: pre-wrap; }
.label { margin-bottom: 0.2rem; font-weight: 600; }
.more { font-style: italic; color: #57606a; }
.tone { font-weight: 600; border-left: 4px solid; padding-left: 0.25rem; }
.tone-critical { color: #7d1a1a; border-color: #7d1a1a; }
.tone-high, .tone-bad { color: #b42318; border-color: #b42318; }
.tone-medium, .tone-warn { color: #8a4b00; border-color: #c77700; }
.tone-low { color: #0b4f8a; border-color: #1f6feb; }
.tone-good { color: #1a6b34; border-color: #1f883d; }
.tone-unknown, .tone-none, .tone-neutral { color: #4d545c; border-color: #8c959f; }
.scroll { overflow-x: auto; }
figure { margin: 1rem 0 1.5rem; }
figcaption { font-weight: 600; margin-bottom: 0.3rem; }
figure svg { max-width: 100%; height: auto; }
details > summary { cursor: pointer; }
footer { margin-top: 3rem; color: #57606a; font-size: 0.85rem; }
@media print {
  *, *::before, *::after { background: transparent !important; box-shadow: none !important; }
  body { max-width: none; padding: 0; color: #000000; font-size: 11pt; }
  nav { display: none; }
  main > section + section { break-before: page; }
  h2, h3, h4, caption, figcaption { break-after: avoid; }
  table, figure, li { break-inside: avoid; }
  .scroll { overflow: visible; }
  a { color: #000000; }
  a[href^="https:"]::after { content: " (" attr(href) ")"; font-size: 0.85em; }
}
`;

function inline(part: Inline): string {
  if (typeof part === 'string') return escapeHtml(part);
  if ('code' in part) return `<code>${escapeHtml(part.code)}</code>`;
  if ('strong' in part) return `<strong>${escapeHtml(part.strong)}</strong>`;
  if ('tone' in part) return `<span class="tone tone-${part.tone}">${escapeHtml(part.text)}</span>`;
  // The document only makes links of https addresses (text.ts httpsUrl).
  return `<a href="${escapeHtml(part.link)}" rel="noopener noreferrer">${escapeHtml(part.text)}</a>`;
}

function line(parts: Line): string {
  return parts.map(inline).join('');
}

function renderSection(section: Section, level: number): string {
  const heading = `h${Math.min(level, 6)}`;
  return [
    `<section id="${escapeHtml(section.id)}" aria-labelledby="${escapeHtml(section.id)}-title">`,
    `<${heading} id="${escapeHtml(section.id)}-title">${escapeHtml(section.title)}</${heading}>`,
    ...section.blocks.map(renderBlock),
    ...section.sections.map((child) => renderSection(child, level + 1)),
    '</section>',
  ].join('\n');
}

function renderBlock(block: Block): string {
  switch (block.kind) {
    case 'paragraph':
      return `<p>${line(block.line)}</p>`;
    case 'list':
      return renderList(block);
    case 'table':
      return renderTable(block);
    case 'chart':
      return renderChart(block);
  }
}

function renderList(block: ListBlock): string {
  if (block.items.length === 0) return `<p>${block.label === null ? escapeHtml(block.empty) : `${escapeHtml(block.label)}: ${escapeHtml(block.empty)}.`}</p>`;
  const tag = block.ordered ? 'ol' : 'ul';
  const items = block.items.map((item) => {
    const details = item.details.map((detail) => {
      const preformatted = detail.preformatted === null ? '' : `<pre><code>${escapeHtml(detail.preformatted.trimEnd())}</code></pre>`;
      return `<li>${line(detail.line)}${preformatted}</li>`;
    });
    return `<li>${line(item.line)}${details.length === 0 ? '' : `<ul>${details.join('')}</ul>`}</li>`;
  });
  return [
    ...(block.label === null ? [] : [`<p class="label">${escapeHtml(block.label)}:</p>`]),
    `<${tag}>`,
    ...items,
    `</${tag}>`,
    ...(block.more === null ? [] : [`<p class="more">${line(block.more)}</p>`]),
  ].join('\n');
}

function renderTable(block: TableBlock): string {
  const numeric = (index: number): string => (block.numeric[index] ? ' class="number"' : '');
  const head = block.header.map((cell, index) => `<th scope="col"${numeric(index)}>${escapeHtml(cell)}</th>`).join('');
  const rows = block.rows.map((row) => `<tr>${row.map((cell, index) => (index === 0 && block.rowHeader ? `<th scope="row"${numeric(index)}>${line(cell)}</th>` : `<td${numeric(index)}>${line(cell)}</td>`)).join('')}</tr>`);
  return [
    '<div class="scroll">',
    '<table>',
    `<caption>${escapeHtml(block.caption)}</caption>`,
    `<thead><tr>${head}</tr></thead>`,
    '<tbody>',
    ...rows,
    '</tbody>',
    '</table>',
    '</div>',
    ...(block.more === null ? [] : [`<p class="more">${line(block.more)}</p>`]),
  ].join('\n');
}

const SEVERITY_COLOURS: Record<(typeof REPORT_SEVERITIES)[number], string> = { critical: '#7d1a1a', high: '#d1242f', medium: '#e8a317', low: '#4d8fd6', unknown: '#8c959f', none: '#d0d7de' };
const CLOCK_COLOURS: Record<(typeof REPORT_CLOCK_STATES)[number], string> = { overdue: '#b42318', 'due-soon': '#e8a317', due: '#4d8fd6', met: '#2da44e' };

function renderChart(block: ChartBlock): string {
  const text = { id: `chart-${block.chart}`, title: block.title, description: block.summary };
  let svg: string;
  if (block.chart === 'coverage') {
    const runs: ChartRun[] = block.trends.map((point) => ({ id: point.id, values: point.coverage }));
    svg = block.series.length === 0 ? '<p>No run has posture results to chart.</p>' : coverageChart(text, block.series, runs);
  } else if (block.chart === 'findings') {
    const series: ChartSeries[] = REPORT_SEVERITIES.map((severity) => ({ key: severity, label: SEVERITY_LABELS[severity], colour: SEVERITY_COLOURS[severity] }));
    svg = stackedBarChart(text, series, block.trends.map((point) => ({ id: point.id, values: point.findings })));
  } else {
    const series: ChartSeries[] = REPORT_CLOCK_STATES.map((state) => ({ key: state, label: CLOCK_LABELS[state], colour: CLOCK_COLOURS[state] }));
    svg = stackedBarChart(text, series, block.trends.map((point) => ({ id: point.id, values: point.advisories })));
  }
  return [
    `<figure id="${escapeHtml(text.id)}" aria-labelledby="${escapeHtml(text.id)}-caption">`,
    `<figcaption id="${escapeHtml(text.id)}-caption">${escapeHtml(block.title)}</figcaption>`,
    svg,
    `<p>${escapeHtml(block.summary)}</p>`,
    renderTable(block.table),
    '</figure>',
  ].join('\n');
}
