import type { AuditStepName } from '../../audit/run.js';
import {
  REPORT_CLOCK_STATES,
  REPORT_SEVERITIES,
  type AuditAction,
  type AuditChangePart,
  type AuditChanges,
  type AuditReportModel,
  type CheckCoverage,
  type ClockChange,
  type DeskAdvisoryRef,
  type FindingRef,
  type PostureChange,
  type ReportClockState,
  type TrendPoint,
} from '../../audit/report-types.js';
import { ChainwatchError } from '../../core/errors.js';
import { compareText } from '../../core/compare.js';
import { orderAuditModel } from './ordering.js';
import { count, formatDay, formatDuration, formatNumber, formatPercent, formatTime, httpsUrl, shorten } from './text.js';

/**
 * The council's report as a small document (sections of paragraphs, lists,
 * tables and charts), built once from the model so that the Markdown and the
 * HTML say the same things in the same order; each format only decides how a
 * block looks. Strings here are plain text: the renderers escape every one.
 *
 * Order (issue 10): the header, notes, what changed since the run compared
 * with, actions in priority order, the standing picture (with the trends),
 * then the steps and the sources not reached.
 */

export interface AuditRenderOptions {
  /** Entries shown per list or table before "… and N more" (default 20): a meeting doc has a limit even if Markdown has none. */
  limit?: number;
}

export const DEFAULT_LIST_LIMIT = 20;
/** Characters of outside text (an advisory summary, a reason) shown before `…`; the JSON keeps it whole. */
const TEXT_LIMIT = 300;

/** How text is marked besides its words (colour in HTML); never the only carrier of meaning. */
export type Tone = 'critical' | 'high' | 'medium' | 'low' | 'unknown' | 'none' | 'good' | 'warn' | 'bad' | 'neutral';

export type Inline = string | { code: string } | { strong: string } | { tone: Tone; text: string } | { link: string; text: string };
export type Line = Inline[];

export interface ListItem {
  line: Line;
  /** Sub-points (why, command, patch). */
  details: Detail[];
}

export interface Detail {
  line: Line;
  /** A multi-line text shown as a preformatted block under the line (a patch of several lines). */
  preformatted: string | null;
}

export interface ListBlock {
  kind: 'list';
  ordered: boolean;
  /** `Appeared (3)`: said before the list, or with `empty` when there is none. */
  label: string | null;
  items: ListItem[];
  /** Said when there is no item. */
  empty: string;
  /** What was left out past the limit, or null. */
  more: Line | null;
}

export interface TableBlock {
  kind: 'table';
  caption: string;
  header: string[];
  /** Columns that hold numbers (aligned right in HTML). */
  numeric: boolean[];
  /** The first cell of each row names the row (a `<th scope="row">`). */
  rowHeader: boolean;
  rows: Line[][];
  more: Line | null;
}

export interface ParagraphBlock {
  kind: 'paragraph';
  line: Line;
}

export type ChartKind = 'findings' | 'coverage' | 'advisories';

export interface ChartBlock {
  kind: 'chart';
  chart: ChartKind;
  title: string;
  /** The chart in words (the SVG's description, and a visible summary beside it). */
  summary: string;
  /** The numbers behind the chart. */
  table: TableBlock;
  trends: TrendPoint[];
  /** Check ids (coverage) in chart order. */
  series: string[];
}

export type Block = ParagraphBlock | ListBlock | TableBlock | ChartBlock;

export interface Section {
  /** A fixed anchor (never made from data). */
  id: string;
  title: string;
  blocks: Block[];
  sections: Section[];
}

export interface AuditDocument {
  title: string;
  header: Block[];
  /** Top-level sections in report order. */
  sections: Section[];
  toolVersion: string;
  runId: number;
}

export const SEVERITY_LABELS: Record<(typeof REPORT_SEVERITIES)[number], string> = { critical: 'critical', high: 'high', medium: 'medium', low: 'low', unknown: 'unknown', none: 'none' };
export const CLOCK_LABELS: Record<ReportClockState, string> = { overdue: 'overdue', 'due-soon': 'due soon', due: 'due', met: 'met' };
const CLOCK_TONES: Record<ReportClockState, Tone> = { overdue: 'bad', 'due-soon': 'warn', due: 'neutral', met: 'good' };

