"""Charts of a plan and of the sweeps, for a planner's briefing.

- ``coverage_by_mission(result.missions)``: which missions the plan leaves short, the lowest
  coverage on top, with units filled of units asked at each bar.
- ``cost_vs_budget(budget_sensitivity(...))``: left, whether the plan spends what it is given
  (total cost against total budget; points above the dashed line draw on funding pledges);
  right, how much coverage each step of budget buys, for all missions together and each one.
- ``tornado(n_minus_1(...))``: the withdrawals that cost the most coverage, most critical on
  top; one that leaves no plan at all is a hatched bar marked "no plan".
- ``coverage_distribution(monte_carlo(...))``: the spread of each mission's coverage over the
  draws (box from quartiles, whiskers at the 5th and 95th percentile, mean marked), the lowest
  median first, and how many draws had no plan.

Each returns a ``matplotlib.figure.Figure`` built without pyplot: no GUI backend and no global
list of open figures, so charts are safe in the service and in worker processes, and are freed
like any other object. ``save_png`` writes one to disk. Matplotlib is the optional ``plot``
extra (``pip install 'pledge-allocator[plot]'``); it is imported only when a chart is drawn, so
``import allocator.plotting.charts`` works without it.
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

__all__ = ["cost_vs_budget", "coverage_by_mission", "coverage_distribution", "save_png",
           "tornado"]

PLAN_STATUSES = frozenset(s.value for s in SolveStatus if s.has_plan)
SHORT = "tab:orange"  # a mission or draw below full coverage
FULL = "tab:blue"
NO_PLAN = "tab:red"


def _new_figure(width: float, height: float) -> Figure:
    try:
        from matplotlib.figure import Figure
    except ImportError as err:
        raise ImportError("charts need matplotlib, the plot extra: "
                          "pip install 'pledge-allocator[plot]'") from err
    # Constrained layout keeps long mission ids and titles inside the figure.
    return Figure(figsize=(width, height), layout="constrained")


def _say(ax: Axes, text: str) -> None:
    """An empty chart that says why it is empty, rather than a blank box or an error."""
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _has_plan(table: pd.DataFrame) -> pd.Series:
    return table.status.isin(PLAN_STATUSES)


def save_png(figure: Figure, path: str | os.PathLike[str]) -> Path:
    """Write ``figure`` to ``path`` as a PNG (120 dpi, trimmed to its content) and return the
    path. Nothing else is created: the folder must already exist."""
    target = Path(path)
    # format= so that a path without ".png" still gets a PNG, not an error.
    figure.savefig(target, format="png", dpi=120, bbox_inches="tight")
    return target


def coverage_by_mission(missions: pd.DataFrame) -> Figure:
    """Units filled as a percent of units asked per mission (0 where nothing is asked), the
    lowest on top, "filled/asked" at each bar. Takes ``AllocationResult.missions``."""
    rows = missions.reset_index(drop=True)
    asked = rows.units_asked.astype(float)
    filled = rows.units_filled.astype(float)
    percent = (100 * filled / asked.where(asked > 0)).fillna(0.0)
    order = percent.sort_values(kind="stable").index  # ties keep the scenario's order
    fig = _new_figure(8, 1.4 + 0.35 * max(len(rows), 1))
    ax = fig.add_subplot()
    if rows.empty:
        _say(ax, "no missions")
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


def cost_vs_budget(table: pd.DataFrame) -> Figure:
    """Budget sensitivity in two panels: total plan cost against total budget (US$ millions,
    dashed where they are equal) and coverage against the budget scale, all missions together
    (thick) and each mission (thin). Scales with no plan are left out and named in the title.
    Takes the table of ``allocator.sweeps.budget_sensitivity``."""
    planned = table[_has_plan(table)].dropna(subset=["spent_usd", "units_filled"])
    planned = planned.sort_values("scale", kind="stable")
    no_plan = sorted(set(table.scale) - set(planned.scale))
    fig = _new_figure(12, 4.8)
    money, cover = fig.subplots(1, 2)
    title = "Budget sensitivity"
    if no_plan:
        title += "; no plan at " + ", ".join(f"{s:.0%}" for s in no_plan) + " of budget"
    fig.suptitle(title)
    if planned.empty:
        _say(money, "no scale has a plan")
        _say(cover, "no scale has a plan")
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
    fig = _new_figure(9, 1.6 + 0.35 * max(len(hit), 1))
    ax = fig.add_subplot()
    if hit.empty:
        _say(ax, "no single withdrawal loses coverage")
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
        units = "" if pd.isna(lost) else f", {_count(int(-lost), 'unit')} lost"
        ax.annotate(f"+{row.d_weighted_shortfall:g}{units}",
                    xy=(row.d_weighted_shortfall, bar.get_y() + bar.get_height() / 2),
                    xytext=(4, 0), textcoords="offset points", va="center", fontsize="small")
    ax.set_yticks(y, labels=[f"{w} ({k})" for w, k in zip(hit.withdrawn, hit.kind,
                                                          strict=True)])
    ax.invert_yaxis()  # most critical on top
    ax.set_xlim(0, edge)
    ax.set_xlabel("rise in weighted shortfall when withdrawn")
    losing = _count(int(loses.sum()), "withdrawal")
    shown = "" if len(hit) == loses.sum() else f"the {len(hit)} most critical of "
    ax.set_title(f"N-1: {shown}{losing} that lose coverage")
    return fig


def coverage_distribution(table: pd.DataFrame) -> Figure:
    """Per mission, coverage over the Monte Carlo draws with a plan: box from the quartiles,
    median line, whiskers at the 5th and 95th percentile, mean as a diamond; the lowest median
    first. The title counts the draws and those with no plan. Takes the table of
    ``allocator.sweeps.monte_carlo``."""
    without = ~_has_plan(table) | table.coverage.isna()
    draws = int(table.draw.nunique())
    draws_without = int(table.draw[without].nunique())
    percent = 100 * table.coverage[~without].astype(float)
    groups = percent.groupby(table.mission_id[~without], sort=False)
    medians = groups.median().sort_values(kind="stable")  # ties keep the scenario's order
    missions = list(medians.index)
    fig = _new_figure(max(6.0, 1.5 + 0.8 * len(missions)), 4.8)
    ax = fig.add_subplot()
    ax.set_title(f"Coverage over {_count(draws, 'draw')} ({draws_without} with no plan)")
    if not missions:
        _say(ax, "no draw has a plan")
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
