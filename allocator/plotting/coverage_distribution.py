"""Chart of the Monte Carlo sweep: the spread of each mission's coverage over the draws.

``coverage_distribution(monte_carlo(...))``: box from quartiles, whiskers at the 5th and 95th
percentile, mean marked, the lowest median first, and how many draws had no plan.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from allocator.plotting.figure import NO_PLAN, count, has_plan, new_figure, say

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def coverage_distribution(table: pd.DataFrame) -> Figure:
    """Per mission, coverage over the Monte Carlo draws with a plan: box from the quartiles,
    median line, whiskers at the 5th and 95th percentile, mean as a diamond; the lowest median
    first. The title counts the draws and those with no plan. Takes the table of
    ``allocator.sweeps.monte_carlo``."""
    without = ~has_plan(table) | table.coverage.isna()
    draws = int(table.draw.nunique())
    draws_without = int(table.draw[without].nunique())
    percent = 100 * table.coverage[~without].astype(float)
    groups = percent.groupby(table.mission_id[~without], sort=False)
    medians = groups.median().sort_values(kind="stable")  # ties keep the scenario's order
    missions = list(medians.index)
    fig = new_figure(max(6.0, 1.5 + 0.8 * len(missions)), 4.8)
    ax = fig.add_subplot()
    ax.set_title(f"Coverage over {count(draws, 'draw')} ({draws_without} with no plan)")
    if not missions:
        say(ax, "no draw has a plan")
        return fig

    positions = list(range(1, len(missions) + 1))
    data = [groups.get_group(m).to_numpy() for m in missions]
    # Whiskers at the 5th/95th percentile match allocator.sweeps.summarise's p5 and p95.
    parts = ax.boxplot(data, positions=positions, whis=(5, 95), widths=0.6)
    for mission_id, line in zip(missions, parts["medians"], strict=True):
        line.set_gid(f"median:{mission_id}")  # names the line in SVG output and for tests
    ax.plot(positions, [groups.get_group(m).mean() for m in missions], "D", color=NO_PLAN,
            markersize=5, label="mean")
    ax.set_xticks(positions, labels=[str(m) for m in missions])
    if len(missions) > 8:
        ax.tick_params(axis="x", labelrotation=45)
    ax.set_ylim(-3, 103)
    ax.set_ylabel("units filled, % of units asked")
    ax.legend(loc="lower right", fontsize="small")
    return fig