export function buildAuditDocument(input: AuditReportModel, options: AuditRenderOptions = {}): AuditDocument {
  const limit = options.limit ?? DEFAULT_LIST_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) throw new ChainwatchError('invalid-argument', `the list limit must be a whole number of at least 1, not ${limit}`);
  const model = orderAuditModel(input);
  const context: Context = { model, limit };
  const sections: Section[] = [];
  if (model.notes.length > 0) {
    sections.push({ id: 'notes', title: 'Notes', blocks: [list(context, { label: null, empty: 'None.' }, model.notes.map((note) => item([shorten(note, TEXT_LIMIT)])))], sections: [] });
  }
  sections.push(changesSection(context), actionsSection(context), standingSection(context), stepsSection(context));
  return { title: `chainwatch audit report: ${model.run.label}`, header: header(model), sections, toolVersion: model.run.toolVersion, runId: model.run.id };
}

interface Context {
  model: AuditReportModel;
  limit: number;
}

function item(line: Line, details: Detail[] = []): ListItem {
  return { line, details };
}

function detail(line: Line, preformatted: string | null = null): Detail {
  return { line, preformatted };
}

function paragraph(...line: Line): ParagraphBlock {
  return { kind: 'paragraph', line };
}

/** `… and 12 more (…)`: where the rest is. */
function more(context: Context, hidden: number): Line | null {
  if (hidden <= 0) return null;
  return [`… and ${hidden} more (all of them: `, { code: `chainwatch report --run ${context.model.run.id} --format json` }, ').'];
}

function list(context: Context, shape: { label: string | null; empty: string; ordered?: boolean }, items: ListItem[]): ListBlock {
  return { kind: 'list', ordered: shape.ordered ?? false, label: shape.label, items: items.slice(0, context.limit), empty: shape.empty, more: more(context, items.length - context.limit) };
}

function table(context: Context | null, shape: { caption: string; header: string[]; numeric?: boolean[]; rowHeader?: boolean }, rows: Line[][]): TableBlock {
  const shown = context === null ? rows : rows.slice(0, context.limit);
  return {
    kind: 'table',
    caption: shape.caption,
    header: shape.header,
    numeric: shape.numeric ?? shape.header.map(() => false),
    rowHeader: shape.rowHeader ?? false,
    rows: shown,
    more: context === null ? null : more(context, rows.length - context.limit),
  };
}

function runStatus(status: 'complete' | 'partial'): Inline {
  return { tone: status === 'complete' ? 'good' : 'warn', text: status };
}

function header(model: AuditReportModel): Block[] {
  const { run, since } = model;
  const lines: ListItem[] = [
    item(['Run ', { strong: String(run.id) }, `, started ${formatTime(run.startedAt)}, status `, runStatus(run.status), `, chainwatch ${run.toolVersion}`]),
    item(['Identity: ', run.label, ' (', { code: run.identity }, ')']),
    item(
      since === null
        ? ['Compared with: nothing, this is the first run of this identity']
        : ['Compared with run ', { strong: String(since.id) }, ` of ${formatTime(since.startedAt)} (`, runStatus(since.status), ')'],
    ),
  ];
  if (run.status === 'partial') {
    const incomplete = model.steps.filter((step) => step.status !== 'done').map((step) => `${step.name} ${step.status}`);
    const unreachable = model.sources.filter((source) => !source.reachable).length;
    const why = [...incomplete, ...(unreachable > 0 ? [`${count(unreachable, 'source', 'sources')} not reached`] : [])];
    lines.push(item([`Partial: ${why.length > 0 ? why.join(', ') : 'see the steps'}; what it could do is below, and "Steps and sources" says what it could not.`]));
  }
  return [{ kind: 'list', ordered: false, label: null, items: lines, empty: '', more: null }];
}

// ---------------------------------------------------------------- what changed

