import { describe, expect, it } from 'vitest';
import { CONDA_DEFAULT_CHANNEL_ALIAS, loadCondaConfig, resolveCondaChannel } from './config.js';
import { fakeSources, HOME } from '../config-sources.fixture.js';

describe('conda channels', () => {
  it("with nothing configured, a channel name goes to conda's own default channel alias, as conda sends it", () => {
    const config = loadCondaConfig(fakeSources({}));
    expect(config).toMatchObject({ channels: [], channelAlias: null, files: [], problems: [] });
    expect(CONDA_DEFAULT_CHANNEL_ALIAS).toBe('https://conda.anaconda.org/');
    expect(resolveCondaChannel('conda-forge', config)).toBe(`${CONDA_DEFAULT_CHANNEL_ALIAS}conda-forge/`);
    expect(resolveCondaChannel('bioconda/label/dev', config)).toBe(`${CONDA_DEFAULT_CHANNEL_ALIAS}bioconda/label/dev/`);
    expect(resolveCondaChannel('defaults', config)).toBeNull();
  });

  const cases: Array<{ name: string; files?: Record<string, string>; env?: NodeJS.ProcessEnv; overrides?: { conda?: string }; channel: string; expected: string | null }> = [
    { name: 'channel_alias from ~/.condarc', files: { [`${HOME}/.condarc`]: 'channel_alias: https://conda.test\n' }, channel: 'conda-forge', expected: 'https://conda.test/conda-forge/' },
    { name: 'a labelled channel', files: { [`${HOME}/.condarc`]: 'channel_alias: https://conda.test/\n' }, channel: 'conda-forge/label/dev', expected: 'https://conda.test/conda-forge/label/dev/' },
    {
      name: '$CONDA_PREFIX/.condarc beats ~/.condarc',
      env: { CONDA_PREFIX: '/opt/env' },
      files: { [`${HOME}/.condarc`]: 'channel_alias: https://home.test/', '/opt/env/.condarc': 'channel_alias: https://prefix.test/' },
      channel: 'conda-forge',
      expected: 'https://prefix.test/conda-forge/',
    },
    {
      name: '$CONDARC beats every file',
      env: { CONDARC: '/srv/condarc', CONDA_PREFIX: '/opt/env' },
      files: { '/opt/env/.condarc': 'channel_alias: https://prefix.test/', '/srv/condarc': 'channel_alias: https://condarc.test/' },
      channel: 'conda-forge',
      expected: 'https://condarc.test/conda-forge/',
    },
    {
      name: 'CONDA_CHANNEL_ALIAS beats files',
      env: { CONDA_CHANNEL_ALIAS: 'https://env.test/' },
      files: { [`${HOME}/.conda/.condarc`]: 'channel_alias: https://file.test/' },
      channel: 'conda-forge',
      expected: 'https://env.test/conda-forge/',
    },
    {
      name: 'custom_channels win over the alias',
      files: { [`${HOME}/.condarc`]: 'channel_alias: https://alias.test/\ncustom_channels:\n  conda-forge: https://mirror.test/channels\n' },
      channel: 'conda-forge',
      expected: 'https://mirror.test/channels/conda-forge/',
    },
    { name: 'a URL is its own base', channel: 'https://conda.test/my-channel/', expected: 'https://conda.test/my-channel/' },
    { name: 'defaults is not resolved', files: { [`${HOME}/.condarc`]: 'channel_alias: https://conda.test/' }, channel: 'defaults', expected: null },
    { name: 'chainwatch config names conda-forge itself', overrides: { conda: 'https://conda.test/cf-mirror/conda-forge' }, channel: 'conda-forge', expected: 'https://conda.test/cf-mirror/conda-forge/' },
    { name: 'and serves other names beside it', overrides: { conda: 'https://conda.test/cf-mirror/conda-forge/' }, channel: 'bioconda', expected: 'https://conda.test/cf-mirror/bioconda/' },
    {
      name: "a configured channel_alias beats the chainwatch mirror's parent, which beats conda's default",
      files: { [`${HOME}/.condarc`]: 'channel_alias: https://alias.test/\n' },
      overrides: { conda: 'https://conda.test/cf-mirror/conda-forge/' },
      channel: 'bioconda',
      expected: 'https://alias.test/bioconda/',
    },
  ];

  it.each(cases)('$name', ({ files = {}, env, overrides, channel, expected }) => {
    const config = loadCondaConfig(fakeSources(files, { env }), overrides);
    expect(config.problems).toEqual([]);
    expect(resolveCondaChannel(channel, config)).toBe(expected);
  });

  it('merges channels as conda does: higher sources first, duplicates dropped', () => {
    const config = loadCondaConfig(
      fakeSources(
        { '/etc/conda/.condarc': 'channels:\n  - defaults\n  - bioconda\n', [`${HOME}/.condarc`]: 'channels:\n  - conda-forge\n  - bioconda\n' },
        { env: { CONDA_CHANNELS: 'pytorch, conda-forge' } },
      ),
    );
    expect(config.channels).toEqual(['pytorch', 'conda-forge', 'bioconda', 'defaults']);
    expect(config.files).toEqual(['/etc/conda/.condarc', `${HOME}/.condarc`]);
  });

  it.each([
    ['channel_alias: https://a.test/\nchannel_alias: https://b.test/\n', 2, /cannot parse.*unique/],
    ['- just\n- a list\n', 1, /not a mapping/],
    ['channels: conda-forge\n', 1, /channels must be a list/],
    ['channels: [a]\nchannel_alias: not-a-url\n', 2, /channel_alias must be/],
    ['custom_channels:\n  x: 12\n', 2, /custom_channels entries/],
  ])('reports a bad .condarc (%j) at line %i', (text, line, message) => {
    const config = loadCondaConfig(fakeSources({ [`${HOME}/.condarc`]: text }));
    expect(config.problems).toHaveLength(1);
    expect(config.problems[0]!.message).toMatch(message);
    expect(config.problems[0]!.location).toEqual({ path: `${HOME}/.condarc`, line });
  });

  it('an empty .condarc is fine', () => {
    expect(loadCondaConfig(fakeSources({ [`${HOME}/.condarc`]: '' })).problems).toEqual([]);
  });
});

describe('a hostile .condarc', () => {
  it('nested too deep is a problem with its line, never handed to the YAML parser', () => {
    const config = loadCondaConfig(fakeSources({ [`${HOME}/.condarc`]: `channels:\n  - ${'['.repeat(50_000)}\n` }));
    expect(config.problems.map((problem) => problem.describe())).toEqual([`${HOME}/.condarc:2: cannot parse .condarc: nested deeper than 64 levels`]);
    expect(config.channels).toEqual([]);
  });
});
