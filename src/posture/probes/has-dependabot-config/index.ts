import { dependabotConfig } from '../common/update-tools.js';
import { answer, type ProbeMetadata, type RepoProbe } from '../types.js';

const metadata: ProbeMetadata = {
  id: 'hasDependabotConfig',
  question: 'Does the repository have a Dependabot version-updates config (.github/dependabot.yml or .yaml)?',
  why: 'Without one, dependencies only move when someone remembers, and known-vulnerable versions stay in place.',
  fix: 'Add .github/dependabot.yml with one `updates` entry per ecosystem the repository uses (`chainwatch fix dependency-update-tool` writes one).',
  needs: 'files',
};

export interface DependabotConfigEvidence {
  /** The config file, when there is one. */
  readonly path?: string;
  /** Its `package-ecosystem` values as written, when it could be read. */
  readonly ecosystems?: readonly string[];
}

export const hasDependabotConfig: RepoProbe<DependabotConfigEvidence> = {
  metadata,
  run(facts) {
    const config = dependabotConfig(facts);
    if (!config.present) return answer(metadata.id, 'false', [{ message: 'no .github/dependabot.yml', fix: metadata.fix }]);
    if ('error' in config) return answer(metadata.id, 'error', [config.error], { path: config.path });
    return answer(metadata.id, 'true', [], { path: config.path, ecosystems: config.updates.map((update) => update.ecosystem) });
  },
};
