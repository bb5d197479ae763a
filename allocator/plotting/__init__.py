"""Charts of a plan and of the sweeps, for a planner's briefing, as matplotlib ``Figure``
objects (the ``plot`` extra).

- ``coverage_by_mission(result.missions)``: which missions the plan leaves short.
- ``cost_vs_budget(budget_sensitivity(...))``: cost against budget, and coverage per budget.
- ``tornado(n_minus_1(...))``: the withdrawals that cost the most coverage.
- ``coverage_distribution(monte_carlo(...))``: the spread of coverage over the draws.

Each chart is a module of its own; ``figure`` holds what they share and ``save_png``, and
``charts`` gathers all four for callers that pick one by name.

Each returns a ``matplotlib.figure.Figure`` built without pyplot: no GUI backend and no global
list of open figures, so charts are safe in the service and in worker processes, and are freed
like any other object. ``save_png`` writes one to disk. Matplotlib is the optional ``plot``
extra (``pip install 'pledge-allocator[plot]'``); it is imported only when a chart is drawn, so
``import allocator.plotting`` works without it.
"""

from allocator.plotting.cost_vs_budget import cost_vs_budget
from allocator.plotting.coverage_by_mission import coverage_by_mission
from allocator.plotting.coverage_distribution import coverage_distribution
from allocator.plotting.figure import save_png
from allocator.plotting.tornado import tornado

__all__ = ["cost_vs_budget", "coverage_by_mission", "coverage_distribution", "save_png",
           "tornado"]