/** The step whose part each comparison needs, and what that part is called. */
const CHANGE_PARTS: Record<AuditChangePart, { step: AuditStepName; what: string }> = {
  findings: { step: 'findings', what: 'vulnerability findings' },
  packages: { step: 'graph', what: 'package graph' },
  provenanceLost: { step: 'graph', what: 'package graph' },
  newInstallScripts: { step: 'graph', what: 'package graph' },
  maintainerChanges: { step: 'graph', what: 'package graph' },
  posture: { step: 'posture', what: 'posture results' },
  advisories: { step: 'advisories', what: 'desk advisories' },
};

/** Why this run has no `what`: its step was skipped or failed (with the step's note), or null when the step ran. */
function stepGap(model: AuditReportModel, step: AuditStepName): string | null {
  const record = model.steps.find((entry) => entry.name === step);
  if (record === undefined) return `this run has no ${step} step`;
  if (record.status !== 'skipped' && record.status !== 'failed') return null;
  const note = record.note === null ? '' : `: ${shorten(record.note, TEXT_LIMIT)}`;
  return `this run's ${step} step ${record.status === 'skipped' ? 'was skipped' : 'failed'}${note}`;
}

function notCompared(context: Context, changes: AuditChanges, part: AuditChangePart): ParagraphBlock {
  const given = changes.notCompared?.[part];
  const { step, what } = CHANGE_PARTS[part];
  const reason = given ?? stepGap(context.model, step) ?? `run ${context.model.since?.id ?? '?'} has no comparable ${what} (see the notes)`;
  return paragraph(`Not compared: ${shorten(reason, TEXT_LIMIT)}.`);
}

function changesSection(context: Context): Section {
  const { model } = context;
  const since = model.since;
  if (since === null) {
    return { id: 'changes', title: 'What changed', blocks: [paragraph('Not compared: this is the first run of this identity; the next run will be compared with it.')], sections: [] };
  }
  const title = `What changed since run ${since.id} of ${formatDay(since.startedAt)}`;
  const changes = model.changes;
  if (changes === null) {
    return { id: 'changes', title, blocks: [paragraph(`Not compared: the report holds no comparison with run ${since.id}.`)], sections: [] };
  }
  const labelled = (label: string, entries: ListItem[]): ListBlock => list(context, { label: `${label} (${entries.length})`, empty: 'none' }, entries);
  const plain = (entries: ListItem[]): ListBlock => list(context, { label: null, empty: 'None.' }, entries);
  const part = <T>(key: AuditChangePart, value: T | null, blocks: (value: T) => Block[]): Block[] => (value === null ? [notCompared(context, changes, key)] : blocks(value));
  return {
    id: 'changes',
    title,
    blocks: [],
    sections: [
      {
        id: 'changes-findings',
        title: 'Vulnerabilities in what we ship',
        blocks: part('findings', changes.findings, (value) => [labelled('Appeared', value.appeared.map(findingItem)), labelled('Resolved', value.resolved.map(findingItem))]),
        sections: [],
      },
      {
        id: 'changes-packages',
        title: 'Packages',
        blocks: part('packages', changes.packages, (value) => [
          labelled('Added', value.added.map((entry) => item([{ code: entry.purl }]))),
          labelled('Removed', value.removed.map((entry) => item([{ code: entry.purl }]))),
          labelled(
            'Version changes',
            value.versionChanges.map((change) => item([{ code: change.name }, ` (${change.ecosystem}): `, versions(change.from), ' → ', versions(change.to)])),
          ),
        ]),
        sections: [],
      },
      {
        id: 'changes-provenance',
        title: 'Provenance lost',
        blocks: part('provenanceLost', changes.provenanceLost, (value) => [plain(value.map((loss) => item([{ code: loss.purl }, ' (', { code: loss.previousPurl }, ' had provenance)'])))]),
        sections: [],
      },
      {
        id: 'changes-install-scripts',
        title: 'New install scripts',
        blocks: part('newInstallScripts', changes.newInstallScripts, (value) => [
          plain(
            value.map((change) =>
              item([
                { code: change.purl },
                ': ',
                ...joined(change.scripts.map((script) => ({ code: script }))),
                change.previous === null ? ' (new package)' : ` (before: ${change.previous.length === 0 ? 'none' : change.previous.join(', ')})`,
              ]),
            ),
          ),
        ]),
        sections: [],
      },
      {
        id: 'changes-maintainers',
        title: 'Maintainer changes',
        blocks: part('maintainerChanges', changes.maintainerChanges, (value) => [
          plain(
            value.map((change) => {
              const names = change.added === null || change.removed === null ? null : [...change.added.map((name) => `+${name}`), ...change.removed.map((name) => `-${name}`)];
              const detail = names === null ? ' (the registry shows no names)' : names.length === 0 ? '' : ` (${names.join(', ')})`;
              return item([{ code: change.purl }, `: ${change.from} → ${change.to} maintainers${detail}; before: `, { code: change.previousPurl }]);
            }),
          ),
        ]),
        sections: [],
      },
      {
        id: 'changes-posture',
        title: 'Repository posture',
        blocks: part('posture', changes.posture, (value) => [labelled('Regressions', value.regressions.map(postureItem)), labelled('Fixes', value.fixes.map(postureItem))]),
        sections: [],
      },
      {
        id: 'changes-advisories',
        title: 'Disclosure desk advisories',
        blocks: part('advisories', changes.advisories, (value) => [
          labelled('Opened', value.opened.map(deskItem)),
          labelled('Published, closed or withdrawn', value.closed.map(deskItem)),
          labelled('Turned due soon', value.turnedDueSoon.map(clockItem)),
          labelled('Turned overdue', value.turnedOverdue.map(clockItem)),
        ]),
        sections: [],
      },
    ],
  };
}

