"""Every form of the same small scenario loads to the same validated Scenario."""

from __future__ import annotations

import copy
import csv
import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from allocator.scenario.readers import read_scenario
from allocator.scenario.scenario import Scenario
from allocator.scenario.schema import Readiness

Grid = dict[str, list[list[Any]]]

# One small scenario as a planner would type it into a spreadsheet: header row first, blank
# cells where the default should apply. Excel keeps numbers as numbers, CSV turns them to text.
GRID: Grid = {
    "member_states": [
        ["code", "name", "region", "languages"],
        ["NOR", "Norway", "Europe", "en;no"],
        ["BGD", "Bangladesh", "Asia", "bn; en"],
        ["CIV", "Côte d’Ivoire", "Africa", "fr"],
    ],
    "missions": [
        ["mission_id", "name", "host_state", "budget_usd", "personnel_ceiling",
         "excluded_states", "women_target"],
        ["M1", "Mission one", "CAF", 5000000, 2000, "", 0.15],
        ["M2", "Mission two", "", 1000000.5, "", "NOR", ""],
    ],
    "requirements": [
        ["requirement_id", "mission_id", "capability", "units", "priority", "mandatory",
         "min_readiness", "language"],
        ["R1", "M1", "INF_BN", 1, 1, "yes", "L3", "fr"],
        ["R2", "M2", "L2_HOSP", 1, "", "", "", ""],
    ],
    "unit_pledges": [
        ["pledge_id", "state", "capability", "units", "personnel_per_unit", "women_per_unit",
         "readiness", "deploy_days", "languages", "equipment_gap"],
        ["P1", "BGD", "INF_BN", 2, 850, 80, "L3", 90, "en;fr", "APC:4;MRAP:2"],
        ["P2", "NOR", "L2_HOSP", 1, 70, "", "", "", "", ""],
    ],
    "equipment_pledges": [
        ["equipment_id", "state", "item", "quantity", "monthly_cost_usd", "available_days",
         "allowed_missions"],
        ["E1", "NOR", "APC", 4, 2500, 30, "M1"],
    ],
    "funding_pledges": [
        ["funding_id", "donor", "amount_usd", "earmarked_missions"],
        ["F1", "NOR", 250000, "M1;M2"],
    ],
    "transport_costs": [
        ["state", "pledge_id", "mission_id", "cost_usd_per_unit"],
        ["NOR", "", "M1", 12000],
        ["", "P1", "M2", 8000.25],
    ],
}

META = {
    "name": "demo",
    "description": "A two-mission test scenario",
    "period_months": 6,
    "policy": {"reimbursement_rate_usd": 1428},
}
META_YAML = """\
name: demo
description: A two-mission test scenario
period_months: 6
policy:
  reimbursement_rate_usd: 1428
"""


# ----- helpers the other test modules share -----------------------------------------------
def grid(**changes: Any) -> Grid:
    """A copy of GRID; ``table=None`` drops a table, ``table=[...]`` replaces it."""
    result = copy.deepcopy(GRID)
    for table, rows in changes.items():
        if rows is None:
            result.pop(table)
        else:
            result[table] = rows
    return result


def set_cell(tables: Grid, table: str, row: int, column: str, value: Any) -> Grid:
    """Set the cell a planner would see at (row, column); row 1 is the header."""
    header = tables[table][0]
    tables[table][row - 1][header.index(column)] = value
    return tables


def drop_column(tables: Grid, table: str, column: str) -> Grid:
    """Remove ``column`` (header and cells) from ``table``."""
    index = tables[table][0].index(column)
    tables[table] = [row[:index] + row[index + 1:] for row in tables[table]]
    return tables


