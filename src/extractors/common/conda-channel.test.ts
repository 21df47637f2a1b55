import { describe, expect, it } from 'vitest';
import { channelFromUrl } from './conda-channel.js';

describe('channelFromUrl', () => {
  it.each([
    ['https://conda.anaconda.test/conda-forge/linux-64', undefined, 'conda-forge'],
    ['https://conda.anaconda.test/conda-forge', undefined, 'conda-forge'],
    ['https://repo.anaconda.test/pkgs/main', 'linux-64', 'pkgs/main'],
    ['https://repo.anaconda.test/pkgs/main/noarch', undefined, 'pkgs/main'],
    ['https://conda.anaconda.test/t/secret/bioconda/osx-arm64', undefined, 'bioconda'],
    ['file:///opt/channels/local/win-64', undefined, 'opt/channels/local'],
    ['conda-forge', undefined, 'conda-forge'],
    ['https://[broken', undefined, ''],
  ])('channelFromUrl(%s, %s) = %s', (url, subdir, expected) => {
    expect(channelFromUrl(url, subdir)).toBe(expected);
  });
});
