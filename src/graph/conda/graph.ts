import { HostError } from '../../core/errors.js';
import { toPurl, type ParsedPurl } from '../../core/package.js';
import type { CondaPackageRecord } from '../../ecosystems/conda/registry.js';
import type { DependencyGraph, GraphEdge, GraphNode, PackageSignals } from '../types.js';
import { resolveConda, type CondaRecordSource, type CondaResolution, type CondaResolveFailure, type CondaResolveRequest } from './resolve.js';
import { pypiTwin } from './twins.js';

/**
 * The conda part of `chainwatch graph`: resolve the roots over one channel
 * and turn the result into nodes and edges, with a `twin` edge from each
 * conda package whose PyPI twin is known (twins.ts) to that PyPI release.
 *
 * A channel that cannot be read is a source that was not reachable, never an
 * empty result: the graph then has no conda nodes and its `sources` entry
 * says `reachable: false` with the HostError's message.
 */

export interface CondaGraphOptions extends CondaResolveRequest {
  channel: CondaRecordSource & { readonly source: string };
  /** The channel name written into purls (`?channel=conda-forge`); defaults to the channel's source name. */
  channelName?: string;
}

export interface CondaGraphResult {
  graph: DependencyGraph;
  /** Present when the channel answered but the roots could not be resolved. */
  failure?: CondaResolveFailure;
  resolution?: CondaResolution;
}

export function condaPurl(record: CondaPackageRecord, channelName: string): string {
  return toPurl('conda', record.name, record.version, { build: record.build, channel: channelName, subdir: record.subdir });
}

function signals(record: CondaPackageRecord): PackageSignals {
  return {
    releasedAt:
      record.timestamp === undefined
        ? { known: false, reason: 'the repodata record has no timestamp' }
        : { known: true, value: new Date(record.timestamp).toISOString() },
    license: record.license === undefined ? { known: false, reason: 'the repodata record has no license' } : { known: true, value: record.license },
  };
}

export async function buildCondaGraph(options: CondaGraphOptions): Promise<CondaGraphResult> {
  const { channel, channelName: givenName, ...request } = options;
  const channelName = givenName ?? channel.source;
  let outcome: Awaited<ReturnType<typeof resolveConda>>;
  try {
    outcome = await resolveConda(channel, request);
  } catch (error) {
    if (error instanceof HostError) {
      return { graph: { nodes: [], edges: [], sources: [{ name: channel.source, reachable: false, error: error.message }] } };
    }
    throw error;
  }
  const sources = [{ name: channel.source, reachable: true }];
  if (!outcome.ok) return { graph: { nodes: [], edges: [], sources }, failure: outcome.error };

  const resolution = outcome.value;
  const purlByName = new Map(resolution.packages.map((item) => [item.record.name, condaPurl(item.record, channelName)]));
  const nodes: GraphNode[] = resolution.packages.map((item) => ({
    purl: purlByName.get(item.record.name)!,
    ecosystem: 'conda',
    name: item.record.name,
    version: item.record.version,
    root: item.root,
    signals: signals(item.record),
  }));
  const edges: GraphEdge[] = [];
  for (const dependency of resolution.dependencies) {
    const from = purlByName.get(dependency.from);
    const to = purlByName.get(dependency.to);
    if (from && to) edges.push({ from, to, requirement: dependency.spec, kind: 'runtime' });
  }
  for (const item of resolution.packages) {
    const twin = pypiTwin(item.record);
    if (twin.status !== 'known') continue;
    // The twin is the PyPI release of the same version: conda-forge Python packages are built from that release.
    edges.push({
      from: purlByName.get(item.record.name)!,
      to: toPurl('PyPI', twin.pypiName, item.record.version),
      requirement: `==${item.record.version}`,
      kind: 'twin',
    });
  }
  return { graph: { nodes, edges, sources }, resolution };
}

/**
 * A root MatchSpec from a conda purl: `pkg:conda/jupyterlab` → `jupyterlab`,
 * `pkg:conda/jupyterlab@4.5.6` → `jupyterlab ==4.5.6`, plus the build
 * qualifier when given.
 */
export function matchSpecFromPurl(purl: ParsedPurl): string {
  if (purl.version === null) return purl.name;
  const build = purl.qualifiers.build;
  return build === undefined ? `${purl.name} ==${purl.version}` : `${purl.name} ${purl.version} ${build}`;
}
