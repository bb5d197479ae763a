"""Inputs are forgiving where it is safe and exact where it matters (issue 12, item 1 and 2).

A planner's file as Excel saves it (another separator, a BOM, CRLF, decimal commas, a notes
column, lower-case codes, "1,200" and "15%") loads to exactly the scenario the plain file
gives; a slip that would change the plan is an error that says what was meant; what loads but
can never count is a warning, located like an error.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from allocator.errors import Defect
from allocator.scenario.readers import read_scenario
from allocator.scenario.scenario import Scenario
from allocator.scenario.schema.cells import number_text

from .test_readers import GRID, grid, set_cell, write_csv_folder, write_workbook
from .test_validation import folder_with, located, only_problem, problems_of


def _plain(tmp_path: Path) -> dict[str, Any]:
    return read_scenario(write_csv_folder(tmp_path / "plain")).to_document()


def _write_dialect(folder: Path, tables: dict[str, list[list[Any]]], *, delimiter: str,
                   encoding: str, decimal_comma: bool) -> Path:
    folder.mkdir(parents=True)
    for table, rows in tables.items():
        buffer = io.StringIO(newline="")
        cells = [["" if c is None else c for c in row] for row in rows]
        if decimal_comma:
            cells = [[str(c).replace(".", ",") if isinstance(c, float) else c for c in row]
                     for row in cells]
        csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(cells)
        (folder / f"{table}.csv").write_bytes(buffer.getvalue().encode(encoding))
    (folder / "scenario.yaml").write_text(
        "name: demo\ndescription: A two-mission test scenario\nperiod_months: 6\n"
        "policy:\n  reimbursement_rate_usd: 1428\n", encoding="utf-8")
    return folder


# ----- the CSV dialect ---------------------------------------------------------------------
def test_european_excel_csv_loads_like_the_plain_folder(tmp_path: Path) -> None:
    """';' separator, UTF-8 BOM, CRLF and decimal commas, as European Excel saves CSV."""
    folder = _write_dialect(tmp_path / "euro", GRID, delimiter=";", encoding="utf-8-sig",
                            decimal_comma=True)
    assert (folder / "missions.csv").read_bytes().startswith(codecs.BOM_UTF8 + b"mission_id;")
    scenario = read_scenario(folder)
    assert scenario.to_document() == _plain(tmp_path)
    assert scenario.mission_by_id["M1"].women_target == 0.15  # written 0,15
    assert scenario.mission_by_id["M2"].budget_usd == Decimal("1000000.5")  # 1000000,5


def test_tab_separated_utf16_loads_like_the_plain_folder(tmp_path: Path) -> None:
    """Excel's "Unicode Text": tab-separated UTF-16 with a byte-order mark."""
    folder = _write_dialect(tmp_path / "tabs", GRID, delimiter="\t", encoding="utf-16",
                            decimal_comma=False)
    assert read_scenario(folder).to_document() == _plain(tmp_path)


def test_list_cells_keep_their_semicolons_in_a_semicolon_file(tmp_path: Path) -> None:
    folder = _write_dialect(tmp_path / "euro", GRID, delimiter=";", encoding="utf-8",
                            decimal_comma=False)
    assert 'M1;M2' in (folder / "funding_pledges.csv").read_text()
    scenario = read_scenario(folder)
    assert scenario.funding_by_id["F1"].earmarked_missions == ["M1", "M2"]


# ----- columns -----------------------------------------------------------------------------
def test_notes_column_is_ignored_with_a_warning_and_changes_nothing(tmp_path: Path) -> None:
    tables = grid()
    tables["requirements"] = [[*row, cell] for row, cell in
                              zip(tables["requirements"], ["notes", "ask DPO", ""], strict=True)]
    scenario = read_scenario(write_csv_folder(tmp_path / "demo", tables))
    assert scenario.to_document() == _plain(tmp_path)
    notes = [w for w in scenario.warnings if w.column == "notes"]
    assert [located(w) for w in notes] == [("requirements.csv", "requirements", 1, "notes")]
    assert "did you mean" not in notes[0].message  # 'units' is present: no false suggestion