function joined(parts: Inline[], separator = ', '): Inline[] {
  return parts.flatMap((part, index) => (index === 0 ? [part] : [separator, part]));
}

function versions(list: readonly string[]): Inline {
  return list.length === 0 ? 'none' : { code: list.join(', ') };
}

function severityTone(severity: string): Tone {
  return (REPORT_SEVERITIES as readonly string[]).includes(severity) ? (severity as Tone) : 'unknown';
}

function findingItem(finding: FindingRef): ListItem {
  const others = finding.ids.filter((id) => id !== finding.id);
  const line: Line = [
    { tone: severityTone(finding.severity), text: finding.severity },
    ' ',
    { code: finding.id },
    ...(others.length > 0 ? [' (also ', ...joined(others.map((id) => ({ code: id }))), ')'] : []),
    ' in ',
    { code: `${finding.package.name} ${finding.package.version}` },
    ` (${finding.package.ecosystem}); `,
    ...(finding.fixed.length === 0 ? ['no fixed version'] : ['fixed in ', ...joined(finding.fixed.map((version) => ({ code: version })))]),
  ];
  if (finding.summary !== null && finding.summary !== '') line.push(': ', shorten(finding.summary, TEXT_LIMIT));
  return item(line);
}

function outcomeTone(outcome: string): Tone {
  if (outcome === 'pass') return 'good';
  if (outcome === 'partial') return 'warn';
  if (outcome === 'fail') return 'bad';
  return 'neutral';
}

function postureItem(change: PostureChange): ListItem {
  return item([
    { code: change.repo },
    ' ',
    { code: change.check },
    ': ',
    { tone: outcomeTone(change.from), text: change.from },
    ' → ',
    { tone: outcomeTone(change.to), text: change.to },
    ...(change.summary === '' ? [] : [`: ${shorten(change.summary, TEXT_LIMIT)}`]),
  ]);
}

/** The advisory's id, a link only when its address is https; any other address is said after the rest, as text. */
function advisoryId(id: string, url: string | null): Inline {
  const href = httpsUrl(url);
  return href === null ? { code: id } : { link: href, text: id };
}

function unlinkedAddress(url: string | null): Line {
  return url === null || httpsUrl(url) !== null ? [] : ['; address not linked (not https): ', { code: shorten(url, TEXT_LIMIT) }];
}

function deskItem(advisory: DeskAdvisoryRef): ListItem {
  return item([
    advisoryId(advisory.id, advisory.url),
    ' (',
    { code: advisory.repo },
    `, ${advisory.state})`,
    ...(advisory.summary === '' ? [] : [`: ${shorten(advisory.summary, TEXT_LIMIT)}`]),
    ...unlinkedAddress(advisory.url),
  ]);
}

