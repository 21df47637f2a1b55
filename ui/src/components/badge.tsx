import type { ClockState, Outcome, Severity } from '../router.js';

/**
 * Outcomes, severities and clock states, always shown as a word and a
 * symbol as well as a colour (never colour alone: WCAG 1.4.1).
 */
const OUTCOME_TEXT: Record<Outcome, { symbol: string; text: string }> = {
  pass: { symbol: '✓', text: 'pass' },
  partial: { symbol: '◐', text: 'partial' },
  fail: { symbol: '✗', text: 'fail' },
  'not-available': { symbol: '?', text: 'unknown' },
  'not-applicable': { symbol: '–', text: 'n/a' },
  error: { symbol: '!', text: 'error' },
};

export function OutcomeBadge(props: { outcome: Outcome | string }) {
  const known = OUTCOME_TEXT[props.outcome as Outcome] ?? { symbol: '?', text: props.outcome };
  return (
    <span class={`badge outcome-${props.outcome}`}>
      <span aria-hidden="true">{known.symbol} </span>
      {known.text}
    </span>
  );
}

const SEVERITY_SYMBOL: Record<Severity, string> = { critical: '▲▲', high: '▲', medium: '■', low: '▼', unknown: '?', none: '·' };

export function SeverityBadge(props: { severity: Severity | string | null }) {
  const severity = props.severity ?? 'unknown';
  return (
    <span class={`badge severity-${severity}`}>
      <span aria-hidden="true">{SEVERITY_SYMBOL[severity as Severity] ?? '?'} </span>
      {severity}
    </span>
  );
}

const CLOCK_SYMBOL: Record<ClockState, string> = { overdue: '!', 'due-soon': '»', due: '…', met: '✓' };

export function ClockBadge(props: { state: ClockState; children?: string }) {
  return (
    <span class={`badge clock-${props.state}`}>
      <span aria-hidden="true">{CLOCK_SYMBOL[props.state]} </span>
      {props.children ?? props.state}
    </span>
  );
}

export function RunStatusBadge(props: { status: string }) {
  const complete = props.status === 'complete';
  return (
    <span class={`badge run-${complete ? 'complete' : 'partial'}`}>
      <span aria-hidden="true">{complete ? '✓' : '◐'} </span>
      {props.status}
    </span>
  );
}
