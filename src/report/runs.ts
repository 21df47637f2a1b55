import { describeIdentity, shortIdentity } from '../graph/run-identity.js';
import type { RetentionPolicy, RunInfo } from '../graph/runs.js';
import { alignColumns, plural } from './graph/text.js';

/**
 * `chainwatch runs list|show|prune` as a table or JSON. JSON uses the field
 * names of the audit's JSON contract (`started_at`, `identity`, `status`);
 * the identity is whole in JSON and shortened (profile name, or 12 hex
 * digits) in tables. Pure functions: the same runs always give the same text.
 */

export type RunsFormat = 'table' | 'json';

function runJson(run: RunInfo) {
  return {
    id: run.id,
    started_at: run.startedAt,
    tool_version: run.toolVersion,
    command: run.command,
    status: run.status,
    identity: {
      key: run.identity.key,
      hash: run.identity.hash,
      profile: run.identity.profile,
      label: run.identity.label,
      ad_hoc: run.identity.adHoc,
      inputs: run.identity.inputs,
    },
    offline: run.offline,
    migrated: run.migrated,
    graph: run.graph,
    parts: run.parts.map((part) => ({ name: part.name, schema_version: part.schemaVersion, bytes: part.bytes })),
  };
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function identityCell(run: RunInfo): string {
  return `${shortIdentity(run.identity.key)}${run.identity.adHoc ? ' ad hoc' : ''}`;
}

function runRow(run: RunInfo): string[] {
  return [
    String(run.id),
    run.startedAt.replace(/\.000Z$/, 'Z'),
    run.command,
    run.status,
    identityCell(run),
    describeIdentity(run.identity),
    run.graph === null ? '-' : String(run.graph.nodes),
    run.parts.map((part) => part.name).join(','),
  ];
}

const RUN_HEADER = ['Id', 'Started', 'Command', 'Status', 'Identity', 'From', 'Packages', 'Parts'];

/** Every run, oldest first. */
export function renderRuns(runs: readonly RunInfo[], format: RunsFormat): string {
  if (format === 'json') return json({ runs: runs.map(runJson) });
  if (runs.length === 0) return 'No runs in the history.\n';
  const identities = new Set(runs.map((run) => run.identity.key)).size;
  return `${alignColumns(RUN_HEADER, runs.map(runRow))}\n\n${plural(runs.length, 'run')} of ${plural(identities, 'identity', 'identities')}.\n`;
}

/** One run: its record, its parts, and the run it is compared with (the previous one of its identity). */
export function renderRun(run: RunInfo, previous: RunInfo | null, format: RunsFormat): string {
  if (format === 'json') return json({ run: runJson(run), previous: previous === null ? null : { id: previous.id, started_at: previous.startedAt, status: previous.status } });
  const { identity } = run;
  const lines = [
    `Run ${run.id}: ${run.command}, ${run.status}, started ${run.startedAt} (chainwatch ${run.toolVersion})${run.offline ? ', offline' : ''}`,
    `Identity: ${identity.key}${identity.profile === null ? '' : ` (profile ${identity.profile}, inputs ${identity.hash.slice(0, 12)})`}${identity.adHoc ? ' (ad hoc)' : ''}`,
    `From: ${identity.label}`,
    `Roots (${identity.inputs.roots.length}): ${identity.inputs.roots.join(' ') || '-'}`,
    `Environments: ${identity.inputs.environments.join(' ') || '-'}`,
    `Orgs: ${identity.inputs.orgs.join(' ') || (run.migrated ? 'not recorded (saved before runs had identities)' : '-')}`,
    `Previous run of this identity: ${previous === null ? 'none' : `${previous.id} (${previous.startedAt}, ${previous.status})`}`,
    '',
    alignColumns(
      ['Part', 'Schema', 'Size'],
      run.parts.map((part) => [part.name, String(part.schemaVersion), part.name === 'graph' && run.graph ? `${plural(run.graph.nodes, 'package')}, ${plural(run.graph.edges, 'edge')}` : plural(part.bytes, 'byte')]),
    ),
  ];
  return `${lines.join('\n')}\n`;
}

/** What `runs prune` removed (or, with --dry-run, would remove), and under which policy. */
export function renderPrune(removed: readonly RunInfo[], policy: RetentionPolicy, dryRun: boolean, format: RunsFormat): string {
  if (format === 'json') return json({ dry_run: dryRun, policy: { keep_last: policy.keepLast, keep_months: policy.keepMonths }, removed: removed.map(runJson) });
  const rule = `keeping per identity the last ${policy.keepLast} runs and one a month for ${policy.keepMonths} months (ad-hoc identities: the last runs only)`;
  if (removed.length === 0) return `Nothing to prune, ${rule}.\n`;
  const verb = dryRun ? 'Would remove' : 'Removed';
  return `${verb} ${plural(removed.length, 'run')}, ${rule}:\n${alignColumns(RUN_HEADER, removed.map(runRow))}\n`;
}
