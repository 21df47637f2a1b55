/**
 * `chainwatch audit` as a function: the steps of one run of everything, in
 * order, each timed and announced, none of them able to lose the others'
 * results. What each step does is handed in (the front end wires the graph,
 * scan, posture and disclosure pipelines with their stores); this module owns
 * the order, what a step's failure means for the run (`partial`), and the
 * record of what happened.
 *
 *   graph → findings(graph) → images → posture(graph) → advisories → concerns(everything)
 *
 * A step that is not configured (no orgs: no posture, no desk) is `skipped`
 * with the reason, which the report states: a stated gap, never a silent one.
 */
import { ChainwatchError } from '../core/errors.js';
import type { Clock } from '../core/clock.js';
import type { EventSink } from '../core/events.js';

export const AUDIT_STEPS = ['graph', 'findings', 'images', 'posture', 'advisories', 'concerns'] as const;
export type AuditStepName = (typeof AUDIT_STEPS)[number];

/** A source a step used or tried: a registry, the advisory database, a GitHub org, a folder. */
export interface AuditSource {
  name: string;
  reachable: boolean;
  /** Why it could not be used (no secret). */
  error: string | null;
}

/** What a step gives back. */
export interface StepOutcome<T> {
  value: T;
  sources: AuditSource[];
  /** Set when the step did only part of its work (a source it could not reach): the run is partial. */
  partial?: string;
}

/** A step, or why it is not run. */
export type Step<Input, T> = ((input: Input) => Promise<StepOutcome<T>>) | { skipped: string };

export interface StepRecord {
  name: AuditStepName;
  status: 'done' | 'partial' | 'failed' | 'skipped';
  milliseconds: number;
  /** Why it was partial, failed or skipped. */
  note: string | null;
}

export interface AuditSteps<Graph, Findings, Posture, Advisories, Concerns, Images = never> {
  graph: Step<void, Graph>;
  findings: Step<{ graph: Graph | null }, Findings>;
  /** The org's container images scanned (`images:` in the config); absent: skipped, none configured. */
  images?: Step<void, Images>;
  posture: Step<{ graph: Graph | null }, Posture>;
  advisories: Step<void, Advisories>;
  concerns: Step<{ graph: Graph | null; findings: Findings | null; posture: Posture | null; advisories: Advisories | null }, Concerns>;
}

export interface AuditRun<Graph, Findings, Posture, Advisories, Concerns, Images = never> {
  startedAt: string;
  status: 'complete' | 'partial';
  steps: StepRecord[];
  sources: AuditSource[];
  parts: { graph: Graph | null; findings: Findings | null; images: Images | null; posture: Posture | null; advisories: Advisories | null; concerns: Concerns | null };
}

export interface AuditDependencies {
  clock: Clock;
  events: EventSink;
  /** Milliseconds since some fixed point, for step durations (default: performance.now). */
  elapsed?: () => number;
}

/**
 * Runs the steps in order. A step that throws a ChainwatchError (bad input, a
 * host that failed) is `failed` and the run `partial`; the steps after it run
 * with what there is. Anything else thrown is a bug and propagates.
 */
export async function runAudit<Graph, Findings, Posture, Advisories, Concerns, Images = never>(
  steps: AuditSteps<Graph, Findings, Posture, Advisories, Concerns, Images>,
  dependencies: AuditDependencies,
): Promise<AuditRun<Graph, Findings, Posture, Advisories, Concerns, Images>> {
  const elapsed = dependencies.elapsed ?? (() => performance.now());
  const startedAt = dependencies.clock.now().toISOString();
  const records: StepRecord[] = [];
  const sources: AuditSource[] = [];

  async function run<Input, T>(name: AuditStepName, step: Step<Input, T>, input: Input): Promise<T | null> {
    if (!(typeof step === 'function')) {
      records.push({ name, status: 'skipped', milliseconds: 0, note: step.skipped });
      dependencies.events.emit({ type: 'log', level: 'info', message: `${name}: skipped (${step.skipped})` });
      return null;
    }
    const index = AUDIT_STEPS.indexOf(name);
    dependencies.events.emit({ type: 'progress', task: 'audit', done: index, total: AUDIT_STEPS.length, detail: name });
    const started = elapsed();
    try {
      const outcome = await step(input);
      const milliseconds = Math.round(elapsed() - started);
      sources.push(...outcome.sources);
      records.push({ name, status: outcome.partial ? 'partial' : 'done', milliseconds, note: outcome.partial ?? null });
      dependencies.events.emit({ type: 'log', level: outcome.partial ? 'warn' : 'info', message: `${name}: ${outcome.partial ? `partial (${outcome.partial})` : 'done'} in ${formatSeconds(milliseconds)}` });
      return outcome.value;
    } catch (error) {
      if (!(error instanceof ChainwatchError)) throw error;
      const milliseconds = Math.round(elapsed() - started);
      records.push({ name, status: 'failed', milliseconds, note: error.describe() });
      dependencies.events.emit({ type: 'log', level: 'warn', message: `${name}: failed in ${formatSeconds(milliseconds)}: ${error.describe()}` });
      return null;
    }
  }

  const graph = await run('graph', steps.graph, undefined);
  const findings = await run('findings', steps.findings, { graph });
  const images = await run('images', steps.images ?? { skipped: 'no images configured (images: in the config)' }, undefined);
  const posture = await run('posture', steps.posture, { graph });
  const advisories = await run('advisories', steps.advisories, undefined);
  const concerns = await run('concerns', steps.concerns, { graph, findings, posture, advisories });
  dependencies.events.emit({ type: 'progress', task: 'audit', done: AUDIT_STEPS.length, total: AUDIT_STEPS.length });

  const partial = records.some((record) => record.status === 'partial' || record.status === 'failed') || sources.some((source) => !source.reachable);
  return { startedAt, status: partial ? 'partial' : 'complete', steps: records, sources, parts: { graph, findings, images, posture, advisories, concerns } };
}

/** The exit code of a run: 0 complete, 1 a configured gate failed, 2 partial (or bad input, said by the front end). */
export function auditExitCode(run: { status: 'complete' | 'partial' }, gateFailed: boolean): 0 | 1 | 2 {
  if (run.status === 'partial') return 2;
  return gateFailed ? 1 : 0;
}

function formatSeconds(milliseconds: number): string {
  return `${(milliseconds / 1000).toFixed(1)} s`;
}
