import { detectEcosystems, ECOSYSTEMS_WITHOUT_UPDATE_TOOL, type UpdateEcosystem } from '../../ecosystems.js';
import type { PostureFinding } from '../../types.js';
import { dependabotConfig, renovateConfig } from '../common/update-tools.js';
import { answer, type ProbeMetadata, type RepoProbe } from '../types.js';

const metadata: ProbeMetadata = {
  id: 'dependencyUpdateCoversEcosystems',
  question: 'Do the Dependabot/Renovate configs cover every package ecosystem the repository uses?',
  why: 'A Dependabot file that only updates GitHub Actions leaves the Python or npm dependencies that users install untouched.',
  fix: 'Add an `updates` entry (package-ecosystem + directory) for each missing ecosystem to .github/dependabot.yml.',
  needs: 'files',
};

export interface DependencyUpdateCoverageEvidence {
  /** Ecosystems the repository uses that Dependabot or Renovate can update (absent when the tree is unknown). */
  readonly used?: readonly UpdateEcosystem[];
  /** Of those, the ones a config updates (absent when no config could be read). */
  readonly covered?: readonly UpdateEcosystem[];
  readonly missing?: readonly UpdateEcosystem[];
  /** Ecosystems used that no update tool chainwatch knows of updates (conda). */
  readonly withoutUpdateTool?: readonly UpdateEcosystem[];
}

export const dependencyUpdateCoversEcosystems: RepoProbe<DependencyUpdateCoverageEvidence> = {
  metadata,
  run(facts) {
    const id = metadata.id;
    if (!facts.paths.known) return answer(id, 'not-available', [{ message: `the repository tree is not available: ${facts.paths.reason}` }]);
    const uses = detectEcosystems(facts.paths.value, facts.files);
    const updatable = uses.filter((use) => !ECOSYSTEMS_WITHOUT_UPDATE_TOOL.has(use.ecosystem));
    const untooled = uses.filter((use) => ECOSYSTEMS_WITHOUT_UPDATE_TOOL.has(use.ecosystem)).map((use) => use.ecosystem);
    const used = updatable.map((use) => use.ecosystem);
    if (updatable.length === 0) return answer(id, 'not-applicable', [], { used, covered: [], missing: [], withoutUpdateTool: untooled });
    const dependabot = dependabotConfig(facts);
    const renovate = renovateConfig(facts);
    if (dependabot.present && 'error' in dependabot && !(renovate.present && renovate.enabled)) {
      return answer(id, 'error', [dependabot.error], { used, withoutUpdateTool: untooled });
    }
    const covered = new Set<UpdateEcosystem>();
    if (dependabot.present && 'updates' in dependabot) for (const update of dependabot.updates) if (update.covers) covered.add(update.covers);
    if (renovate.present && renovate.enabled) for (const ecosystem of renovate.covers) covered.add(ecosystem);
    const missing = updatable.filter((use) => !covered.has(use.ecosystem));
    const configPath = dependabot.present ? dependabot.path : '.github/dependabot.yml';
    const findings: PostureFinding[] = missing.map((use) => ({
      file: configPath,
      message: `${use.ecosystem} is used (${use.evidence.slice(0, 3).join(', ')}${use.evidence.length > 3 ? ', …' : ''}) but no Dependabot or Renovate config updates it`,
      fix: `add to ${configPath}: - package-ecosystem: "${use.ecosystem}"  directory: "${use.directories[0] ?? '/'}"  schedule: { interval: "weekly" }`,
    }));
    return answer(id, missing.length === 0 ? 'true' : 'false', findings, {
      used,
      covered: used.filter((ecosystem) => covered.has(ecosystem)),
      missing: missing.map((use) => use.ecosystem),
      withoutUpdateTool: untooled,
    });
  },
};
