import { answer, yesNo, type ProbeMetadata, type RepoProbe } from '../types.js';

const metadata: ProbeMetadata = {
  id: 'hasDependabotAlerts',
  question: 'Are Dependabot alerts (vulnerability alerts) turned on?',
  why: 'Alerts tell maintainers when a dependency they already ship has a published advisory, even between version updates.',
  fix: 'Settings → Code security → enable Dependabot alerts (and security updates).',
  needs: 'api',
};

export const hasDependabotAlerts: RepoProbe = {
  metadata,
  run(facts) {
    if (!facts.dependabotAlerts.known) return answer(metadata.id, 'not-available', [{ message: facts.dependabotAlerts.reason }]);
    const on = facts.dependabotAlerts.value;
    return answer(metadata.id, yesNo(on), on ? [] : [{ message: 'Dependabot alerts are turned off', fix: metadata.fix }]);
  },
};
