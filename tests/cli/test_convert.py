"""``allocator convert``: every form round-trips, nothing is overwritten unasked, a bad source
writes nothing, and what is written can be shared (ordinary permissions)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from allocator import Scenario, read_scenario, write_scenario
from allocator.cli import app

from ..conftest import DATASETS
from ..helpers import mission, pledge, req, scenario

runner = CliRunner()

SMALL = scenario(
    missions=[mission("M1", budget_usd="1234567.89", excluded_states="DDD", women_target=0.1),
              mission("M2", personnel_ceiling=900)],
    requirements=[req("R1", "INF_BN", 2, priority=1, mandatory=True, language="fr"),
                  req("R2", "L2_HOSP", 1, mission_id="M2", deadline_days=90)],
    unit_pledges=[pledge("P1", "BBB", "INF_BN", 2, 850, women_per_unit=40,
                         excluded_missions="M2", equipment_gap="APC:4"),
                  pledge("P2", "CCC", "L2_HOSP", 1, 63, readiness="RDL", must_deploy=True)],
    equipment_pledges=[{"equipment_id": "E1", "state": "AAA", "item": "APC", "quantity": 8}],
    funding_pledges=[{"funding_id": "F1", "donor": "AAA", "amount_usd": 500000,
                      "earmarked_missions": "M1;M2"}],
    policy={"reimbursement_rate_usd": 1500, "women_target": 0.12, "time_limit_s": 30})

# Each step reads the previous step's output: folder -> xlsx -> json -> yaml -> zip -> folder.
CHAIN = ["un.xlsx", "un.json", "un.yaml", "un.zip", "back"]


def convert(*args: str | Path) -> tuple[int, str]:
    out = runner.invoke(app, ["convert", *map(str, args)])
    return out.exit_code, out.output


@pytest.mark.parametrize("source", ["un_2025", "small"])
def test_every_form_round_trips(tmp_path: Path, source: str) -> None:
    start = (write_scenario(SMALL, tmp_path / "small") if source == "small"
             else DATASETS / "un_2025")
    original = read_scenario(start)
    previous = start
    for name in CHAIN:
        code, output = convert(previous, tmp_path / name)
        assert code == 0, output
        assert "wrote" in output
        again = read_scenario(tmp_path / name)
        assert again.to_document() == original.to_document(), name
        previous = tmp_path / name
    assert {"scenario.yaml", "missions.csv", "unit_pledges.csv"} <= {
        p.name for p in (tmp_path / "back").iterdir()}


def test_an_existing_target_needs_force(tmp_path: Path) -> None:
    source = write_scenario(SMALL, tmp_path / "small.json")
    target = tmp_path / "plan.xlsx"
    target.write_bytes(b"someone's workbook")
    code, output = convert(source, target)
    assert code == 2 and "exists; pass --force" in output
    assert target.read_bytes() == b"someone's workbook"
    code, output = convert(source, target, "--force")
    assert code == 0, output
    assert read_scenario(target).to_document() == SMALL.to_document()


def test_a_bad_source_exits_2_with_its_problems_and_writes_nothing(tmp_path: Path) -> None:
    folder = write_scenario(SMALL, tmp_path / "bad")
    pledges = folder / "unit_pledges.csv"
    pledges.write_text(pledges.read_text().replace(",850,", ",-5,"))
    lines = folder / "requirements.csv"
    lines.write_text(lines.read_text().replace("R1,M1,", "R1,M9,"))
    code, output = convert(folder, tmp_path / "out.xlsx")
    assert code == 2
    assert "2 problem(s); nothing was loaded" in output
    assert "unit_pledges.csv, row 2, column 'personnel_per_unit'" in output
    assert "requirements.csv, row 2, column 'mission_id': unknown mission 'M9'" in output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad"]


def test_an_unknown_suffix_is_refused_before_reading(tmp_path: Path) -> None:
    code, output = convert(tmp_path / "missing", tmp_path / "plan.xslx")
    assert code == 2 and "cannot write a .xslx scenario" in output
    assert list(tmp_path.iterdir()) == []


@pytest.fixture()
def umask_002() -> Iterator[None]:
    old = os.umask(0o002)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("umask_002")
@pytest.mark.parametrize("name", ["s.xlsx", "s.json", "s.yaml", "s.zip", "folder"])
def test_written_files_get_ordinary_permissions(tmp_path: Path, name: str) -> None:
    # Written twice: the second write replaces the first through a staged sibling.
    for _ in range(2):
        target = write_scenario(SMALL, tmp_path / name)
    if target.is_dir():
        assert _mode(target) == 0o775
        assert {_mode(p) for p in target.iterdir()} == {0o664}
    else:
        assert _mode(target) == 0o664
    # Nothing of the staging is left beside it.
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import allocator.scenario.writers as writers

    def broken(scenario: Scenario, target: Path) -> None:
        target.write_text("half")
        raise OSError("disk full")

    monkeypatch.setitem(writers._WRITERS, ".json", broken)
    with pytest.raises(OSError, match="disk full"):
        write_scenario(SMALL, tmp_path / "s.json")
    assert list(tmp_path.iterdir()) == []