def test_headers_are_matched_as_planners_write_them(tmp_path: Path) -> None:
    tables = grid()
    tables["missions"][0] = [" Mission ID", "Name", "Host State", "Budget USD",
                             "personnel-ceiling", "EXCLUDED_STATES", "Women Target"]
    scenario = read_scenario(write_csv_folder(tmp_path / "demo", tables))
    assert scenario.to_document() == _plain(tmp_path)
    assert scenario.warnings == read_scenario(tmp_path / "plain").warnings


@pytest.mark.parametrize(("header", "meant", "need"), [
    ("personel_per_unit", "personnel_per_unit", "required"),
    ("women_per_unt", "women_per_unit", "optional"),
])
def test_a_likely_typo_of_a_missing_column_stays_an_error(
        tmp_path: Path, header: str, meant: str, need: str) -> None:
    tables = grid()
    tables["unit_pledges"][0][tables["unit_pledges"][0].index(meant)] = header
    problem = only_problem(write_csv_folder(tmp_path / "demo", tables))
    assert located(problem) == ("unit_pledges.csv", "unit_pledges", 1, header)
    assert problem.message.startswith(f"unknown column {header!r}; did you mean {meant!r}? "
                                      f"({meant} is a {need} column of unit_pledges")


def test_a_dataframe_column_outside_the_contract_is_a_warning_too() -> None:
    tables = {table: pd.DataFrame(rows[1:], columns=rows[0]) for table, rows in GRID.items()}
    tables["missions"]["analyst_note"] = ["keep", "drop"]
    scenario = Scenario.from_tables(tables, name="demo")
    [warning] = [w for w in scenario.warnings if w.column == "analyst_note"]
    assert (warning.table, warning.row) == ("missions", 1)
    assert "analyst_note" not in scenario.table("missions").columns


# ----- numbers, codes and flags ------------------------------------------------------------
@pytest.mark.parametrize(("text", "number", "percent"), [
    ("1200000", "1200000", False),
    ("1,200,000", "1200000", False),
    ("$1,200,000", "1200000", False),
    ("US$ 1,200", "1200", False),
    ("1 200 000", "1200000", False),
    ("1.200.000,50", "1200000.50", False),
    ("1,200.5", "1200.5", False),
    ("0,15", "0.15", False),
    ("1.2e6", "1200000", False),
    ("15%", "15", True),
    ("-3", "-3", False),
])
def test_numbers_read_as_written(text: str, number: str, percent: bool) -> None:
    assert number_text(text) == (Decimal(number), percent)


@pytest.mark.parametrize("text", ["abc", "1,2,3", "", "$", "1.2.3"])
def test_text_that_is_no_number_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        number_text(text)


def test_every_numeric_column_reads_numbers_alike(tmp_path: Path) -> None:
    tables = grid()
    set_cell(tables, "missions", 2, "budget_usd", "$5,000,000")
    set_cell(tables, "missions", 2, "personnel_ceiling", "2,000")
    set_cell(tables, "missions", 2, "women_target", "15%")
    set_cell(tables, "unit_pledges", 2, "personnel_per_unit", "850.0")
    set_cell(tables, "unit_pledges", 2, "women_per_unit", "8e1")
    set_cell(tables, "funding_pledges", 2, "amount_usd", "2.5e5")
    scenario = read_scenario(write_csv_folder(tmp_path / "demo", tables))
    assert scenario.to_document() == _plain(tmp_path)


@pytest.mark.parametrize(("column", "value", "message"), [
    ("units", "1.5", "expected a whole number, got '1.5'"),
    ("units", "15%", "expected a whole number, got '15%'"),
    ("personnel_per_unit", "many", "expected a whole number, got 'many'"),
])
def test_a_number_that_cannot_be_a_count_is_located(
        tmp_path: Path, column: str, value: str, message: str) -> None:
    problem = only_problem(folder_with(tmp_path, "unit_pledges", 2, column, value))
    assert located(problem) == ("unit_pledges.csv", "unit_pledges", 2, column)
    assert problem.message.startswith(message)


def test_a_share_above_one_says_how_to_write_a_percentage(tmp_path: Path) -> None:
    problem = only_problem(folder_with(tmp_path, "missions", 2, "women_target", "15"))
    assert located(problem) == ("missions.csv", "missions", 2, "women_target")
    assert problem.message == "share '15' is above 1; write 15% or 0.15 for 15 per cent"


