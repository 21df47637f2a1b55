/**
 * Every body the dashboard's API sends, as zod schemas: the routes declare
 * them and /api/openapi.json is generated from them. They describe what the
 * views (src/audit/views.ts) and the report renderer (src/report/audit/json.ts)
 * write; they are not used to reject our own data at run time (the tests
 * check every response of the fixture against them). Objects are not strict:
 * a field added to a saved part shows up rather than failing the request.
 */
import { z } from '@hono/zod-openapi';

const severity = z.enum(['critical', 'high', 'medium', 'low', 'unknown', 'none']).openapi('Severity');
const runStatus = z.enum(['complete', 'partial']);
const checkOutcome = z.enum(['pass', 'partial', 'fail', 'not-available', 'not-applicable', 'error']).openapi('CheckOutcome');
const purl = z.string().openapi({ description: 'a package URL', example: 'pkg:pypi/jupyter-server@2.14.0' });
/** Why a view has nothing: the part the run lacks and the step's reason. */
const availability = {
  available: z.boolean().openapi({ description: 'false when the run saved no such part (the step was skipped or failed): the view has no data source, it is not empty' }),
  reason: z.string().nullable().openapi({ description: 'why the part is missing, from the run\'s steps; null when available' }),
};

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ description: 'stable: invalid-argument, unauthorized, forbidden-host, not-found, internal-error', example: 'not-found' }),
      message: z.string().openapi({ description: 'one sentence for people', example: 'no run 99 in the history' }),
    }),
  })
  .openapi('Error');

export const HealthSchema = z.object({ ok: z.literal(true), version: z.string() }).openapi('Health');

export const RunSummarySchema = z
  .object({
    id: z.number().int(),
    started_at: z.string().openapi({ description: 'RFC 3339' }),
    status: runStatus,
    command: z.string().openapi({ description: 'what made the run: audit, graph, concerns' }),
    identity: z.string().openapi({ description: 'the identity key: profile:<name>, or the hash of the roots, environments and orgs' }),
    label: z.string().openapi({ description: 'the identity for people' }),
    tool_version: z.string(),
    packages: z.number().int().nullable().openapi({ description: 'packages in its graph; null without one' }),
    parts: z.array(z.string()).openapi({ description: 'its saved parts: graph, steps, findings, posture, advisories, concerns' }),
  })
  .openapi('RunSummary');

export const ProfilesSchema = z
  .object({ profiles: z.array(z.object({ identity: z.string(), label: z.string(), latest: RunSummarySchema, runs: z.number().int().openapi({ description: 'its audit runs' }) })) })
  .openapi('Profiles');

export const RunsSchema = z.object({ runs: z.array(RunSummarySchema) }).openapi('Runs');

// ---------------------------------------------------------------- the report (chainwatch.report/1, src/report/json-format.md)

const runRef = z.object({ id: z.number().int(), started_at: z.string(), status: runStatus, tool_version: z.string() });
const packageRef = z.object({ purl, ecosystem: z.string(), name: z.string(), version: z.string() });
const findingRef = z.object({ id: z.string(), ids: z.array(z.string()), package: packageRef, severity, summary: z.string().nullable(), fixed: z.array(z.string()) });
const postureChange = z.object({ repo: z.string(), check: z.string(), from: checkOutcome, to: checkOutcome, summary: z.string() });
const deskRef = z.object({ id: z.string(), repo: z.string(), state: z.string(), summary: z.string(), url: z.string().nullable() });
const clockState = z.enum(['overdue', 'due-soon', 'due', 'met']);
const clockChange = z.object({ id: z.string(), repo: z.string(), clock: z.enum(['acknowledge', 'disclose']), from: clockState.nullable(), to: clockState, due: z.string(), summary: z.string(), url: z.string().nullable() });
const checkCoverage = z
  .object({
    check: z.string(),
    pass: z.number().int(),
    partial: z.number().int(),
    fail: z.number().int(),
    unknown: z.number().int().openapi({ description: 'not-available and error: could not be evaluated' }),
    not_applicable: z.number().int(),
    percent: z.number().nullable().openapi({ description: 'pass / (pass + partial + fail) × 100, one decimal; null when none was evaluated' }),
  })
  .openapi('CheckCoverage');