function clockItem(change: ClockChange): ListItem {
  return item([
    advisoryId(change.id, change.url),
    ' (',
    { code: change.repo },
    `): ${change.clock} clock `,
    change.from === null ? 'new' : { tone: CLOCK_TONES[change.from], text: CLOCK_LABELS[change.from] },
    ' → ',
    { tone: CLOCK_TONES[change.to], text: CLOCK_LABELS[change.to] },
    `, due ${formatDay(change.due)}`,
    ...(change.summary === '' ? [] : [`: ${shorten(change.summary, TEXT_LIMIT)}`]),
    ...unlinkedAddress(change.url),
  ]);
}

// ---------------------------------------------------------------- actions

function actionItem(action: AuditAction, since: number | null): ListItem {
  const details: Detail[] = [detail(['Why: ', shorten(action.why, TEXT_LIMIT * 2)])];
  if (action.command !== null) details.push(detail(['Command: ', { code: action.command }]));
  if (action.patch !== null) details.push(action.patch.includes('\n') ? detail(['Patch:'], action.patch) : detail(['Patch: ', { code: action.patch }]));
  if (action.refs.length > 0) {
    const more = action.refsTotal - action.refs.length;
    details.push(detail(['About: ', ...joined(action.refs.map((ref) => ({ code: ref }))), ...(more > 0 ? [` and ${more} more`] : [])]));
  }
  const marks = [action.kind, ...(action.isNew && since !== null ? [`new since run ${since}`] : [])].join(', ');
  return item([{ strong: action.title }, ` (${marks})`], details);
}

function actionsSection(context: Context): Section {
  const { model } = context;
  const actions = model.actions.map((action) => actionItem(action, model.since?.id ?? null));
  return { id: 'actions', title: 'Actions', blocks: [list(context, { label: null, empty: 'None: nothing in this run calls for action.', ordered: true }, actions)], sections: [] };
}

// ---------------------------------------------------------------- the standing picture

/** Each configured image: what it ships by ecosystem, its findings by severity, and its worst findings. */
function imageBlocks(context: Context): Block[] {
  const { model } = context;
  const images = model.standing.images;
  if (images === null) return [notAvailable(model, 'images', 'image scans')];
  const blocks: Block[] = [
    table(
      context,
      { caption: 'Images: packages and findings', header: ['Image', 'OS', 'Layers', 'Packages', ...REPORT_SEVERITIES.slice(0, 4).map((severity) => SEVERITY_LABELS[severity])], numeric: [false, false, true, false, true, true, true, true], rowHeader: true },
      images.map((image) => [
        [{ code: image.source }],
        [image.unread === null ? (image.os ?? 'unknown') : { tone: 'bad', text: `not read: ${image.unread}` }],
        [String(image.layers)],
        [Object.entries(image.packages).map(([ecosystem, packages]) => `${ecosystem} ${packages}`).join(', ') || '-'],
        ...REPORT_SEVERITIES.slice(0, 4).map((severity): Line => [String(image.bySeverity[severity] ?? 0)]),
      ]),
    ),
  ];
  for (const image of images.filter((entry) => entry.worst.length > 0)) {
    blocks.push(list(context, { label: `Worst findings in ${image.source} (${count(image.findings, 'finding', 'findings')})`, empty: 'None.' }, image.worst.map(findingItem)));
  }
  return blocks;
}

function notAvailable(model: AuditReportModel, step: AuditStepName, what: string): ParagraphBlock {
  return paragraph(`Not available: ${stepGap(model, step) ?? `this run saved no ${what}`}.`);
}

const COVERAGE_HEADER = ['Check', 'Passing', 'Pass', 'Partial', 'Fail', 'Could not tell', 'Not applicable'];

function coverageRow(check: CheckCoverage): Line[] {
  return [[{ code: check.check }], [formatPercent(check.percent)], [String(check.pass)], [String(check.partial)], [String(check.fail)], [String(check.unknown)], [String(check.notApplicable)]];
}

function orgCell(check: CheckCoverage | undefined): Line {
  if (check === undefined) return ['not run'];
  const evaluated = check.pass + check.partial + check.fail;
  return [check.percent === null ? formatPercent(null) : `${formatPercent(check.percent)} (${check.pass}/${evaluated})`];
}

