import { list, present, reasonOf, result } from './evaluation.js';
import { repoCheck } from './types.js';

const id = 'dependency-update-tool';
const fix =
  'Add .github/dependabot.yml (or a Renovate config) with an entry for each ecosystem the repository uses (`chainwatch fix dependency-update-tool` writes it); turn on Dependabot alerts; merge or close the update pull requests.';

export const dependencyUpdateTool = repoCheck({
  id,
  title: 'Dependency updates cover every ecosystem',
  column: 'dep-updates',
  risk: 'high',
  why: 'Dependabot or Renovate only updates the ecosystems it is told about; a config for GitHub Actions alone leaves the packages users install to rot.',
  fix,
  docsAnchor: `check-${id}`,
  probes: ['hasDependabotConfig', 'hasRenovateConfig', 'dependencyUpdateCoversEcosystems', 'hasDependabotAlerts', 'dependencyUpdatesGetMerged'],
  needs: ['files', 'api'],
  evaluate(probe) {
    const dependabot = probe.hasDependabotConfig;
    const renovate = probe.hasRenovateConfig;
    const coverage = probe.dependencyUpdateCoversEcosystems;
    const untooled = coverage.evidence.withoutUpdateTool ?? [];
    const untooledNote = untooled.length > 0 ? ` (${list(untooled)} has no update tool chainwatch knows of)` : '';
    if (coverage.outcome === 'not-available') return result(id, 'not-available', `Cannot tell which ecosystems the repository uses: ${reasonOf(coverage)}.`);
    if (coverage.outcome === 'not-applicable') return result(id, 'not-applicable', `The repository uses no ecosystem Dependabot or Renovate can update${untooledNote}.`);
    const tools = present(dependabot.outcome === 'true' ? 'Dependabot' : null, renovate.outcome === 'true' ? 'Renovate' : null);
    const used = coverage.evidence.used ?? [];
    if (tools.length === 0) {
      if (dependabot.outcome === 'error') return result(id, 'error', 'The Dependabot config cannot be read.', dependabot.findings);
      return result(id, 'fail', `No Dependabot or Renovate config; the repository uses ${list(used)}.`, [
        ...renovate.findings,
        { file: '.github/dependabot.yml', message: `no dependency-update config for ${list(used)}`, fix },
      ]);
    }
    if (coverage.outcome === 'error') return result(id, 'error', 'The dependency-update config cannot be read.', coverage.findings);
    const tool = list(tools);
    if (coverage.outcome === 'false') {
      const missing = coverage.evidence.missing ?? [];
      const covered = coverage.evidence.covered ?? [];
      const summary = covered.length > 0 ? `${tool} covers ${list(covered)} but not ${list(missing)}` : `${tool} covers none of the ecosystems the repository uses (${list(missing)})`;
      return result(id, 'partial', `${summary}${untooledNote}.`, coverage.findings);
    }
    const alerts = probe.hasDependabotAlerts;
    const merged = probe.dependencyUpdatesGetMerged;
    if (alerts.outcome === 'false' || merged.outcome === 'false') {
      const what = present(alerts.outcome === 'false' ? 'Dependabot alerts are off' : null, merged.outcome === 'false' ? 'its pull requests go stale' : null);
      const findings = [...(alerts.outcome === 'false' ? alerts.findings : []), ...(merged.outcome === 'false' ? merged.findings : [])];
      return result(id, 'partial', `${tool} covers ${list(used)}, but ${list(what)}.`, findings);
    }
    return result(id, 'pass', `${tool} covers every ecosystem the repository uses: ${list(used)}${untooledNote}.`);
  },
});