const bySeverity = z.record(z.string(), z.number().int()).openapi({ description: 'count per severity, worst first' });
const byClock = z.record(z.string(), z.number().int()).openapi({ description: 'count per clock state: overdue, due-soon, due, met' });

export const ReportSchema = z
  .object({
    schema: z.literal('chainwatch.report/1'),
    run: runRef.extend({ identity: z.string(), label: z.string() }),
    since: runRef.nullable(),
    notes: z.array(z.string()),
    changes: z
      .object({
        not_compared: z.record(z.string(), z.string()),
        findings: z.object({ appeared: z.array(findingRef), resolved: z.array(findingRef) }).nullable(),
        packages: z.object({ added: z.array(packageRef), removed: z.array(packageRef), version_changes: z.array(z.object({ ecosystem: z.string(), name: z.string(), from: z.array(z.string()), to: z.array(z.string()) })) }).nullable(),
        provenance_lost: z.array(z.object({ purl, previous_purl: purl })).nullable(),
        new_install_scripts: z.array(z.object({ purl, scripts: z.array(z.string()), previous: z.array(z.string()).nullable() })).nullable(),
        maintainer_changes: z
          .array(z.object({ purl, previous_purl: purl, from: z.number().int(), to: z.number().int(), added: z.array(z.string()).nullable(), removed: z.array(z.string()).nullable() }))
          .nullable(),
        posture: z.object({ regressions: z.array(postureChange), fixes: z.array(postureChange) }).nullable(),
        advisories: z.object({ opened: z.array(deskRef), closed: z.array(deskRef), turned_due_soon: z.array(clockChange), turned_overdue: z.array(clockChange) }).nullable(),
      })
      .nullable()
      .openapi({ description: 'what changed since `since`; a null entry was not compared (one run lacks it), never "nothing changed"' }),
    actions: z.array(
      z.object({
        priority: z.number().int(),
        kind: z.enum(['upgrade', 'advisory', 'posture', 'waiver', 'review', 'coverage']),
        title: z.string(),
        why: z.string(),
        command: z.string().nullable(),
        patch: z.string().nullable(),
        refs: z.array(z.string()),
        refs_total: z.number().int(),
        is_new: z.boolean(),
      }),
    ),
    standing: z.object({
      concerns: z
        .object({
          ranked: z.number().int(),
          top: z.array(z.object({ rank: z.number().int(), purl, ecosystem: z.string(), name: z.string(), version: z.string(), score: z.number().nullable(), reach: z.number(), factors: z.array(z.string()), known: z.number().int(), total: z.number().int() })),
        })
        .nullable(),
      posture: z.object({ repos: z.number().int(), expired_waivers: z.number().int(), checks: z.array(checkCoverage), orgs: z.array(z.object({ org: z.string(), checks: z.array(checkCoverage) })) }).nullable(),
      vulnerabilities: z.object({ findings: z.number().int(), packages: z.number().int(), by_severity: bySeverity }).nullable(),
      advisories: z.object({ total: z.number().int(), by_clock: byClock }).nullable(),
      not_checked: z.array(z.string()),
    }),
    trends: z
      .array(
        z.object({
          id: z.number().int(),
          started_at: z.string(),
          status: runStatus,
          packages: z.number().int().nullable(),
          new_packages: z.number().int().nullable().openapi({ description: "packages in its graph that the graph of the profile's run before it lacks; null when either has no graph" }),
          findings: bySeverity.nullable(),
          coverage: z.record(z.string(), z.number().nullable()).nullable().openapi({ description: 'pass percentage per check' }),
          advisories: byClock.nullable(),
        }),
      )
      .openapi({ description: "the identity's runs up to this one, oldest first (the UI picks the span)" }),
    steps: z.array(z.object({ name: z.string(), status: z.string(), milliseconds: z.number(), note: z.string().nullable() })),
    sources: z.array(z.object({ name: z.string(), reachable: z.boolean(), error: z.string().nullable() })),
  })
  .openapi('Report', { description: 'the council\'s report of a run, `chainwatch.report/1` (src/report/json-format.md)' });

