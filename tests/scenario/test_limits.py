"""Inputs beyond the contract's bounds and limits are located problems, never crashes.

One test per kind of input that once crashed the library (issue 15's fuzzing run): each must
now be a ``ScenarioError`` at the right file, table, row and column, with a message that says
what to change and stays short whatever the offending value.
"""

from __future__ import annotations

import datetime
import json
import struct
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

import allocator
from allocator.errors import MESSAGE_CHARS, Defect, ScenarioError, shown
from allocator.scenario.readers import ReadLimits, read_scenario

from .test_readers import grid, records, set_cell, write_csv_folder, write_workbook
from .test_validation import folder_with, located, only_problem, problems_of


def document(tmp_path: Path, suffix: str = ".json", text: str | None = None,
             **changes: Any) -> Path:
    """GRID as a JSON (or YAML) document, with ``changes`` merged in at the top level."""
    doc: dict[str, Any] = {**records(grid()), **changes}
    path = tmp_path / f"demo{suffix}"
    path.write_text(text if text is not None else json.dumps(doc), encoding="utf-8")
    return path


def with_cell(doc_path: Path, table: str, row: int, column: str, raw: str) -> Path:
    """The JSON document with one cell's value replaced by ``raw`` JSON text (item ``row``)."""
    doc = json.loads(doc_path.read_text())
    marker = "__CELL__"
    doc[table][row - 1][column] = marker
    doc_path.write_text(json.dumps(doc).replace(f'"{marker}"', raw), encoding="utf-8")
    return doc_path


# ----- numbers beyond the bounds ------------------------------------------------------------
def test_a_money_cell_of_5000_digits_is_located_and_short(tmp_path: Path) -> None:
    problem = only_problem(write_csv_folder(
        tmp_path / "demo", set_cell(grid(), "missions", 2, "budget_usd", "9" * 5000)))
    assert located(problem) == ("missions.csv", "missions", 2, "budget_usd")
    assert "expected an amount in US dollars" in problem.message
    assert len(problem.message) < 200


def test_units_of_two_to_the_62_are_refused_at_the_cell(tmp_path: Path) -> None:
    path = with_cell(document(tmp_path), "requirements", 1, "units", str(2**62))
    problem = only_problem(path)
    assert located(problem) == ("demo.json", "requirements", 1, "units")
    assert "above 10,000, the most the data contract accepts" in problem.message


@pytest.mark.parametrize(("table", "column", "raw", "says"), [
    ("missions", "personnel_ceiling", "1e30", "persons is above 10,000,000"),
    ("missions", "max_state_share", "1e-300", "is below 0.000001"),
    ("missions", "women_target", "Infinity", "expected a share from 0 to 1"),
    ("missions", "budget_usd", "1e300", "above US$1,000,000,000,000"),
    ("unit_pledges", "deploy_days", "100000", "days is above 3,650"),
    ("unit_pledges", "women_per_unit", "900", "exceeds 'personnel_per_unit' (850)"),
    ("unit_pledges", "equipment_gap", '{"APC": 1e30}', "items of 'APC' is above"),
    ("unit_pledges", "equipment_gap", '{"APC": [1]}', "must be a whole number"),
    ("unit_pledges", "equipment_gap", '{"APC": 10000000}', "items of 'APC' is above"),
    ("requirements", "priority", "100000", "as a priority is above 1,000"),
])
def test_a_cell_beyond_its_bound_names_its_row_and_column(
        tmp_path: Path, table: str, column: str, raw: str, says: str) -> None:
    problem = only_problem(with_cell(document(tmp_path), table, 1, column, raw))
    assert located(problem) == ("demo.json", table, 1, column)
    assert says in problem.message


def test_a_shares_decimals_beyond_six_are_rounded(tmp_path: Path) -> None:
    path = with_cell(document(tmp_path), "missions", 1, "women_target", str(1 / 3))
    assert read_scenario(path).missions[0].women_target == 0.333333


@pytest.mark.parametrize(("policy", "column", "says"), [
    ({"period_months": 2**70}, "period_months", "less than or equal to 120"),
    ({"min_readiness": float("inf")}, "min_readiness", "expected a readiness level"),
    ({"time_limit_s": float("nan")}, "time_limit_s", "finite number"),
    ({"priority_weights": {"1": 10**9}}, "priority_weights", "less than or equal to 1000000"),
    ({"deploy_days_by_readiness": {"L2": 10**9}}, "deploy_days_by_readiness", "days is above"),
])
def test_a_policy_value_beyond_its_bound_names_the_setting(
        tmp_path: Path, policy: dict[str, Any], column: str, says: str) -> None:
    problem = only_problem(document(tmp_path, policy=policy))
    assert (problem.table, problem.column) == ("policy", column)
    assert says in problem.message


