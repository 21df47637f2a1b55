/**
 * What only REST tells about a repository: private vulnerability reporting,
 * Dependabot alerts (on or off, and how many are open), and the names of its
 * Actions secrets (never their values).
 */
import { z } from 'zod';
import { known, unavailable, type Fact } from '../../../types.js';
import { answered, type RestClient } from './requests.js';

const PrivateVulnerabilityReportingSchema = z.object({ enabled: z.boolean() });
const SecretsSchema = z.object({ secrets: z.array(z.object({ name: z.string() }).nullable()).default([]) });
const AlertListSchema = z.array(z.unknown());

export interface RepositorySettings {
  privateVulnerabilityReporting: Fact<boolean>;
  alerts: { enabled: Fact<boolean>; open: Fact<number> };
  secretNames: Fact<string[]>;
}

/**
 * `askSecrets`: whether to list the Actions secrets (not for an archived
 * repository, whose workflows never run, nor one without workflows, which no
 * workflow can use them in).
 */
export async function readRepositorySettings(
  rest: RestClient,
  owner: string,
  name: string,
  askSecrets: { ask: true } | { ask: false; reason: string },
): Promise<RepositorySettings> {
  const repoPath = `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
  const [pvr, alerts, secretNames] = await Promise.all([
    rest.get(`${repoPath}/private-vulnerability-reporting`, (data) => PrivateVulnerabilityReportingSchema.parse(data).enabled),
    rest.getAll(`${repoPath}/dependabot/alerts?state=open&per_page=100`, (data) => AlertListSchema.parse(data).map(() => 1)),
    askSecrets.ask
      ? rest
          .getAll(`${repoPath}/actions/secrets?per_page=100`, (data) =>
            SecretsSchema.parse(data)
              .secrets.filter((secret): secret is { name: string } => secret !== null)
              .map((secret) => secret.name),
          )
          .then((outcome) => answered(outcome, 'listing Actions secrets needs admin access or the "Secrets" read permission'))
      : Promise.resolve(unavailable<string[]>(askSecrets.reason)),
  ]);
  const alertsOff = alerts.kind === 'absent' && alerts.status === 403 && /disabled/i.test(alerts.message);
  const alertsUnreadable = 'the token cannot read Dependabot alerts (it needs the security_events scope or the "Dependabot alerts" read permission)';
  return {
    privateVulnerabilityReporting:
      pvr.kind === 'value' ? known(pvr.value) : answered(pvr, 'private vulnerability reporting is off for this token or cannot be read (it needs admin or security manager access)'),
    alerts: {
      enabled: alerts.kind === 'value' ? known(true) : alertsOff ? known(false) : answered(alerts, alertsUnreadable),
      open: alerts.kind === 'value' ? known(alerts.value.length) : alertsOff ? unavailable('Dependabot alerts are off for this repository') : answered(alerts, alertsUnreadable),
    },
    secretNames,
  };
}
