/**
 * What a check definition holds (one file per check, `<id>.ts`): every text
 * shown about it (title, column label, why, how to fix, README anchor), its
 * risk, the probes it reads and its evaluation. Reports, the README table and
 * `chainwatch fix --issue` read these texts; nothing else defines them.
 */
import type { OrgProbeAnswers, OrgProbeId, ProbeContext, ProbeMetadata, RepoProbeAnswers, RepoProbeId } from '../probes/index.js';
import type { CheckId, CheckResult, OrgCheckId } from '../types.js';

export type Risk = 'critical' | 'high' | 'medium' | 'low';

/** Where a check's facts come from; `api` checks are not-available on local checkouts. */
export type CheckNeed = ProbeMetadata['needs'];

interface CheckText<Id extends CheckId | OrgCheckId> {
  id: Id;
  /** The requirement, as a sentence that holds when the check passes (report headings, SARIF rules, issue titles). */
  title: string;
  /** The table's column header: short enough for a matrix of ten columns. */
  column: string;
  risk: Risk;
  /** Why the check matters (README, Markdown report, SARIF rule help, issues). */
  why: string;
  /** How to fix a failing result. */
  fix: string;
  /** The id of the check's row in README.md's check table (`README.md#<docsAnchor>`). */
  docsAnchor: string;
  needs: readonly CheckNeed[];
}

/** The answers of the probes a check lists, and no others: reading an unlisted probe does not compile. */
export type AnswersOf<All, Probe extends keyof All> = { readonly [Id in Probe]: All[Id] };

export interface RepoCheckDefinition<Id extends CheckId = CheckId, Probe extends RepoProbeId = RepoProbeId> extends CheckText<Id> {
  /** The probes it reads, in the order its findings are listed. */
  probes: readonly Probe[];
  /** The only place outcomes and thresholds are decided; reads only the listed probes (checked by probes-read.test.ts). */
  evaluate(answers: AnswersOf<RepoProbeAnswers, Probe>, context: ProbeContext): CheckResult;
}

export interface OrgCheckDefinition<Id extends OrgCheckId = OrgCheckId, Probe extends OrgProbeId = OrgProbeId> extends CheckText<Id> {
  probes: readonly Probe[];
  evaluate(answers: AnswersOf<OrgProbeAnswers, Probe>, context: ProbeContext): CheckResult;
}

/** Types a repository check's definition, inferring the probes it may read from its `probes` list. */
export function repoCheck<const Id extends CheckId, const Probe extends RepoProbeId>(definition: RepoCheckDefinition<Id, Probe>): RepoCheckDefinition<Id, Probe> {
  return definition;
}

/** Types an org check's definition, inferring the probes it may read from its `probes` list. */
export function orgCheck<const Id extends OrgCheckId, const Probe extends OrgProbeId>(definition: OrgCheckDefinition<Id, Probe>): OrgCheckDefinition<Id, Probe> {
  return definition;
}
