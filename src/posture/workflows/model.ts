/**
 * A parsed GitHub Actions workflow (or composite action), every part carrying
 * the 1-based line it came from so that findings can point at it.
 * Only what the posture probes read is modelled; everything else is left out.
 */

/** `${{ ... }}` found in a value, with the line it sits on in the file. */
export interface Expression {
  /** The text between `${{` and `}}`, trimmed. */
  text: string;
  line: number;
}

/** A scalar value as written, with the line it starts on and the expressions inside it. */
export interface TextValue {
  text: string;
  line: number;
  expressions: Expression[];
}

export interface NamedValue {
  name: string;
  /** Line of the key. */
  line: number;
  value: TextValue;
}

export type PermissionAccess = 'read' | 'write' | 'none';

export interface PermissionScope {
  /** `contents`, `id-token`, `pull-requests`... as written. */
  scope: string;
  access: PermissionAccess;
  line: number;
}

/**
 * `permissions:` as declared. `null` in the model means "not declared here"
 * (the job inherits the workflow's, the workflow gets the repository/org default).
 */
export type Permissions =
  /** `read-all` or `write-all`. */
  | { kind: 'all'; access: 'read' | 'write'; line: number }
  /** A map of scopes; `{}` is an empty list (no permissions at all). */
  | { kind: 'scopes'; scopes: PermissionScope[]; line: number }
  /** Anything else (an expression, a typo): kept so that it is reported, never guessed. */
  | { kind: 'unknown'; text: string; line: number };

export interface Trigger {
  /** `push`, `pull_request_target`, `workflow_run`... */
  event: string;
  line: number;
  /** `types:` of the event, when given. */
  types: string[];
}

/**
 * What a `uses:` points at.
 *  - `action`: `owner/repo[/path]@ref` (an action or a reusable workflow in another repository);
 *  - `docker`: `docker://image[:tag][@digest]`;
 *  - `local`: `./path` in the same repository;
 *  - `unparsed`: anything else (an expression, a missing `@ref`), kept as written.
 */
export type ActionReference =
  | { kind: 'action'; owner: string; repo: string; path: string; ref: string | null; raw: string; line: number }
  | { kind: 'docker'; image: string; tag: string | null; digest: string | null; raw: string; line: number }
  | { kind: 'local'; path: string; raw: string; line: number }
  | { kind: 'unparsed'; raw: string; line: number };

export interface Step {
  /** 0-based position in the job. */
  index: number;
  line: number;
  id: string | null;
  name: string | null;
  uses: ActionReference | null;
  with: NamedValue[];
  run: TextValue | null;
  env: NamedValue[];
  if: TextValue | null;
}

export interface Job {
  id: string;
  line: number;
  name: string | null;
  permissions: Permissions | null;
  if: TextValue | null;
  env: NamedValue[];
  steps: Step[];
  /** A reusable-workflow call (`jobs.<id>.uses`). */
  uses: ActionReference | null;
  with: NamedValue[];
  /** `secrets: inherit`, or the named secrets passed to a reusable workflow. */
  secrets: 'inherit' | NamedValue[] | null;
  needs: string[];
  environment: string | null;
}

export interface Workflow {
  /** Repository-relative path. */
  path: string;
  /** `workflow` for `.github/workflows/*`, `action` for an `action.yml` (its composite steps become one job). */
  kind: 'workflow' | 'action';
  name: string | null;
  triggers: Trigger[];
  /** Line of `on:` (1 when absent). */
  triggersLine: number;
  permissions: Permissions | null;
  env: NamedValue[];
  jobs: Job[];
  /** Line of `jobs:` (or `runs:` for an action); where a missing top-level `permissions:` belongs. */
  jobsLine: number;
}
