"""What the charts share: a pyplot-free figure, colours, small helpers, and ``save_png``.

Matplotlib is imported only inside ``new_figure``, when a chart is drawn, so importing the
charts works without the optional ``plot`` extra.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from allocator.status import SolveStatus

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

PLAN_STATUSES = frozenset(s.value for s in SolveStatus if s.has_plan)
"""Status values of a sweep row that has a plan."""
SHORT = "tab:orange"  # a mission or draw below full coverage
FULL = "tab:blue"
NO_PLAN = "tab:red"


def new_figure(width: float, height: float) -> Figure:
    """A ``Figure`` of ``width`` x ``height`` inches, built without pyplot; ``ImportError``
    naming the ``plot`` extra where matplotlib is missing."""
    try:
        from matplotlib.figure import Figure
    except ImportError as err:
        raise ImportError("charts need matplotlib, the plot extra: "
                          "pip install 'pledge-allocator[plot]'") from err
    # Constrained layout keeps long mission ids and titles inside the figure.
    return Figure(figsize=(width, height), layout="constrained")


def say(ax: Axes, text: str) -> None:
    """An empty chart that says why it is empty, rather than a blank box or an error."""
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])


def count(n: int, noun: str) -> str:
    """``n`` and ``noun``, plural unless ``n`` is 1: "1 draw", "3 draws"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def has_plan(table: pd.DataFrame) -> pd.Series:
    """Per row of a sweep table, whether its status has a plan."""
    return table.status.isin(PLAN_STATUSES)


def save_png(figure: Figure, path: str | os.PathLike[str]) -> Path:
    """Write ``figure`` to ``path`` as a PNG (120 dpi, trimmed to its content) and return the
    path. Nothing else is created: the folder must already exist."""
    target = Path(path)
    # format= so that a path without ".png" still gets a PNG, not an error.
    figure.savefig(target, format="png", dpi=120, bbox_inches="tight")
    return target
