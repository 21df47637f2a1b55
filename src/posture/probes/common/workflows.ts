import type { PostureFinding, RepoFacts, RepoFile } from '../../types.js';
import type { Workflow } from '../../workflows/model.js';
import { parseWorkflow } from '../../workflows/parse.js';
import { isActionMetadataPath, isWorkflowPath } from './repo-files.js';

export interface RepoWorkflows {
  /** `.github/workflows/*` that parsed. */
  workflows: Workflow[];
  /** `action.yml` files in the repository that parsed (local and composite actions). */
  actions: Workflow[];
  /** One finding per file that could not be parsed, with its line. */
  errors: PostureFinding[];
}

// Parse once per facts object: many probes read the same workflows (STYLE rule 3).
const cache = new WeakMap<readonly RepoFile[], RepoWorkflows>();

export function repoWorkflows(facts: Pick<RepoFacts, 'files'>): RepoWorkflows {
  const cached = cache.get(facts.files);
  if (cached) return cached;
  const result: RepoWorkflows = { workflows: [], actions: [], errors: [] };
  for (const file of facts.files) {
    const isWorkflow = isWorkflowPath(file.path);
    if (!isWorkflow && !isActionMetadataPath(file.path)) continue;
    const parsed = parseWorkflow(file.path, file.text, isWorkflow ? 'workflow' : 'action');
    if (parsed.ok) (isWorkflow ? result.workflows : result.actions).push(parsed.value);
    else
      result.errors.push({
        file: file.path,
        ...(parsed.error.location?.line === undefined ? {} : { line: parsed.error.location.line }),
        message: `cannot read ${file.path}: ${parsed.error.message}`,
        fix: 'fix the YAML so that GitHub (and this check) can read it',
      });
  }
  cache.set(facts.files, result);
  return result;
}

/** Workflows and actions together: everything whose steps run in this repository's CI. */
export function allRunnables(facts: Pick<RepoFacts, 'files'>): Workflow[] {
  const { workflows, actions } = repoWorkflows(facts);
  return [...workflows, ...actions];
}
