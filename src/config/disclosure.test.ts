import { describe, expect, it } from 'vitest';
import { DEFAULT_DESK_POLICY } from '../disclosure/policy.js';
import type { DeskPolicy } from '../disclosure/types.js';
import { loadPreset, parseConfig } from './config.js';

const FULL = `orgs: [jupyter, jupyterhub]
disclosure:
  clocks:
    acknowledge_days: 3
    disclose_days: 90
    warn_days: 21
    urgent_days: 7
    time_zone: Europe/Berlin
  orgs:
    jupyterhub:
      clocks: { disclose_days: 60, time_zone: America/New_York }
      collaborators:
        users: ["@hub-lead"]
        teams: [jupyterhub/security]
  collaborators:
    users: [council-a, "@council-b"]
    teams: [security, jupyter/security-council]
  cve_after_days: 5
  minimum_people: 3
  tracking_repo: jupyter/security-tracking
  notifiers:
    - type: github-issue
      repo: jupyter/security-tracking
      issue: 12
    - type: webhook
      url_env: CHAINWATCH_ZULIP_WEBHOOK
      format: zulip
    - type: smtp
      host: smtp.example.test
      from: desk@example.test
      to: council@example.test
      user_env: SMTP_USER
      password_env: SMTP_PASSWORD
    - type: smtp
      host: mail.example.test
      port: 465
      from: desk@example.test
      to: [a@example.test, b@example.test]
`;

function policyOf(text: string): DeskPolicy {
  const result = parseConfig(text, 'chainwatch.yaml');
  if (!result.ok) throw result.error;
  return result.value.disclosure;
}

