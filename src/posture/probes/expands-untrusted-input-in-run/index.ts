import type { PostureFinding } from '../../types.js';
import type { Expression } from '../../workflows/model.js';
import { actionMatches, untrustedContexts } from '../common/actions.js';
import { allRunnables, repoWorkflows } from '../common/workflows.js';
import { answer, type ProbeMetadata, type RepoProbe } from '../types.js';

const metadata: ProbeMetadata = {
  id: 'expandsUntrustedInputInRun',
  question: 'Does a `run:` script (or an actions/github-script `script:`) expand attacker-controlled text such as `${{ github.event.issue.title }}` or `${{ github.head_ref }}`?',
  why: 'The expression is pasted into the script before the shell sees it, so a crafted issue title or branch name becomes code that runs with the workflow token.',
  fix: 'Pass the value through an environment variable (`env: TITLE: ${{ github.event.issue.title }}`) and use "$TITLE" in the script.',
  needs: 'files',
};

export interface ExpandsUntrustedInputEvidence {
  /** How many expansions of attacker-controlled text were found. */
  readonly expansions: number;
}

export const expandsUntrustedInputInRun: RepoProbe<ExpandsUntrustedInputEvidence> = {
  metadata,
  run(facts) {
    const runnables = allRunnables(facts);
    const { errors } = repoWorkflows(facts);
    const findings: PostureFinding[] = [];
    for (const workflow of runnables) {
      for (const job of workflow.jobs) {
        for (const step of job.steps) {
          const sinks: { expressions: Expression[]; what: string }[] = [];
          if (step.run) sinks.push({ expressions: step.run.expressions, what: '`run:`' });
          if (actionMatches(step.uses, ['actions/github-script'])) {
            const script = step.with.find((input) => input.name === 'script');
            if (script) sinks.push({ expressions: script.value.expressions, what: 'github-script `script:`' });
          }
          for (const sink of sinks) {
            for (const expression of sink.expressions) {
              for (const context of untrustedContexts(expression)) {
                findings.push({
                  file: workflow.path,
                  line: expression.line,
                  message: `${sink.what} in job ${job.id} expands \`\${{ ${expression.text} }}\`: ${context} is attacker-controlled`,
                  fix: metadata.fix,
                });
              }
            }
          }
        }
      }
    }
    const evidence = { expansions: findings.length };
    if (findings.length > 0) return answer(metadata.id, 'true', [...findings, ...errors], evidence);
    if (errors.length > 0) return answer(metadata.id, 'error', errors, evidence);
    if (runnables.length === 0) return answer(metadata.id, 'not-applicable', [], evidence);
    return answer(metadata.id, 'false', [], evidence);
  },
};
