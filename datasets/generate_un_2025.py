#!/usr/bin/env python3
"""Generate the ``un_2025`` scenario: UN peacekeeping force generation for 2025-26.

The tables come from ``allocator.generators.un_2025`` (public figures for missions, budgets,
ceilings and exclusions; synthetic pledges drawn from ``random.Random(2025)``); this script
only writes them, so every run writes byte-identical files. See ``datasets/README.md``.

Run: ``python datasets/generate_un_2025.py``. It writes ``datasets/un_2025/`` next to itself
and needs the package's dependencies (it imports ``allocator``).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
"""The repository root, put on ``sys.path`` when the package is not installed."""
if str(ROOT) not in sys.path:  # run as a plain script, without installing the package
    sys.path.insert(0, str(ROOT))

from allocator.generators.un_2025 import summary, write_un_2025  # noqa: E402

OUT_DIR = Path(__file__).parent / "un_2025"
"""Where the dataset is written: ``un_2025/`` next to this script."""


def main() -> None:
    """Write ``datasets/un_2025/`` and say what it holds."""
    tables = write_un_2025(OUT_DIR)
    print(f"wrote {OUT_DIR.name}/: {summary(tables)}")


if __name__ == "__main__":
    main()
