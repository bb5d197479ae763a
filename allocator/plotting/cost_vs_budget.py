"""Chart of the budget sweep: whether the plan spends what it is given, and what more buys.

``cost_vs_budget(budget_sensitivity(...))``: left, total cost against total budget (points
above the dashed line draw on funding pledges); right, how much coverage each step of budget
buys, for all missions together and each one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from allocator.plotting.figure import FULL, has_plan, new_figure, say

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def cost_vs_budget(table: pd.DataFrame) -> Figure:
    """Budget sensitivity in two panels: total plan cost against total budget (US$ millions,
    dashed where they are equal) and coverage against the budget scale, all missions together
    (thick) and each mission (thin). Scales with no plan are left out and named in the title.
    Takes the table of ``allocator.sweeps.budget_sensitivity``."""
    planned = table[has_plan(table)].dropna(subset=["spent_usd", "units_filled"])
    planned = planned.sort_values("scale", kind="stable")
    no_plan = sorted(set(table.scale) - set(planned.scale))
    fig = new_figure(12, 4.8)
    money, cover = fig.subplots(1, 2)
    title = "Budget sensitivity"
    if no_plan:
        title += "; no plan at " + ", ".join(f"{s:.0%}" for s in no_plan) + " of budget"
    fig.suptitle(title)
    if planned.empty:
        say(money, "no scale has a plan")
        say(cover, "no scale has a plan")
        return fig

    totals = planned.groupby("scale", sort=True).agg(
        budget_usd=("budget_usd", "sum"), spent_usd=("spent_usd", "sum"),
        units_asked=("units_asked", "sum"), units_filled=("units_filled", "sum"))
    budget_m = totals.budget_usd / 1e6
    spent_m = totals.spent_usd / 1e6
    money.plot(budget_m, spent_m, "o-", color=FULL, label="plan cost")
    for scale, x, y in zip(totals.index, budget_m, spent_m, strict=True):
        money.annotate(f"{scale:.0%}", xy=(x, y), xytext=(4, -10), textcoords="offset points",
                       fontsize="x-small")
    # The reference spans the data, not from zero, so small differences stay visible.
    low = min(budget_m.min(), spent_m.min())
    high = max(budget_m.max(), spent_m.max())
    money.plot([low, high], [low, high], "--", color="grey", label="cost = budget")
    money.margins(x=0.08)  # room for the scale label right of the last point
    money.set_xlabel("total budget (US$ million)")
    money.set_ylabel("total plan cost (US$ million)")
    money.set_title("Cost against budget")
    money.legend(loc="upper left", fontsize="small")

    asked = totals.units_asked.astype(float)
    # Nothing asked anywhere counts as fully covered, as in the sweep's own coverage column.
    overall = (100 * totals.units_filled / asked.where(asked > 0)).fillna(100.0)
    cover.plot(100 * totals.index, overall, "o-", lw=2.5, color="black", label="all missions")
    missions = list(dict.fromkeys(planned.mission_id))
    for mission_id in missions:
        mine = planned[planned.mission_id == mission_id]
        cover.plot(100 * mine.scale, 100 * mine.coverage, lw=0.9, alpha=0.8,
                   label=str(mission_id))
    cover.set_xlabel("budget, % of each mission's budget")
    cover.set_ylabel("units filled, % of units asked")
    cover.set_ylim(-3, 103)
    cover.set_title("Coverage against budget")
    # Beyond a dozen missions a legend hides the lines it names; the thick line still reads.
    named = cover.lines if len(missions) <= 12 else cover.lines[:1]
    cover.legend(handles=named, loc="lower right", fontsize="x-small")
    return fig
