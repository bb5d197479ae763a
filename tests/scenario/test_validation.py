"""Each kind of bad input is reported once, at the file, table, row and column to fix."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from allocator.errors import Defect, ScenarioError
from allocator.scenario.readers import read_scenario

from .test_readers import (
    GRID,
    csv_text,
    drop_column,
    grid,
    records,
    set_cell,
    write_csv_folder,
    write_workbook,
)


def problems_of(path: Path) -> list[Defect]:
    """The problems reading ``path`` reports (it must fail)."""
    with pytest.raises(ScenarioError) as caught:
        read_scenario(path)
    return caught.value.problems


def only_problem(path: Path) -> Defect:
    """The one problem reading ``path`` reports."""
    problems = problems_of(path)
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


def located(problem: Defect) -> tuple[Any, ...]:
    """Where a problem points: (source, table, row, column)."""
    return problem.source, problem.table, problem.row, problem.column


def folder_with(tmp_path: Path, table: str, row: int, column: str, value: Any) -> Path:
    """A CSV folder of GRID with one cell changed."""
    return write_csv_folder(tmp_path / "demo", set_cell(grid(), table, row, column, value))


# ----- cells -------------------------------------------------------------------------------
def test_missing_column_is_reported_once_from_the_header(tmp_path: Path) -> None:
    tables = drop_column(grid(), "unit_pledges", "personnel_per_unit")
    problem = only_problem(write_csv_folder(tmp_path / "demo", tables))
    assert located(problem) == ("unit_pledges.csv", "unit_pledges", 1, "personnel_per_unit")
    assert "required column 'personnel_per_unit' is missing" in problem.message
    assert "pledge_id, state, capability, units, personnel_per_unit" in problem.message


def test_blank_required_cell(tmp_path: Path) -> None:
    problem = only_problem(folder_with(tmp_path, "requirements", 3, "units", ""))
    assert located(problem) == ("requirements.csv", "requirements", 3, "units")
    assert "required value is missing" in problem.message


def test_wrong_type_names_the_value_and_nothing_else(tmp_path: Path) -> None:
    # Requirements refer to M1; its bad budget must not make them "unknown mission" too.
    problem = only_problem(folder_with(tmp_path, "missions", 2, "budget_usd", "lots"))
    assert located(problem) == ("missions.csv", "missions", 2, "budget_usd")
    assert "expected an amount in US dollars, got 'lots'" in problem.message


def test_duplicate_id_points_at_every_copy(tmp_path: Path) -> None:
    problems = problems_of(folder_with(tmp_path, "unit_pledges", 3, "pledge_id", "P1"))
    assert [located(p) for p in problems] == [
        ("unit_pledges.csv", "unit_pledges", 2, "pledge_id"),
        ("unit_pledges.csv", "unit_pledges", 3, "pledge_id"),
    ]
    assert all("duplicate pledge_id 'P1'" in p.message for p in problems)


@pytest.mark.parametrize(
    ("table", "row", "column", "value", "words"),
    [
        ("requirements", 3, "mission_id", "M9", "unknown mission 'M9'; expected one of M1, M2"),
        ("unit_pledges", 2, "state", "XYZ", "unknown state 'XYZ'"),
        ("funding_pledges", 2, "earmarked_missions", "M1;MX", "unknown mission 'MX'"),
        ("transport_costs", 3, "pledge_id", "P7", "unknown pledge 'P7'"),
    ],
)
def test_unknown_reference(tmp_path: Path, table: str, row: int, column: str, value: str,
                           words: str) -> None:
    problem = only_problem(folder_with(tmp_path, table, row, column, value))
    assert located(problem) == (f"{table}.csv", table, row, column)
    assert words in problem.message


@pytest.mark.parametrize(
    ("table", "column", "value", "words"),
    [
        ("equipment_pledges", "quantity", -2, "greater than or equal to 1"),
        ("unit_pledges", "units", -1, "greater than or equal to 1"),
        ("unit_pledges", "personnel_per_unit", -850, "greater than or equal to 0"),
        ("missions", "budget_usd", -5, "greater than or equal to 0"),
        ("unit_pledges", "equipment_gap", "APC:-4", "gap quantity of 'APC' is negative"),
    ],
)
def test_negative_quantity(tmp_path: Path, table: str, column: str, value: Any,
                           words: str) -> None:
    problem = only_problem(folder_with(tmp_path, table, 2, column, value))
    assert located(problem) == (f"{table}.csv", table, 2, column)
    assert words in problem.message


def test_unknown_capability_is_taken_for_a_typo(tmp_path: Path) -> None:
    problem = only_problem(folder_with(tmp_path, "requirements", 2, "capability", "INF_BTN"))
    assert located(problem) == ("requirements.csv", "requirements", 2, "capability")
    assert "unknown capability 'INF_BTN'" in problem.message
    assert "fix the spelling" in problem.message


def test_women_cannot_exceed_personnel(tmp_path: Path) -> None:
    problem = only_problem(folder_with(tmp_path, "unit_pledges", 2, "women_per_unit", 900))
    assert located(problem) == ("unit_pledges.csv", "unit_pledges", 2, "women_per_unit")
    assert "women_per_unit (900) exceeds 'personnel_per_unit' (850)" in problem.message


def test_money_in_fractions_of_a_cent(tmp_path: Path) -> None:
    problem = only_problem(folder_with(tmp_path, "missions", 3, "budget_usd", "100.005"))
    assert located(problem) == ("missions.csv", "missions", 3, "budget_usd")
    assert "fractions of a cent" in problem.message


def test_bad_readiness_lists_the_levels(tmp_path: Path) -> None:
    problem = only_problem(folder_with(tmp_path, "unit_pledges", 2, "readiness", "L5"))
    assert located(problem) == ("unit_pledges.csv", "unit_pledges", 2, "readiness")
    assert "'L1', 'L2', 'L3' or 'RDL'" in problem.message
    assert "L5" in problem.message


def test_transport_cost_with_both_state_and_pledge(tmp_path: Path) -> None:
    problem = only_problem(folder_with(tmp_path, "transport_costs", 2, "pledge_id", "P2"))
    assert located(problem) == ("transport_costs.csv", "transport_costs", 2, "pledge_id")
    assert "exactly one of 'state' or 'pledge_id'" in problem.message


# ----- headers and files -------------------------------------------------------------------
def test_column_outside_the_contract_is_ignored_with_one_warning(tmp_path: Path) -> None:
    tables = grid()
    tables["missions"] = [[*row, cell] for row, cell in
                          zip(tables["missions"], ["notes", "big one", ""], strict=True)]
    scenario = read_scenario(write_csv_folder(tmp_path / "demo", tables))
    [warning] = [w for w in scenario.warnings if w.column == "notes"]
    assert located(warning) == ("missions.csv", "missions", 1, "notes")
    assert "column 'notes' is not part of missions and was ignored" in warning.message


def test_misspelt_column_suggests_the_right_one(tmp_path: Path) -> None:
    tables = grid()
    tables["unit_pledges"][0][4] = "personel_per_unit"
    problem = only_problem(write_csv_folder(tmp_path / "demo", tables))
    assert located(problem) == ("unit_pledges.csv", "unit_pledges", 1, "personel_per_unit")
    assert "did you mean 'personnel_per_unit'?" in problem.message
    assert "required column of unit_pledges and is missing" in problem.message


@pytest.mark.parametrize("content", [b"", b"\r\n\r\n", b",,,\n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    folder = write_csv_folder(tmp_path / "demo")
    (folder / "member_states.csv").write_bytes(content)
    # Only the empty file: not "table missing", nor every state reference called unknown.
    problem = only_problem(folder)
    assert located(problem) == ("member_states.csv", "member_states", None, None)
    assert problem.message.startswith("file is empty; expected a header row with columns code")


def test_header_without_rows_is_an_empty_table(tmp_path: Path) -> None:
    tables = grid(missions=GRID["missions"][:1])
    problems = problems_of(write_csv_folder(tmp_path / "demo", tables))
    assert located(problems[0]) == ("missions.csv", "missions", None, None)
    assert "has no rows" in problems[0].message


def test_non_utf8_csv_names_the_byte(tmp_path: Path) -> None:
    folder = write_csv_folder(tmp_path / "demo")
    data = csv_text(GRID["member_states"]).encode("cp1252")
    (folder / "member_states.csv").write_bytes(data)
    position = data.index("ô".encode("cp1252"))
    problem = only_problem(folder)
    assert located(problem) == ("member_states.csv", "member_states", None, None)
    assert problem.message.startswith(
        f"file is not UTF-8 text (byte 0xf4 on line 4, position {position}); save it as UTF-8: "
        "in Excel, File > Save As > 'CSV UTF-8 (Comma delimited)'")


def test_unknown_table_file(tmp_path: Path) -> None:
    folder = write_csv_folder(tmp_path / "demo", grid(missions=None))
    (folder / "mission.csv").write_text(csv_text(GRID["missions"]), encoding="utf-8")
    problems = problems_of(folder)
    assert located(problems[0]) == ("mission.csv", "mission", None, None)
    assert ("unknown table file 'mission.csv' (did you mean 'missions.csv'?); expected "
            "member_states.csv") in problems[0].message
    assert "required table 'missions' is missing" in problems[1].message
    assert len(problems) == 2


def test_wrong_sheet_names(tmp_path: Path) -> None:
    names = {"member_states": "Sheet1", "missions": "Sheet2"}
    problems = problems_of(write_workbook(tmp_path / "plan.xlsx", sheet_names=names))
    assert [located(p) for p in problems] == [
        ("plan.xlsx[Sheet1]", "Sheet1", None, None),
        ("plan.xlsx[Sheet2]", "Sheet2", None, None),
        ("plan.xlsx", "member_states", None, None),
        ("plan.xlsx", "missions", None, None),
    ]
    assert "sheet 'Sheet1' is not a known table; expected sheets named member_states, " \
           "missions" in problems[0].message
    assert "required table 'member_states' is missing" in problems[2].message


def test_sheet_rows_are_numbered_as_excel_shows_them(tmp_path: Path) -> None:
    tables = set_cell(grid(), "unit_pledges", 3, "units", "two")
    tables["unit_pledges"].insert(2, [""] * 10)  # a blank row 3 pushes the bad row to 4
    problem = only_problem(write_workbook(tmp_path / "plan.xlsx", tables))
    assert located(problem) == ("plan.xlsx[unit_pledges]", "unit_pledges", 4, "units")


def test_malformed_scenario_yaml(tmp_path: Path) -> None:
    meta = "name: demo\npolicy: {reimbursement_rate_usd: 1428\n"
    problem = only_problem(write_csv_folder(tmp_path / "demo", meta=meta))
    assert located(problem) == ("scenario.yaml", "scenario", None, None)
    assert problem.message.startswith("malformed YAML at line 3, column 1")


def test_malformed_yaml_document(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text("missions:\n  - mission_id: M1\n   budget_usd: 5\n", encoding="utf-8")
    problem = only_problem(path)
    assert located(problem) == ("plan.yaml", "scenario", None, None)
    assert problem.message.startswith("malformed YAML at line 3, column 4")


def test_malformed_json_document(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text('{"missions": [\n  {"mission_id": "M1",}\n]}', encoding="utf-8")
    problem = only_problem(path)
    assert located(problem) == ("plan.json", "scenario", None, None)
    assert problem.message.startswith("malformed JSON at line 2, column 23")


def test_document_with_unknown_key_and_missing_column(tmp_path: Path) -> None:
    document: dict[str, Any] = {**records(GRID), "colour": "blue"}
    for row in document["unit_pledges"]:
        del row["personnel_per_unit"]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    problems = problems_of(path)
    assert [located(p) for p in problems] == [  # in the order of the document
        ("plan.json", "unit_pledges", None, "personnel_per_unit"),
        ("plan.json", "scenario", None, "colour"),
    ]
    assert "unknown key 'colour'" in problems[1].message


def test_unknown_policy_setting(tmp_path: Path) -> None:
    meta = "policy:\n  reimbursement_rate: 1428\n"
    problem = only_problem(write_csv_folder(tmp_path / "demo", meta=meta))
    assert located(problem) == ("scenario.yaml", "policy", None, "reimbursement_rate")
    assert "unknown policy setting 'reimbursement_rate'" in problem.message
    assert "reimbursement_rate_usd" in problem.message


def test_period_given_twice_differently(tmp_path: Path) -> None:
    meta = "period_months: 6\npolicy:\n  period_months: 12\n"
    problem = only_problem(write_csv_folder(tmp_path / "demo", meta=meta))
    assert located(problem) == ("scenario.yaml", "policy", None, "period_months")


@pytest.mark.parametrize("name", ["missing_folder", "plan.xls", "plan.txt"])
def test_unreadable_path_explains_the_accepted_forms(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    if "." in name:
        path.write_text("x", encoding="utf-8")
    problem = only_problem(path)
    assert located(problem) == (name, "scenario", None, None)
    assert "a folder of CSV files" in problem.message
    assert ".xlsx workbook" in problem.message


def test_every_problem_of_every_table_at_once(tmp_path: Path) -> None:
    tables = grid()
    set_cell(tables, "missions", 2, "budget_usd", "lots")
    set_cell(tables, "requirements", 3, "mission_id", "M9")
    set_cell(tables, "requirements", 2, "capability", "INF_BTN")
    set_cell(tables, "unit_pledges", 2, "units", -1)
    set_cell(tables, "unit_pledges", 3, "readiness", "L5")
    set_cell(tables, "funding_pledges", 2, "amount_usd", "1.001")
    drop_column(tables, "equipment_pledges", "quantity")
    meta = "policy:\n  period_months: 0\n"
    problems = problems_of(write_csv_folder(tmp_path / "demo", tables, meta=meta))
    assert sorted(located(p)[1:] for p in problems) == sorted([
        ("equipment_pledges", 1, "quantity"),
        ("policy", None, "period_months"),
        ("missions", 2, "budget_usd"),
        ("unit_pledges", 2, "units"),
        ("unit_pledges", 3, "readiness"),
        ("funding_pledges", 2, "amount_usd"),
        ("requirements", 3, "mission_id"),
        ("requirements", 2, "capability"),
    ], key=str)
