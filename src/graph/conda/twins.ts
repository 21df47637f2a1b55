import { parsePurl } from '../../core/package.js';
import type { CondaPackageRecord } from '../../ecosystems/conda/registry.js';

/**
 * The conda → PyPI twin: the PyPI distribution a conda package installs.
 *
 * Repodata alone cannot say it: a record lists name, version and depends,
 * not the `*.dist-info` inside the package, and conda names differ from PyPI
 * names often enough (`nbconvert-core` installs `nbconvert`,
 * `python-fastjsonschema` installs `fastjsonschema`). So a twin is `known`
 * only on evidence:
 *   1. the record's own `purls` field (rattler reads it; channels that
 *      publish it say which PyPI package the file holds);
 *   2. the table below, each row checked against evidence kept with the
 *      fixtures: the feedstock recipe's source URL (`pip install .` of the
 *      PyPI sdist), or the package files' own dist-info as recorded by a
 *      conda→PyPI "hash-mapping" (src/ecosystems/conda/fixtures/repodata/
 *      pypi-twins-hash-mapping.tsv, see that folder's readme).
 * Everything else is `unknown`, with the reason; a same-name guess is never
 * made.
 */

export type PypiTwin =
  | { status: 'known'; pypiName: string; evidence: string }
  | { status: 'unknown'; reason: string };

export interface VerifiedTwin {
  readonly conda: string;
  /** PEP 503-normalised. */
  readonly pypi: string;
  readonly evidence: string;
}

const HASH_MAPPING = 'the package files\' dist-info (hash-mapping in pypi-twins-hash-mapping.tsv)';

export const VERIFIED_PYPI_TWINS: readonly VerifiedTwin[] = [
  {
    conda: 'jupyterlab',
    pypi: 'jupyterlab',
    evidence: `conda-forge/jupyterlab-feedstock recipe: pip install of the PyPI sdist jupyterlab-{{ version }}.tar.gz; ${HASH_MAPPING}`,
  },
  { conda: 'jupyter_server', pypi: 'jupyter-server', evidence: HASH_MAPPING },
  { conda: 'jupyterlab_server', pypi: 'jupyterlab-server', evidence: HASH_MAPPING },
  { conda: 'jupyter-lsp', pypi: 'jupyter-lsp', evidence: HASH_MAPPING },
  { conda: 'notebook', pypi: 'notebook', evidence: HASH_MAPPING },
  { conda: 'notebook-shim', pypi: 'notebook-shim', evidence: HASH_MAPPING },
  { conda: 'ipykernel', pypi: 'ipykernel', evidence: HASH_MAPPING },
  { conda: 'jupyter_client', pypi: 'jupyter-client', evidence: HASH_MAPPING },
  { conda: 'nbconvert-core', pypi: 'nbconvert', evidence: HASH_MAPPING },
  { conda: 'python-fastjsonschema', pypi: 'fastjsonschema', evidence: HASH_MAPPING },
  { conda: 'prometheus_client', pypi: 'prometheus-client', evidence: HASH_MAPPING },
  { conda: 'pyzmq', pypi: 'pyzmq', evidence: HASH_MAPPING },
  { conda: 'tornado', pypi: 'tornado', evidence: HASH_MAPPING },
  { conda: 'traitlets', pypi: 'traitlets', evidence: HASH_MAPPING },
];

const VERIFIED = new Map(VERIFIED_PYPI_TWINS.map((twin) => [twin.conda, twin]));

function isPythonDistribution(record: CondaPackageRecord): boolean {
  if (record.noarch === 'python') return true;
  return record.depends.some((spec) => /^(python|python_abi)(\s|$|[=<>!~[])/.test(spec.trim()));
}

export function pypiTwin(record: CondaPackageRecord): PypiTwin {
  for (const text of record.purls) {
    let parsed: ReturnType<typeof parsePurl>;
    try {
      parsed = parsePurl(text);
    } catch {
      continue;
    }
    if (parsed?.ecosystem === 'PyPI') return { status: 'known', pypiName: parsed.name, evidence: `repodata purls: ${text}` };
  }
  if (!isPythonDistribution(record)) return { status: 'unknown', reason: 'not a Python distribution: the record depends on neither python nor python_abi' };
  const verified = VERIFIED.get(record.name);
  if (verified) return { status: 'known', pypiName: verified.pypi, evidence: verified.evidence };
  return {
    status: 'unknown',
    reason: `no verified conda→PyPI mapping for ${record.name}: repodata does not show the dist-info, and conda and PyPI names can differ`,
  };
}
