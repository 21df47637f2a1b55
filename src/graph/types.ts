import type { Knowable } from '../core/known.js';
import type { Ecosystem } from '../core/package.js';

/** How one package version depends on another. */
export type EdgeKind =
  | 'runtime'
  | 'optional'
  | 'peer'
  | 'dev'
  /** A PyPI wheel that bundles an npm package (a JupyterLab extension's labextension package.json). */
  | 'bundles'
  /** A conda package that is a Python distribution → its PyPI twin. */
  | 'twin';

/** A signal is known, or visibly unknown: never defaulted to good or bad (core's one Knowable shape). */
export type Signal<T> = Knowable<T>;

export interface PackageSignals {
  /** Upload / publish time of this version (ISO). */
  releasedAt?: Signal<string>;
  /** Days since this version was released, at the run's clock. */
  ageDays?: Signal<number>;
  /** Releases in the last 365 days. */
  releasesLastYear?: Signal<number>;
  /** Days since the newest release of the package. */
  daysSinceLastRelease?: Signal<number>;
  yanked?: Signal<boolean>;
  deprecated?: Signal<string | false>;
  /** npm preinstall/install/postinstall scripts. */
  installScripts?: Signal<string[]>;
  /** Provenance / PEP 740 attestations / npm provenance present for this version. */
  provenance?: Signal<boolean>;
  /** The previous version had provenance and this one does not. */
  provenanceDropped?: Signal<boolean>;
  maintainers?: Signal<number>;
  license?: Signal<string>;
  /** Known advisories (ids) affecting this version, from the core matcher. */
  advisories?: Signal<string[]>;
  repository?: Signal<{ url: string; confidence: 'confirmed' | 'claimed' }>;
}

export interface GraphNode {
  purl: string;
  ecosystem: Ecosystem;
  name: string;
  version: string;
  /** True for the packages the run started from. */
  root: boolean;
  signals: PackageSignals;
}

export interface GraphEdge {
  from: string;
  to: string;
  /** The requirement as the dependent wrote it (`>=4.0,<5`, `^1.2.3`, `jupyterlab >=4`). */
  requirement: string;
  kind: EdgeKind;
  /** PEP 508 marker or platform condition under which the edge exists, if any. */
  condition?: string;
}

export interface SourceStatus {
  name: string;
  reachable: boolean;
  error?: string;
}

export interface DependencyGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  sources: SourceStatus[];
}