def csv_text(rows: list[list[Any]]) -> str:
    """The rows as CSV text, None cells blank."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(["" if c is None else c for c in row] for row in rows)
    return buffer.getvalue()


def write_csv_folder(folder: Path, tables: Grid | None = None,
                     meta: str | None = META_YAML) -> Path:
    """Write the grid as a CSV folder, with ``meta`` as its scenario.yaml unless None."""
    folder.mkdir(parents=True, exist_ok=True)
    for table, rows in (GRID if tables is None else tables).items():
        (folder / f"{table}.csv").write_text(csv_text(rows), encoding="utf-8")
    if meta is not None:
        (folder / "scenario.yaml").write_text(meta, encoding="utf-8")
    return folder


def write_workbook(path: Path, tables: Grid | None = None, meta: dict[str, Any] | None = None,
                   sheet_names: dict[str, str] | None = None) -> Path:
    """The grid as a workbook: ``meta`` in a scenario sheet, sheets renamed by ``sheet_names``."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for table, rows in (GRID if tables is None else tables).items():
        sheet = workbook.create_sheet((sheet_names or {}).get(table, table))
        for row in rows:
            sheet.append([None if c == "" else c for c in row])
    if meta is not None:
        sheet = workbook.create_sheet("scenario")
        sheet.append(["key", "value"])
        for key, value in meta.items():
            sheet.append([key, value])
    workbook.save(path)
    return path


def records(tables: Grid) -> dict[str, list[dict[str, Any]]]:
    """The grid as JSON rows: blank cells left out, as a person writing JSON would."""
    return {
        table: [{k: v for k, v in zip(rows[0], row, strict=True) if v != ""} for row in rows[1:]]
        for table, rows in tables.items()
    }


# ----- the forms ---------------------------------------------------------------------------
def _csv_folder(tmp_path: Path) -> Path:
    return write_csv_folder(tmp_path / "demo")


def _workbook(tmp_path: Path) -> Path:
    meta = {"name": "demo", "description": META["description"], "period_months": 6,
            "policy.reimbursement_rate_usd": 1428}
    # Sheet names as people type them: capitalised, with a stray space.
    names = {"member_states": "Member_States ", "missions": "MISSIONS"}
    return write_workbook(tmp_path / "demo.xlsx", meta=meta, sheet_names=names)


def _json(tmp_path: Path) -> Path:
    document = {**META, **records(GRID)}
    document["member_states"][0]["languages"] = ["en", "no"]  # real lists work too
    document["unit_pledges"][0]["equipment_gap"] = {"APC": 4, "MRAP": 2}
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def _yaml(tmp_path: Path) -> Path:
    lines = [META_YAML]
    for table, rows in records(GRID).items():
        lines.append(f"{table}:")
        for row in rows:
            cells = ", ".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in row.items())
            lines.append(f"  - {{{cells}}}")
    path = tmp_path / "scenario.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _zip_at_root(tmp_path: Path) -> Path:
    folder = write_csv_folder(tmp_path / "unzipped")
    path = tmp_path / "demo.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for file in folder.iterdir():
            archive.write(file, file.name)
    return path


def _zip_in_folder(tmp_path: Path) -> Path:
    folder = write_csv_folder(tmp_path / "unzipped")
    path = tmp_path / "demo.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("README.txt", "notes travel with the data")
        for file in folder.iterdir():
            archive.write(file, f"demo/{file.name}")
    return path


FORMS = {
    "csv-folder": _csv_folder,
    "xlsx": _workbook,
    "json": _json,
    "yaml": _yaml,
    "zip-root": _zip_at_root,
    "zip-folder": _zip_in_folder,
}


@pytest.fixture
def expected(tmp_path: Path) -> Scenario:
    """The scenario the CSV folder of GRID loads to, which every other form must match."""
    return read_scenario(_csv_folder(tmp_path / "reference"))


@pytest.mark.parametrize("form", FORMS)
def test_every_form_loads_the_same_scenario(form: str, tmp_path: Path,
                                            expected: Scenario) -> None:
    assert read_scenario(FORMS[form](tmp_path)) == expected


