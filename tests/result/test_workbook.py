"""The plan workbook a planner briefs from: read back with openpyxl, sheet by sheet."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from allocator import AllocationResult, SolveStatus
from allocator.result.exports import current_umask
from allocator.result.workbook import COUNT_FORMAT, MONEY_FORMAT, SHARE_FORMAT

from ..helpers import mission, pledge, req, scenario, solved
from .briefing import BRIEF, COST_USD, EXTRA_USD

TABLE_SHEETS = ["assignments", "equipment_flows", "funding_flows", "requirements", "missions",
                "unused_pledges", "contributors", "why"]


@pytest.fixture(scope="module")
def result() -> AllocationResult:
    return solved(BRIEF)


@pytest.fixture(scope="module")
def book(result: AllocationResult, tmp_path_factory: pytest.TempPathFactory) -> Any:
    return openpyxl.load_workbook(result.export(tmp_path_factory.mktemp("wb") / "plan.xlsx"))


def records(ws: Any) -> list[dict[str, Any]]:
    """A sheet's rows as dicts keyed by the header texts."""
    header, *rows = ws.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


def by(ws: Any, header: str) -> dict[Any, dict[str, Any]]:
    return {row[header]: row for row in records(ws)}


def cell(ws: Any, header: str, row: int) -> Any:
    """The cell under ``header`` on data row ``row`` (1 = first row under the header)."""
    headers = [c.value for c in ws[1]]
    return ws.cell(row=row + 1, column=headers.index(header) + 1)


def summary(book: Any) -> dict[str, tuple[Any, Any, Any]]:
    return {row["Item"]: (row["Value"], row["Best bound"], row["What it means"])
            for row in records(book["summary"])}


def test_sheets_in_order(book: Any) -> None:
    assert book.sheetnames == ["summary", *TABLE_SHEETS]


@pytest.mark.parametrize("name", ["summary", *TABLE_SHEETS])
def test_every_sheet_has_a_bold_frozen_filtered_header(book: Any, name: str) -> None:
    ws = book[name]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{get_column_letter(ws.max_column)}{ws.max_row}"
    assert all(c.font.bold for c in ws[1])
    for j in range(1, ws.max_column + 1):
        header = ws.cell(row=1, column=j).value
        assert "_" not in header, header  # words, not snake_case
        assert ws.column_dimensions[get_column_letter(j)].width >= len(header)


def test_summary_in_words(book: Any, result: AllocationResult) -> None:
    rows = summary(book)
    assert rows["Scenario"][0] == "scenario"
    assert rows["Status"][0] == "optimal" and "proven optimal" in rows["Status"][2]
    # Only the levels the policy uses (no preferences here), with unit, value and bound.
    levels = [item for item in rows if "(" in item and item.split(" (")[0] in {
        "Weighted shortfall", "Soft-goal slack", "Preference penalty", "Cost", "Units changed"}]
    assert levels == ["Weighted shortfall (priority-weighted units short)",
                      "Soft-goal slack (persons)", "Cost (US$)"]
    assert rows["Weighted shortfall (priority-weighted units short)"][:2] == (12, 12)
    assert rows["Soft-goal slack (persons)"][:2] == (40, 40)
    assert rows["Cost (US$)"][:2] == (COST_USD, COST_USD)
    assert rows["Period (months)"][0] == 12
    assert rows["Backend"][0] == "cpsat"
    assert rows["Verified"][0] == "yes"
    assert rows["Gap"][0] == 0
    assert rows["Units asked"][0] == 4 and rows["Units filled"][0] == 2
    assert rows["Requirement lines short"][0] == 2
    assert rows["Solve time"][0] == round(result.runtime_s, 2)
    texts = [str(v) for row in book["summary"].iter_rows(values_only=True) for v in row
             if v is not None]
    assert not any("None" in t for t in texts)
    ws = book["summary"]
    cost_row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "Cost (US$)")
    assert ws.cell(cost_row, 2).number_format == MONEY_FORMAT


