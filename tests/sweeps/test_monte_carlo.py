"""Monte Carlo of pledge reliability on hand-built scenarios whose every draw is known.

TWO has two missions. M1: R1 one FPU (priority 1, weight 16) that only PA (AAA) fills, R2 one
INF_BN (priority 3, weight 4, deadline 130 days) that only PB (BBB, 100 days) fills. M2: R3 two
INF_COY (priority 2, weight 8) that PC (CCC, 2 units) fills; PC2 (CCC) offers engineers no
line asks for, and F1 (donor DDD) money M1 does not need.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from allocator import Scenario, read_scenario
from allocator.errors import ScenarioError
from allocator.sweeps import Reliability, monte_carlo, summarise
from allocator.sweeps.monte_carlo import COLUMNS

from ..conftest import DATASETS
from ..helpers import mission, pledge, req, scenario


def two(mandatory_r1: bool = False) -> Scenario:
    return scenario(
        missions=[mission("M1"), mission("M2")],
        requirements=[req("R1", "FPU", 1, priority=1, mandatory=mandatory_r1),
                      req("R2", "INF_BN", 1, priority=3, deadline_days=130),
                      req("R3", "INF_COY", 2, mission_id="M2", priority=2)],
        unit_pledges=[pledge("PA", capability="FPU"),
                      pledge("PB", "BBB", deploy_days=100),
                      pledge("PC", "CCC", capability="INF_COY", units=2),
                      pledge("PC2", "CCC", capability="ENG_COY")],
        funding_pledges=[{"funding_id": "F1", "donor": "DDD", "amount_usd": 1_000_000}])


TWO = two()
NEVER = Reliability(0.0, 0.0, 0)


def table(rows: list[dict[str, object]]) -> pd.DataFrame:
    return pd.DataFrame(rows)


def by_mission(frame: pd.DataFrame, mission_id: str) -> pd.DataFrame:
    return frame[frame.mission_id == mission_id]


def test_rows_are_one_per_draw_and_mission() -> None:
    out = monte_carlo(TWO, draws=5, default=NEVER)
    assert list(out.columns) == COLUMNS
    assert list(out.draw) == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert list(out.mission_id) == ["M1", "M2"] * 5
    assert list(out.units_asked) == [2, 2] * 5


def test_nothing_ever_withdrawn_gives_the_base_coverage_in_every_draw() -> None:
    out = monte_carlo(TWO, draws=20, seed=3, default=NEVER)
    assert (out.units_filled == out.units_asked).all()
    assert (out.coverage == 1.0).all() and (out.weighted_shortfall == 0).all()
    assert (out.status == "optimal").all()
    assert (out.withdrawn == 0).all() and (out.delayed == 0).all()


def test_a_pledge_withdrawn_with_probability_1_is_gone_from_every_draw() -> None:
    odds = table([{"pledge_id": "PA", "withdraw_probability": 1, "delay_probability": 0}])
    out = monte_carlo(TWO, draws=20, seed=1, default=NEVER, reliability=odds)
    assert (out.withdrawn == 1).all() and (out.delayed == 0).all()
    assert (out.weighted_shortfall == 16).all()
    m1, m2 = by_mission(out, "M1"), by_mission(out, "M2")
    assert (m1.units_filled == 1).all() and (m1.coverage == 0.5).all()
    assert (m2.units_filled == 2).all() and (m2.coverage == 1.0).all()


def test_pledge_rows_override_state_rows() -> None:
    # CCC's pledges are always withdrawn, but PC's own row keeps it; PC2's own row sets only
    # delay_days, so it keeps its state's withdraw probability. AAA's row withdraws PA.
    odds = table([
        {"state": "CCC", "withdraw_probability": 1.0, "delay_probability": 0.0},
        {"pledge_id": "PC", "withdraw_probability": 0.0},
        {"pledge_id": "PC2", "delay_days": 5},
        {"state": "AAA", "withdraw_probability": 1.0, "delay_probability": 0.0},
    ])
    out = monte_carlo(TWO, draws=10, default=NEVER, reliability=odds)
    assert (out.withdrawn == 2).all()  # PA and PC2
    assert (by_mission(out, "M2").units_filled == 2).all()
    assert (by_mission(out, "M1").units_filled == 1).all()
    assert (out.weighted_shortfall == 16).all()


def test_the_default_applies_where_no_row_overrides_it() -> None:
    odds = table([{"pledge_id": pid, "withdraw_probability": 0.0, "delay_probability": 0.0}
                  for pid in ("PA", "PB", "PC", "PC2")])
    # Only F1 is left to the default, and funding withdrawn costs nothing here.
    out = monte_carlo(TWO, draws=10, default=Reliability(1.0, 0.0, 0), reliability=odds)
    assert (out.withdrawn == 1).all() and (out.weighted_shortfall == 0).all()


@pytest.mark.parametrize(("days", "shortfall"), [(30, 0), (31, 4)])
def test_a_certain_delay_past_the_deadline_costs_the_line(days: int, shortfall: int) -> None:
    # PB takes 100 days; R2's deadline is 130.
    odds = table([{"pledge_id": "PB", "withdraw_probability": 0.0, "delay_probability": 1.0,
                   "delay_days": days}])
    out = monte_carlo(TWO, draws=8, seed=5, default=NEVER, reliability=odds)
    assert (out.delayed == 1).all() and (out.withdrawn == 0).all()
    assert (out.weighted_shortfall == shortfall).all()
    assert (by_mission(out, "M1").units_filled == 2 - shortfall // 4).all()


def test_funding_is_never_late() -> None:
    out = monte_carlo(TWO, draws=10, default=Reliability(0.0, 1.0, 500))
    # Every unit pledge is late (500 days misses R2's deadline); F1 is not counted.
    assert (out.delayed == 4).all() and (out.weighted_shortfall == 4).all()


RANDOM_ODDS = Reliability(0.3, 0.3, 40)


def test_the_same_seed_gives_the_same_table_and_another_seed_another() -> None:
    one = monte_carlo(TWO, draws=40, seed=11, default=RANDOM_ODDS)
    again = monte_carlo(TWO, draws=40, seed=11, default=RANDOM_ODDS)
    other = monte_carlo(TWO, draws=40, seed=12, default=RANDOM_ODDS)
    assert one.equals(again)
    assert not one.equals(other)
    # The odds really are random: draws differ among themselves.
    assert one.withdrawn.nunique() > 1 and one.weighted_shortfall.nunique() > 1


def test_two_worker_processes_give_the_same_table_as_one() -> None:
    sc = read_scenario(DATASETS / "families" / "small")
    odds = Reliability(0.2, 0.2, 45)
    one = monte_carlo(sc, draws=30, seed=4, default=odds, workers=1)
    two = monte_carlo(sc, draws=30, seed=4, default=odds, workers=2)
    assert one.equals(two)
    assert one.weighted_shortfall.nunique() > 1


def test_progress_reaches_every_draw() -> None:
    seen: list[tuple[int, int]] = []
    monte_carlo(TWO, draws=6, default=NEVER, progress=lambda done, total: seen.append(
        (done, total)))
    assert seen[0] == (0, 6) and seen[-1] == (6, 6)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_withdrawal_frequency_matches_the_probability() -> None:
    # 12 pledges, each withdrawn with probability 0.3: the withdrawn count of a draw is
    # Binomial(12, 0.3), so its mean over 400 draws has standard error sqrt(12 * .3 * .7 / 400).
    pledges = [pledge(f"P{k:02d}", capability="ENG_COY") for k in range(12)]
    sc = scenario(missions=[mission("M1")], requirements=[req("R1", "ENG_COY", 4)],
                  unit_pledges=pledges)
    out = monte_carlo(sc, draws=400, seed=2024, default=Reliability(0.3, 0.0, 0))
    per_draw = out.groupby("draw").withdrawn.first()
    assert len(per_draw) == 400
    error = math.sqrt(12 * 0.3 * 0.7 / 400)
    assert abs(per_draw.mean() - 0.3 * 12) < 4 * error
    # And coverage follows: R1 is short exactly when fewer than 4 pledges are left.
    left = 12 - per_draw
    filled = out.groupby("draw").units_filled.first()
    assert (filled == np.minimum(left, 4)).all()


def test_summarise_against_a_hand_computation() -> None:
    coverage_m1 = [1.0, 0.5, 0.0, 1.0, None]
    coverage_m2 = [1.0, 1.0, 0.75, 0.5, None]
    rows = []
    for draw, (c1, c2) in enumerate(zip(coverage_m1, coverage_m2, strict=True)):
        rows.append({"draw": draw, "mission_id": "M1", "coverage": c1})
        rows.append({"draw": draw, "mission_id": "M2", "coverage": c2})
    summary = summarise(pd.DataFrame(rows)).set_index("mission_id")
    # M1 over its four planned draws, sorted 0, .5, 1, 1: mean .625; quantile q sits at
    # position 3q (linear): p5 at .15 -> .075, p50 at 1.5 -> .75, p95 at 2.85 -> 1.
    assert summary.loc["M1"].to_dict() == pytest.approx(
        {"mean": 0.625, "p5": 0.075, "p50": 0.75, "p95": 1.0, "full_share": 0.5,
         "draws_without_plan": 1})
    # M2 sorted .5, .75, 1, 1: mean .8125; p5 at .15 -> .5375, p50 at 1.5 -> .875,
    # p95 at 2.85 -> 1.
    assert summary.loc["M2"].to_dict() == pytest.approx(
        {"mean": 0.8125, "p5": 0.5375, "p50": 0.875, "p95": 1.0, "full_share": 0.5,
         "draws_without_plan": 1})
    # Least covered first.
    assert list(summary.index) == ["M1", "M2"]


def test_summarise_a_real_table() -> None:
    odds = table([{"pledge_id": "PA", "withdraw_probability": 0.5, "delay_probability": 0}])
    out = monte_carlo(TWO, draws=50, seed=8, default=NEVER, reliability=odds)
    summary = summarise(out).set_index("mission_id")
    gone = by_mission(out, "M1").withdrawn.mean()  # share of draws without PA
    assert 0 < gone < 1
    assert summary.loc["M1", "mean"] == pytest.approx(1 - gone / 2)
    assert summary.loc["M1", "full_share"] == pytest.approx(1 - gone)
    assert summary.loc["M2", "mean"] == 1.0 and summary.loc["M2", "p5"] == 1.0
    assert (summary.draws_without_plan == 0).all()
    assert list(summary.index) == ["M1", "M2"]


def test_draws_without_plan_are_counted_and_left_out_of_the_figures() -> None:
    # R1 is mandatory and only PA fills it: a draw without PA has no plan at all.
    sc = two(mandatory_r1=True)
    odds = table([{"pledge_id": "PA", "withdraw_probability": 0.5, "delay_probability": 0}])
    out = monte_carlo(sc, draws=40, seed=9, default=NEVER, reliability=odds)
    failed = out[out.withdrawn == 1]
    assert len(failed) and (failed.status == "infeasible").all()
    assert failed.units_filled.isna().all() and failed.coverage.isna().all()
    assert failed.weighted_shortfall.isna().all()
    summary = summarise(out).set_index("mission_id")
    assert (summary.draws_without_plan == len(failed) // 2).all()
    assert (summary["mean"] == 1.0).all()


def test_summarise_when_no_draw_has_a_plan() -> None:
    # Every draw loses the mandatory line's only pledge: each mission has 6 draws without a
    # plan, and no coverage figures.
    sc = two(mandatory_r1=True)
    odds = table([{"pledge_id": "PA", "withdraw_probability": 1.0, "delay_probability": 0}])
    out = monte_carlo(sc, draws=6, default=NEVER, reliability=odds)
    assert (out.status == "infeasible").all()
    summary = summarise(out).set_index("mission_id")
    assert sorted(summary.index) == ["M1", "M2"]
    assert (summary.draws_without_plan == 6).all()
    assert summary["mean"].isna().all()


def test_draws_must_be_positive() -> None:
    with pytest.raises(ValueError, match="draws"):
        monte_carlo(TWO, draws=0)
    with pytest.raises(ValueError, match="draws"):
        monte_carlo(TWO, draws=-3)


# ----- reliability table errors -----------------------------------------------------------------
def test_every_bad_row_is_reported_with_its_row_and_column() -> None:
    odds = pd.DataFrame([
        {"pledge_id": "PA", "withdraw_probability": 1.5},                      # row 2
        {"pledge_id": "PB", "delay_days": -5},                                 # row 3
        {"state": "CCC", "delay_days": 2.5},                                   # row 4
        {"pledge_id": "PC", "state": "CCC", "withdraw_probability": 0.1},      # row 5
        {"withdraw_probability": 0.1},                                         # row 6
        {"pledge_id": "NOPE", "withdraw_probability": 0.1},                    # row 7
        {"state": "ZZZ", "withdraw_probability": 0.1},                         # row 8
        {"pledge_id": "PC2", "delay_probability": -0.1},                       # row 9
    ])
    odds["colour"] = None  # an unknown column
    with pytest.raises(ScenarioError) as caught:
        monte_carlo(TWO, draws=3, reliability=odds)
    found = {(p.table, p.row, p.column) for p in caught.value.problems}
    assert found == {
        ("reliability", None, "colour"),
        ("reliability", 2, "withdraw_probability"),
        ("reliability", 3, "delay_days"),
        ("reliability", 4, "delay_days"),
        ("reliability", 5, None),
        ("reliability", 6, None),
        ("reliability", 7, "pledge_id"),
        ("reliability", 8, "state"),
        ("reliability", 9, "delay_probability"),
    }
    assert len(caught.value.problems) == 9
    text = str(caught.value)
    assert "row 2" in text and "1.5" in text and "NOPE" in text and "ZZZ" in text


def test_withdraw_and_delay_adding_up_past_1_is_refused() -> None:
    with pytest.raises(ScenarioError, match="add up to more than 1"):
        monte_carlo(TWO, draws=3, default=Reliability(0.6, 0.5, 10))
    odds = table([{"pledge_id": "PB", "withdraw_probability": 0.6, "delay_probability": 0.6}])
    with pytest.raises(ScenarioError, match="PB") as caught:
        monte_carlo(TWO, draws=3, default=NEVER, reliability=odds)
    # The row that sets both odds is the one to fix.
    assert [p.row for p in caught.value.problems] == [2]


def test_a_non_finite_delay_is_a_located_error(tmp_path) -> None:
    from allocator.sweeps import read_reliability

    # pandas reads "inf" in a CSV as an infinite float.
    path = tmp_path / "reliability.csv"
    path.write_text("pledge_id,delay_days\nPB,inf\n")
    odds = read_reliability(path)
    assert odds.delay_days[0] == math.inf
    with pytest.raises(ScenarioError) as caught:
        monte_carlo(TWO, draws=3, reliability=odds)
    assert [(p.row, p.column) for p in caught.value.problems] == [(2, "delay_days")]


def test_a_reliability_csv_is_read_with_its_spreadsheet_rows(tmp_path) -> None:
    from allocator.sweeps import read_reliability

    path = tmp_path / "reliability.csv"
    path.write_text("pledge_id,state,withdraw_probability\nPA,,1\n,BBB,2\n")
    odds = read_reliability(path)
    with pytest.raises(ScenarioError) as caught:
        monte_carlo(TWO, draws=3, default=NEVER, reliability=odds)
    assert [(p.row, p.column) for p in caught.value.problems] == [(3, "withdraw_probability")]
    with pytest.raises(ScenarioError, match="cannot read"):
        read_reliability(tmp_path / "missing.csv")
