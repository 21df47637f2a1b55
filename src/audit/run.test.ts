import { describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.js';
import { ChainwatchError, HostError } from '../core/errors.js';
import { collectingSink } from '../core/events.js';
import { auditExitCode, runAudit, type AuditSteps, type StepOutcome } from './run.js';

const clock = fixedClock('2026-12-06T07:00:00Z');
type Steps = AuditSteps<string, string[], string, number, string>;

function ticking(): () => number {
  let now = 0;
  return () => (now += 250);
}

const done = <T>(value: T, sources: StepOutcome<T>['sources'] = []): Promise<StepOutcome<T>> => Promise.resolve({ value, sources });

function steps(overrides: Partial<Steps> = {}): Steps {
  return {
    graph: () => done('G', [{ name: 'PyPI', reachable: true, error: null }]),
    findings: ({ graph }) => done([`finding in ${graph}`]),
    posture: ({ graph }) => done(`posture ranked by ${graph}`),
    advisories: () => done(3),
    concerns: ({ graph, findings, posture, advisories }) => done(`${graph}|${findings?.length}|${posture}|${advisories}`),
    ...overrides,
  };
}

describe('runAudit', () => {
  it('runs every step in order, hands each what the earlier ones made, and is complete', async () => {
    const events = collectingSink();
    const run = await runAudit(steps(), { clock, events, elapsed: ticking() });
    expect(run.status).toBe('complete');
    expect(run.startedAt).toBe('2026-12-06T07:00:00.000Z');
    expect(run.steps.map((step) => [step.name, step.status, step.milliseconds])).toEqual([
      ['graph', 'done', 250],
      ['findings', 'done', 250],
      ['images', 'skipped', 0],
      ['posture', 'done', 250],
      ['advisories', 'done', 250],
      ['concerns', 'done', 250],
    ]);
    expect(run.parts.concerns).toBe('G|1|posture ranked by G|3');
    // One line per step with its duration: what a CI log shows instead of a silence.
    expect(events.events.filter((event) => event.type === 'log').map((event) => (event as { message: string }).message)).toEqual([
      'graph: done in 0.3 s',
      'findings: done in 0.3 s',
      'images: skipped (no images configured (images: in the config))',
      'posture: done in 0.3 s',
      'advisories: done in 0.3 s',
      'concerns: done in 0.3 s',
    ]);
    expect(auditExitCode(run, false)).toBe(0);
    expect(auditExitCode(run, true)).toBe(1);
  });

  it('a failed step makes the run partial; the later steps still run with what there is', async () => {
    const run = await runAudit(
      steps({
        graph: () => Promise.reject(new HostError('registry', 'cannot reach the PyPI index')),
        findings: ({ graph }) => done(graph === null ? [] : ['x']),
      }),
      { clock, events: collectingSink(), elapsed: ticking() },
    );
    expect(run.status).toBe('partial');
    expect(run.steps[0]).toMatchObject({ name: 'graph', status: 'failed', note: 'cannot reach the PyPI index' });
    expect(run.parts.graph).toBeNull();
    expect(run.parts.findings).toEqual([]);
    expect(run.parts.concerns).toBe('null|0|posture ranked by null|3');
    expect(auditExitCode(run, true)).toBe(2);
  });

  it('an unreachable source or a partial step makes the run partial; a skipped step says why and does not', async () => {
    const unreachable = await runAudit(steps({ graph: () => done('G', [{ name: 'conda-forge', reachable: false, error: 'no route' }]) }), { clock, events: collectingSink() });
    expect(unreachable.status).toBe('partial');
    expect(unreachable.sources).toEqual([{ name: 'conda-forge', reachable: false, error: 'no route' }]);

    const partial = await runAudit(steps({ posture: () => Promise.resolve({ value: 'P', sources: [], partial: '2 of 20 orgs not read' }) }), { clock, events: collectingSink() });
    expect(partial.status).toBe('partial');
    expect(partial.steps[3]).toMatchObject({ status: 'partial', note: '2 of 20 orgs not read' });

    const skipped = await runAudit(steps({ advisories: { skipped: 'no orgs configured' } }), { clock, events: collectingSink() });
    expect(skipped.status).toBe('complete');
    expect(skipped.steps[4]).toEqual({ name: 'advisories', status: 'skipped', milliseconds: 0, note: 'no orgs configured' });
    expect(skipped.parts.advisories).toBeNull();
  });

  it('a bad input names its file; a bug (not a ChainwatchError) is not swallowed', async () => {
    const bad = await runAudit(steps({ posture: () => Promise.reject(new ChainwatchError('invalid-config', 'unknown check', { location: { path: 'waivers.yaml', line: 4 } })) }), { clock, events: collectingSink() });
    expect(bad.steps[3]).toMatchObject({ status: 'failed', note: 'waivers.yaml:4: unknown check' });
    await expect(runAudit(steps({ concerns: () => Promise.reject(new TypeError('oops')) }), { clock, events: collectingSink() })).rejects.toThrow('oops');
  });
});
