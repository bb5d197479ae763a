"""Charts of plans and sweeps as matplotlib ``Figure`` objects (the ``plot`` extra)."""

from allocator.plotting.charts import (
    cost_vs_budget,
    coverage_by_mission,
    coverage_distribution,
    save_png,
    tornado,
)

__all__ = ["cost_vs_budget", "coverage_by_mission", "coverage_distribution", "save_png",
           "tornado"]
