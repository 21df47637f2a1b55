#!/usr/bin/env python3
"""Writes rattler-solutions.json: what rattler's solver (resolvo, the solver
behind pixi and rattler-build) installs from the fixture channel for each
case, so that chainwatch's resolver is checked against the ecosystem's own
tool (STYLE rule 5).

    python3 -m venv /tmp/rattler-venv && /tmp/rattler-venv/bin/pip install py-rattler==0.28.0
    /tmp/rattler-venv/bin/python src/graph/conda/testdata/solve-with-rattler.py

It reads src/ecosystems/conda/fixtures/repodata/channel/{noarch,linux-64}/repodata.json
from disk (no network) with the virtual packages chainwatch gives linux-64 by
default (virtual-packages.ts).
"""
import asyncio
import json
from pathlib import Path

from rattler import BuildString, Channel, GenericVirtualPackage, PackageName, SparseRepoData, Version, solve_with_sparse_repodata

HERE = Path(__file__).resolve().parent
CHANNEL = HERE.parents[2] / "ecosystems" / "conda" / "fixtures" / "repodata" / "channel"

# (case name, root specs, python major.minor or None)
CASES = [
    ("jupyterlab-py3.12", ["jupyterlab"], "3.12"),
    ("jupyterlab-py3.11", ["jupyterlab"], "3.11"),
    ("jupyterlab-notebook-py3.12", ["jupyterlab", "notebook"], "3.12"),
    ("jupyterlab-unpinned", ["jupyterlab"], None),
    ("notebook-py3.12", ["notebook"], "3.12"),
    ("jupyter_server-py3.11", ["jupyter_server"], "3.11"),
    ("jupyterlab-below-4.5-py3.12", ["jupyterlab <4.5"], "3.12"),
]

VIRTUAL = [("__unix", "0", "0"), ("__linux", "5.15", "0"), ("__glibc", "2.28", "0"), ("__archspec", "1", "x86_64")]


async def main() -> None:
    channel = Channel("conda-forge")
    repodata = [SparseRepoData(channel, subdir, str(CHANNEL / subdir / "repodata.json")) for subdir in ("linux-64", "noarch")]
    virtual = [GenericVirtualPackage(PackageName(n), Version(v), BuildString(b)) for n, v, b in VIRTUAL]
    out = []
    for name, roots, python in CASES:
        specs = roots + ([f"python {python}.*"] if python else [])
        records = await solve_with_sparse_repodata(specs, repodata, virtual_packages=virtual)
        packages = sorted(f"{r.name.normalized} {r.version} {r.build}" for r in records)
        out.append({"case": name, "roots": roots, "python": python, "packages": packages})
    (HERE / "rattler-solutions.json").write_text(json.dumps(out, indent=1) + "\n")


asyncio.run(main())
