import type { UpdateEcosystem } from '../../ecosystems.js';
import { renovateConfig } from '../common/update-tools.js';
import { answer, type ProbeMetadata, type RepoProbe } from '../types.js';

const metadata: ProbeMetadata = {
  id: 'hasRenovateConfig',
  question: 'Does the repository have an enabled Renovate config (renovate.json(5), .github/, .gitlab/, .renovaterc*, or package.json `renovate`)?',
  why: 'Renovate, like Dependabot, keeps dependencies current; either tool satisfies the dependency-update check.',
  fix: 'Either add a Renovate config or use Dependabot; a config with `"enabled": false` updates nothing.',
  needs: 'files',
};

export interface RenovateConfigEvidence {
  /** The config file, when there is one. */
  readonly path?: string;
  /** The ecosystems it updates, when it is enabled. */
  readonly ecosystems?: readonly UpdateEcosystem[];
}

export const hasRenovateConfig: RepoProbe<RenovateConfigEvidence> = {
  metadata,
  run(facts) {
    const config = renovateConfig(facts);
    if (!config.present) return answer(metadata.id, 'false');
    if (!config.enabled) {
      return answer(metadata.id, 'false', [{ file: config.path, message: `${config.path} disables Renovate ("enabled": false)`, fix: 'remove `"enabled": false` or rely on Dependabot' }], { path: config.path });
    }
    const findings = config.note ? [{ file: config.path, message: config.note }] : [];
    return answer(metadata.id, 'true', findings, { path: config.path, ecosystems: config.covers });
  },
};