def test_reading_leaves_the_input_folder_untouched(tmp_path: Path) -> None:
    path = _zip_in_folder(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    read_scenario(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_scenario_yaml_sets_name_and_policy(expected: Scenario) -> None:
    assert expected.name == "demo"
    assert expected.description == "A two-mission test scenario"
    assert expected.policy.reimbursement_rate_usd == Decimal(1428)
    assert expected.policy.period_months == 6
    assert expected.policy.time_limit_s == 60  # untouched settings keep their defaults


def test_without_scenario_yaml_the_folder_names_the_scenario(tmp_path: Path) -> None:
    scenario = read_scenario(write_csv_folder(tmp_path / "kivu_2025", meta=None))
    assert scenario.name == "kivu_2025"
    assert scenario.policy.period_months == 12


def test_blank_cells_take_the_documented_defaults(expected: Scenario) -> None:
    r2 = expected.requirement_by_id["R2"]
    assert r2.priority == 3
    assert r2.min_readiness is None  # the policy default applies when planning
    assert r2.mandatory is False
    assert r2.language is None
    p2 = expected.pledge_by_id["P2"]
    assert p2.women_per_unit == 0
    assert p2.readiness is Readiness.L2
    assert p2.deploy_days is None
    assert p2.languages == []
    assert p2.equipment_gap == {}
    assert expected.mission_by_id["M2"].women_target is None


def test_typed_cells_are_converted(expected: Scenario) -> None:
    r1 = expected.requirement_by_id["R1"]
    assert (r1.priority, r1.mandatory, r1.min_readiness) == (1, True, Readiness.L3)
    assert expected.mission_by_id["M2"].budget_usd == Decimal("1000000.50")
    assert expected.transport_costs[1].cost_usd_per_unit == Decimal("8000.25")


def test_semicolon_lists_and_equipment_gaps_are_parsed(expected: Scenario) -> None:
    assert expected.state_by_code["BGD"].languages == ["bn", "en"]
    assert expected.mission_by_id["M2"].excluded_states == ["NOR"]
    assert expected.funding_by_id["F1"].earmarked_missions == ["M1", "M2"]
    p1 = expected.pledge_by_id["P1"]
    assert p1.languages == ["en", "fr"]
    assert p1.equipment_gap == {"APC": 4, "MRAP": 2}


def test_utf8_with_bom_is_accepted(tmp_path: Path, expected: Scenario) -> None:
    folder = write_csv_folder(tmp_path / "demo")
    for file in folder.glob("*.csv"):  # what Excel's "CSV UTF-8" writes
        file.write_bytes(file.read_text(encoding="utf-8").encode("utf-8-sig"))
    scenario = read_scenario(folder)
    assert scenario == expected
    assert scenario.state_by_code["CIV"].name == "Côte d’Ivoire"


def test_headers_are_matched_ignoring_case_and_spaces(tmp_path: Path,
                                                      expected: Scenario) -> None:
    tables = grid()
    tables["member_states"][0] = [" Code", "NAME ", "Region", "languages"]
    assert read_scenario(write_csv_folder(tmp_path / "demo", tables)) == expected


def test_blank_rows_readmes_and_other_files_are_ignored(tmp_path: Path,
                                                        expected: Scenario) -> None:
    tables = grid()
    tables["unit_pledges"].insert(2, ["", "", "", "", "", "", "", "", "", ""])
    folder = write_csv_folder(tmp_path / "demo", tables)
    (folder / "README.csv").write_text("about,this\n", encoding="utf-8")
    (folder / "notes.txt").write_text("anything", encoding="utf-8")
    scenario = read_scenario(folder)
    assert scenario == expected


def test_optional_tables_may_be_absent(tmp_path: Path) -> None:
    tables = grid(transport_costs=None, equipment_pledges=None, funding_pledges=None)
    scenario = read_scenario(write_csv_folder(tmp_path / "demo", tables))
    assert scenario.transport_costs == scenario.equipment_pledges == []


def test_numeric_ids_in_a_document_are_text(tmp_path: Path) -> None:
    document = records(GRID)
    document["requirements"][0]["requirement_id"] = 7
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert "7" in read_scenario(path).requirement_by_id


def test_workbook_scenario_sheet_parses_lists_and_mappings(tmp_path: Path) -> None:
    meta = {"name": "demo", "policy.priority_weights": "{1: 10, 2: 5, 3: 1}",
            "policy.objective": "[cost, shortfall, soft_goals]"}
    scenario = read_scenario(write_workbook(tmp_path / "demo.xlsx", meta=meta))
    assert scenario.policy.priority_weights == {1: 10, 2: 5, 3: 1}
    assert scenario.policy.objective == ["cost", "shortfall", "soft_goals"]