def test_a_percentage_is_no_amount_of_money(tmp_path: Path) -> None:
    problem = only_problem(folder_with(tmp_path, "missions", 2, "budget_usd", "15%"))
    assert problem.message == "expected an amount in US dollars, got a percentage '15%'"


def test_state_codes_are_matched_ignoring_case(tmp_path: Path) -> None:
    tables = grid()
    set_cell(tables, "member_states", 2, "code", "nor")
    set_cell(tables, "unit_pledges", 3, "state", "Nor")
    set_cell(tables, "missions", 3, "excluded_states", "nor")
    set_cell(tables, "transport_costs", 2, "state", " nor ")
    scenario = read_scenario(write_csv_folder(tmp_path / "demo", tables))
    assert scenario.to_document() == _plain(tmp_path)


def test_a_state_name_in_place_of_its_code_says_what_a_code_is(tmp_path: Path) -> None:
    problem = only_problem(folder_with(tmp_path, "unit_pledges", 2, "state", "Bangladesh"))
    assert located(problem) == ("unit_pledges.csv", "unit_pledges", 2, "state")
    assert problem.message == ("state code 'Bangladesh' is not three letters; use the ISO "
                               "3166-1 alpha-3 code, e.g. SEN for Senegal")


@pytest.mark.parametrize(("written", "meant"), [
    ("yes", True), ("YES", True), ("x", True), ("1", True), ("TRUE", True),
    ("no", False), ("0", False), ("false", False), ("", False),
])
def test_flags_read_as_planners_write_them(tmp_path: Path, written: str, meant: bool) -> None:
    scenario = read_scenario(folder_with(tmp_path, "requirements", 2, "mandatory", written))
    assert scenario.requirement_by_id["R1"].mandatory is meant


def test_capabilities_are_matched_ignoring_case_and_take_the_catalogue_spelling(
        tmp_path: Path) -> None:
    tables = grid()
    set_cell(tables, "unit_pledges", 2, "capability", "inf_bn")
    set_cell(tables, "requirements", 3, "capability", "l2_Hosp")
    set_cell(tables, "unit_pledges", 2, "equipment_gap", "apc:4;MRAP:2")
    scenario = read_scenario(write_csv_folder(tmp_path / "demo", tables))
    assert scenario.to_document() == _plain(tmp_path)


# ----- did you mean ------------------------------------------------------------------------
@pytest.mark.parametrize(("table", "row", "column", "value", "hint"), [
    ("unit_pledges", 2, "state", "BDG", "unknown state 'BDG' (did you mean 'BGD'?)"),
    ("requirements", 2, "mission_id", "M11", "unknown mission 'M11' (did you mean 'M1'?)"),
    ("transport_costs", 3, "pledge_id", "P11", "unknown pledge 'P11' (did you mean 'P1'"),
    ("requirements", 3, "capability", "L2_HOPS",
     "unknown capability 'L2_HOPS': not in the standard catalogue and not offered by any "
     "pledge (did you mean 'L2_HOSP'?)"),
])
def test_unknown_references_suggest_the_close_name(
        tmp_path: Path, table: str, row: int, column: str, value: str, hint: str) -> None:
    problem = only_problem(folder_with(tmp_path, table, row, column, value))
    assert located(problem)[1:] == (table, row, column)
    assert problem.message.startswith(hint), problem.message


def test_a_misnamed_sheet_suggests_the_table(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "demo.xlsx", sheet_names={"missions": "Missons"})
    problems = problems_of(path)
    assert any("sheet 'Missons' is not a known table (did you mean 'missions'?)" in p.message
               for p in problems), problems


def test_an_unknown_policy_setting_suggests_the_setting(tmp_path: Path) -> None:
    folder = write_csv_folder(tmp_path / "demo", meta="policy:\n  women_targt: 0.2\n")
    problem = only_problem(folder)
    assert problem.message.startswith(
        "unknown policy setting 'women_targt' (did you mean 'women_target'?)")


# ----- zips --------------------------------------------------------------------------------
def test_a_zip_of_a_folder_inside_folders_reads_like_the_folder(tmp_path: Path) -> None:
    folder = write_csv_folder(tmp_path / "plain")
    path = tmp_path / "un.zip"
    with zipfile.ZipFile(path, "w") as archive:  # as `zip -r un.zip datasets/un_2025` does
        archive.writestr("datasets/", "")
        archive.writestr("datasets/demo/", "")
        for file in folder.iterdir():
            archive.write(file, f"datasets/demo/{file.name}")
        archive.writestr("datasets/demo/.DS_Store", b"\0")
    assert read_scenario(path).to_document() == _plain(tmp_path)


