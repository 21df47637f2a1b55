import type { DeskRun } from '../../disclosure/run.js';
import type { ClockResult, DeskSource } from '../../disclosure/types.js';
import { escapeMarkdown, markdownCode, markdownTable } from '../markdown-text.js';
import { markdownLink, safeHttpUrl } from './links.js';

/**
 * `advisories list`: every advisory with its clocks and problems, as a
 * terminal table, the JSON document other tools read, Markdown for an issue
 * or a meeting note, or CSV for a spreadsheet. Pure: the same run gives the
 * same text. Rows come in the desk's report order (disclosure/status.ts).
 */

export const DESK_FORMATS = ['table', 'json', 'markdown', 'csv'] as const;
export type DeskFormat = (typeof DESK_FORMATS)[number];

/** What a listing needs of a run. */
export type DeskListing = Pick<DeskRun, 'now' | 'statuses' | 'sources' | 'duplicates'>;

/** The JSON document's version; a new field is additive, a changed one a new version. */
export const DESK_SCHEMA = 'chainwatch.advisories/1';

export function renderDesk(listing: DeskListing, format: DeskFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(deskDocument(listing), null, 2)}\n`;
    case 'markdown':
      return deskMarkdown(listing);
    case 'csv':
      return deskCsv(listing);
    case 'table':
      return deskTable(listing);
  }
}

/**
 * The JSON contract: `{"advisories":[{"ghsa_id","cve_id","repo","state",
 * "created_at","clocks":{"acknowledge":{"due","status","evidence"},
 * "disclose":{"due","status"}},"problems":[{"id","message"}]}],"sources":[…]}`,
 * and more fields beside those (never fewer).
 */
export function deskDocument(listing: DeskListing) {
  return {
    schema: DESK_SCHEMA,
    now: listing.now,
    advisories: listing.statuses.map((status) => {
      const advisory = status.advisory;
      return {
        id: advisory.id,
        ghsa_id: advisory.ghsaId,
        cve_id: advisory.cveId,
        repo: `${advisory.owner}/${advisory.repo}`,
        state: advisory.state,
        summary: advisory.summary,
        // Markdown from the outside world (the reporter's text): whoever renders it as HTML sanitises it.
        description: advisory.description,
        severity: advisory.severity,
        url: advisory.htmlUrl,
        created_at: advisory.createdAt,
        updated_at: advisory.updatedAt,
        published_at: advisory.publishedAt,
        closed_at: advisory.closedAt ?? advisory.withdrawnAt,
        left_triage: status.leftTriage,
        clocks: { acknowledge: clockJson(status.clocks.acknowledge), disclose: clockJson(status.clocks.disclose) },
        problems: status.problems.map((problem) => ({ id: problem.id, message: problem.message, fix: problem.fix })),
        not_evaluated: 'notEvaluated' in status ? status.notEvaluated : [],
        collaborators: { users: advisory.collaboratingUsers, teams: advisory.collaboratingTeams },
        origin: advisory.origin,
        source: advisory.source,
      };
    }),
    sources: listing.sources.map((source) => ({ name: source.name, status: source.status, advisories: source.advisories, note: source.note })),
    duplicates: listing.duplicates,
  };
}

function clockJson(clock: ClockResult) {
  return { due: clock.due, status: clock.status, evidence: clock.evidence, days_left: clock.daysLeft, urgency: clock.urgency, met_at: clock.metAt };
}

/** `overdue (3 days)`, `due in 5 days (urgent)`, `met 2026-11-02` */
export function describeClock(clock: ClockResult): string {
  if (clock.status === 'met') return `met ${clock.metAt?.slice(0, 10) ?? ''}`.trim();
  const days = clock.daysLeft ?? 0;
  if (clock.status === 'overdue') return `overdue ${-days} day${days === -1 ? '' : 's'} (due ${clock.due})`;
  const when = days === 0 ? 'due today' : `due in ${days} day${days === 1 ? '' : 's'}`;
  return clock.urgency === 'none' ? `${when} (${clock.due})` : `${when} (${clock.due}, ${clock.urgency})`;
}

function deskTable(listing: DeskListing): string {
  const lines: string[] = [];
  if (listing.statuses.length === 0) lines.push('No advisories.');
  for (const status of listing.statuses) {
    const advisory = status.advisory;
    const ids = [advisory.id, advisory.cveId].filter(Boolean).join(' ');
    // The repository comes from the advisory's URL (a file's, percent-decoded): no terminal escape through it either.
    lines.push(oneLine(`${ids}  ${advisory.owner}/${advisory.repo}  ${advisory.state}${advisory.severity ? `  ${advisory.severity}` : ''}`));
    lines.push(`  ${oneLine(advisory.summary)}`);
    lines.push(`  acknowledge: ${describeClock(status.clocks.acknowledge)}   disclose: ${describeClock(status.clocks.disclose)}`);
    for (const problem of status.problems) lines.push(`  ! ${problem.id}: ${oneLine(problem.message)}`);
    lines.push('');
  }
  lines.push(...sourceLines(listing.sources));
  return `${lines.join('\n').trimEnd()}\n`;
}

function sourceLines(sources: readonly DeskSource[]): string[] {
  const lines = ['Sources:'];
  for (const source of sources) {
    const count = source.status === 'read' || source.status === 'repo-endpoints' ? ` (${source.advisories} advisor${source.advisories === 1 ? 'y' : 'ies'})` : '';
    // Source names carry file paths, whose names may hold control characters.
    lines.push(`  ${oneLine(source.name)}: ${source.status}${count}${source.note ? ` — ${oneLine(source.note)}` : ''}`);
  }
  if (sources.length === 0) lines.push('  none (give --org, --config, --from-dir or --manual)');
  return lines;
}

function deskMarkdown(listing: DeskListing): string {
  const parts = [`# Security advisories\n\nAs of ${listing.now.slice(0, 10)}: ${listing.statuses.length} advisor${listing.statuses.length === 1 ? 'y' : 'ies'}.`];
  if (listing.statuses.length > 0) {
    const rows = listing.statuses.map((status) => {
      const advisory = status.advisory;
      const link = markdownLink(advisory.id, advisory.htmlUrl ? safeHttpUrl(advisory.htmlUrl) : null);
      return [
        link,
        advisory.cveId ? markdownCode(advisory.cveId) : '—',
        escapeMarkdown(`${advisory.owner}/${advisory.repo}`),
        advisory.state,
        escapeMarkdown(describeClock(status.clocks.acknowledge)),
        escapeMarkdown(describeClock(status.clocks.disclose)),
        status.problems.length === 0 ? '—' : status.problems.map((problem) => markdownCode(problem.id)).join(', '),
      ];
    });
    parts.push(markdownTable(['Advisory', 'CVE', 'Repository', 'State', 'Acknowledge', 'Disclose', 'Problems'], rows));
    const withProblems = listing.statuses.filter((status) => status.problems.length > 0);
    if (withProblems.length > 0) {
      const details = withProblems.map((status) => {
        const items = status.problems.map((problem) => `- ${markdownCode(problem.id)}: ${escapeMarkdown(problem.message)} Fix: ${escapeMarkdown(problem.fix)}`);
        return `<details><summary>${escapeMarkdown(status.advisory.id)}: ${status.problems.length} problem${status.problems.length === 1 ? '' : 's'}</summary>\n\n${items.join('\n')}\n\n</details>`;
      });
      parts.push(`## Problems\n\n${details.join('\n\n')}`);
    }
  }
  parts.push(`## Sources\n\n${listing.sources.map((source) => `- ${markdownCode(source.name)}: ${source.status}${source.note ? ` — ${escapeMarkdown(source.note)}` : ''}`).join('\n') || '- none'}`);
  return `${parts.join('\n\n')}\n`;
}

