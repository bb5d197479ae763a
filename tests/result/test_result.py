"""The result object: JSON form, round trip, exports and summary."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from allocator import AllocationResult, ScenarioError, SolveStatus, solve, verify_plan

from ..helpers import mission, pledge, req, scenario, solved

# Two battalions asked, one of 850 personnel pledged by AAA; a French-speaking hospital
# pledged by BBB at a fixed monthly cost; funding earmarked to M1 (not needed here).
SC = scenario(
    missions=[mission("M1", budget_usd=50_000_000)],
    requirements=[req("R1", "INF_BN", 2, priority=1), req("R2", "L2_HOSP", 1, priority=2)],
    unit_pledges=[pledge("P1", "AAA", "INF_BN", 1, 850, women_per_unit=85),
                  pledge("P2", "BBB", "L2_HOSP", 1, 70, monthly_cost_usd=150_000)],
    funding_pledges=[{"funding_id": "F1", "donor": "CCC", "amount_usd": 1_000_000,
                      "earmarked_missions": "M1"}],
)


@pytest.fixture(scope="module")
def result() -> AllocationResult:
    return solved(SC)


def test_objective_and_tables(result: AllocationResult) -> None:
    # R1 misses one unit at priority 1 (weight 16). Cost: 850 × 1448 × 12 = 14,769,600
    # plus the hospital 150,000 × 12 = 1,800,000.
    assert result.status is SolveStatus.OPTIMAL
    assert result.objective == {"weighted_shortfall": 16, "soft_goal_slack": 0,
                                "preference_penalty": 0, "cost_usd": 16_569_600.0}
    req_table = result.requirements.set_index("requirement_id")
    assert req_table.loc["R1", "shortfall"] == 1
    assert req_table.loc["R2", "filled"] == 1
    m1 = result.missions.set_index("mission_id").loc["M1"]
    assert m1.personnel == 920 and m1.women == 85 and m1.contributors == 2
    assert m1.cost_usd == pytest.approx(16_569_600.0)
    unused = result.unused_pledges.set_index("pledge_id")
    assert list(unused.index) == ["F1"]


def test_json_form_has_contract_keys(result: AllocationResult) -> None:
    doc = json.loads(result.to_json())
    assert doc["status"] == "optimal"
    assert set(doc["objective"]) == {"weighted_shortfall", "soft_goal_slack",
                                    "preference_penalty", "cost_usd"}
    for key in ("bound", "gap", "runtime_s", "backend"):
        assert key in doc
    assert doc["gap"] == 0.0
    assert doc["tables"]["assignments"][0]["pledge_id"] in {"P1", "P2"}


def test_json_round_trip(result: AllocationResult, tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    result.export(path)
    back = AllocationResult.from_json(path)
    assert back.status is result.status
    assert back.objective == result.objective
    assert back.plan == result.plan
    assert back.scenario == result.scenario
    assert back.is_feasible()
    pd.testing.assert_frame_equal(back.missions, result.missions)


def test_excel_export(result: AllocationResult, tmp_path: Path) -> None:
    path = result.export(tmp_path / "plan.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["summary", "assignments", "equipment_flows", "funding_flows",
                               "requirements", "missions", "unused_pledges", "contributors",
                               "why"]
    summary = {row[0]: row[1] for row in book["summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["Status"] == "optimal"
    assert summary["Cost (US$)"] == 16_569_600
    sheet = pd.read_excel(path, sheet_name="assignments")
    assert sorted(sheet.Pledge) == ["P1", "P2"]


def test_csv_folder_export(result: AllocationResult, tmp_path: Path) -> None:
    out = result.export(tmp_path / "plan")
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["assignments.csv", "equipment_flows.csv", "funding_flows.csv", "requirements.csv",
         "missions.csv", "unused_pledges.csv", "summary.json"])
    fill = pd.read_csv(out / "requirements.csv")
    assert int(fill.shortfall.sum()) == 1
    # Exporting again replaces the folder whole.
    result.export(out)
    assert len(list(out.iterdir())) == 7


def test_export_rejects_unknown_format(result: AllocationResult, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.json, \.xlsx or a folder"):
        result.export(tmp_path / "plan.csv")
    assert not (tmp_path / "plan.csv").exists()


def test_summary_is_readable(result: AllocationResult) -> None:
    text = result.summary()
    assert "optimal" in text and "filled 2 of 3 units asked" in text
    assert "M1" in text


def test_unvalidated_model_copy_money_is_exact() -> None:
    # model_copy(update=...) skips validation, so a budget may arrive as a plain int: 16,569,600
    # is exactly the battalion (14,769,600) plus the hospital (1,800,000).
    tight = SC.model_copy(update={"missions": [
        m.model_copy(update={"budget_usd": 16_569_600}) for m in SC.missions]})
    result = solve(tight, time_limit=30)
    # solve() validates the copy again: the budget is a Decimal in the scenario it solved.
    assert result.scenario.missions[0].budget_usd == Decimal("16569600")
    assert verify_plan(result.scenario, result.plan).ok
    assert result.objective["cost_usd"] == 16_569_600.0
    # One dollar less (as a float): F1, earmarked to M1, pays exactly that dollar.
    short = SC.model_copy(update={"missions": [
        m.model_copy(update={"budget_usd": 16_569_599.0}) for m in SC.missions]})
    result = solve(short, time_limit=30)
    assert result.objective == {"weighted_shortfall": 16, "soft_goal_slack": 0.0,
                                "preference_penalty": 0, "cost_usd": 16_569_600.0}
    assert result.funding_flows.to_dict("records") == [
        {"funding_id": "F1", "donor": "CCC", "mission_id": "M1", "amount_usd": 1.0}]


def test_unvalidated_model_copy_errors_are_reported() -> None:
    bad = SC.model_copy(update={"missions": [
        m.model_copy(update={"budget_usd": -5}) for m in SC.missions]})
    with pytest.raises(ScenarioError, match=r"missions, row 1, column 'budget_usd'"):
        solve(bad)