describe('the disclosure: section', () => {
  it('reads clocks, per-org overrides, collaborators, thresholds, the tracking repo and notifiers', () => {
    expect(policyOf(FULL)).toEqual({
      clocks: { acknowledgeDays: 3, discloseDays: 90, warnDays: 21, urgentDays: 7, timeZone: 'Europe/Berlin' },
      orgs: { jupyterhub: { clocks: { discloseDays: 60, timeZone: 'America/New_York' }, collaborators: { users: ['hub-lead'], teams: ['jupyterhub/security'] } } },
      collaborators: { users: ['council-a', 'council-b'], teams: ['security', 'jupyter/security-council'] },
      cveAfterDays: 5,
      minimumPeople: 3,
      trackingRepo: 'jupyter/security-tracking',
      notifiers: [
        { type: 'github-issue', repo: 'jupyter/security-tracking', issue: 12 },
        { type: 'webhook', urlEnv: 'CHAINWATCH_ZULIP_WEBHOOK', format: 'zulip' },
        { type: 'smtp', host: 'smtp.example.test', port: 587, secure: false, from: 'desk@example.test', to: ['council@example.test'], userEnv: 'SMTP_USER', passwordEnv: 'SMTP_PASSWORD' },
        { type: 'smtp', host: 'mail.example.test', port: 465, secure: true, from: 'desk@example.test', to: ['a@example.test', 'b@example.test'] },
      ],
    });
  });

  it.each([
    ['no section', 'orgs: [jupyter]\n'],
    ['an empty section', 'disclosure:\n'],
    ['an empty map', 'disclosure: {}\n'],
  ])('%s is the council\'s defaults', (_name, text) => {
    expect(policyOf(text)).toEqual(DEFAULT_DESK_POLICY);
  });

  it('fills what a section leaves out from the defaults', () => {
    const policy = policyOf('disclosure:\n  clocks:\n    time_zone: Pacific/Kiritimati\n');
    expect(policy.clocks).toEqual({ acknowledgeDays: 3, discloseDays: 90, warnDays: 14, urgentDays: 7, timeZone: 'Pacific/Kiritimati' });
    expect([policy.cveAfterDays, policy.minimumPeople, policy.trackingRepo]).toEqual([7, 2, null]);
  });

  const TOKEN = 'T0KEN-9f8e7d';
  it.each([
    ['a webhook URL written in the file', `disclosure:\n  notifiers:\n    - type: webhook\n      format: slack\n      url: https://hooks.example.test/services/${TOKEN}\n`, 5, /^disclosure\.notifiers\.0\.url: a webhook URL carries its token and is never written in chainwatch\.yaml: put it in an environment variable and name the variable with url_env$/],
    ['a webhook URL beside url_env', `disclosure:\n  notifiers:\n    - type: webhook\n      url_env: HOOK\n      format: slack\n      url: https://hooks.example.test/${TOKEN}\n`, 6, /url_env/],
    ['an SMTP password written in the file', `disclosure:\n  notifiers:\n    - type: github-issue\n      repo: a/b\n      issue: 1\n    - type: smtp\n      host: h\n      from: a@b.test\n      to: c@d.test\n      password: ${TOKEN}\n`, 10, /notifiers\.1\.password: an SMTP password is a secret .* password_env$/],
    ['a URL given as url_env', `disclosure:\n  notifiers:\n    - type: webhook\n      format: matrix\n      url_env: https://matrix.example.test/hook?access_token=${TOKEN}\n`, 5, /notifiers\.0\.url_env: names an environment variable/],
    ['an unknown time zone', 'disclosure:\n  clocks:\n    time_zone: Europe/Atlantis\n', 3, /^disclosure\.clocks\.time_zone: unknown time zone "Europe\/Atlantis": name an IANA time zone/],
    ['an unknown time zone of one org', 'disclosure:\n  orgs:\n    jupyter:\n      clocks:\n        time_zone: EST5EDT6\n', 5, /^disclosure\.orgs\.jupyter\.clocks\.time_zone: unknown time zone/],
    ['urgent before soon', 'disclosure:\n  clocks:\n    warn_days: 5\n    urgent_days: 6\n', 4, /^disclosure\.clocks: urgent_days \(6\) is more than warn_days \(5\)/],
    ['an org urgent before the desk\'s soon', 'disclosure:\n  orgs:\n    jupyter:\n      clocks:\n        urgent_days: 30\n', 5, /^disclosure\.orgs\.jupyter\.clocks: urgent_days \(30\) is more than warn_days \(14\)/],
    ['negative days', 'disclosure:\n  clocks:\n    disclose_days: -1\n', 3, /disclosure\.clocks\.disclose_days: expected 0 or more days/],
    ['fractional days', 'disclosure:\n  clocks:\n    acknowledge_days: 2.5\n', 3, /acknowledge_days: expected a whole number of days/],
    ['days as text', 'disclosure:\n  cve_after_days: seven\n', 2, /cve_after_days: expected a whole number of days/],
    ['minimum_people 0', 'disclosure:\n  minimum_people: 0\n', 2, /minimum_people: expected 1 or more/],
    ['a login that is not one', 'disclosure:\n  collaborators:\n    users:\n      - alice\n      - "bob smith"\n', 5, /disclosure\.collaborators\.users\.1: not a GitHub login/],
    ['a team with two slashes', 'disclosure:\n  collaborators:\n    teams: [a/b/c]\n', 3, /teams\.0: not a team: write org\/slug/],
    ['an org key that is not an org', 'disclosure:\n  orgs:\n    "jupyter/x":\n      clocks: {}\n', 3, /^disclosure\.orgs\.jupyter\/x: not a GitHub organisation name/],
    ['a misspelt key', 'disclosure:\n  colaborators:\n    users: [a]\n', 2, /disclosure\.colaborators: Unrecognized key/],
    ['an unknown notifier', 'disclosure:\n  notifiers:\n    - type: carrier-pigeon\n', 3, /disclosure\.notifiers\.0\.type: Invalid discriminator value/],
    ['an SMTP login without its password', 'disclosure:\n  notifiers:\n    - type: smtp\n      host: h\n      from: a@b.test\n      to: c@d.test\n      user_env: SMTP_USER\n', 3, /^disclosure\.notifiers\.0: SMTP login needs both user_env and password_env \(password_env is missing\)$/],
    ['a mail address that is not one', 'disclosure:\n  notifiers:\n    - type: smtp\n      host: h\n      from: desk\n      to: c@d.test\n', 5, /notifiers\.0\.from: expected an e-mail address/],
    ['a tracking repo that is not owner/name', 'disclosure:\n  tracking_repo: https://github.example.test/a/b\n', 2, /tracking_repo: expected owner\/name/],
    ['issue 0', 'disclosure:\n  notifiers:\n    - type: github-issue\n      repo: a/b\n      issue: 0\n', 5, /issue: expected an issue number/],
  ])('rejects %s with the file and line', (_name, text, line, message) => {
    const result = parseConfig(text, 'org/chainwatch.yaml');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid-config');
    expect(result.error.location).toEqual({ path: 'org/chainwatch.yaml', line });
    expect(result.error.message).toMatch(message);
    expect(result.error.describe()).not.toContain(TOKEN);
  });
});

describe('the jupyter preset\'s desk', () => {
  it('runs the council\'s clocks and names no one', () => {
    const preset = loadPreset('jupyter');
    if (!preset.ok) throw preset.error;
    expect(preset.value.disclosure.clocks).toMatchObject({ acknowledgeDays: 3, discloseDays: 90 });
    expect(preset.value.disclosure.minimumPeople).toBe(2);
    expect(preset.value.disclosure.collaborators).toEqual({ users: [], teams: [] });
    expect([preset.value.disclosure.trackingRepo, preset.value.disclosure.notifiers]).toEqual([null, []]);
  });
});