function standingSection(context: Context): Section {
  const { model } = context;
  const { concerns, posture, vulnerabilities, advisories, notChecked } = model.standing;
  const sections: Section[] = [];

  sections.push({
    id: 'standing-concerns',
    title: 'Top concerns',
    blocks:
      concerns === null
        ? [notAvailable(model, 'concerns', 'concerns ranking')]
        : concerns.ranked === 0
          ? [paragraph('No package was ranked.')]
          : [
              paragraph(`${count(concerns.ranked, 'package', 'packages')} ranked by reach × weakness; the top ${Math.min(concerns.top.length, context.limit)}:`),
              table(
                context,
                { caption: 'Top concerns', header: ['Rank', 'Package', 'Ecosystem', 'Score', 'Reach', 'Factors known', 'What weighs'], numeric: [true, false, false, true, true, true, false], rowHeader: false },
                concerns.top.map((row) => [
                  [String(row.rank)],
                  [{ code: `${row.name} ${row.version}` }],
                  [row.ecosystem],
                  [row.score === null ? 'not scored' : row.score.toFixed(2)],
                  [formatNumber(row.reach)],
                  [`${row.known}/${row.total}`],
                  row.factors.length === 0 ? ['none'] : [row.factors.map((factor) => shorten(factor, TEXT_LIMIT)).join('; ')],
                ]),
              ),
            ],
    sections: [],
  });

  const postureBlocks: Block[] = [];
  if (posture === null) postureBlocks.push(notAvailable(model, 'posture', 'posture results'));
  else {
    const orgs = posture.orgs.length;
    postureBlocks.push(
      paragraph(
        `${count(posture.repos, 'repository', 'repositories')} checked${orgs > 0 ? ` in ${count(orgs, 'organisation', 'organisations')}` : ''}; ${count(posture.expiredWaivers, 'expired waiver', 'expired waivers')} (not applied). Passing = pass / (pass + partial + fail); "could not tell" is never counted as a failure.`,
      ),
    );
    if (posture.checks.length === 0) postureBlocks.push(paragraph('No check was evaluated.'));
    else {
      postureBlocks.push(table(null, { caption: 'Coverage per check across the organisations', header: COVERAGE_HEADER, numeric: [false, true, true, true, true, true, true], rowHeader: true }, posture.checks.map(coverageRow)));
    }
    if (orgs > 1) {
      postureBlocks.push(paragraph('Passing per organisation (pass / evaluated):'));
      const checks = [...new Set(posture.orgs.flatMap((org) => org.checks.map((check) => check.check)))].sort(compareText);
      postureBlocks.push(
        table(
          null,
          { caption: 'Passing per organisation', header: ['Check', ...posture.orgs.map((org) => org.org)], numeric: [false, ...posture.orgs.map(() => true)], rowHeader: true },
          checks.map((check) => [[{ code: check }], ...posture.orgs.map((org) => orgCell(org.checks.find((entry) => entry.check === check)))]),
        ),
      );
    } else if (orgs === 1) postureBlocks.push(paragraph('One organisation, ', { code: posture.orgs[0]!.org }, ': the figures above are its own.'));
  }
  sections.push({ id: 'standing-posture', title: 'Repository posture coverage', blocks: postureBlocks, sections: [] });

  sections.push({
    id: 'standing-vulnerabilities',
    title: 'Vulnerabilities by severity',
    blocks:
      vulnerabilities === null
        ? [notAvailable(model, 'findings', 'vulnerability findings')]
        : [
            paragraph(`${count(vulnerabilities.findings, 'finding', 'findings')} in ${count(vulnerabilities.packages, 'package', 'packages')} of the graph${notChecked.length > 0 ? ', in the ecosystems that could be checked' : ''}.`),
            table(
              null,
              { caption: 'Findings by severity', header: ['Severity', 'Findings'], numeric: [false, true], rowHeader: true },
              REPORT_SEVERITIES.map((severity) => [[{ tone: severity, text: SEVERITY_LABELS[severity] }], [String(vulnerabilities.bySeverity[severity] ?? 0)]]),
            ),
          ],
    sections: [],
  });

  sections.push({ id: 'standing-images', title: 'Container images', blocks: imageBlocks(context), sections: [] });

  sections.push({
    id: 'standing-advisories',
    title: 'Disclosure desk advisories by clock',
    blocks:
      advisories === null
        ? [notAvailable(model, 'advisories', 'desk advisories')]
        : [
            paragraph(`${count(advisories.total, 'advisory', 'advisories')} on the desk.`),
            table(
              null,
              { caption: 'Advisories by clock', header: ['Clock', 'Advisories'], numeric: [false, true], rowHeader: true },
              REPORT_CLOCK_STATES.map((state) => [[{ tone: CLOCK_TONES[state], text: CLOCK_LABELS[state] }], [String(advisories.byClock[state] ?? 0)]]),
            ),
          ],
    sections: [],
  });

  sections.push({
    id: 'standing-not-checked',
    title: 'Ecosystems not checked',
    blocks:
      notChecked.length === 0
        ? [paragraph('None: every ecosystem with packages was checked against the advisory database.')]
        : [
            paragraph('The advisory database holds no advisories for these ecosystems, so their packages were not checked: no finding there does not mean no known vulnerability.'),
            list(context, { label: null, empty: 'None.' }, notChecked.map((ecosystem) => item([{ code: ecosystem }]))),
          ],
    sections: [],
  });

  sections.push({ id: 'standing-trends', title: 'Trends across runs', blocks: trendBlocks(model.trends), sections: [] });
  return { id: 'standing', title: 'Standing picture', blocks: [], sections };
}

