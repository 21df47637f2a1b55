import { z } from 'zod';
import { clockPolicyProblem, DEFAULT_DESK_POLICY, timeZoneProblem } from '../disclosure/policy.js';
import type { ClockPolicy, CollaboratorPolicy, DeskPolicy, NotifierConfig } from '../disclosure/types.js';

/**
 * The `disclosure:` section of chainwatch.yaml: the desk's clocks,
 * collaborators, thresholds and notifiers (src/disclosure/lifecycle.md
 * documents every key). Everything is optional; what is left out is the
 * Jupyter Security Council's process (DEFAULT_DESK_POLICY).
 *
 * Secrets are never written in the file: a webhook URL (it carries its
 * token), an SMTP user or password are named by environment variable
 * (`url_env`, `user_env`, `password_env`); a literal one is refused before
 * anything else is read, and the message never repeats it.
 */

const GITHUB_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const TEAM = /^(?:[A-Za-z0-9][A-Za-z0-9-]{0,38}\/)?[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const Days = z.number({ error: 'expected a whole number of days' }).int('expected a whole number of days').min(0, 'expected 0 or more days');
/** `@alice` and `alice` are the same login. */
const Login = z
  .string()
  .transform((login) => login.replace(/^@/, ''))
  .pipe(z.string().regex(GITHUB_NAME, 'not a GitHub login'));
const Team = z
  .string()
  .transform((team) => team.replace(/^@/, ''))
  .pipe(z.string().regex(TEAM, 'not a team: write org/slug, or a bare slug for every organisation'));
const EnvName = z.string().regex(ENV_NAME, 'names an environment variable (letters, digits and _), not the value itself');
const Repository = z.string().regex(REPOSITORY, 'expected owner/name of a GitHub repository');
const Mailbox = z.string().regex(/^[^\s@]+@[^\s@]+$/, 'expected an e-mail address');

const ClocksSchema = z.strictObject({
  acknowledge_days: Days.optional(),
  disclose_days: Days.optional(),
  warn_days: Days.optional(),
  urgent_days: Days.optional(),
  time_zone: z.string().optional(),
});

const CollaboratorsSchema = z.strictObject({
  users: z.array(Login).default([]),
  teams: z.array(Team).default([]),
});

const NotifierSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('github-issue'), repo: Repository, issue: z.number().int().positive('expected an issue number') }),
  z.strictObject({ type: z.literal('webhook'), url_env: EnvName, format: z.enum(['slack', 'zulip', 'matrix']) }),
  z.strictObject({
    type: z.literal('smtp'),
    host: z.string().min(1, 'expected a host name'),
    port: z.number().int().min(1).max(65_535).optional(),
    secure: z.boolean().optional(),
    from: Mailbox,
    to: z.union([Mailbox.transform((address) => [address]), z.array(Mailbox).min(1, 'expected at least one address')]),
    user_env: EnvName.optional(),
    password_env: EnvName.optional(),
  }),
]);

export const DisclosureSchema = z.strictObject({
  clocks: ClocksSchema.optional(),
  orgs: z.record(z.string().regex(GITHUB_NAME, 'not a GitHub organisation name'), z.strictObject({ clocks: ClocksSchema.optional(), collaborators: CollaboratorsSchema.optional() })).default({}),
  collaborators: CollaboratorsSchema.optional(),
  cve_after_days: Days.default(7),
  minimum_people: z.number().int('expected a whole number').min(1, 'expected 1 or more').default(2),
  tracking_repo: Repository.nullable().default(null),
  notifiers: z.array(NotifierSchema).default([]),
});
export type DisclosureSection = z.infer<typeof DisclosureSchema>;

/** A problem found in the section, with the YAML path of the value to point at. */
export interface SectionProblem {
  path: (string | number)[];
  message: string;
}

/** Keys that would hold a secret, per notifier type, and the key to use instead. */
const SECRET_KEYS: Record<string, Record<string, string>> = {
  webhook: { url: 'url_env', token: 'url_env', secret: 'url_env' },
  smtp: { user: 'user_env', username: 'user_env', password: 'password_env', pass: 'password_env' },
};

/**
 * A notifier with a secret written in the file, checked on the raw document
 * before validation, so that the user reads why rather than "unknown key".
 */
export function literalSecret(disclosure: unknown): SectionProblem | null {
  if (!isRecord(disclosure) || !Array.isArray(disclosure.notifiers)) return null;
  for (const [index, notifier] of disclosure.notifiers.entries()) {
    if (!isRecord(notifier) || typeof notifier.type !== 'string') continue;
    for (const [key, instead] of Object.entries(SECRET_KEYS[notifier.type] ?? {})) {
      if (!Object.hasOwn(notifier, key)) continue;
      const what = notifier.type === 'webhook' ? 'a webhook URL carries its token' : `an SMTP ${key} is a secret`;
      return {
        path: ['disclosure', 'notifiers', index, key],
        message: `disclosure.notifiers.${index}.${key}: ${what} and is never written in chainwatch.yaml: put it in an environment variable and name the variable with ${instead}`,
      };
    }
  }
  return null;
}

