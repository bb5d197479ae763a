"""Chart of a plan: which missions it leaves short.

``coverage_by_mission(result.missions)``: the lowest coverage on top, with units filled of
units asked at each bar.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from allocator.plotting.figure import FULL, SHORT, new_figure, say

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def coverage_by_mission(missions: pd.DataFrame) -> Figure:
    """Units filled as a percent of units asked per mission (0 where nothing is asked), the
    lowest on top, "filled/asked" at each bar. Takes ``AllocationResult.missions``."""
    rows = missions.reset_index(drop=True)
    asked = rows.units_asked.astype(float)
    filled = rows.units_filled.astype(float)
    percent = (100 * filled / asked.where(asked > 0)).fillna(0.0)
    order = percent.sort_values(kind="stable").index  # ties keep the scenario's order
    fig = new_figure(8, 1.4 + 0.35 * max(len(rows), 1))
    ax = fig.add_subplot()
    if rows.empty:
        say(ax, "no missions")
        return fig
    y = list(range(len(order)))
    ax.barh(y, percent[order], color=[FULL if percent[i] >= 100 else SHORT for i in order])
    ax.set_yticks(y, labels=rows.mission_id[order].astype(str))
    ax.invert_yaxis()  # the reader starts at the top, where the shortest mission is
    for yi, i in zip(y, order, strict=True):
        ax.annotate(f"{int(filled[i])}/{int(asked[i])}", xy=(percent[i], yi), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize="small")
    ax.set_xlim(0, 115)  # room for the label right of a full bar
    ax.set_xlabel("units filled, % of units asked")
    total_asked = asked.sum()
    share = f" ({100 * filled.sum() / total_asked:.0f}%)" if total_asked else ""
    ax.set_title(f"Coverage by mission: {int(filled.sum())} of {int(total_asked)} units "
                 f"filled{share}")
    return fig
