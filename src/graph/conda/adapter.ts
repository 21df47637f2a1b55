import { HostError } from '../../core/errors.js';
import { resolveCondaChannel } from '../../ecosystems/conda/config.js';
import { createCondaChannel, type CondaChannel, type CondaPackageRecord } from '../../ecosystems/conda/registry.js';
import type { TargetEnvironment } from '../../ecosystems/pypi/environment.js';
import type { HttpClient } from '../../http/types.js';
import type { GraphModule } from '../module.js';
import type { EcosystemResolution, EcosystemResolver, PackageRelease, RootRequest } from '../resolver.js';
import { condaPurl, matchSpecFromPurl } from './purl.js';
import { resolveConda } from './resolve.js';
import { pypiTwin } from './twins.js';
import { condaPlatformFor } from './virtual-packages.js';

/**
 * The conda resolver (resolve.ts) adapted to the EcosystemResolver interface
 * buildGraph() calls, one channel at a time: packages with repodata facts
 * and their PyPI twin when known, runtime edges. A channel that cannot be
 * reached, or has no configured URL, is an unreachable source and a problem
 * of its roots; the other channels go on.
 */

/** conda-forge builds each package from a feedstock repository of this name. */
function feedstockUrl(channelName: string, record: CondaPackageRecord): string[] {
  return channelName === 'conda-forge' ? [`https://github.com/conda-forge/${record.name}-feedstock`] : [];
}

export function createCondaResolver(options: {
  /** The channel for a name (`conda-forge`), or null when no URL is configured for it. */
  channelFor: (channelName: string) => CondaChannel | null;
}): EcosystemResolver {
  return {
    ecosystem: 'conda',
    sourceNames: ['conda-forge'],
    async resolve(roots, context): Promise<EcosystemResolution> {
      const byChannel = new Map<string, RootRequest[]>();
      for (const root of roots) {
        const channelName = root.qualifiers.channel ?? 'conda-forge';
        const group = byChannel.get(channelName);
        if (group) group.push(root);
        else byChannel.set(channelName, [root]);
      }
      const result: EcosystemResolution = { packages: [], edges: [], sources: [], problems: [] };
      const environment = context.environments[0]!;
      const platform = condaPlatformFor(environment);
      for (const [channelName, channelRoots] of byChannel) {
        // One problem per root, pushed one by one: push(...list) overflows the stack on a large lockfile.
        const addRootProblems = (message: string) => {
          for (const root of channelRoots) result.problems.push({ purl: root.purl, message });
        };
        const channel = options.channelFor(channelName);
        if (!channel) {
          const message = `no URL is configured for the conda channel ${channelName} (set channels or channel_alias in .condarc, or registries.conda in chainwatch.yaml)`;
          result.sources.push({ name: channelName, reachable: false, error: message });
          addRootProblems(message);
          continue;
        }
        if (!platform.ok) {
          result.sources.push({ name: channel.source, reachable: true });
          addRootProblems(platform.error.message);
          continue;
        }
        try {
          const outcome = await resolveConda(channel, { roots: channelRoots.map((root) => matchSpecFromPurl(root)), platform: platform.value, python: environment.python_version });
          if (!outcome.ok) {
            result.sources.push({ name: channel.source, reachable: true });
            addRootProblems(outcome.error.message);
            continue;
          }
          const resolution = outcome.value;
          const purlByName = new Map(resolution.packages.map((item) => [item.record.name, condaPurl(item.record, channelName)]));
          for (const item of resolution.packages) {
            const history = await channel.records(item.record.name);
            const twin = pypiTwin(item.record);
            result.packages.push({
              ecosystem: 'conda',
              name: item.record.name,
              version: item.record.version,
              purl: purlByName.get(item.record.name)!,
              root: item.root,
              facts: {
                releasedAt: item.record.timestamp === undefined ? null : new Date(item.record.timestamp).toISOString(),
                releases: condaReleases(history),
                license: item.record.license ?? null,
                repositoryUrls: feedstockUrl(channelName, item.record),
                pypiName: twin.status === 'known' ? twin.pypiName : null,
              },
            });
          }
          for (const dependency of resolution.dependencies) {
            const from = purlByName.get(dependency.from);
            const to = purlByName.get(dependency.to);
            if (from && to) result.edges.push({ from, to, requirement: dependency.spec, kind: 'runtime' });
          }
          result.sources.push({ name: channel.source, reachable: true });
        } catch (error) {
          if (!(error instanceof HostError)) throw error;
          result.sources.push({ name: channel.source, reachable: false, error: error.message });
          addRootProblems(error.message);
        }
      }
      return result;
    },
  };
}

/** One release per version, at its earliest build's timestamp. */
function condaReleases(records: readonly CondaPackageRecord[]): PackageRelease[] {
  const earliest = new Map<string, number | null>();
  for (const record of records) {
    const known = earliest.get(record.version);
    const time = record.timestamp ?? null;
    if (!earliest.has(record.version) || (time !== null && (known === null || known === undefined || time < known))) earliest.set(record.version, time);
  }
  return [...earliest].map(([version, time]) => ({ version, publishedAt: time === null ? null : new Date(time).toISOString() }));
}

/** A conda channel over HTTP for the run's first target platform (and noarch). */
export function condaChannelFactory(options: {
  http: HttpClient;
  channelUrl: (channelName: string) => string | null;
  environment: TargetEnvironment;
}): (channelName: string) => CondaChannel | null {
  const channels = new Map<string, CondaChannel | null>();
  return (channelName) => {
    if (channels.has(channelName)) return channels.get(channelName)!;
    const url = options.channelUrl(channelName);
    const platform = condaPlatformFor(options.environment);
    const channel = url === null ? null : createCondaChannel({ http: options.http, channelUrl: url, subdirs: platform.ok ? ['noarch', platform.value] : ['noarch'], source: channelName });
    channels.set(channelName, channel);
    return channel;
  };
}

/**
 * The channel as it was at `cutoff` (`--exclude-newer`, as pixi's
 * `exclude-newer`): records stamped at or after it are left out. A record
 * without a timestamp is kept: old conda-forge builds carry none, and
 * leaving them out would make old pins unsolvable rather than older.
 */
export function channelBefore(channel: CondaChannel, cutoff: Date): CondaChannel {
  const limit = cutoff.getTime();
  return {
    url: channel.url,
    source: channel.source,
    subdirs: channel.subdirs,
    records: async (name) => (await channel.records(name)).filter((record) => record.timestamp === undefined || record.timestamp < limit),
    status: () => channel.status(),
    problems: () => channel.problems(),
  };
}

/** conda in the graph: channels located by .condarc (or chainwatch.yaml), the first target environment's platform. */
export const condaGraphModule: GraphModule = {
  ecosystem: 'conda',
  sourceNames: ['conda-forge'],
  registryResolver: ({ http, registries, environment, excludeNewer }) => {
    const channelFor = condaChannelFactory({ http, environment, channelUrl: (name) => resolveCondaChannel(name, registries.conda) });
    if (!excludeNewer) return createCondaResolver({ channelFor });
    return createCondaResolver({
      channelFor: (name) => {
        const channel = channelFor(name);
        return channel === null ? null : channelBefore(channel, excludeNewer);
      },
    });
  },
};
