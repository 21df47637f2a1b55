#!/usr/bin/env python3
"""Writes conda ordering and matching vectors with conda's own implementation.

Usage (from this folder):
    [CONDA_SOURCE_REV=<commit>] python generate-versions.py            # rewrites the three *-generated.txt files

It uses conda's `conda.models.version` (VersionOrder, VersionSpec) when conda is
importable. PyPI only carries conda <= 4.3.16, which no longer builds, so make
it importable from a source checkout of conda/conda: install conda's runtime
dependencies from its pyproject.toml into a venv and put the checkout on
PYTHONPATH. Without conda it falls back to py-rattler (`pip install
py-rattler`), conda's Rust reimplementation, and says so in the file headers.
Regular-expression specs (`^...$`, inner `*` globs) are skipped under
py-rattler, which does not support them.
"""

from __future__ import annotations

import functools
import os
import random
import sys
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent

try:
    import conda
    from conda.models.version import VersionOrder, VersionSpec

    IMPLEMENTATION = f"conda {conda.__version__} (conda.models.version)"
    if "placeholder" in conda.__version__:
        # A source checkout has no version of its own: name the commit instead (CONDA_SOURCE_REV=<sha>).
        IMPLEMENTATION = f"conda from source, conda/conda@{os.environ.get('CONDA_SOURCE_REV', 'unknown')} (conda.models.version)"

    def compare(left: str, right: str) -> int:
        a, b = VersionOrder(left), VersionOrder(right)
        return -1 if a < b else (1 if b < a else 0)

    def matches(spec: str, version: str) -> bool:
        return bool(VersionSpec(spec).match(version))

    def is_valid(version: str) -> bool:
        try:
            VersionOrder(version)
            return True
        except Exception:
            return False

    SUPPORTS_REGEX = True
except ImportError:
    import rattler

    IMPLEMENTATION = f"py-rattler {getattr(rattler, '__version__', '?')}"

    def compare(left: str, right: str) -> int:
        a, b = rattler.Version(left), rattler.Version(right)
        return -1 if a < b else (1 if b < a else 0)

    def matches(spec: str, version: str) -> bool:
        return bool(rattler.VersionSpec(spec).matches(rattler.Version(version)))

    def is_valid(version: str) -> bool:
        try:
            rattler.Version(version)
            return True
        except Exception:
            return False

    SUPPORTS_REGEX = False

# Versions in the shapes conda channels publish: releases of several lengths,
# pre-releases spelled many ways, dev and post releases, openssl-style letters
# and trailing underscores, dates, local versions, epochs, case differences,
# dashes (read as underscores) and integers too big for a double.
VERSIONS = """
0 0.0 0.0.0 0.1 0.1.0 0.4 0.4.0 0.4.1 0.4.1.rc 0.4.1.RC 0.4.1rc0 0.4.1rc1 0.5a1 0.5b3 0.5C1 0.5 0.9 0.9.6 0.9.9
0.10 0.10.0 0.960923 1 1.0 1.0.0 1.0.0.0 1.0a0 1.0a1 1.0A1 1.0a2 1.0b1 1.0b2 1.0rc1 1.0RC1 1.0rc2 1.0c1 1.0.alpha
1.0.beta 1.0.pre 1.0.dev0 1.0.dev1 1.0dev1 1.0.0dev1 1.0.0.dev1 1.0.post1 1.0post1 1.0.0post1 1.0.0.post1 1.0.post2
1.0+1 1.0+2 1.0+cpu 1.0+cuda118 1.0+cu121 1.0+1.2 1.0+1_2 1.0.1 1.0.1a 1.0.1b 1.0.1_ 1.0.1u 1.0.2 1.0.2k 1.0.2u
1.1 1.1_ 1.1a1 1.1.a1 1.1.0a1 1.1.0rc1 1.1.0 1.1.dev1 1.1.0dev1 1.1.1 1.1.1a 1.1.1w 1.1.post1 1.1post1 1.1.parallel
1.2 1.2.0 1.2.1 1.2.3 1.2.3.4 1.2.10 1.2g.beta15.rc 1.10 1.10.0 1.20 1_2_3 1-2-3 1.2-3 2 2.0 2.0.0a1 2.0.0b1 2.0.0rc1
2.0.0 2.0.0.post0 2.7.18 3.0.0 3.0.13 3.8.0 3.9.19 3.10.14 3.11.9 3.12.0a1 3.12.0b4 3.12.0rc3 3.12.0 3.12.4
4.0.0a36 4.0.0b0 4.0.0rc0 4.0.0 4.2.5 9.0.0_1 2020.1 2020.12 2023.10.12 2024.1 2024.01.1 20230802 1996.07.12
1!0.1 1!0.4.1 1!3.1.1.6 2!0.4.1 0!1.0 v1.0 r1.2 1.0_dev 1.0-dev 1.0_rc1 123456789012345678901234567890
123456789012345678901234567891 1.*
""".split()