// ---------------------------------------------------------------- trends

const NO_DATA = 'no data';

function runCells(point: TrendPoint): Line[] {
  return [[String(point.id)], [formatDay(point.startedAt)], [runStatus(point.status)]];
}

function gaps(trends: readonly TrendPoint[], has: (point: TrendPoint) => boolean, what: string): string {
  const missing = trends.filter((point) => !has(point)).map((point) => String(point.id));
  if (missing.length === 0) return '';
  return ` ${missing.length === 1 ? `Run ${missing[0]} has` : `Runs ${missing.join(', ')} have`} no ${what}: a gap, not a zero.`;
}

function trendBlocks(trends: readonly TrendPoint[]): Block[] {
  if (trends.length <= 1) return [paragraph('One run so far: trends start with the next.')];
  const first = trends[0]!;
  const last = trends[trends.length - 1]!;
  const span = `runs ${first.id} (${formatDay(first.startedAt)}) to ${last.id} (${formatDay(last.startedAt)}), oldest first`;
  const runHeader = ['Run', 'Started', 'Status'];

  const findingsTotal = (point: TrendPoint): number => REPORT_SEVERITIES.reduce((sum, severity) => sum + (point.findings?.[severity] ?? 0), 0);
  const latestFindings = [...trends].reverse().find((point) => point.findings !== null);
  const findings: ChartBlock = {
    kind: 'chart',
    chart: 'findings',
    title: 'Findings by severity per run',
    summary:
      `Findings by severity across ${span}.` +
      gaps(trends, (point) => point.findings !== null, 'findings') +
      (latestFindings === undefined
        ? ''
        : ` Run ${latestFindings.id}: ${findingsTotal(latestFindings)} in all (${REPORT_SEVERITIES.map((severity) => `${latestFindings.findings![severity] ?? 0} ${SEVERITY_LABELS[severity]}`).join(', ')}).`),
    table: table(
      null,
      { caption: 'Findings by severity per run', header: [...runHeader, ...REPORT_SEVERITIES.map((severity) => SEVERITY_LABELS[severity]), 'Total'], numeric: [true, false, false, ...REPORT_SEVERITIES.map(() => true), true], rowHeader: true },
      trends.map((point) => [...runCells(point), ...(point.findings === null ? [...REPORT_SEVERITIES, 'total'].map(() => [NO_DATA]) : [...REPORT_SEVERITIES.map((severity) => [String(point.findings![severity] ?? 0)]), [String(findingsTotal(point))]])]),
    ),
    trends: [...trends],
    series: [...REPORT_SEVERITIES],
  };

  const checks = [...new Set(trends.flatMap((point) => Object.keys(point.coverage ?? {})))].sort(compareText);
  const latestCoverage = [...trends].reverse().find((point) => point.coverage !== null);
  const coverage: ChartBlock = {
    kind: 'chart',
    chart: 'coverage',
    title: 'Posture coverage per check per run',
    summary:
      `Passing percentage per check (0–100%) across ${span}.` +
      gaps(trends, (point) => point.coverage !== null, 'posture results') +
      (latestCoverage === undefined || checks.length === 0 ? '' : ` Run ${latestCoverage.id}: ${checks.map((check) => `${check} ${formatPercent(latestCoverage.coverage![check] ?? null)}`).join(', ')}.`),
    table: table(
      null,
      { caption: 'Passing percentage per check per run', header: [...runHeader, ...checks], numeric: [true, false, false, ...checks.map(() => true)], rowHeader: true },
      trends.map((point) => [...runCells(point), ...checks.map((check): Line => [point.coverage === null ? NO_DATA : check in point.coverage ? formatPercent(point.coverage[check] ?? null) : 'not run'])]),
    ),
    trends: [...trends],
    series: checks,
  };

  const advisoriesTotal = (point: TrendPoint): number => REPORT_CLOCK_STATES.reduce((sum, state) => sum + (point.advisories?.[state] ?? 0), 0);
  const latestAdvisories = [...trends].reverse().find((point) => point.advisories !== null);
  const advisories: ChartBlock = {
    kind: 'chart',
    chart: 'advisories',
    title: 'Desk advisories by clock per run',
    summary:
      `Disclosure desk advisories by clock across ${span}.` +
      gaps(trends, (point) => point.advisories !== null, 'desk advisories') +
      (latestAdvisories === undefined
        ? ''
        : ` Run ${latestAdvisories.id}: ${advisoriesTotal(latestAdvisories)} in all (${REPORT_CLOCK_STATES.map((state) => `${latestAdvisories.advisories![state] ?? 0} ${CLOCK_LABELS[state]}`).join(', ')}).`),
    table: table(
      null,
      { caption: 'Desk advisories by clock per run', header: [...runHeader, ...REPORT_CLOCK_STATES.map((state) => CLOCK_LABELS[state]), 'Total'], numeric: [true, false, false, ...REPORT_CLOCK_STATES.map(() => true), true], rowHeader: true },
      trends.map((point) => [...runCells(point), ...(point.advisories === null ? [...REPORT_CLOCK_STATES, 'total'].map(() => [NO_DATA]) : [...REPORT_CLOCK_STATES.map((state) => [String(point.advisories![state] ?? 0)]), [String(advisoriesTotal(point))]])]),
    ),
    trends: [...trends],
    series: [...REPORT_CLOCK_STATES],
  };

  return [paragraph(`${count(trends.length, 'run', 'runs')} of this identity: ${span}. A run that lacks a part is a gap in its chart, not a zero.`), findings, coverage, advisories];
}