def test_a_zip_of_two_scenarios_names_both_folders(tmp_path: Path) -> None:
    folder = write_csv_folder(tmp_path / "plain")
    path = tmp_path / "two.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name in ("a", "b"):
            for file in folder.iterdir():
                archive.write(file, f"{name}/{file.name}")
    problem = only_problem(path)
    assert problem.message.startswith("the zip holds CSV files in 2 folders (a/, b/)")


# ----- warnings ----------------------------------------------------------------------------
def _warnings(scenario: Scenario) -> list[tuple[Any, ...]]:
    return [(*located(w), w.message) for w in scenario.warnings]


def test_a_pledged_capability_nothing_lists_or_asks_for_is_a_warning(tmp_path: Path) -> None:
    tables = grid()
    tables["unit_pledges"].append(["P3", "NOR", "L2_HOPS", 1, 70, 10, "", "", "", ""])
    scenario = read_scenario(write_csv_folder(tmp_path / "demo", tables))
    assert _warnings(scenario) == [(
        "unit_pledges.csv", "unit_pledges", 4, "capability",
        "capability 'L2_HOPS' is in no catalogue and no requirement asks for it, so this "
        "pledge can never deploy (did you mean 'L2_HOSP'?)")]


def test_a_mission_without_lines_and_a_line_nobody_offers_are_warnings(tmp_path: Path) -> None:
    tables = grid()
    tables["missions"].append(["M3", "Mission three", "", 100, "", "", ""])
    tables["requirements"].append(["R3", "M1", "RIVERINE_COY", 2, 2, "", "", ""])
    scenario = read_scenario(write_csv_folder(tmp_path / "demo", tables))
    assert _warnings(scenario) == [
        ("missions.csv", "missions", 4, "mission_id",
         "mission 'M3' has no requirement lines, so nothing will be deployed to it; add its "
         "lines to requirements"),
        ("requirements.csv", "requirements", 4, "capability",
         "no pledge offers RIVERINE_COY, so this line will be short by all 2 unit(s)"),
    ]


def test_warnings_never_block_and_the_shipped_scenario_has_none() -> None:
    scenario = read_scenario(Path(__file__).parents[2] / "datasets" / "un_2025")
    assert scenario.warnings == []


def test_warnings_are_located_defects_with_a_json_form(tmp_path: Path) -> None:
    tables = grid()
    tables["missions"].append(["M3", "Mission three", "", 100, "", "", ""])
    [warning] = read_scenario(write_csv_folder(tmp_path / "demo", tables)).warnings
    assert isinstance(warning, Defect)
    assert warning.to_dict() == {"table": "missions", "row": 4, "column": "mission_id",
                                 "source": "missions.csv", "message": warning.message}


def test_a_planners_workbook_loads_with_its_warnings(tmp_path: Path) -> None:
    """Headers in words, a notes column, a share typed as 15%, a lower-case code, a sheet
    name with a capital and a trailing space: the same scenario, one warning."""
    tables = grid()
    tables["missions"] = [[*row, cell] for row, cell in
                          zip(tables["missions"], ["Notes", "ask DPO", ""], strict=True)]
    tables["missions"][0][:4] = ["Mission ID", "Name", "Host State", "Budget USD"]
    set_cell(tables, "missions", 2, "women_target", "15%")
    set_cell(tables, "unit_pledges", 2, "state", "bgd")
    path = write_workbook(tmp_path / "planner.xlsx", tables,
                          meta={"name": "demo", "description": "A two-mission test scenario",
                                "period_months": 6, "policy.reimbursement_rate_usd": 1428},
                          sheet_names={"unit_pledges": "Unit_Pledges "})
    scenario = read_scenario(path)
    assert scenario.to_document() == _plain(tmp_path)
    assert _warnings(scenario) == [(
        "planner.xlsx[missions]", "missions", 1, "notes",
        "column 'notes' is not part of missions and was ignored; the columns of missions are "
        "mission_id, name, host_state, budget_usd, personnel_ceiling, excluded_states, "
        "women_target, max_state_share")]
