import path from 'node:path';
import { yamlNestingExceeds } from '../../core/nesting.js';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { ChainwatchError } from '../../core/errors.js';
import { configProblem, isHttpUrl, withTrailingSlash, type ConfigSources, type RegistryOverrides } from '../config-sources.js';

/**
 * Where conda channels are, read the way conda reads it: `.condarc` files in
 * conda's search order, `CONDA_CHANNELS` / `CONDA_CHANNEL_ALIAS`, and conda's
 * own default channel alias when none of them sets one. No command is run.
 */

/**
 * conda's built-in `channel_alias` (conda/base/constants.py, `DEFAULT_CHANNEL_ALIAS`):
 * where conda looks for a channel given by name when no configuration says
 * otherwise, so `conda-forge` is `<alias>conda-forge/` on a machine without a
 * .condarc, as conda itself would ask.
 */
export const CONDA_DEFAULT_CHANNEL_ALIAS = 'https://conda.anaconda.org/';

export interface CondaConfig {
  /** Merged `channels`, highest-priority source first, duplicates removed (conda's sequence merge). */
  channels: string[];
  channelAlias: string | null;
  /** `custom_channels`: channel name → base URL it lives under. */
  customChannels: Record<string, string>;
  /** registries.conda from chainwatch.yaml. */
  override: string | null;
  /** The .condarc files read, lowest priority first. */
  files: string[];
  problems: ChainwatchError[];
}

/** conda's search path (Unix), lowest priority first; `condarc.d` directories are not read. */
export function condarcFiles(sources: ConfigSources): string[] {
  const env = sources.env;
  const home = sources.homeDir;
  const files = ['/etc/conda/.condarc', '/etc/conda/condarc', '/var/lib/conda/.condarc', '/var/lib/conda/condarc'];
  if (env.CONDA_ROOT) files.push(path.join(env.CONDA_ROOT, '.condarc'), path.join(env.CONDA_ROOT, 'condarc'));
  if (env.XDG_CONFIG_HOME) files.push(path.join(env.XDG_CONFIG_HOME, 'conda', '.condarc'), path.join(env.XDG_CONFIG_HOME, 'conda', 'condarc'));
  files.push(
    path.join(home, '.config', 'conda', '.condarc'),
    path.join(home, '.config', 'conda', 'condarc'),
    path.join(home, '.conda', '.condarc'),
    path.join(home, '.conda', 'condarc'),
    path.join(home, '.condarc'),
  );
  if (env.CONDA_PREFIX) files.push(path.join(env.CONDA_PREFIX, '.condarc'), path.join(env.CONDA_PREFIX, 'condarc'));
  if (env.CONDARC) files.push(env.CONDARC);
  return [...new Set(files)];
}

/** Reads `.condarc` files and `CONDA_CHANNELS` / `CONDA_CHANNEL_ALIAS`. No command is run. */
/** Far deeper than any .condarc; deeper text never reaches the YAML parser (core/nesting.ts says why). */
const MAX_CONDARC_NESTING = 64;