const CSV_HEADER = ['id', 'ghsa_id', 'cve_id', 'repo', 'state', 'severity', 'created_at', 'acknowledge_due', 'acknowledge_status', 'disclose_due', 'disclose_status', 'days_left', 'problems', 'summary'];

function deskCsv(listing: DeskListing): string {
  const rows = listing.statuses.map((status) => {
    const advisory = status.advisory;
    const open = [status.clocks.disclose, status.clocks.acknowledge].filter((clock) => clock.status !== 'met').map((clock) => clock.daysLeft ?? 0);
    return [
      advisory.id,
      advisory.ghsaId ?? '',
      advisory.cveId ?? '',
      `${advisory.owner}/${advisory.repo}`,
      advisory.state,
      advisory.severity ?? '',
      advisory.createdAt,
      status.clocks.acknowledge.due,
      status.clocks.acknowledge.status,
      status.clocks.disclose.due,
      status.clocks.disclose.status,
      open.length === 0 ? '' : String(Math.min(...open)),
      status.problems.map((problem) => problem.id).join(' '),
      advisory.summary,
    ];
  });
  return [CSV_HEADER, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/**
 * RFC 4180 quoting, and a leading `'` before text a spreadsheet would run as a
 * formula (`=`, `+`, `-`, `@`, tab, carriage return: OWASP's CSV injection
 * advice), since summaries come from the outside world; a negative whole
 * number (days overdue) stays a number.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) && !/^-\d+$/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function oneLine(text: string): string {
  // Advisory text is from the outside world: no control characters (terminal escapes) reach the terminal.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
}
