"""The four charts in one namespace, kept for callers that pick a chart by name
(``allocator.cli.sweep`` does ``getattr(charts, chart)``); each chart lives in its own module.
"""

from allocator.plotting.cost_vs_budget import cost_vs_budget
from allocator.plotting.coverage_by_mission import coverage_by_mission
from allocator.plotting.coverage_distribution import coverage_distribution
from allocator.plotting.figure import FULL, NO_PLAN, PLAN_STATUSES, SHORT, save_png  # noqa: F401
from allocator.plotting.tornado import tornado

__all__ = ["cost_vs_budget", "coverage_by_mission", "coverage_distribution", "save_png",
           "tornado"]