// ---------------------------------------------------------------- concerns, graph, package

const concernRow = z
  .object({
    rank: z.number().int(),
    purl,
    ecosystem: z.string(),
    name: z.string(),
    version: z.string(),
    root: z.boolean(),
    score: z.number().nullable().openapi({ description: 'reach × weakness × 100; null when no weakness factor is known' }),
    reach: z.object({ rootsReaching: z.number().int(), rootsTotal: z.number().int(), paths: z.number(), centrality: z.number(), score: z.number() }),
    weakness: z.object({
      factors: z.array(
        z.object({
          name: z.string(),
          weight: z.number(),
          value: z.number().nullable().openapi({ description: 'in [0, 1]; null when unknown (counted neither good nor bad)' }),
          detail: z.string().openapi({ description: 'what the signal said, or why it is unknown' }),
        }),
      ),
      score: z.number().nullable(),
      known: z.number().int(),
      total: z.number().int(),
    }),
  })
  .openapi('ConcernRow', { description: 'a row of `chainwatch concerns --format json` (graph/concerns.ts ConcernRow)' });

/** What a page of a long list adds: how many rows matched and where the page starts. */
const paging = {
  total: z.number().int().openapi({ description: 'rows that match the query and filters (the page holds at most `limit` of them)' }),
  offset: z.number().int().openapi({ description: 'the first row of the page, from 0' }),
};

export const ConcernsSchema = z
  .object({
    run: z.number().int(),
    ...availability,
    ranked: z.number().int(),
    rows: z.array(concernRow).openapi({ description: 'one page of the ranked rows' }),
    ...paging,
    listed: z.number().int().openapi({ description: 'the rows the run kept (its top rows; `ranked` counts every package ranked)' }),
    factor_names: z.array(z.string()).openapi({ description: 'every weakness factor a row of the run has (the columns of the table)' }),
  })
  .openapi('Concerns');

export const GraphSchema = z
  .object({
    run: z.number().int(),
    ...availability,
    nodes: z.array(
      z.object({
        id: purl,
        ecosystem: z.string(),
        name: z.string(),
        version: z.string(),
        root: z.boolean(),
        vulnerable: z.boolean(),
        severity: severity.nullable().openapi({ description: 'the worst severity of its findings' }),
        concern_rank: z.number().int().nullable(),
      }),
    ),
    edge_kinds: z.array(z.string()).openapi({ description: 'the kinds of edge the graph has (runtime, optional, peer, dev, bundles: a wheel carrying an npm package, twin: conda → PyPI), named once' }),
    edges: z
      .array(z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative(), z.number().int().nonnegative()]))
      .openapi({ description: 'each edge as [from, to, kind]: indexes into `nodes` (from depends on to) and `edge_kinds`' }),
  })
  .openapi('Graph');

const scanFinding = z
  .object({
    package: packageRef,
    id: z.string(),
    ids: z.array(z.string()),
    summary: z.string().nullable().openapi({ description: 'from the advisory: text from the outside world' }),
    severity: z.object({ level: severity, score: z.number().nullable().optional(), vector: z.string().nullable().optional(), source: z.string().optional(), borrowedFrom: z.string().nullable().optional() }),
    fixed: z.array(z.string()),
  })
  .openapi('Finding', { description: 'a finding as `chainwatch scan --format json` writes it' });

const signal = z.union([z.object({ known: z.literal(true), value: z.unknown() }), z.object({ known: z.literal(false), reason: z.string() })]);

