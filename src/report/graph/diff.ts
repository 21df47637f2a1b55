import type { GraphDiff } from '../../graph/diff.js';
import type { SnapshotInfo } from '../../graph/history.js';
import { escapeMarkdown, markdownCode } from '../markdown-text.js';

export interface DiffHeader {
  previous: Pick<SnapshotInfo, 'id' | 'createdAt'>;
  current: Pick<SnapshotInfo, 'id' | 'createdAt'>;
}

interface Section {
  title: string;
  lines: string[];
}

function sections(diff: GraphDiff): Section[] {
  return [
    { title: 'Added packages', lines: diff.added.map((entry) => entry.purl) },
    { title: 'Removed packages', lines: diff.removed.map((entry) => entry.purl) },
    { title: 'Version changes', lines: diff.versionChanges.map((change) => `${change.ecosystem}:${change.name} ${change.from.join(', ')} → ${change.to.join(', ')}`) },
    {
      title: 'New install scripts',
      lines: diff.newInstallScripts.map((change) => `${change.purl}: ${change.scripts.join(', ')}${change.previous === null ? ' (new package)' : ` (before: ${change.previous.join(', ') || 'none'})`}`),
    },
    { title: 'Provenance lost', lines: diff.provenanceLost.map((loss) => `${loss.purl} (${loss.previousPurl} had provenance)`) },
    {
      title: 'Maintainer changes',
      lines: diff.maintainerChanges.map((change) => {
        const names = change.added === null ? ' (names not shown by the registry)' : `${change.added.length > 0 ? ` +${change.added.join(', +')}` : ''}${change.removed!.length > 0 ? ` -${change.removed!.join(', -')}` : ''}`;
        return `${change.purl}: ${change.from} → ${change.to}${names}`;
      }),
    },
    { title: 'New advisories', lines: diff.newAdvisories.map((change) => `${change.purl}: ${change.ids.join(', ')}`) },
  ];
}

function headerLine(header: DiffHeader): string {
  return `Snapshot ${header.previous.id} (${header.previous.createdAt}) → snapshot ${header.current.id} (${header.current.createdAt})`;
}

export function renderDiffText(diff: GraphDiff, header: DiffHeader): string {
  const lines = [headerLine(header)];
  for (const section of sections(diff)) {
    lines.push('', `${section.title} (${section.lines.length})`);
    if (section.lines.length === 0) lines.push('  none');
    for (const line of section.lines) lines.push(`  ${line}`);
  }
  return `${lines.join('\n')}\n`;
}

export function renderDiffJson(diff: GraphDiff, header: DiffHeader): string {
  return `${JSON.stringify({ previous: header.previous, current: header.current, ...diff }, null, 2)}\n`;
}

export function renderDiffMarkdown(diff: GraphDiff, header: DiffHeader): string {
  const lines = ['# Graph changes', '', escapeMarkdown(headerLine(header))];
  for (const section of sections(diff)) {
    lines.push('', `## ${section.title} (${section.lines.length})`, '');
    if (section.lines.length === 0) lines.push('None.');
    for (const line of section.lines) lines.push(`- ${markdownCode(line)}`);
  }
  return `${lines.join('\n')}\n`;
}
