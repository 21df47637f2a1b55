import type { ScanDiff } from '../scan/diff.js';
import type { ScanImage } from '../scan/types.js';
import { escapeMarkdown, markdownCode } from './markdown-text.js';
import type { ImageDiffFormat } from './types.js';


/** The two images compared, as each scan read them (null when one could not be read at all). */
export interface ImageDiffHeader {
  previous: { source: string; image: ScanImage | null };
  current: { source: string; image: ScanImage | null };
}

function describe(side: ImageDiffHeader['previous']): string {
  const image = side.image;
  if (!image) return `${side.source} (not read)`;
  const os = image.os?.prettyName ?? image.os?.id;
  return `${side.source}${image.manifestDigest ? ` ${image.manifestDigest.slice(0, 19)}` : ''}${os ? `, ${os}` : ''}, ${image.layers.length} layers`;
}

function sections(diff: ScanDiff): { title: string; lines: string[] }[] {
  const place = (pkg: ScanDiff['packages']['added'][number]) => `${pkg.paths.join(', ')}${pkg.layer === null ? '' : ` (layer ${pkg.layer + 1})`}`;
  const finding = (entry: ScanDiff['findings']['appeared'][number]) =>
    `${entry.severity} ${entry.id} ${entry.package.ecosystem} ${entry.package.name} ${entry.package.version}${entry.fixed.length > 0 ? ` (fixed in ${entry.fixed.join(', ')})` : ''}`;
  return [
    { title: 'Advisories that appeared', lines: diff.findings.appeared.map(finding) },
    { title: 'Advisories resolved', lines: diff.findings.resolved.map(finding) },
    { title: 'Packages added', lines: diff.packages.added.map((pkg) => `${pkg.ecosystem} ${pkg.name} ${pkg.version}  ${place(pkg)}`) },
    { title: 'Packages removed', lines: diff.packages.removed.map((pkg) => `${pkg.ecosystem} ${pkg.name} ${pkg.version}  ${place(pkg)}`) },
    { title: 'Versions changed', lines: diff.packages.changed.map((change) => `${change.ecosystem} ${change.name} ${change.from.join(', ')} → ${change.to.join(', ')}`) },
  ];
}

function headerLines(header: ImageDiffHeader, diff: ScanDiff): string[] {
  return [`${describe(header.previous)}`, `→ ${describe(header.current)}`, `${diff.packages.unchanged} packages unchanged`];
}

/** `chainwatch diff --image OLD NEW` in each format: advisories first (what a reader acts on), then packages. */
export function renderImageDiff(diff: ScanDiff, header: ImageDiffHeader, format: ImageDiffFormat): string {
  if (format === 'json') {
    return `${JSON.stringify({ schema: 'chainwatch.image-diff/1', previous: header.previous, current: header.current, ...diff }, null, 2)}\n`;
  }
  if (format === 'markdown') {
    const lines = ['# Image changes', '', ...headerLines(header, diff).map((line) => `${escapeMarkdown(line)}  `)];
    for (const section of sections(diff)) {
      lines.push('', `## ${section.title} (${section.lines.length})`, '');
      if (section.lines.length === 0) lines.push('None.');
      for (const line of section.lines) lines.push(`- ${markdownCode(line)}`);
    }
    return `${lines.join('\n')}\n`;
  }
  const lines = headerLines(header, diff);
  for (const section of sections(diff)) {
    lines.push('', `${section.title} (${section.lines.length})`);
    if (section.lines.length === 0) lines.push('  none');
    for (const line of section.lines) lines.push(`  ${line}`);
  }
  return `${lines.join('\n')}\n`;
}
