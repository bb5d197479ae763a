"""Chart of the N-1 sweep: the withdrawals that cost the most coverage.

``tornado(n_minus_1(...))``: most critical on top; one that leaves no plan at all is a hatched
bar marked "no plan".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from allocator.plotting.figure import NO_PLAN, SHORT, count, new_figure, say

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def tornado(table: pd.DataFrame, top: int = 15) -> Figure:
    """The ``top`` withdrawals that lose the most coverage (rise in weighted shortfall, then
    units lost), most critical on top; a withdrawal that leaves no plan is a hatched bar to
    the edge of the axis, first of all. Takes the table of ``allocator.sweeps.n_minus_1``."""
    if top < 1:
        raise ValueError(f"top must be at least 1, not {top}")
    no_plan = table.d_weighted_shortfall.isna()
    loses = no_plan | (table.d_weighted_shortfall > 0) | (table.d_units_filled < 0)
    hit = table[loses].assign(no_plan_=no_plan[loses])
    hit = hit.sort_values(["no_plan_", "d_weighted_shortfall", "d_units_filled", "withdrawn"],
                          ascending=[False, False, True, True], na_position="first",
                          kind="stable").head(top).reset_index(drop=True)
    fig = new_figure(9, 1.6 + 0.35 * max(len(hit), 1))
    ax = fig.add_subplot()
    if hit.empty:
        say(ax, "no single withdrawal loses coverage")
        ax.set_title("N-1: coverage lost by withdrawal")
        return fig

    finite = hit.d_weighted_shortfall[~hit.no_plan_]
    largest = float(finite.max()) if not finite.empty else 0.0
    # Headroom for the labels right of the longest bar; a no-plan bar fills it all, since no
    # finite rise is as bad as losing the plan.
    edge = max(largest, 1.0) * 1.35
    y = list(range(len(hit)))
    widths = hit.d_weighted_shortfall.fillna(edge)
    bars = ax.barh(y, widths, color=[NO_PLAN if n else SHORT for n in hit.no_plan_])
    for bar, row in zip(bars, hit.itertuples(index=False), strict=True):
        if row.no_plan_:
            bar.set_hatch("//")
            bar.set_edgecolor("white")
            ax.annotate(f"no plan ({row.status})", xy=(edge, bar.get_y() + bar.get_height() / 2),
                        xytext=(-4, 0), textcoords="offset points", ha="right", va="center",
                        fontsize="small", bbox={"facecolor": "white", "edgecolor": "none"})
            continue
        lost = row.d_units_filled
        units = "" if pd.isna(lost) else f", {count(int(-lost), 'unit')} lost"
        ax.annotate(f"+{row.d_weighted_shortfall:g}{units}",
                    xy=(row.d_weighted_shortfall, bar.get_y() + bar.get_height() / 2),
                    xytext=(4, 0), textcoords="offset points", va="center", fontsize="small")
    ax.set_yticks(y, labels=[f"{w} ({k})" for w, k in zip(hit.withdrawn, hit.kind,
                                                          strict=True)])
    ax.invert_yaxis()  # most critical on top
    ax.set_xlim(0, edge)
    ax.set_xlabel("rise in weighted shortfall when withdrawn")
    losing = count(int(loses.sum()), "withdrawal")
    shown = "" if len(hit) == loses.sum() else f"the {len(hit)} most critical of "
    ax.set_title(f"N-1: {shown}{losing} that lose coverage")
    return fig
