"""The shipped datasets: they load, every form of them round-trips, and they solve verified."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from allocator import read_scenario, solve, verify_plan, write_scenario
from allocator.backends import available_backends

from .conftest import DATASETS

UN_2025 = DATASETS / "un_2025"


@pytest.fixture(scope="module")
def un_2025():
    return read_scenario(UN_2025)


def test_un_2025_is_realistic_in_size(un_2025) -> None:
    # The bounds for the realistic dataset.
    assert 10 <= len(un_2025.missions) <= 16
    assert len(un_2025.member_states) >= 90
    assert 400 <= len(un_2025.unit_pledges) <= 800
    assert 30 <= len(un_2025.equipment_pledges) <= 80
    assert 20 <= len(un_2025.funding_pledges) <= 40
    assert any(u.equipment_gap for u in un_2025.unit_pledges)
    assert any(f.earmarked_missions for f in un_2025.funding_pledges)


@pytest.mark.parametrize("suffix", [".xlsx", ".json", ".yaml", ".zip"])
def test_un_2025_round_trips_through_every_form(un_2025, tmp_path: Path, suffix: str) -> None:
    path = write_scenario(un_2025, tmp_path / f"un_2025{suffix}")
    assert read_scenario(path) == un_2025


def test_un_2025_solves_to_the_proven_optimum(un_2025, backend: str) -> None:
    """Every backend proves the same optimum, recorded in expected.json, with a verified plan."""
    expected = json.loads((UN_2025 / "expected.json").read_text())
    # Generous: CP-SAT takes about 40 s and HiGHS several minutes on 2 cores (README).
    result = solve(un_2025, backend=backend, time_limit=900)
    assert result.status.value == expected["status"], result.levels
    assert result.plan is not None
    report = verify_plan(un_2025, result.plan)
    assert report.ok, report.violations
    assert result.objective == expected["objective"]
    for level in result.levels:
        assert level.bound == pytest.approx(level.value)
    missions = result.missions.set_index("mission_id")
    for m in un_2025.missions:
        if m.personnel_ceiling is not None:
            assert missions.loc[m.mission_id, "personnel"] <= m.personnel_ceiling


FAMILIES = DATASETS / "families"


def test_committed_small_family_is_what_the_generator_writes() -> None:
    from allocator.generators.families import generate_family

    committed = read_scenario(FAMILIES / "small")
    assert committed == generate_family("small", 0).revalidated()


@pytest.mark.parametrize("size", ["small", "medium"])
def test_family_expected_json_records_its_proof(size: str) -> None:
    expected = json.loads((FAMILIES / size / "expected.json").read_text())
    assert expected["status"] == "optimal"
    assert len(expected["proven_by"]) >= 2
    assert set(expected["model"]) == {"variables", "rows", "nonzeros"}
    from allocator.model.formulation import build_formulation
    from allocator.model.problem import compile_problem

    model = build_formulation(compile_problem(read_scenario(FAMILIES / size))).model
    assert model.size() == expected["model"]


def test_small_family_solves_to_its_proven_optimum(backend: str) -> None:
    scenario = read_scenario(FAMILIES / "small")
    expected = json.loads((FAMILIES / "small" / "expected.json").read_text())
    result = solve(scenario, backend=backend, time_limit=120)
    assert result.status.value == "optimal"
    assert verify_plan(scenario, result.plan).ok
    assert result.objective == expected["objective"]
    assert result.model_size == expected["model"]


# The two fastest of the backends that proved medium (about 5 s and 9 s on 2 cores) re-prove it
# on every run, so a change to the model or the generator cannot drift from the file silently.
@pytest.mark.parametrize("backend_name", ["cbc", "cpsat"])
def test_medium_family_solves_to_its_proven_optimum(backend_name: str) -> None:
    if backend_name not in available_backends():
        pytest.skip(f"{backend_name} is not installed")
    scenario = read_scenario(FAMILIES / "medium")
    expected = json.loads((FAMILIES / "medium" / "expected.json").read_text())
    assert backend_name in expected["proven_by"]
    result = solve(scenario, backend=backend_name, time_limit=300)
    assert result.status.value == "optimal"
    assert verify_plan(scenario, result.plan).ok
    assert result.objective == expected["objective"]
