import type { AuditReportModel } from '../../audit/report-types.js';
import { escapeMarkdown, markdownCode, markdownTable } from '../markdown-text.js';
import { buildAuditDocument, type AuditRenderOptions, type Block, type Inline, type Line, type ListBlock, type Section, type TableBlock } from './document.js';
import { cleanBlock, cleanText, escapeHtml } from './text.js';

/**
 * The council's report as GitHub-flavoured Markdown, for a meeting doc, an
 * issue or a job summary: the header, notes, what changed, the actions
 * numbered in priority order, the standing picture, then the steps and the
 * sources not reached. Every text from outside is escaped (markdown-text.ts);
 * lists stop after `limit` entries and say how many more there are; the
 * trend tables are folded in `<details>`.
 */
export function renderAuditMarkdown(model: AuditReportModel, options: AuditRenderOptions = {}): string {
  const document = buildAuditDocument(model, options);
  const out: string[] = [`# ${text(document.title)}`, ''];
  for (const block of document.header) out.push(...renderBlock(block), '');
  for (const section of document.sections) out.push(...renderSection(section, 2));
  return `${out.join('\n').trimEnd()}\n`;
}

function text(value: string): string {
  return escapeMarkdown(cleanText(value));
}

/**
 * A code span. In a table, markdownCode (a backtick becomes `'`, a `|` is
 * escaped); elsewhere the text is kept exact (a command must stay the
 * command): fenced by one more backtick than its longest run, padded when it
 * starts or ends with one, and a `|` needs no escape there.
 */
function code(value: string, inTable: boolean): string {
  const clean = cleanText(value);
  if (inTable) return markdownCode(clean);
  const fence = '`'.repeat(longestBacktickRun(clean) + 1);
  const pad = clean.startsWith('`') || clean.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${clean}${pad}${fence}`;
}

function longestBacktickRun(value: string): number {
  return Math.max(0, ...[...value.matchAll(/`+/g)].map((match) => match[0].length));
}

function inline(part: Inline, inTable: boolean): string {
  if (typeof part === 'string') return text(part);
  if ('code' in part) return code(part.code, inTable);
  if ('strong' in part) return `**${text(part.strong)}**`;
  if ('tone' in part) return text(part.text);
  // httpsUrl normalised it: no space, `<` or `>` is left, so the angle-bracket form always holds.
  return `[${text(part.text)}](<${part.link}>)`;
}

function line(parts: Line, inTable = false): string {
  return parts.map((part) => inline(part, inTable)).join('');
}

function renderSection(section: Section, level: number): string[] {
  const out = [`${'#'.repeat(level)} ${text(section.title)}`, ''];
  for (const block of section.blocks) out.push(...renderBlock(block), '');
  for (const child of section.sections) out.push(...renderSection(child, level + 1));
  return out;
}

function renderBlock(block: Block): string[] {
  switch (block.kind) {
    case 'paragraph':
      return [line(block.line)];
    case 'list':
      return renderList(block);
    case 'table':
      return renderTable(block);
    case 'chart':
      // The charts are the HTML's; here their summary and numbers, folded.
      return [line([block.summary]), '', '<details>', `<summary>${escapeHtml(block.title)}</summary>`, '', ...renderTable(block.table), '', '</details>'];
  }
}

function renderList(block: ListBlock): string[] {
  if (block.items.length === 0) return [block.label === null ? text(block.empty) : `${text(block.label)}: ${text(block.empty)}.`];
  const out: string[] = block.label === null ? [] : [`${text(block.label)}:`, ''];
  block.items.forEach((item, index) => {
    const marker = block.ordered ? `${index + 1}. ` : '- ';
    const indent = ' '.repeat(marker.length);
    out.push(`${marker}${line(item.line)}`);
    for (const detail of item.details) {
      out.push(`${indent}- ${line(detail.line)}`);
      if (detail.preformatted !== null) out.push('', ...fenced(detail.preformatted).map((row) => `${indent}  ${row}`), '');
    }
  });
  if (block.more !== null) out.push('', line(block.more));
  return out;
}

/** A fenced block longer than any run of backticks inside it. */
function fenced(value: string): string[] {
  const clean = cleanBlock(value).trimEnd();
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(clean) + 1));
  return [fence, ...clean.split('\n'), fence];
}

function renderTable(block: TableBlock): string[] {
  const out = [markdownTable(block.header.map(text), block.rows.map((row) => row.map((cell) => line(cell, true))))];
  if (block.more !== null) out.push('', line(block.more));
  return out;
}