def test_a_capability_kind_that_is_a_number_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    path = document(tmp_path, capabilities=[{"capability": "INF_BN", "kind": 1}])
    problem = only_problem(path)
    assert located(problem) == ("demo.json", "capabilities", 1, "kind")
    assert "'unit' or 'equipment'" in problem.message


def test_sums_beyond_what_a_solver_computes_exactly_are_refused_before_solving() -> None:
    # Every cell is within its bound, but a budget row sums 10,000 units of ~US$1e12 a month
    # over 120 months in cents: CP-SAT would answer "invalid".
    base = allocator.read_scenario(Path(__file__).parents[2] / "datasets/families/small")
    doc = base.to_document()
    for i, pledge in enumerate(doc["unit_pledges"]):
        pledge["monthly_cost_usd"], pledge["units"] = 10**12 - 7 - i / 100, 10_000
    for line in doc["requirements"]:
        line["units"] = 10_000
    doc["policy"] = {**doc.get("policy", {}), "period_months": 120}
    scenario = allocator.Scenario.model_validate(doc).revalidated()
    with pytest.raises(ScenarioError) as caught:
        allocator.solve(scenario, time_limit=5)
    first = caught.value.problems[0]
    assert first.table == "missions"
    assert "the budget rule of" in first.message
    assert "beyond the 4.61e+18 a solver computes exactly" in first.message


def test_a_nan_or_endless_time_limit_is_refused() -> None:
    scenario = allocator.read_scenario(Path(__file__).parents[2] / "datasets/families/small")
    for bad in (float("nan"), float("inf"), -1.0):
        with pytest.raises(ValueError, match="positive number of seconds up to 1,000,000"):
            allocator.solve(scenario, time_limit=bad)


# ----- documents too deep, too long-numbered, too large ------------------------------------
DEEP = 5000


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_a_document_nested_thousands_deep_is_refused(tmp_path: Path, suffix: str) -> None:
    nested = "[" * DEEP + "1" + "]" * DEEP
    text = json.dumps(records(grid())).replace('"M1"', nested, 1)
    problem = only_problem(document(tmp_path, suffix, text=text))
    assert problem.source == f"demo{suffix}"
    assert "nested more than 32 levels deep" in problem.message


def test_a_cell_nested_past_the_depth_limit_names_where(tmp_path: Path) -> None:
    weights: Any = 1
    for _ in range(40):
        weights = [weights]
    problem = only_problem(document(tmp_path, policy={"priority_weights": {"1": weights}}))
    assert "nested more than 32 levels deep at 'policy.priority_weights.1.1.1.1'" in \
        problem.message


def test_a_scenario_yaml_nested_thousands_deep_is_refused(tmp_path: Path) -> None:
    folder = write_csv_folder(tmp_path / "demo", grid())
    (folder / "scenario.yaml").write_text("policy: " + "[" * DEEP + "]" * DEEP)
    problems = problems_of(folder)
    assert [p.source for p in problems] == ["scenario.yaml"]
    assert "nested more than 32 levels deep" in problems[0].message


def test_a_workbook_mapping_cell_nested_thousands_deep_is_refused(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "demo.xlsx", grid(),
                          meta={"policy.priority_weights": "{1: " + "[" * DEEP + "]" * DEEP + "}"})
    problem = only_problem(path)
    assert (problem.table, problem.column) == ("scenario", "value")
    assert "nested more than 32 levels deep" in problem.message


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_a_5000_digit_number_in_a_document_is_refused(tmp_path: Path, suffix: str) -> None:
    text = json.dumps(records(grid())).replace('"units": 1', '"units": ' + "7" * 5000, 1)
    problem = only_problem(document(tmp_path, suffix, text=text))
    assert "5,000" in problem.message and "at most 40 digits" in problem.message
    assert len(problem.message) < 300


def test_a_5000_digit_number_in_scenario_yaml_is_refused(tmp_path: Path) -> None:
    folder = write_csv_folder(tmp_path / "demo", grid())
    (folder / "scenario.yaml").write_text("period_months: " + "3" * 5000 + "\n")
    problem = only_problem(folder)
    assert problem.source == "scenario.yaml"
    assert "at most 40 digits" in problem.message


