"""N-1 analysis: each row equals a separate solve of the scenario without that pledge."""

from __future__ import annotations

import pytest

from allocator import read_scenario, solve
from allocator.insight.whatif import apply_changes
from allocator.sweeps import n_minus_1

from ..conftest import DATASETS
from ..helpers import mission, pledge, req, scenario

# R1 (priority 1) can only be filled by PA; R2 (priority 2) by PB or the idle PC (dearer by a
# transport row); PD offers a capability no line asks for.
LINES = scenario(
    missions=[mission("M1")],
    requirements=[req("R1", "FPU", 1, priority=1), req("R2", "INF_COY", 1, priority=2)],
    unit_pledges=[pledge("PA", capability="FPU", personnel_per_unit=140),
                  pledge("PB", "BBB", capability="INF_COY", personnel_per_unit=150),
                  pledge("PC", "CCC", capability="INF_COY", personnel_per_unit=150),
                  pledge("PD", "DDD", capability="ENG_COY", personnel_per_unit=150)],
    transport_costs=[{"state": "CCC", "mission_id": "M1", "cost_usd_per_unit": 500_000}])


def _shortfall_without(sc, change) -> int:
    return solve(apply_changes(sc, [change])).objective["weighted_shortfall"]


def test_rows_known_by_reasoning() -> None:
    table = n_minus_1(LINES).set_index("withdrawn")
    weight = LINES.policy.priority_weights
    # Without PA nothing fills R1: its weight is lost, and it ranks first.
    assert table.index[0] == "PA"
    assert table.loc["PA", "d_weighted_shortfall"] == weight[1]
    assert table.loc["PA", "d_units_filled"] == -1
    # PB is replaced by the idle PC: no coverage lost (only cost, which N-1 does not rank).
    assert table.loc["PB", "d_weighted_shortfall"] == 0 and table.loc["PB", "solved"]
    # PC and PD are unused: their rows are the base's, without a solve.
    for idle in ("PC", "PD"):
        assert not table.loc[idle, "solved"] and table.loc[idle, "d_weighted_shortfall"] == 0


def test_every_row_of_small_equals_a_separate_solve() -> None:
    sc = read_scenario(DATASETS / "families" / "small")
    table = n_minus_1(sc)
    assert len(table) == len(sc.unit_pledges) + len(sc.equipment_pledges) + len(
        sc.funding_pledges)
    assert table.solved.any() and (~table.solved).any()
    for row in table.itertuples():
        # Skipped rows too: that withdrawing an unused pledge changes nothing is checked.
        assert row.weighted_shortfall == _shortfall_without(
            sc, {"withdraw_pledge": row.withdrawn}), row.withdrawn


def test_by_state_and_in_parallel_give_the_same_rows() -> None:
    sc = read_scenario(DATASETS / "families" / "small")
    one = n_minus_1(sc, by="state")
    two = n_minus_1(sc, by="state", workers=2)
    assert one.drop(columns="seconds").equals(two.drop(columns="seconds"))
    # The three most critical, and every state answered without a solve.
    for row in [*one.head(3).itertuples(), *one[~one.solved].itertuples()]:
        assert row.weighted_shortfall == _shortfall_without(
            sc, {"withdraw_state": row.withdrawn}), row.withdrawn
    assert one.d_weighted_shortfall.is_monotonic_decreasing


def test_progress_is_reported_and_a_base_without_plan_is_refused() -> None:
    seen: list[tuple[int, int]] = []
    n_minus_1(LINES, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (4, 4) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    impossible = scenario(missions=[mission("M1")],
                          requirements=[req("R1", "FPU", 1, mandatory=True)])
    with pytest.raises(ValueError, match="no plan"):
        n_minus_1(impossible)


def test_cli_sweep_n_minus_1_writes_every_row(tmp_path) -> None:
    from typer.testing import CliRunner

    from allocator.cli import app

    out = tmp_path / "n1.csv"
    run = CliRunner().invoke(app, ["sweep", "n-1", str(DATASETS / "families" / "small"),
                                   "--by", "state", "--top", "3", "--out", str(out)])
    assert run.exit_code == 0, run.output
    assert "N-1 by state" in run.output and "RWA" in run.output
    import pandas as pd

    written = pd.read_csv(out)
    assert list(written.withdrawn[:1]) == ["RWA"] and written.d_weighted_shortfall.iloc[0] == 8