/** The desk policy of a validated section (defaults for what it leaves out), or the first problem in it. */
export function deskPolicyOf(section: DisclosureSection | null | undefined): { ok: true; value: DeskPolicy } | { ok: false; problem: SectionProblem } {
  if (section === null || section === undefined) return { ok: true, value: DEFAULT_DESK_POLICY };
  const base = ['disclosure'];
  const clocks: ClockPolicy = { ...DEFAULT_DESK_POLICY.clocks, ...clockOverrides(section.clocks) };
  const clockProblem = clocksProblem(section.clocks, clocks, [...base, 'clocks']);
  if (clockProblem !== null) return { ok: false, problem: clockProblem };

  const orgs: DeskPolicy['orgs'] = {};
  for (const [org, entry] of Object.entries(section.orgs)) {
    const overrides = clockOverrides(entry.clocks);
    const orgProblem = clocksProblem(entry.clocks, { ...clocks, ...overrides }, [...base, 'orgs', org, 'clocks']);
    if (orgProblem !== null) return { ok: false, problem: orgProblem };
    orgs[org] = {
      ...(entry.clocks !== undefined ? { clocks: overrides } : {}),
      ...(entry.collaborators !== undefined ? { collaborators: collaboratorsOf(entry.collaborators) } : {}),
    };
  }

  const notifiers: NotifierConfig[] = [];
  for (const [index, notifier] of section.notifiers.entries()) {
    if (notifier.type !== 'smtp') {
      notifiers.push(notifier.type === 'webhook' ? { type: 'webhook', urlEnv: notifier.url_env, format: notifier.format } : notifier);
      continue;
    }
    if ((notifier.user_env === undefined) !== (notifier.password_env === undefined)) {
      const missing = notifier.user_env === undefined ? 'user_env' : 'password_env';
      return { ok: false, problem: { path: [...base, 'notifiers', index], message: `disclosure.notifiers.${index}: SMTP login needs both user_env and password_env (${missing} is missing)` } };
    }
    const port = notifier.port ?? 587;
    notifiers.push({
      type: 'smtp',
      host: notifier.host,
      port,
      // Port 465 speaks TLS from the start; 587 and 25 upgrade with STARTTLS.
      secure: notifier.secure ?? port === 465,
      from: notifier.from,
      to: notifier.to,
      ...(notifier.user_env !== undefined ? { userEnv: notifier.user_env } : {}),
      ...(notifier.password_env !== undefined ? { passwordEnv: notifier.password_env } : {}),
    });
  }

  return {
    ok: true,
    value: {
      clocks,
      orgs,
      collaborators: section.collaborators !== undefined ? collaboratorsOf(section.collaborators) : DEFAULT_DESK_POLICY.collaborators,
      cveAfterDays: section.cve_after_days,
      minimumPeople: section.minimum_people,
      trackingRepo: section.tracking_repo,
      notifiers,
    },
  };
}

type ClocksSection = z.infer<typeof ClocksSchema>;

function clockOverrides(section: ClocksSection | undefined): Partial<ClockPolicy> {
  if (section === undefined) return {};
  const overrides: Partial<ClockPolicy> = {};
  if (section.acknowledge_days !== undefined) overrides.acknowledgeDays = section.acknowledge_days;
  if (section.disclose_days !== undefined) overrides.discloseDays = section.disclose_days;
  if (section.warn_days !== undefined) overrides.warnDays = section.warn_days;
  if (section.urgent_days !== undefined) overrides.urgentDays = section.urgent_days;
  if (section.time_zone !== undefined) overrides.timeZone = section.time_zone;
  return overrides;
}

/** A bad time zone points at `time_zone`; days that do not fit together at the clocks written there. */
function clocksProblem(section: ClocksSection | undefined, merged: ClockPolicy, path: (string | number)[]): SectionProblem | null {
  const where = path.join('.');
  if (section?.time_zone !== undefined) {
    const zone = timeZoneProblem(section.time_zone);
    if (zone !== null) return { path: [...path, 'time_zone'], message: `${where}.time_zone: ${zone}` };
  }
  const problem = clockPolicyProblem(merged);
  if (problem === null) return null;
  return { path: section?.urgent_days !== undefined ? [...path, 'urgent_days'] : section?.warn_days !== undefined ? [...path, 'warn_days'] : path, message: `${where}: ${problem.replace('urgentDays', 'urgent_days').replace('warnDays', 'warn_days')}` };
}

function collaboratorsOf(section: z.infer<typeof CollaboratorsSchema>): CollaboratorPolicy {
  return { users: [...section.users], teams: [...section.teams] };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
