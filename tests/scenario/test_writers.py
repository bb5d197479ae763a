"""Whatever form a scenario is written in, reading it back gives the same scenario."""

from __future__ import annotations

from pathlib import Path

import pytest

from allocator.scenario.readers import read_scenario
from allocator.scenario.scenario import Scenario
from allocator.scenario.writers import write_scenario

from .test_readers import GRID, records

FORMS = ["folder", "plan.xlsx", "plan.json", "plan.yaml", "plan.yml", "plan.zip"]


@pytest.fixture
def scenario() -> Scenario:
    """The reader tests' scenario plus what they leave out: a catalogue and a full policy."""
    tables = records(GRID)
    tables["capabilities"] = [
        {"capability": "INF_BN", "description": "Infantry battalion", "default_personnel": 850},
        {"capability": "L1_HOSP", "substitutes": "L2_HOSP"},
        {"capability": "L2_HOSP", "description": "Level-2 hospital, 70 staff"},
        {"capability": "APC", "kind": "equipment"},
        {"capability": "MRAP", "kind": "equipment"},
    ]
    policy = {
        "period_months": 6,
        "reimbursement_rate_usd": "1428.57",
        "priority_weights": {1: 20, 2: 10, 3: 5},
        "objective": ["shortfall", "cost", "soft_goals"],
        "objective_mode": "weighted",
        "objective_weights": {"cost": "2.5"},
        "time_limit_s": 12.5,
        "min_readiness": "L3",
        "women_target": 0.15,
        "state_share_hard": True,
        "deploy_days_by_readiness": {"L1": 200},
    }
    return Scenario.from_tables(tables, name="Kivu – test", description="two lines\nof notes",
                                policy=policy)


@pytest.mark.parametrize("form", FORMS)
def test_round_trip(form: str, tmp_path: Path, scenario: Scenario) -> None:
    written = write_scenario(scenario, tmp_path / form)
    assert written == tmp_path / form
    assert read_scenario(written) == scenario


@pytest.mark.parametrize("form", FORMS)
def test_writing_again_replaces_the_output(form: str, tmp_path: Path,
                                           scenario: Scenario) -> None:
    write_scenario(scenario, tmp_path / form)
    smaller = scenario.model_copy(update={"transport_costs": [], "name": "second"})
    write_scenario(smaller, tmp_path / form)
    assert read_scenario(tmp_path / form) == smaller
    assert sorted(p.name for p in tmp_path.iterdir()) == [form]  # no staging files left


def test_folder_holds_one_csv_per_table_and_scenario_yaml(tmp_path: Path,
                                                          scenario: Scenario) -> None:
    folder = write_scenario(scenario, tmp_path / "out")
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [f"{t}.csv" for t in GRID] + ["capabilities.csv", "preferences.csv", "scenario.yaml"])
    pledges = (folder / "unit_pledges.csv").read_text(encoding="utf-8").splitlines()
    assert pledges[1] == "P1,BGD,INF_BN,2,850,80,L3,90,en;fr,,0,,,false,APC:4;MRAP:2"
    assert pledges[2] == "P2,NOR,L2_HOSP,1,70,0,L2,,,,0,,,false,"


def test_rewriting_a_folder_keeps_its_readme(tmp_path: Path, scenario: Scenario) -> None:
    folder = write_scenario(scenario, tmp_path / "out")
    (folder / "README.md").write_text("where these numbers come from", encoding="utf-8")
    write_scenario(scenario, folder)
    assert (folder / "README.md").read_text(encoding="utf-8") == "where these numbers come from"


def test_refuses_to_replace_a_folder_that_is_not_a_scenario(tmp_path: Path,
                                                           scenario: Scenario) -> None:
    (tmp_path / "keep.txt").write_text("precious", encoding="utf-8")
    with pytest.raises(FileExistsError, match=r"keep\.txt"):
        write_scenario(scenario, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


@pytest.mark.parametrize("form", FORMS)
def test_parent_that_is_a_file_fails_and_leaves_nothing(form: str, tmp_path: Path,
                                                        scenario: Scenario) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(OSError):
        write_scenario(scenario, blocker / form)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker"]
    assert blocker.read_text(encoding="utf-8") == "not a folder"


@pytest.mark.parametrize("form", FORMS)
def test_failure_midway_keeps_the_previous_output(form: str, tmp_path: Path,
                                                  scenario: Scenario,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    target = write_scenario(scenario, tmp_path / form)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    # The policy is dumped last, when the staged output already holds the tables.
    monkeypatch.setattr("allocator.scenario.writers._policy", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        write_scenario(scenario.model_copy(update={"name": "half"}), target)
    assert sorted(p.name for p in tmp_path.iterdir()) == [form]
    assert read_scenario(target) == scenario


@pytest.mark.parametrize("form", FORMS)
def test_failure_to_rename_into_place_keeps_the_previous_output(
    form: str, tmp_path: Path, scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = write_scenario(scenario, tmp_path / form)

    def refuse(*args: object) -> None:
        raise PermissionError("read-only")

    monkeypatch.setattr("allocator.scenario.writers.os.replace", refuse)
    monkeypatch.setattr(Path, "rename", refuse)
    with pytest.raises(PermissionError):
        write_scenario(scenario.model_copy(update={"name": "complete"}), target)
    monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.iterdir()) == [form]
    assert read_scenario(target) == scenario


def test_swap_failure_puts_the_old_folder_back(tmp_path: Path, scenario: Scenario,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    target = write_scenario(scenario, tmp_path / "out")
    rename = Path.rename

    def fail_on_staging(self: Path, to: Path) -> Path:
        if self.name.endswith(".tmp"):  # parking the old folder works; moving the new one in fails
            raise PermissionError("read-only")
        return rename(self, to)

    monkeypatch.setattr(Path, "rename", fail_on_staging)
    with pytest.raises(PermissionError):
        write_scenario(scenario.model_copy(update={"name": "complete"}), target)
    monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert read_scenario(target) == scenario