def test_a_yaml_alias_bomb_is_refused_before_it_expands(tmp_path: Path) -> None:
    # Nine levels of ten aliases each: 10**9 values once expanded, a few hundred bytes written.
    lines = ["a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    text = yaml.safe_dump(records(grid())) + "\n".join(lines) + "\ndescription: *a8\n"
    problems = problems_of(document(tmp_path, ".yaml", text=text))
    assert len(problems) == 1
    assert "expands to more than 20,000,000 values" in problems[0].message


def test_a_file_above_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    path = document(tmp_path)
    with pytest.raises(ScenarioError) as caught:
        read_scenario(path, limits=ReadLimits(max_file_bytes=100))
    assert "above the limit of 100 bytes" in caught.value.problems[0].message
    assert read_scenario(path).missions[0].mission_id == "M1"  # the default limit is larger


# ----- damaged containers -----------------------------------------------------------------
def zipped(tmp_path: Path, padding: int = 0) -> Path:
    folder = write_csv_folder(tmp_path / "demo", grid())
    with (folder / "missions.csv").open("a") as handle:
        handle.write("\n" * padding)  # blank lines: ignored, but they count as bytes
    path = tmp_path / "demo.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(folder.iterdir()):
            archive.write(file, file.name)
    return path


def patch_headers(path: Path, field_offset: dict[bytes, int], fmt: str, value: int) -> None:
    """Set one field of every local (PK\\3\\4) and central (PK\\1\\2) header of a zip."""
    data = bytearray(path.read_bytes())
    for signature, offset in field_offset.items():
        start = data.find(signature)
        while start != -1:
            struct.pack_into(fmt, data, start + offset, value)
            start = data.find(signature, start + 4)
    path.write_bytes(bytes(data))


def test_a_zip_with_an_unsupported_compression_method(tmp_path: Path) -> None:
    path = zipped(tmp_path)
    patch_headers(path, {b"PK\x03\x04": 8, b"PK\x01\x02": 10}, "<H", 99)  # AES, say
    problem = only_problem(path)
    assert problem.source == "demo.zip"
    assert "uses a compression method that cannot be read" in problem.message
    assert "zip the scenario folder again" in problem.message


def test_a_password_protected_zip(tmp_path: Path) -> None:
    path = zipped(tmp_path)
    patch_headers(path, {b"PK\x03\x04": 6, b"PK\x01\x02": 8}, "<H", 1)  # the 'encrypted' flag
    problem = only_problem(path)
    assert problem.message.startswith("the zip file is password-protected")


def test_a_zip_with_damaged_data(tmp_path: Path) -> None:
    path = zipped(tmp_path)
    data = bytearray(path.read_bytes())
    first = data.find(b"PK\x03\x04")
    name_length, extra_length = struct.unpack_from("<HH", data, first + 26)
    body = first + 30 + name_length + extra_length
    data[body:body + 40] = b"\xff" * 40
    path.write_bytes(bytes(data))
    problem = only_problem(path)
    assert problem.message.startswith("the zip file is damaged and cannot be unpacked")


def test_a_zip_member_above_the_size_limit_is_not_unpacked(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as caught:
        read_scenario(zipped(tmp_path, padding=100_000),
                      limits=ReadLimits(max_file_bytes=50_000))
    (problem,) = caught.value.problems
    assert "file once unpacked is" in problem.message
    assert problem.source == "demo.zip/missions.csv"


def rewrite_part(path: Path, part: str, text: bytes) -> None:
    """Replace one part of an .xlsx (a zip) with ``text``."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts[part] = text
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


@pytest.mark.parametrize("part", ["xl/styles.xml", "xl/worksheets/sheet1.xml",
                                  "xl/workbook.xml", "[Content_Types].xml"])
def test_a_workbook_with_a_damaged_part(tmp_path: Path, part: str) -> None:
    path = write_workbook(tmp_path / "demo.xlsx", grid())
    rewrite_part(path, part, b"<?xml version='1.0'?><broken")
    problem = only_problem(path)
    assert problem.source == "demo.xlsx"
    assert problem.message.startswith("the workbook is damaged and cannot be unpacked")
    assert "save it again as .xlsx" in problem.message


def test_a_password_protected_workbook(tmp_path: Path) -> None:
    path = tmp_path / "demo.xlsx"
    path.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 504)
    problem = only_problem(path)
    assert "password-protected or in the old .xls format" in problem.message


def test_a_truncated_workbook(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "demo.xlsx", grid())
    path.write_bytes(path.read_bytes()[:1500])
    problem = only_problem(path)
    assert problem.source == "demo.xlsx"
    assert "damaged" in problem.message


# ----- what is echoed stays readable ------------------------------------------------------
def test_a_100000_character_cell_is_echoed_cut(tmp_path: Path) -> None:
    problems = problems_of(write_csv_folder(
        tmp_path / "demo", set_cell(grid(), "requirements", 2, "mission_id", "X" * 100_000)))
    assert problems and all(len(p.message) < 300 for p in problems)
    assert any("100,000 characters" in p.message for p in problems)


@pytest.mark.parametrize("form", ["folder", "zip", "json", "yaml"])
def test_a_cell_of_a_million_characters_is_one_problem_at_its_cell(
        tmp_path: Path, form: str) -> None:
    # Found by the fuzzer: a 1,000,000-character list cell ("1;1;...") was split into 500,000
    # unknown states, each compared with every known one: minutes, then 500,000 problems.
    huge = "1;" * 500_000
    tables = set_cell(grid(), "missions", 3, "excluded_states", huge)
    if form in ("folder", "zip"):
        path = write_csv_folder(tmp_path / "demo", tables)
        if form == "zip":
            with zipfile.ZipFile(tmp_path / "demo.zip", "w") as archive:
                for file in sorted(path.iterdir()):
                    archive.write(file, file.name)
            path = tmp_path / "demo.zip"
        source = "missions.csv"
    else:
        suffix = f".{form}"
        doc = records(tables)
        path = tmp_path / f"demo{suffix}"
        path.write_text(json.dumps(doc) if form == "json" else yaml.safe_dump(doc),
                        encoding="utf-8")
        source = path.name
    problem = only_problem(path)
    assert (problem.table, problem.column) == ("missions", "excluded_states")
    assert problem.row == (3 if form in ("folder", "zip") else 2)
    assert (problem.source or "").endswith(source)
    assert f"a cell of {len(huge):,} characters" in problem.message
    assert "32,767" in problem.message


def test_a_cell_at_the_limit_loads_and_validates_again(tmp_path: Path) -> None:
    # Found by the fuzzer: a list cell of 32,767 characters loaded, and then its list
    # (measured as Python's text of it, 4 characters longer) was refused when solve()
    # validated the scenario again.
    at_limit = "x" * 32_767
    tables = set_cell(grid(), "member_states", 2, "languages", at_limit)
    set_cell(tables, "unit_pledges", 2, "languages", ";".join(["en", "fr"] * 1000) + ";" +
             "y" * (32_767 - 5_999 - 1))
    scenario = read_scenario(write_csv_folder(tmp_path / "demo", tables))
    assert scenario.state_by_code["NOR"].languages == [at_limit]
    assert scenario.revalidated().state_by_code["NOR"].languages == [at_limit]


def test_a_huge_list_in_a_document_cell_is_one_problem(tmp_path: Path) -> None:
    path = with_cell(document(tmp_path), "unit_pledges", 2, "languages",
                     json.dumps([f"l{i}" for i in range(20_000)]))
    problem = only_problem(path)
    assert located(problem) == ("demo.json", "unit_pledges", 2, "languages")
    assert "characters; a cell holds at most 32,767" in problem.message


def test_repeated_items_of_a_list_cell_count_once(tmp_path: Path) -> None:
    scenario = read_scenario(folder_with(tmp_path, "missions", 3, "excluded_states",
                                         "NOR;nor; NOR;BGD;NOR"))
    assert scenario.mission_by_id["M2"].excluded_states == ["NOR", "BGD"]
    problem = only_problem(folder_with(tmp_path / "again", "missions", 3, "excluded_states",
                                       ";".join(["XXX"] * 5000)))
    assert located(problem) == ("missions.csv", "missions", 3, "excluded_states")
    assert "unknown state 'XXX'" in problem.message


def test_a_list_cell_of_more_than_a_thousand_names_is_refused(tmp_path: Path) -> None:
    problem = only_problem(folder_with(tmp_path, "unit_pledges", 2, "languages",
                                       ";".join(f"l{i}" for i in range(1001))))
    assert located(problem) == ("unit_pledges.csv", "unit_pledges", 2, "languages")
    assert "a list of 1,001 different names" in problem.message


def test_a_problem_repeated_on_many_rows_lists_the_first_thousand_and_counts_the_rest(
        tmp_path: Path) -> None:
    tables = grid()
    header, first = tables["transport_costs"][0], tables["transport_costs"][1]
    tables["transport_costs"] = [header] + [
        ["XXX" if c == "state" else v for c, v in zip(header, first, strict=True)]
        for _ in range(1500)]
    with pytest.raises(ScenarioError) as caught:
        read_scenario(write_csv_folder(tmp_path / "demo", tables))
    # Each row: an unknown state, and a duplicate of the others' (state, mission): 3,000.
    problems = caught.value.problems
    assert len(problems) == 1001 and caught.value.unlisted == 2000
    assert all(located(p)[1:] == ("transport_costs", n + 2, "state")
               for n, p in enumerate(problems[:1000]))
    assert problems[-1].row is None
    assert problems[-1].message.startswith("... and 2,000 more problems, not listed")
    assert str(caught.value).startswith("scenario has 3,000 problems:")
    # Raised again with more problems (as the readers do), the count carries over.
    again = ScenarioError([Defect(table="missions", message="late"), *problems])
    assert again.unlisted == 2001 and again.problems[-1].message.startswith("... and 2,001")


def test_a_column_missing_from_the_header_is_one_problem_however_many_rows(
        tmp_path: Path) -> None:
    tables = grid()
    header, first = tables["unit_pledges"][0], tables["unit_pledges"][1]
    keep = [i for i, c in enumerate(header) if c != "personnel_per_unit"]
    rows = [[f"P{n}" if c == "pledge_id" else first[i] for i, c in enumerate(header)]
            for n in range(3000)]
    tables["unit_pledges"] = [[header[i] for i in keep]] + [[r[i] for i in keep] for r in rows]
    problem = only_problem(write_csv_folder(tmp_path / "demo", tables))
    assert (problem.table, problem.column, problem.row) == (
        "unit_pledges", "personnel_per_unit", 1)
    assert "required column 'personnel_per_unit' is missing" in problem.message


def test_shown_never_fails_and_stays_short() -> None:
    deep: Any = []
    for _ in range(10_000):
        deep = [deep]
    for value in (10**5000, "y" * 10**6, deep, {"k" * 500: list(range(10**4))}, b"\xff" * 999):
        assert len(shown(value)) < 120


def test_a_defect_message_is_capped() -> None:
    defect = Defect(table="missions", message="z" * 10_000)
    assert len(defect.message) < MESSAGE_CHARS + 60
    assert defect.message.endswith("(message cut; 10,000 characters)")


def test_an_echoed_header_is_cut(tmp_path: Path) -> None:
    tables = grid()
    tables["missions"][0][1] = "n" * 50_000  # outside the contract: a warning, cut
    warnings = read_scenario(write_csv_folder(tmp_path / "demo", tables)).warnings
    assert len(warnings) == 1
    assert len(warnings[0].message) < MESSAGE_CHARS + 60
    assert warnings[0].column is not None and len(warnings[0].column) < 70


# ----- an analyst's DataFrames hold any Python or NumPy value ------------------------------
STRANGE = [pd.NA, pd.NaT, np.int64(2**62), np.float64("inf"), np.float64(1e300),
           datetime.datetime(2025, 1, 1), complex(1, 2), b"\xff\x00", {"a": {"b": 1}}, {1, 2},
           object(), Decimal("NaN"), Decimal("1e999999"), -0.0, True, [None], float("-inf"),
           10**5000, "1e999999999", "\u0663", np.int8(-1), np.bool_(True), np.array([1, 2])]


@pytest.mark.parametrize("table", ["missions", "requirements", "unit_pledges"])
def test_any_value_in_a_dataframe_cell_is_a_located_problem_or_loads(table: str) -> None:
    base = read_scenario(Path(__file__).parents[2] / "datasets/families/small").to_document()
    crashes, unlocated = [], []
    for column in base[table][0]:
        for value in STRANGE:
            tables = {k: pd.DataFrame(v) for k, v in base.items() if isinstance(v, list)}
            frame = tables[table].astype(object)
            frame.at[0, column] = value
            tables[table] = frame
            try:
                allocator.Scenario.from_tables(tables, policy=base.get("policy"))
            except ScenarioError as err:
                unlocated += [(column, shown(value), str(p)) for p in err.problems
                              if p.row is None or len(p.message) > MESSAGE_CHARS + 60]
            except Exception as err:  # what this test exists to catch
                crashes.append((column, shown(value), f"{type(err).__name__}: {err}"))
    assert crashes == []
    assert unlocated == []
