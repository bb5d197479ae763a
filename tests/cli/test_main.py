"""The ``allocator`` command line: validate, solve, backends, and bad input exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from allocator import AllocationResult, write_scenario
from allocator.cli import app

from ..helpers import mission, pledge, req, scenario

runner = CliRunner()

# One battalion asked and pledged: 850 × 1448 × 12 = 14,769,600 USD for the year.
SC = scenario(missions=[mission("M1", budget_usd=20_000_000)],
              requirements=[req("R1", "INF_BN", 1, priority=1)],
              unit_pledges=[pledge("P1", "AAA", "INF_BN", 1, 850)])


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    return write_scenario(SC, tmp_path / "scenario")


def test_validate_ok(folder: Path) -> None:
    out = runner.invoke(app, ["validate", str(folder)])
    assert out.exit_code == 0, out.output
    assert "valid" in out.output and "1 requirements" in out.output


def test_validate_and_solve_show_warnings_and_still_succeed(folder: Path) -> None:
    missions = folder / "missions.csv"
    lines = missions.read_text().splitlines()
    missions.write_text("\n".join([lines[0], *lines[1:], lines[1].replace("M1,", "M2,", 1)])
                        + "\n")
    requirements = folder / "requirements.csv"
    lines = requirements.read_text().splitlines()
    requirements.write_text("\n".join([lines[0] + ",notes", lines[1] + ",ask DPO"]) + "\n")
    for command in ("validate", "solve"):
        out = runner.invoke(app, [command, str(folder)])
        assert out.exit_code == 0, out.output
        assert "2 warnings (the scenario loaded)" in out.output
        assert ("requirements.csv, row 1, column 'notes': column 'notes' is not part of "
                "requirements and was ignored") in out.output
        assert ("missions.csv, row 3, column 'mission_id': mission 'M2' has no requirement "
                "lines") in out.output
    assert "valid (2 warnings above)" in runner.invoke(app, ["validate", str(folder)]).output


def test_validate_reports_every_problem(tmp_path: Path, folder: Path) -> None:
    pledges = folder / "unit_pledges.csv"
    pledges.write_text(pledges.read_text().replace(",850,", ",-5,"))
    lines = folder / "requirements.csv"
    lines.write_text(lines.read_text().replace("R1,M1,", "R1,M9,"))
    out = runner.invoke(app, ["validate", str(folder)])
    assert out.exit_code == 2
    assert "2 problem(s)" in out.output
    assert "unit_pledges.csv, row 2, column 'personnel_per_unit'" in out.output
    assert "requirements.csv, row 2, column 'mission_id': unknown mission 'M9'" in out.output


def test_solve_prints_summary_and_writes_plan(folder: Path, tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    out = runner.invoke(app, ["solve", str(folder), "--time-limit", "20", "--out", str(plan)])
    assert out.exit_code == 0, out.output
    assert "optimal" in out.output and "14,769,600" in out.output
    doc = json.loads(plan.read_text())
    assert doc["status"] == "optimal"
    assert doc["objective"] == {"weighted_shortfall": 0, "soft_goal_slack": 0,
                                "preference_penalty": 0, "cost_usd": 14_769_600.0}
    assert AllocationResult.from_json(plan).is_feasible()


def test_solve_with_each_backend(folder: Path, backend: str) -> None:
    out = runner.invoke(app, ["solve", str(folder), "--backend", backend, "--time-limit", "20"])
    assert out.exit_code == 0, out.output
    assert f"with {backend}" in out.output


def test_solve_unknown_backend_is_exit_2(folder: Path) -> None:
    out = runner.invoke(app, ["solve", str(folder), "--backend", "gurobi"])
    assert out.exit_code == 2
    assert "unknown backend 'gurobi'" in out.output


def test_solve_infeasible_is_exit_1(tmp_path: Path) -> None:
    # A mandatory battalion with no pledge at all cannot be filled.
    sc = scenario(missions=[mission("M1")],
                  requirements=[req("R1", "INF_BN", 1, mandatory=True)],
                  unit_pledges=[pledge("P1", "AAA", "ENG_COY", 1, 250)])
    path = write_scenario(sc, tmp_path / "infeasible.json")
    out = runner.invoke(app, ["solve", str(path), "--time-limit", "20"])
    assert out.exit_code == 1
    assert "infeasible" in out.output


def test_backends_lists_all() -> None:
    out = runner.invoke(app, ["backends"])
    assert out.exit_code == 0
    for name in ("cpsat", "cbc", "highs", "scip"):
        assert name in out.output


@pytest.mark.parametrize("args", [["--time-limit", "-1"], ["--objective", "fastest"],
                                  ["--out", "plan.csv"]])
def test_solve_bad_options_are_exit_2(folder: Path, tmp_path: Path, args: list[str]) -> None:
    if args[0] == "--out":
        args = ["--out", str(tmp_path / args[1])]
    out = runner.invoke(app, ["solve", str(folder), "--time-limit", "20", *args])
    assert out.exit_code == 2, out.output
    assert not (tmp_path / "plan.csv").exists()


def test_missing_path_is_exit_2(tmp_path: Path) -> None:
    out = runner.invoke(app, ["solve", str(tmp_path / "nowhere")])
    assert out.exit_code == 2
    assert "nowhere" in out.output