export function loadCondaConfig(sources: ConfigSources, overrides: RegistryOverrides = {}): CondaConfig {
  const problems: ChainwatchError[] = [];
  const files: string[] = [];
  const channelLists: string[][] = [];
  let channelAlias: string | null = null;
  const customChannels: Record<string, string> = {};

  for (const file of condarcFiles(sources)) {
    const text = sources.readFile(file);
    if (text === null) continue;
    files.push(file);
    const tooDeep = yamlNestingExceeds(text, MAX_CONDARC_NESTING);
    if (tooDeep !== null) {
      problems.push(configProblem(`cannot parse .condarc: nested deeper than ${MAX_CONDARC_NESTING} levels`, file, tooDeep));
      continue;
    }
    const lineCounter = new LineCounter();
    const document = parseDocument(text, { lineCounter, prettyErrors: false });
    if (document.errors.length > 0) {
      const first = document.errors[0]!;
      problems.push(configProblem(`cannot parse .condarc: ${first.message.split('\n')[0]}`, file, lineCounter.linePos(first.pos[0]).line));
      continue;
    }
    const contents = document.contents;
    if (contents === null || (isScalar(contents) && contents.value === null)) continue;
    if (!isMap(contents)) {
      problems.push(configProblem('.condarc is not a mapping', file, 1));
      continue;
    }
    const lineOf = (node: unknown): number | undefined => {
      const range = (node as { range?: [number, number, number] } | null)?.range;
      return range ? lineCounter.linePos(range[0]).line : undefined;
    };
    const channels = contents.get('channels', true);
    if (channels !== undefined) {
      if (isSeq(channels) && channels.items.every((item) => isScalar(item) && typeof item.value === 'string')) {
        channelLists.push(channels.items.map((item) => String((item as { value: unknown }).value).replace(/\s*#!\w+$/, '').trim()));
      } else {
        problems.push(configProblem('channels must be a list of channel names or URLs', file, lineOf(channels)));
      }
    }
    const alias = contents.get('channel_alias', true);
    if (alias !== undefined) {
      const value = isScalar(alias) ? alias.value : undefined;
      if (typeof value === 'string' && isHttpUrl(value)) channelAlias = value;
      else problems.push(configProblem('channel_alias must be an http(s) URL', file, lineOf(alias)));
    }
    const custom = contents.get('custom_channels', true);
    if (custom !== undefined) {
      if (isMap(custom)) {
        for (const pair of custom.items) {
          const name = isScalar(pair.key) ? pair.key.value : undefined;
          const value = isScalar(pair.value) ? pair.value.value : undefined;
          if (typeof name === 'string' && typeof value === 'string' && isHttpUrl(value)) customChannels[name] = value;
          else problems.push(configProblem('custom_channels entries must map a name to an http(s) URL', file, lineOf(pair.key)));
        }
      } else {
        problems.push(configProblem('custom_channels must be a mapping', file, lineOf(custom)));
      }
    }
  }

  const env = sources.env;
  if (env.CONDA_CHANNELS) channelLists.push(env.CONDA_CHANNELS.split(',').map((channel) => channel.trim()).filter(Boolean));
  if (env.CONDA_CHANNEL_ALIAS) {
    if (isHttpUrl(env.CONDA_CHANNEL_ALIAS)) channelAlias = env.CONDA_CHANNEL_ALIAS;
    else problems.push(configProblem('CONDA_CHANNEL_ALIAS is not an http(s) URL', 'CONDA_CHANNEL_ALIAS'));
  }

  // Later sources rank higher: their channels come first; duplicates keep the first place.
  const channels = [...new Set(channelLists.reverse().flat())];
  const override = overrides.conda && isHttpUrl(overrides.conda) ? withTrailingSlash(overrides.conda) : null;
  if (overrides.conda && override === null) problems.push(configProblem('registries.conda is not an http(s) URL', 'chainwatch config'));
  return { channels, channelAlias, customChannels, override, files, problems };
}

/**
 * The base URL of a channel (with a trailing slash; `<base><subdir>/repodata.json`),
 * or null when it cannot be located. A URL is its own base; a name is looked
 * up in chainwatch's override (the channel it names), then `custom_channels`,
 * then the configured `channel_alias`, then the override's parent (a mirror
 * configured for chainwatch serves the other channels too), and last conda's
 * own default alias, as conda does with nothing configured. `defaults` (a
 * meta-channel of several URLs in conda) is not resolved.
 */
export function resolveCondaChannel(name: string, config: CondaConfig): string | null {
  const channel = name.trim().replace(/\/+$/, '');
  if (channel === '' || channel === 'defaults') return null;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(channel)) return withTrailingSlash(channel);
  if (config.override) {
    const overrideUrl = new URL(config.override);
    const lastSegment = overrideUrl.pathname.replace(/\/+$/, '').split('/').at(-1);
    if (lastSegment === channel) return config.override;
  }
  const firstSegment = channel.split('/')[0]!;
  const custom = config.customChannels[firstSegment];
  if (custom) return `${withTrailingSlash(custom)}${channel}/`;
  if (config.channelAlias) return `${withTrailingSlash(config.channelAlias)}${channel}/`;
  if (config.override) return `${new URL('..', config.override).toString()}${channel}/`;
  return `${CONDA_DEFAULT_CHANNEL_ALIAS}${channel}/`;
}