def test_missions_sheet_matches_the_table(book: Any, result: AllocationResult) -> None:
    ws = book["missions"]
    assert [c.value for c in ws[1]] == [
        "Mission", "Mission name", "Personnel", "Personnel ceiling", "Women", "Women share",
        "Women target", "Women target met", "Women below target (persons)",
        "Contributing states", "Units asked", "Units filled", "Cost (US$)", "Budget (US$)",
        "Funding routed (US$)", "Budget used"]
    rows = by(ws, "Mission")
    for m in result.missions.itertuples():
        row = rows[m.mission_id]
        assert row["Personnel"] == m.personnel
        assert row["Cost (US$)"] == pytest.approx(m.cost_usd)
        assert row["Budget (US$)"] == pytest.approx(m.budget_usd)
        assert row["Women share"] == pytest.approx(m.women_share)
    assert rows["M1"]["Mission name"] == "Mission One"
    assert (rows["M1"]["Women target"], rows["M1"]["Women target met"],
            rows["M1"]["Women below target (persons)"]) == (0.15, "no", 40)
    assert (rows["M2"]["Women target"], rows["M2"]["Women target met"]) == (None, None)
    assert cell(ws, "Cost (US$)", 1).number_format == MONEY_FORMAT
    assert cell(ws, "Women share", 1).number_format == SHARE_FORMAT
    assert cell(ws, "Budget used", 1).number_format == SHARE_FORMAT
    assert cell(ws, "Personnel", 1).number_format == COUNT_FORMAT


def test_assignments_have_names_beside_ids(book: Any, result: AllocationResult) -> None:
    rows = records(book["assignments"])
    assert len(rows) == len(result.assignments)
    got = {(r["Pledge"], r["Requirement"]): r for r in rows}
    for a in result.assignments.itertuples():
        row = got[a.pledge_id, a.requirement_id]
        assert (row["Units"], row["Personnel"], row["Women"]) == (a.units, a.personnel, a.women)
        assert row["Cost (US$)"] == pytest.approx(a.cost_usd)
        assert row["State name"] == BRIEF.state_by_code[a.state].name
        assert row["Mission name"] == BRIEF.mission_by_id[a.mission_id].name
    assert got["P1", "R1"]["State name"] == "Alphaland"
    assert cell(book["assignments"], "Cost (US$)", 1).number_format == MONEY_FORMAT


def test_every_short_line_says_why_in_words(book: Any, result: AllocationResult) -> None:
    rows = by(book["requirements"], "Requirement")
    short = result.requirements[result.requirements.shortfall > 0]
    assert sorted(short.requirement_id) == ["R2", "R3"]
    for r in result.requirements.itertuples():
        assert rows[r.requirement_id]["Short"] == r.shortfall
        assert bool(rows[r.requirement_id]["Why short"]) == (r.shortfall > 0)
    assert rows["R2"]["Why short"] == "no L2_HOSP pledge speaks the required language (fr)"
    assert rows["R3"]["Why short"] == f"budget: US${EXTRA_USD:,} more would fill it"
    assert rows["R1"]["Mandatory"] == "no"


def test_every_unused_pledge_says_why(book: Any, result: AllocationResult) -> None:
    ws = book["unused_pledges"]
    rows = by(ws, "Pledge")
    assert sorted(rows) == sorted(result.unused_pledges.pledge_id) == ["F1", "P2", "P3"]
    assert all(row["Why unused"] for row in rows.values())
    assert rows["P2"]["Why unused"] == "ruled out of R2, the only line for L2_HOSP: speaks " \
                                       "en, not fr"
    assert rows["P3"]["Why unused"].startswith("M2's budget")
    assert rows["F1"]["Why unused"].startswith("not needed")
    assert rows["F1"]["State name"] == "Deltaland"
    # Dollars for a funding pledge, units for the others.
    order = [r["Pledge"] for r in records(ws)]
    assert cell(ws, "Unused", order.index("F1") + 1).number_format == MONEY_FORMAT
    assert cell(ws, "Unused", order.index("P2") + 1).number_format == COUNT_FORMAT
    assert rows["F1"]["Unused"] == 500_000


def test_contributors_by_mission_and_state(book: Any) -> None:
    rows = [(r["Mission"], r["State"], r["State name"], r["Units"], r["Personnel"],
             r["Share of mission personnel"]) for r in records(book["contributors"])]
    assert rows == [("M1", "AAA", "Alphaland", 1, 800, 1), ("M2", "CCC", "Gammaland", 1, 150, 1)]


def test_why_sheet_holds_both_explanations(book: Any, result: AllocationResult) -> None:
    rows = records(book["why"])
    lines = [r for r in rows if r["About"] == "requirement line"]
    pledges = [r for r in rows if r["About"] != "requirement line"]
    assert len(lines) == len(result.explain().requirements)
    assert len(pledges) == len(result.explain().pledges)
    budget = next(r for r in lines if r["Line or pledge"] == "R3")
    assert (budget["Reason code"], budget["Money needed (US$)"]) == ("budget", EXTRA_USD)
    assert budget["Why"] == f"budget: US${EXTRA_USD:,} more would fill it"
    language = next(r for r in lines if r["Line or pledge"] == "R2")
    assert (language["Reason code"], language["Rule"]) == ("excluded_by_rule", "language")
    assert language["Why"] == "no L2_HOSP pledge speaks the required language (fr)"
    assert {r["About"] for r in pledges} == {"unit pledge", "funding pledge"}