export const PackageSchema = z
  .object({
    run: z.number().int(),
    purl,
    ecosystem: z.string(),
    name: z.string(),
    version: z.string(),
    root: z.boolean(),
    versions_in_graph: z.array(z.string()).openapi({ description: 'every version of the package in the graph, ascending' }),
    signals: z.record(z.string(), signal).openapi({ description: 'each signal known with its value, or unknown with the reason' }),
    findings: z.array(scanFinding),
    concern: concernRow.nullable(),
    repository: z
      .object({
        url: z.string(),
        confidence: z.string().openapi({ description: 'confirmed (its manifest names the package) or claimed (the registry says so)' }),
        repo: z.string().nullable().openapi({ description: 'owner/name on GitHub' }),
        posture: z.object({ checks: z.array(z.object({ id: z.string(), outcome: checkOutcome, summary: z.string() })) }).nullable().openapi({ description: 'its checks in this run; null when the posture step did not cover it' }),
      })
      .nullable(),
    paths: z.array(z.array(purl)).openapi({ description: 'at most 20 shortest paths from a root down to the package, root first' }),
    more_paths: z.boolean(),
    dependents: z.array(purl),
    dependencies: z.array(purl),
  })
  .openapi('Package');

// ---------------------------------------------------------------- findings, posture, advisories

export const FindingsSchema = z
  .object({
    run: z.number().int(),
    ...availability,
    advisories: z.array(
      z.object({
        id: z.string(),
        ids: z.array(z.string()),
        severity,
        summary: z.string().nullable().openapi({ description: 'text from the outside world' }),
        fixed: z.array(z.string()),
        packages: z.array(z.object({ purl, name: z.string(), version: z.string(), ecosystem: z.string(), fix: z.string().nullable().openapi({ description: 'the lowest version that fixes it; null when none does' }) })),
      }),
    ),
  })
  .openapi('Findings', { description: 'findings grouped by advisory, worst first' });

const postureCell = z.object({
  outcome: checkOutcome,
  summary: z.string(),
  docs: z.string().openapi({ description: "the check's documentation (its row of the README check table)" }),
  waiver: z.object({ reason: z.string(), expires: z.string(), approved_by: z.string().nullable(), expired: z.boolean() }).nullable(),
});

export const PostureSchema = z
  .object({
    run: z.number().int(),
    ...availability,
    checks: z.array(z.string()).openapi({ description: 'the check ids of the repositories, in report order' }),
    repos: z.array(
      z.object({
        repo: z.string(),
        org: z.string(),
        archived: z.boolean().nullable(),
        inactive: z.boolean().nullable().openapi({ description: 'archived, abandoned or without commits (its maintained check failed); null when that check could not tell' }),
        checks: z.record(z.string(), postureCell),
      }),
    ),
    orgs: z.array(z.object({ org: z.string(), checks: z.array(checkCoverage) })),
    coverage: z.array(checkCoverage),
    expired_waivers: z.array(z.object({ repo: z.string(), check: z.string(), expires: z.string(), reason: z.string() })),
    ...paging,
    counts: z.object({ repos: z.number().int(), archived: z.number().int(), inactive: z.number().int() }).openapi({ description: 'every repository of the run, and how many are archived or inactive' }),
  })
  .openapi('Posture');

const deskClock = z.object({
  due: z.string(),
  status: z.enum(['met', 'due', 'overdue']),
  urgency: z.enum(['none', 'soon', 'urgent']),
  days_left: z.number().int().nullable(),
  evidence: z.string().nullable().optional(),
  met_at: z.string().nullable().optional(),
});

const deskRow = z
  .object({
    id: z.string(),
    ghsa_id: z.string().nullable().optional(),
    cve_id: z.string().nullable().optional(),
    repo: z.string(),
    state: z.string(),
    summary: z.string().openapi({ description: 'text from the outside world' }),
    description: z.string().nullable().optional().openapi({ description: 'Markdown from the outside world: render it sanitised' }),
    severity: z.string().nullable().optional(),
    url: z.string().nullable(),
    created_at: z.string().optional(),
    clocks: z.object({ acknowledge: deskClock, disclose: deskClock }),
    problems: z.array(z.object({ id: z.string(), message: z.string(), fix: z.string() })),
  })
  .openapi('DeskAdvisory', { description: 'a row of `chainwatch advisories list --format json` (report/disclosure/list.ts)' });

export const AdvisoriesSchema = z.object({ run: z.number().int(), ...availability, advisories: z.array(deskRow) }).openapi('Advisories');

export const OpenApiSchema = z.object({ openapi: z.string() }).openapi('OpenApiDocument', { description: 'this document' });
