"""HiGHS and SCIP solve at their default tolerance and re-solve strictly when rounding breaks a row.

A default-tolerance plan that breaks a row once rounded cannot be produced on demand from a
model small enough for a unit test, so the first solve's outcome is replaced here; the
re-solve that follows is the real solver's.
"""

from __future__ import annotations

import pytest

from allocator.backends import _probe_model, is_available
from allocator.backends.base import LevelOutcome
from allocator.backends.mathopt import (
    DEFAULT_TOLERANCE,
    STRICT_TOLERANCE,
    HighsBackend,
    MathOptBackend,
    ScipBackend,
)
from allocator.status import SolveStatus

OBJECTIVE = {0: 2, 1: 1}


def _engines() -> list[type[MathOptBackend]]:
    return [cls for cls in (HighsBackend, ScipBackend) if is_available(cls.name)]


@pytest.fixture(params=_engines(), ids=lambda cls: cls.name)
def engine(request: pytest.FixtureRequest) -> MathOptBackend:
    # The registry's probe: min 2 x0 + x1 with x0 + x1 >= 2, integers in [0, 3]; optimum (0, 2).
    return request.param(_probe_model())


def test_breaks_checks_rows_and_locks_in_integers(engine: MathOptBackend) -> None:
    assert not engine.breaks([0, 2])
    assert engine.breaks([0, 1])  # x0 + x1 = 1 < 2: a rounded-down plan short of the row
    engine.lock(OBJECTIVE, 2, scale=1.0)
    assert engine.breaks([1, 1])  # meets the row, but 2 + 1 = 3 is above the level held at 2
    assert not engine.breaks([0, 2])


def test_a_rounded_plan_that_breaks_a_row_is_solved_again_strictly(
        engine: MathOptBackend, monkeypatch: pytest.MonkeyPatch) -> None:
    tolerances: list[float] = []
    real = engine._solve

    def first_rounds_badly(objective, scale, time_limit_s, model_params, tolerance):
        tolerances.append(tolerance)
        if tolerance == DEFAULT_TOLERANCE:  # as if x1 = 1.9999995 had rounded to 1
            return LevelOutcome(SolveStatus.OPTIMAL, [0, 1], 1.0, 1.0, 0.0)
        return real(objective, scale, time_limit_s, model_params, tolerance)

    monkeypatch.setattr(engine, "_solve", first_rounds_badly)
    outcome = engine.optimize(OBJECTIVE, scale=1.0, time_limit_s=10.0)
    assert tolerances == [DEFAULT_TOLERANCE, STRICT_TOLERANCE]
    assert outcome.status is SolveStatus.OPTIMAL
    assert outcome.values == [0, 2] and outcome.objective == 2


def test_a_plan_breaking_a_row_at_both_tolerances_is_no_plan(
        engine: MathOptBackend, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "_solve", lambda *args: LevelOutcome(
        SolveStatus.FEASIBLE, [0, 1], 1.0, None, 0.0))
    outcome = engine.optimize(OBJECTIVE, scale=1.0, time_limit_s=10.0)
    assert outcome.status is SolveStatus.NO_SOLUTION and outcome.values is None


def test_a_good_plan_is_solved_once(engine: MathOptBackend,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    tolerances: list[float] = []
    real = engine._solve

    def record(objective, scale, time_limit_s, model_params, tolerance):
        tolerances.append(tolerance)
        return real(objective, scale, time_limit_s, model_params, tolerance)

    monkeypatch.setattr(engine, "_solve", record)
    outcome = engine.optimize(OBJECTIVE, scale=1.0, time_limit_s=10.0)
    assert tolerances == [DEFAULT_TOLERANCE]
    assert outcome.values == [0, 2] and outcome.status is SolveStatus.OPTIMAL