INFEASIBLE = scenario(missions=[mission("M1", personnel_ceiling=500)],
                      requirements=[req("R1", "INF_BN", 1, mandatory=True)],
                      unit_pledges=[pledge("P1", "AAA", "INF_BN", 1, 800)])


def test_an_infeasible_scenario_gets_a_diagnosis_sheet(tmp_path: Path) -> None:
    result = solved(INFEASIBLE)
    assert result.status is SolveStatus.INFEASIBLE and result.diagnosis is not None
    book = openpyxl.load_workbook(result.export(tmp_path / "plan.xlsx"))
    assert book.sheetnames == ["summary", *TABLE_SHEETS, "diagnosis"]
    ws = book["diagnosis"]
    assert ws.freeze_panes == "A2"
    rows = records(ws)
    d = result.diagnosis
    assert [r["In words"] for r in rows if r["Part"] == "conflict"] == [
        c.message for c in d.conflict]
    relax = [r for r in rows if r["Part"] == "least relaxation"]
    assert [(r["Rule kind"], r["Rule"], r["Least relaxation"], r["Unit"]) for r in relax] == [
        (x.rule.kind, x.rule.rule_id, x.amount, x.unit) for x in d.relaxation]
    rows_summary = summary(book)
    assert rows_summary["Status"][0] == "infeasible"
    assert rows_summary["Verified"][0] == "no"
    assert rows_summary["Cost (US$)"][0] is None  # blank, never the text "None"
    assert "diagnosis" in rows_summary["Diagnosis"][2]
    texts = [str(v) for row in book["summary"].iter_rows(values_only=True) for v in row
             if v is not None]
    assert not any("None" in t for t in texts)
    assert book["assignments"].max_row == 1


def test_warnings_sheet_from_the_result_document(result: AllocationResult,
                                                 tmp_path: Path) -> None:
    doc = result.to_dict()
    assert doc["warnings"] == []
    warning = {"table": "unit_pledges", "message": "column 'colour' is not used; ignored",
               "row": None, "column": "colour", "source": "unit_pledges.csv"}
    doc["warnings"] = [warning]
    back = AllocationResult.from_dict(doc)
    assert back.to_dict()["warnings"] == [warning]
    book = openpyxl.load_workbook(back.export(tmp_path / "plan.xlsx"))
    assert book.sheetnames[-1] == "warnings"
    assert records(book["warnings"]) == [{"Table": "unit_pledges", "Row": None,
                                         "Column": "colour", "Source": "unit_pledges.csv",
                                         "Warning": warning["message"]}]
    assert summary(book)["Warnings"][0] == 1


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_outputs_get_ordinary_permissions(result: AllocationResult, tmp_path: Path,
                                          umask_022: None) -> None:
    assert current_umask() == 0o022
    for name in ("plan.xlsx", "plan.json"):
        assert _mode(result.export(tmp_path / name)) == 0o644, name
    result.to_json(tmp_path / "again.json")
    assert _mode(tmp_path / "again.json") == 0o644
    folder = result.export(tmp_path / "plan")
    assert _mode(folder) == 0o755
    assert {p.name: _mode(p) for p in folder.iterdir()} == dict.fromkeys(
        [*(f"{t}.csv" for t in ("assignments", "equipment_flows", "funding_flows",
                                "requirements", "missions", "unused_pledges")),
         "summary.json"], 0o644)
    # Exporting over an existing folder keeps the permissions and leaves no temporary behind.
    assert _mode(result.export(folder)) == 0o755
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "again.json", "plan", "plan.json", "plan.xlsx"]


def test_a_stricter_umask_is_honoured(result: AllocationResult, tmp_path: Path) -> None:
    old = os.umask(0o077)
    try:
        assert current_umask() == 0o077
        assert _mode(result.export(tmp_path / "plan.xlsx")) == 0o600
        assert _mode(result.export(tmp_path / "plan")) == 0o700
    finally:
        os.umask(old)


def test_a_weighted_solve_shows_its_single_objective(tmp_path: Path) -> None:
    result = solved(BRIEF, objective="weighted")
    rows = summary(openpyxl.load_workbook(result.export(tmp_path / "plan.xlsx")))
    weighted = rows["Weighted objective (US$ with the policy's weights)"]
    assert weighted[:2] == (result.levels[0].value, result.levels[0].bound)
    assert rows["Objective mode"][0] == "weighted"
    # The levels are still the plan's figures; only the weighted level has a bound.
    assert rows["Cost (US$)"][:2] == (COST_USD, None)