// ---------------------------------------------------------------- steps and sources

const STEP_TONES: Record<string, Tone> = { done: 'good', partial: 'warn', failed: 'bad', skipped: 'neutral' };

function stepsSection(context: Context): Section {
  const { model } = context;
  const unreachable = model.sources.filter((source) => !source.reachable);
  const total = model.steps.reduce((sum, step) => sum + step.milliseconds, 0);
  return {
    id: 'steps',
    title: 'Steps and sources',
    blocks: [
      model.steps.length === 0
        ? paragraph('No step was recorded.')
        : table(
            context,
            { caption: `Steps (${formatDuration(total)} in all)`, header: ['Step', 'Status', 'Duration', 'Note'], numeric: [false, false, true, false], rowHeader: true },
            model.steps.map((step) => [[step.name], [{ tone: STEP_TONES[step.status] ?? 'neutral', text: step.status }], [formatDuration(step.milliseconds)], [step.note === null ? '' : shorten(step.note, TEXT_LIMIT)]]),
          ),
      list(
        context,
        { label: `Sources not reached (${unreachable.length} of ${model.sources.length})`, empty: model.sources.length === 0 ? 'none (no source was recorded)' : 'none, every source was reached' },
        unreachable.map((source) => item([{ code: source.name }, `: ${source.error === null ? 'no reason recorded' : shorten(source.error, TEXT_LIMIT)}`])),
      ),
    ],
    sections: [],
  };
}
