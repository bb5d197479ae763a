#!/usr/bin/env python3
"""Write benchmark families as CSV folders: ``datasets/families/<size>/``.

The scenarios come from ``allocator.generators.families.generate_family``; this script only chooses
sizes, seed and output folder, so the files and the library can never disagree. Reruns write
byte-identical files, and ``expected.json`` (or any README) already in a folder is kept.

Run from the repository root:
``python datasets/generate_families.py --sizes small medium --seed 0 --out datasets/families``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
"""The repository root, put on ``sys.path`` when the package is not installed."""
if str(ROOT) not in sys.path:  # run as a plain script, without installing the package
    sys.path.insert(0, str(ROOT))

from allocator.generators.families import SIZES, write_family  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Write the chosen sizes; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["small", "medium"], choices=list(SIZES),
                        help="family sizes to write (default: small medium)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    parser.add_argument("--out", type=Path, default=Path("datasets") / "families",
                        help="parent folder; each size goes in <out>/<size>/")
    args = parser.parse_args(argv)
    for size in args.sizes:
        folder = write_family(size, args.seed, args.out)
        print(f"{size}: wrote {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