INVALID_CANDIDATES = """
1..2 .1 1. 1.2! !1.2 a!1.2 1!2!3 1+2+3 +1.2 1.2+ 1+ 1.2_-3 1.2@3 1.2/3 1.2#3 1.2~3 1.2^3 1.2$ 1,2 1|2 1.2-3_4 é1 1.0+.1 1..
""".split() + ["", " ", "1.0 1"]

SPECS = """
1.2 1.2.* 1.2* ==1.2 =1.2 =1.2.* ==1.2.* >=1.2,<2 1.2|1.3 !=1.2 !=1.2.* ~=1.2.3 ~=1.2 >1.0b4 <2 <=1.0 >=1.2.* <1.2.*
(1.1|1.2),<1.2.5 >=1,<2|>3 1.0+cpu =1.0+cu * >=2!0 1.0.* 1.*.3 ^1\\.2\\..*$ 1.2.3|1.2.*,!=1.2.1 >=1.0dev0,<1.0
""".split()

RANGE_VERSIONS = """
0.9 1 1.0 1.0.0 1.0a5 1.0b4 1.0b5 1.0rc1 1.0.post1 1.0+cpu 1.0+cu121 1.1 1.1.5 1.2 1.2.0 1.2a1 1.2.0rc1 1.2.dev0 1.2.1 1.2.3
1.2.5 1.2.9 1.2.post1 1.20 1.3 1.3.0 1.3.1 2 2.0a1 2.0 2.5 3.7 2!0.5
""".split()


def write(name: str, header: list[str], lines: list[str]) -> None:
    text = "".join(f"{line}\n" for line in header + lines)
    (HERE / name).write_text(text, encoding="utf-8")
    print(f"wrote {name}: {len(lines)} lines with {IMPLEMENTATION}", file=sys.stderr)


def main() -> None:
    warnings.simplefilter("ignore")
    versions = [v for v in dict.fromkeys(VERSIONS) if is_valid(v)]
    # Python's sort is stable, so equal versions keep the order of VERSIONS.
    ordered = sorted(versions, key=functools.cmp_to_key(compare))
    relation = {-1: "<", 0: "=", 1: ">"}
    pairs = [f"{a} {relation[compare(a, b)]} {b}" for a, b in zip(ordered, ordered[1:])]
    rng = random.Random(20240601)
    for _ in range(400):
        a, b = rng.choice(versions), rng.choice(versions)
        pairs.append(f"{a} {relation[compare(a, b)]} {b}")
    write(
        "conda-versions-generated.txt",
        [f"// generated by generate-versions.py with {IMPLEMENTATION}",
         "// first the corpus in conda's order (neighbours), then seeded random pairs"],
        pairs,
    )

    invalid = [v for v in INVALID_CANDIDATES if not is_valid(v)]
    write(
        "conda-invalid-versions-generated.txt",
        [f"# generated by generate-versions.py with {IMPLEMENTATION}",
         "# one version per line that conda refuses to parse, JSON-quoted"],
        [f'"{v}"' for v in invalid],
    )

    rows = []
    for spec in SPECS:
        if not SUPPORTS_REGEX and ("^" in spec or "*" in spec.rstrip("*")):
            continue
        for version in RANGE_VERSIONS:
            rows.append(f"{spec}\t{version}\t{'true' if matches(spec, version) else 'false'}")
    write(
        "conda-ranges-generated.txt",
        [f"# generated by generate-versions.py with {IMPLEMENTATION}",
         "# version spec <TAB> version <TAB> whether conda's VersionSpec matches it"],
        rows,
    )


if __name__ == "__main__":
    main()
