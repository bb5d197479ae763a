"""Charts of plans and sweeps: what each bar, line and label shows is read back from the
figure and checked against figures worked out by hand from small tables."""

from __future__ import annotations

import math
import sys

import matplotlib.figure
import pandas as pd
import pytest
from matplotlib.axes import Axes

from allocator import read_scenario, solve
from allocator.plotting.charts import (
    cost_vs_budget,
    coverage_by_mission,
    coverage_distribution,
    save_png,
    tornado,
)

from ..conftest import DATASETS

NAN = math.nan


def labels(ax: Axes, axis: str = "y") -> list[str]:
    ticks = ax.get_yticklabels() if axis == "y" else ax.get_xticklabels()
    return [t.get_text() for t in ticks]


def texts(ax: Axes) -> list[str]:
    return [t.get_text() for t in ax.texts]


# ----- coverage_by_mission -------------------------------------------------------------------
MISSIONS = pd.DataFrame({
    "mission_id": ["M1", "M2", "M3", "M4"],
    "units_asked": [10, 4, 0, 8],
    "units_filled": [5, 4, 0, 2],
})  # coverage 50%, 100%, 0% (nothing asked), 25%


def test_coverage_by_mission_bars_lowest_first_on_top() -> None:
    fig = coverage_by_mission(MISSIONS)
    assert isinstance(fig, matplotlib.figure.Figure)
    [ax] = fig.axes
    assert [p.get_width() for p in ax.patches] == pytest.approx([0, 25, 50, 100])
    assert labels(ax) == ["M3", "M4", "M1", "M2"]
    assert [p.get_y() for p in ax.patches] == sorted(p.get_y() for p in ax.patches)
    assert ax.yaxis_inverted()  # so the first bar, the lowest, is drawn on top
    assert texts(ax) == ["0/0", "2/8", "5/10", "4/4"]
    assert "11 of 22 units filled (50%)" in ax.get_title()


def test_coverage_by_mission_of_a_solved_scenario() -> None:
    missions = solve(read_scenario(DATASETS / "families" / "small")).missions
    [ax] = coverage_by_mission(missions).axes
    expected = sorted((100 * f / a, m) for m, a, f in zip(
        missions.mission_id, missions.units_asked, missions.units_filled, strict=True))
    assert len(ax.patches) == len(missions) > 1
    assert [p.get_width() for p in ax.patches] == pytest.approx([c for c, _ in expected])
    assert labels(ax) == [m for _, m in expected]
    by_id = missions.set_index("mission_id")
    assert texts(ax) == [f"{by_id.units_filled[m]}/{by_id.units_asked[m]}"
                         for _, m in expected]


# ----- cost_vs_budget ------------------------------------------------------------------------
def budget_rows(scale: float, status: str, m1: tuple[float, ...], m2: tuple[float, ...]
                ) -> list[dict[str, object]]:
    """(budget, spent, asked, filled) per mission; spent and filled NaN without a plan."""
    rows = []
    for mission_id, (budget, spent, asked, filled) in (("M1", m1), ("M2", m2)):
        rows.append({"scale": scale, "mission_id": mission_id, "budget_usd": budget,
                     "spent_usd": spent, "units_asked": asked, "units_filled": filled,
                     "coverage": filled / asked, "status": status,
                     "weighted_shortfall": NAN if status == "infeasible" else 1.0,
                     "cost_usd": NAN if status == "infeasible" else 0.0})
    return rows


BUDGET = pd.DataFrame(
    budget_rows(1.0, "optimal", (2e6, 1.5e6, 4, 3), (1e6, 0.9e6, 2, 1))
    + budget_rows(0.5, "infeasible", (1e6, NAN, 4, NAN), (0.5e6, NAN, 2, NAN))
    + budget_rows(1.5, "feasible", (3e6, 2.8e6, 4, 4), (1.5e6, 1.0e6, 2, 2)))


def test_cost_vs_budget_totals_per_scale_skipping_no_plan() -> None:
    fig = cost_vs_budget(BUDGET)
    money, cover = fig.axes
    # Left: totals in US$ millions, scale 0.5 (no plan) left out, scales ascending.
    cost, reference = money.lines
    assert list(cost.get_xdata()) == pytest.approx([3.0, 4.5])
    assert list(cost.get_ydata()) == pytest.approx([2.4, 3.8])
    assert list(reference.get_xdata()) == list(reference.get_ydata())
    assert reference.get_linestyle() == "--"
    # Right: all missions together (4 of 6, then 6 of 6), then one line per mission.
    overall, m1, m2 = cover.lines
    assert list(overall.get_xdata()) == pytest.approx([100, 150])
    assert list(overall.get_ydata()) == pytest.approx([100 * 4 / 6, 100])
    assert list(m1.get_ydata()) == pytest.approx([75, 100])
    assert list(m2.get_ydata()) == pytest.approx([50, 100])
    assert overall.get_linewidth() > m1.get_linewidth()
    assert "no plan at 50%" in fig.get_suptitle()


def test_cost_vs_budget_with_no_plan_at_any_scale() -> None:
    fig = cost_vs_budget(BUDGET[BUDGET.status == "infeasible"])
    assert len(fig.axes) == 2
    assert all(not ax.lines and texts(ax) == ["no scale has a plan"] for ax in fig.axes)


