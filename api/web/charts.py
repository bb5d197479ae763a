"""The library's charts (``allocator.plotting``) as SVG for the pages: coverage by mission of a
plan, the N-1 tornado, cost and coverage against budget, the Monte Carlo coverage
distribution. Served as images (``<img>``), so
a scenario's text inside a chart can never run as script."""

from __future__ import annotations

import io
from typing import Any

import pandas as pd

from allocator import AllocationResult
from allocator.plotting import cost_vs_budget, coverage_by_mission, coverage_distribution, tornado

CHARTS = {"solve": "coverage", "n-1": "tornado", "monte-carlo": "distribution",
          "budget": "budget"}
"""The chart of each job kind that has one."""


def svg(figure: Any) -> bytes:
    """A matplotlib figure as SVG bytes, text kept as text (searchable, sharp at any zoom)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    return buffer.getvalue()


def chart(kind: str, result: AllocationResult | None,
          tables: dict[str, pd.DataFrame] | None) -> bytes:
    """The SVG chart of a finished job of ``kind``."""
    if kind == "solve":
        assert result is not None
        return svg(coverage_by_mission(result.missions))
    assert tables is not None
    if kind == "n-1":
        return svg(tornado(tables["n_minus_1"]))
    if kind == "monte-carlo":
        return svg(coverage_distribution(tables["draws"]))
    if kind == "budget":
        return svg(cost_vs_budget(tables["budget"]))
    raise KeyError(kind)
