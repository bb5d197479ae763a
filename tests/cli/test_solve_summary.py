"""``allocator solve``'s summary: the objective levels in words, women against targets with
misses marked, contributors per mission, and why each short line is short, in 80 columns."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from allocator import write_scenario
from allocator.cli import app

from ..conftest import DATASETS
from ..result.briefing import BRIEF, COST_USD, EXTRA_USD

runner = CliRunner()


def solve(path: Path) -> list[str]:
    out = runner.invoke(app, ["solve", str(path), "--time-limit", "60"])
    assert out.exit_code == 0, out.output
    return out.output.splitlines()


def table(lines: list[str], title: str, column: str) -> dict[str, str]:
    """The cells of ``column`` by the first word of each row, in a printed rich table titled
    ``title``; a cell wrapped over several lines is joined again."""
    start = next(i for i, line in enumerate(lines) if line.strip().startswith(title))
    header = next(i for i in range(start, len(lines)) if column in lines[i].split())
    at = lines[header].index(f" {column}") + 1
    cells: dict[str, str] = {}
    current = None
    for line in lines[header + 2:]:
        if not line.strip():
            break
        # A row starts where the other cells are filled; the key column's second line holds
        # the line's capability, beside the rest of a wrapped reason.
        cols = line[:at].split()
        if len(cols) >= 3:
            current = cols[0]
            cells[current] = line[at:].strip()
        elif current is not None:
            cells[current] = f"{cells[current]} {line[at:].strip()}".strip()
    return cells


@pytest.fixture(scope="module")
def brief(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    return solve(write_scenario(BRIEF, tmp_path_factory.mktemp("cli") / "brief.json"))


def test_levels_in_words(brief: list[str]) -> None:
    assert "period 12 months; plan verified; gap 0.00%" in brief
    assert "weighted shortfall 12: 2 of 4 units filled, 2 lines short" in brief
    assert "soft-goal slack 40.0 persons: women below target in 1 mission" in brief
    assert f"cost US${COST_USD:,} for the period" in brief


def test_women_beside_target_with_misses_marked(brief: list[str]) -> None:
    rows = {line.split()[0]: line.split() for line in brief
            if line.split() and line.split()[0] in {"M1", "M2"} and "%" in line}
    # M1: 80 women of 800 = 10.0%, below its 15% target; M2 has no target.
    assert rows["M1"] == ["M1", "800", "-", "10.0%*", "15%", "1/2", "13.9", "20.0"]
    assert rows["M2"] == ["M2", "150", "-", "0.0%", "-", "1/2", "3.6", "5.0"]
    assert "* women below the mission's target (1 mission)" in brief


def test_contributors_per_mission(brief: list[str]) -> None:
    assert "  M1         1: AAA 800" in brief
    assert "  M2         1: CCC 150" in brief


def test_short_lines_say_the_rule_in_words(brief: list[str]) -> None:
    why = table(brief, "Requirements with a shortfall (2)", "why")
    assert why == {"R2": "no L2_HOSP pledge speaks the required language (fr)",
                   "R3": f"budget: US${EXTRA_USD:,} more would fill it"}
    assert not any("excluded_by_rule" in line for line in brief)


def test_fits_80_columns(brief: list[str]) -> None:
    # The first line names the scenario, whatever its length; everything else fits.
    assert all(len(line) <= 80 for line in brief[1:]), [x for x in brief if len(x) > 80]


def test_un_2025_key_lines() -> None:
    lines = solve(DATASETS / "un_2025")
    assert lines[0].startswith("UN peacekeeping force generation 2025-26")
    assert "optimal with auto" in lines[0]
    assert "weighted shortfall 98: 298 of 310 units filled, 8 lines short" in lines
    assert "soft-goal slack 1,653.4 persons: women below target in 8 missions" in lines
    assert "cost US$1,308,483,624 for the period" in lines
    assert "* women below the mission's target (8 missions)" in lines
    marked = sorted(line.split()[0] for line in lines if "%*" in line)
    assert marked == sorted(["MINUSCA", "MONUSCO", "UNMISS", "UNIFIL", "UNISFA", "UNDOF",
                             "UNFICYP", "UNSOS"])
    # Which states contribute is one of several optimal plans (the race takes whichever
    # engine proves first), so only the line's form is asserted here; the small brief above
    # checks the figures.
    assert any(re.fullmatch(r"  MINUSCA +\d+: [A-Z]{3} [\d,]+, .*", line) for line in lines)
    why = table(lines, "Requirements with a shortfall (8)", "why")
    assert len(why) == 8 and all(why.values())
    assert why["MINUSCA-R09"] == ("no usable L2_HOSP pledge: 8 of 9 do not speak the required "
                                  "language (fr)")
    assert why["UNMISS-R27"] == "no RIVERINE_COY pledge is at readiness L3 or above"
    # Which higher-priority line holds the units depends on the optimal plan taken.
    assert re.fullmatch(r"compatible units are used on higher-priority lines? [A-Z]+-R\d+.*",
                        why["MINURSO-R02"])
    assert all(len(line) <= 80 for line in lines[1:])