# ----- tornado ------------------------------------------------------------------------------
def n1_row(withdrawn: str, d_shortfall: float, d_units: float, status: str = "optimal",
           kind: str = "unit") -> dict[str, object]:
    return {"withdrawn": withdrawn, "kind": kind, "state": "AAA", "used_in_base": 1,
            "solved": True, "status": status, "weighted_shortfall": 10 + d_shortfall,
            "d_weighted_shortfall": d_shortfall, "units_filled": 20 + d_units,
            "d_units_filled": d_units, "seconds": 0.01}


N1 = pd.DataFrame([  # deliberately not in rank order
    n1_row("P1", 8, -2),
    n1_row("P4", 0, 0),  # loses nothing: not shown
    n1_row("P3", 20, -1),
    n1_row("P2", NAN, NAN, status="infeasible"),
    n1_row("BBB", 4, -3, kind="state"),
    n1_row("P6", 0, -1),  # same shortfall, one unit fewer: still a loss
])


def test_tornado_ranks_no_plan_first_then_largest_rise() -> None:
    [ax] = tornado(N1).axes
    assert labels(ax) == ["P2 (unit)", "P3 (unit)", "P1 (unit)", "BBB (state)", "P6 (unit)"]
    assert ax.yaxis_inverted()  # first, most critical, on top
    widths = [p.get_width() for p in ax.patches]
    right = ax.get_xlim()[1]
    assert widths == pytest.approx([right, 20, 8, 4, 0])
    assert right > 20  # a no-plan bar is longer than any finite loss
    assert ax.patches[0].get_hatch() and not any(p.get_hatch() for p in ax.patches[1:])
    assert texts(ax) == ["no plan (infeasible)", "+20, 1 unit lost", "+8, 2 units lost",
                         "+4, 3 units lost", "+0, 1 unit lost"]


def test_tornado_keeps_only_the_top_rows() -> None:
    [ax] = tornado(N1, top=2).axes
    assert labels(ax) == ["P2 (unit)", "P3 (unit)"]
    assert len(ax.patches) == 2
    assert ax.get_title() == "N-1: the 2 most critical of 5 withdrawals that lose coverage"
    with pytest.raises(ValueError, match="top"):
        tornado(N1, top=0)


def test_tornado_when_no_withdrawal_loses_coverage() -> None:
    nothing = pd.DataFrame([n1_row("P1", 0, 0), n1_row("P2", 0, 0)])
    [ax] = tornado(nothing).axes
    assert not ax.patches
    assert texts(ax) == ["no single withdrawal loses coverage"]


# ----- coverage_distribution ----------------------------------------------------------------
def mc_rows(draw: int, status: str, a: float, b: float) -> list[dict[str, object]]:
    return [{"draw": draw, "mission_id": m, "units_asked": 10,
             "units_filled": NAN if math.isnan(c) else 10 * c, "coverage": c, "status": status,
             "weighted_shortfall": 0.0, "withdrawn": 1, "delayed": 0}
            for m, c in (("A", a), ("B", b))]


MONTE_CARLO = pd.DataFrame(
    mc_rows(0, "optimal", 1.0, 0.2) + mc_rows(1, "optimal", 0.5, 0.4)
    + mc_rows(2, "infeasible", NAN, NAN) + mc_rows(3, "feasible", 0.75, 1.0))
# A: 100, 50, 75 -> median 75, mean 75; B: 20, 40, 100 -> median 40, mean 53.3


def test_coverage_distribution_boxes_by_median_with_means() -> None:
    [ax] = coverage_distribution(MONTE_CARLO).axes
    assert labels(ax, "x") == ["B", "A"]
    medians = {line.get_gid(): list(line.get_ydata()) for line in ax.lines if line.get_gid()}
    assert medians == {"median:B": pytest.approx([40, 40]), "median:A": pytest.approx([75, 75])}
    [means] = [line for line in ax.lines if line.get_label() == "mean"]
    assert list(means.get_xdata()) == [1, 2]
    assert list(means.get_ydata()) == pytest.approx([160 / 3, 75])
    assert ax.get_title() == "Coverage over 4 draws (1 with no plan)"


def test_coverage_distribution_when_no_draw_has_a_plan() -> None:
    [ax] = coverage_distribution(MONTE_CARLO[MONTE_CARLO.draw == 2]).axes
    assert not ax.lines
    assert texts(ax) == ["no draw has a plan"]
    assert ax.get_title() == "Coverage over 1 draw (1 with no plan)"


# ----- files and the optional extra ---------------------------------------------------------
def test_save_png_writes_one_png(tmp_path) -> None:
    target = tmp_path / "chart"  # no suffix: still a PNG
    assert save_png(tornado(N1), target) == target
    png = target.read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    # The pHYs chunk holds pixels per metre on x and y: 120 dpi is 4724 per metre.
    at = png.index(b"pHYs") + 4
    assert int.from_bytes(png[at:at + 4], "big") == round(120 / 0.0254)
    assert list(tmp_path.iterdir()) == [target]


def test_a_missing_matplotlib_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # makes the import fail
    with pytest.raises(ImportError, match=r"pledge-allocator\[plot\]"):
        coverage_by_mission(MISSIONS)
