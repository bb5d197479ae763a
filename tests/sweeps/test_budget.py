"""Budget sensitivity on a scenario where the budget binds at known scales.

Every unit has an explicit monthly cost, so over the 12-month period PA (FPU) and PB (INF_BN)
cost US$1.2M each and PC (INF_COY) US$600,000. M1 (budget US$2.4M) asks for one FPU at
priority 1 (weight 16) and one INF_BN at priority 3 (weight 4); M2 (US$1M) for one INF_COY at
priority 3. Scaled budgets, and what fits:

    scale  M1 budget   M1 fills      M2 budget  M2 fills   weighted shortfall
    0.4      960,000   nothing         400,000  nothing    16 + 4 + 4 = 24
    0.5    1,200,000   R1 (FPU)        500,000  nothing    4 + 4 = 8
    0.6    1,440,000   R1 (FPU)        600,000  R3         4
    1.0    2,400,000   R1 and R2     1,000,000  R3         0
    1.5    3,600,000   R1 and R2     1,500,000  R3         0
"""

from __future__ import annotations

import pytest

from allocator import read_scenario, solve
from allocator.insight.whatif import apply_changes
from allocator.sweeps import budget_sensitivity
from allocator.sweeps.budget import COLUMNS

from ..conftest import DATASETS
from ..helpers import mission, pledge, req, scenario

BINDING = scenario(
    missions=[mission("M1", budget_usd=2_400_000), mission("M2", budget_usd=1_000_000)],
    requirements=[req("R1", "FPU", 1, priority=1), req("R2", "INF_BN", 1, priority=3),
                  req("R3", "INF_COY", 1, mission_id="M2", priority=3)],
    unit_pledges=[pledge("PA", capability="FPU", monthly_cost_usd=100_000),
                  pledge("PB", "BBB", monthly_cost_usd=100_000),
                  pledge("PC", "CCC", capability="INF_COY", monthly_cost_usd=50_000)])
SCALES = [1.5, 0.4, 1.0, 0.6, 0.5]  # deliberately unsorted

EXPECTED = {  # scale -> ((M1 budget, filled, spent), (M2 budget, filled, spent), shortfall)
    0.4: ((960_000, 0, 0), (400_000, 0, 0), 24),
    0.5: ((1_200_000, 1, 1_200_000), (500_000, 0, 0), 8),
    0.6: ((1_440_000, 1, 1_200_000), (600_000, 1, 600_000), 4),
    1.0: ((2_400_000, 2, 2_400_000), (1_000_000, 1, 600_000), 0),
    1.5: ((3_600_000, 2, 2_400_000), (1_500_000, 1, 600_000), 0),
}


def test_units_filled_at_each_scale_are_known() -> None:
    table = budget_sensitivity(BINDING, scales=SCALES)
    assert list(table.columns) == COLUMNS
    assert list(table.scale) == [0.4, 0.4, 0.5, 0.5, 0.6, 0.6, 1.0, 1.0, 1.5, 1.5]
    assert list(table.mission_id) == ["M1", "M2"] * 5
    for scale, (m1, m2, shortfall) in EXPECTED.items():
        rows = table[table.scale == scale].set_index("mission_id")
        for mission_id, (budget, filled, spent) in (("M1", m1), ("M2", m2)):
            row = rows.loc[mission_id]
            asked = 2 if mission_id == "M1" else 1
            assert (row.budget_usd, row.units_filled, row.spent_usd) == (budget, filled, spent), \
                (scale, mission_id)
            assert row.units_asked == asked and row.coverage == filled / asked
            assert row.funding_usd == 0 and row.status == "optimal"
        assert (rows.weighted_shortfall == shortfall).all(), scale
        assert (rows.cost_usd == m1[2] + m2[2]).all(), scale


def test_two_workers_give_the_same_rows_as_one() -> None:
    one = budget_sensitivity(BINDING, scales=SCALES, workers=1)
    two = budget_sensitivity(BINDING, scales=SCALES, workers=2)
    assert one.equals(two)


def test_every_row_equals_a_separate_solve() -> None:
    small = read_scenario(DATASETS / "families" / "small")
    # On small the plan is not unique per mission, so there only the plan's own figures
    # (shortfall, cost) are compared; BINDING has one optimal plan, compared mission by mission.
    for sc, scales, unique in ((BINDING, SCALES, True), (small, [0.5, 1.0], False)):
        table = budget_sensitivity(sc, scales=scales)
        assert len(table) == len(scales) * len(sc.missions)
        shortfalls = set()
        for scale in scales:
            result = solve(apply_changes(sc, [{"scale_budgets": {"factor": str(scale)}}]),
                           time_limit=30, diagnose=False)
            assert result.plan is not None
            rows = table[table.scale == scale].set_index("mission_id")
            missions = result.missions.set_index("mission_id")
            assert (rows.status == result.status.value).all()
            assert (rows.weighted_shortfall == result.objective["weighted_shortfall"]).all()
            assert (rows.cost_usd == result.objective["cost_usd"]).all()
            assert rows.spent_usd.sum() == pytest.approx(result.objective["cost_usd"])
            shortfalls.add(result.objective["weighted_shortfall"])
            for m in sc.missions:
                row, mine = rows.loc[m.mission_id], missions.loc[m.mission_id]
                assert row.budget_usd == mine.budget_usd
                assert row.units_asked == mine.units_asked
                if unique:
                    assert (row.units_filled, row.spent_usd, row.funding_usd) == (
                        mine.units_filled, mine.cost_usd, mine.funding_usd), (scale, m)
        assert len(shortfalls) > 1  # the budget binds somewhere in the range


def test_a_result_gives_the_same_rows_as_its_scenario() -> None:
    table = budget_sensitivity(BINDING, scales=[0.5, 1.0])
    assert table.equals(budget_sensitivity(solve(BINDING), scales=[0.5, 1.0]))


def test_a_scale_without_plan_keeps_only_budget_and_status() -> None:
    # R1 mandatory: at scale 0.4 its FPU no longer fits, so there is no plan.
    sc = scenario(missions=[mission("M1", budget_usd=2_400_000)],
                  requirements=[req("R1", "FPU", 1, mandatory=True)],
                  unit_pledges=[pledge("PA", capability="FPU", monthly_cost_usd=100_000)])
    table = budget_sensitivity(sc, scales=[0.4, 1.0]).set_index("scale")
    assert table.loc[0.4, "status"] == "infeasible" and table.loc[0.4, "budget_usd"] == 960_000
    assert table.loc[[0.4], ["spent_usd", "units_filled", "coverage",
                             "weighted_shortfall"]].isna().all(axis=None)
    assert table.loc[1.0, "status"] == "optimal" and table.loc[1.0, "units_filled"] == 1


@pytest.mark.parametrize("scales", [[0], [-0.5], [0.5, 0.0], [], [float("nan")]])
def test_scales_must_be_positive(scales: list[float]) -> None:
    with pytest.raises(ValueError, match="positive"):
        budget_sensitivity(BINDING, scales=scales)


def test_progress_counts_the_scales() -> None:
    seen: list[tuple[int, int]] = []
    budget_sensitivity(BINDING, scales=[0.5, 1.0, 0.5],
                       progress=lambda done, total: seen.append((done, total)))
    assert seen == [(0, 2), (1, 2), (2, 2)]  # a repeated scale is solved once
