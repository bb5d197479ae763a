"""The ``auto`` backend races CP-SAT and CBC on every level: the first proof wins (on
assignments it races HiGHS instead: tests/backends/test_race_highs.py).

What is checked: the race returns the proven optimum and agrees with each engine alone on
every level (plans verified); the rule that picks between two outcomes; and that ``stop()``
really ends a running engine (CP-SAT returns, CBC's own process is killed), which is what
keeps the loser of a race from holding a core.
"""

from __future__ import annotations

import threading
from decimal import Decimal

import psutil
import pytest

from allocator import SolveStatus, read_scenario, solve
from allocator.backends import _probe_model, pulp_cbc
from allocator.backends.base import LevelOutcome
from allocator.backends.cpsat import CpSatBackend
from allocator.backends.pulp_cbc import CbcBackend
from allocator.backends.race import RaceBackend
from allocator.generators.families import generate_family
from allocator.model.formulation import build_formulation
from allocator.model.linear import LinearModel
from allocator.model.problem import compile_problem

from ..conftest import DATASETS
from ..helpers import mission, pledge, req, scenario, solved


def test_the_race_proves_the_probe_model_and_names_its_winner() -> None:
    race = RaceBackend(_probe_model())
    outcome = race.optimize({0: 2, 1: 1}, scale=1.0, time_limit_s=10.0)
    assert outcome.status is SolveStatus.OPTIMAL
    assert outcome.values == [0, 2] and outcome.objective == 2
    assert len(race.won) == 1 and race.won[0] in {"cpsat", "cbc"}


def test_cp_sat_is_built_once_cbc_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    # Model building is Python (it holds the GIL) and CBC runs in its own process, so CBC is
    # built and started first and CP-SAT is built while CBC solves; only the first level
    # builds.
    events: list[str] = []
    real_init, real_pipe = CpSatBackend.__init__, pulp_cbc._Cbc.get_pipe

    def built(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        events.append("cpsat built")

    def launched(self):
        events.append("cbc launched")
        return real_pipe(self)

    monkeypatch.setattr(CpSatBackend, "__init__", built)
    monkeypatch.setattr(pulp_cbc._Cbc, "get_pipe", launched)
    race = RaceBackend(_probe_model())
    assert race.optimize({0: 2, 1: 1}, scale=1.0, time_limit_s=10.0).values == [0, 2]
    assert events[:2] == ["cbc launched", "cpsat built"]
    race.lock({0: 2, 1: 1}, 2, scale=1.0, exact=True)
    assert race.optimize({0: 1}, scale=1.0, time_limit_s=10.0).values == [0, 2]
    assert events.count("cpsat built") == 1


def test_a_lock_binds_both_engines() -> None:
    race = RaceBackend(_probe_model())
    race.optimize({0: 2, 1: 1}, scale=1.0, time_limit_s=10.0)
    race.lock({0: 2, 1: 1}, 3, scale=1.0)
    # Under x0 + x1 >= 2 and 2 x0 + x1 <= 3, the most x0 (the least -x0) is x0 = x1 = 1;
    # without the lock it would be x0 = 3.
    outcome = race.optimize({0: -1}, scale=1.0, time_limit_s=10.0)
    assert outcome.status is SolveStatus.OPTIMAL and outcome.values == [1, 1]
    for engine in race.engines:
        alone = engine.optimize({0: -1}, scale=1.0, time_limit_s=10.0)
        assert alone.values == [1, 1], engine.name


def budget_bound() -> object:
    """Two missions, a binding budget, a shortfall, a women target and a cheaper substitute:
    every level has something to decide."""
    return scenario(
        missions=[mission("M1", budget_usd=3_000_000, women_target=0.2),
                  mission("M2", budget_usd=10**9)],
        requirements=[req("R1", "INF_COY", 2, "M1", priority=1),
                      req("R2", "L1_HOSP", 1, "M2", priority=2),
                      req("R3", "INF_COY", 1, "M2", priority=3)],
        unit_pledges=[pledge("P1", "AAA", "INF_COY", 2, 150, women_per_unit=40),
                      pledge("P2", "BBB", "INF_COY", 2, 150, women_per_unit=10,
                             monthly_cost_usd="100000"),
                      pledge("P3", "CCC", "L2_HOSP", 1, 60, women_per_unit=20),
                      pledge("P4", "DDD", "L1_HOSP", 1, 40)],
    )


@pytest.mark.parametrize("case", ["budget_bound", "families/small"])
def test_the_race_agrees_with_each_engine_alone_at_every_level(case: str) -> None:
    sc = budget_bound() if case == "budget_bound" else read_scenario(DATASETS / case)
    results = {name: solved(sc, name, time_limit=60) for name in ("auto", "cpsat", "cbc")}
    for name, result in results.items():
        assert result.status is SolveStatus.OPTIMAL, name
        assert result.verification is not None and result.verification.ok, name
    cents = {name: [round(Decimal(str(lv.value)) * 100) for lv in r.levels]
             for name, r in results.items()}
    assert cents["auto"] == cents["cpsat"] == cents["cbc"]
    assert [lv.level for lv in results["auto"].levels] == [
        lv.level for lv in results["cpsat"].levels]


def outcome(status: SolveStatus, objective: float | None, bound: float | None = None,
            values: list[int] | None = None) -> LevelOutcome:
    has_plan = objective is not None
    return LevelOutcome(status, values or ([int(objective)] if has_plan else None), objective,
                        bound, 1.0)


def pick(*outcomes: LevelOutcome | BaseException) -> tuple[LevelOutcome, str]:
    return RaceBackend(_probe_model())._pick(list(outcomes))


def test_a_proof_wins_over_a_better_looking_unproven_plan() -> None:
    chosen, winner = pick(outcome(SolveStatus.FEASIBLE, 10, 8),
                          outcome(SolveStatus.OPTIMAL, 9, 9))
    assert (winner, chosen.status, chosen.objective) == ("cbc", SolveStatus.OPTIMAL, 9)
    chosen, winner = pick(outcome(SolveStatus.INFEASIBLE, None),
                          outcome(SolveStatus.NO_SOLUTION, None))
    assert (winner, chosen.status) == ("cpsat", SolveStatus.INFEASIBLE)


def test_without_a_proof_the_better_plan_takes_the_higher_bound() -> None:
    chosen, winner = pick(outcome(SolveStatus.FEASIBLE, 12, 8.2, [7]),
                          outcome(SolveStatus.FEASIBLE, 10, None, [5]))
    assert winner == "cbc"
    assert (chosen.status, chosen.objective, chosen.bound, chosen.values) == (
        SolveStatus.FEASIBLE, 10, 8.2, [5])


def test_a_plan_at_the_other_engines_bound_is_proven() -> None:
    # Levels are integers on integer plans: a bound of 9.3 means no plan below 10.
    chosen, winner = pick(outcome(SolveStatus.FEASIBLE, 11, 9.3),
                          outcome(SolveStatus.FEASIBLE, 10, None))
    assert winner == "cbc"
    assert (chosen.status, chosen.objective, chosen.bound) == (SolveStatus.OPTIMAL, 10, 10)


def test_a_failed_engine_leaves_the_other_and_two_failures_raise() -> None:
    chosen, winner = pick(RuntimeError("CBC killed"), outcome(SolveStatus.FEASIBLE, 4))
    assert (winner, chosen.objective) == ("cbc", 4)
    with pytest.raises(RuntimeError, match="first"):
        pick(RuntimeError("first"), RuntimeError("second"))


@pytest.fixture(scope="module")
def large_model() -> object:
    """The ``large`` family's model: no engine proves its first level in a minute."""
    return build_formulation(compile_problem(generate_family("large"))).model


def run_in_thread(engine: object, objective: dict[int, int]) -> tuple[threading.Thread, list]:
    got: list = []

    def run() -> None:
        try:
            got.append(engine.optimize(objective, scale=1.0, time_limit_s=120.0))
        except Exception as err:  # a killed CBC raises PuLP's error
            got.append(err)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, got


def shortfall(model: object) -> dict[int, int]:
    return model.objectives["shortfall"]


def test_stop_ends_a_running_cbc_by_killing_its_own_process(large_model) -> None:
    cbc = CbcBackend(large_model)
    thread, got = run_in_thread(cbc, shortfall(large_model))
    ours: list[psutil.Process] = []
    for _ in range(1200):  # until CBC's process, named by this solve's files, runs
        solver = cbc._cbc
        ours = [p for p in psutil.Process().children(recursive=True)
                if solver is not None and any(solver.prefix in a for a in _cmdline(p))]
        if ours:
            break
        thread.join(0.1)
    assert ours, "CBC's process never started"
    cbc.stop()
    thread.join(60)
    assert not thread.is_alive()
    assert got and (isinstance(got[0], Exception) or got[0].status is not SolveStatus.OPTIMAL)
    assert not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in ours)


def test_stop_ends_a_running_cpsat_with_what_it_has(large_model) -> None:
    cpsat = CpSatBackend(large_model, threads=1)
    thread, got = run_in_thread(cpsat, shortfall(large_model))
    for _ in range(1200):  # until the solve has started
        if cpsat._solver is not None:
            break
        thread.join(0.1)
    assert cpsat._solver is not None
    cpsat.stop()
    thread.join(60)
    assert not thread.is_alive()
    assert got and isinstance(got[0], LevelOutcome)
    assert got[0].status is not SolveStatus.OPTIMAL


def test_a_stop_left_from_an_earlier_level_does_not_stop_the_next() -> None:
    for engine_class in (CpSatBackend, CbcBackend):
        engine = engine_class(_probe_model())
        engine._stopped = True  # as stop() leaves it when no solve runs yet
        # optimize() clears a stop from an earlier level first: a fresh level runs.
        assert engine.optimize({0: 2, 1: 1}, scale=1.0, time_limit_s=10.0).values == [0, 2]


def _cmdline(process: psutil.Process) -> list[str]:
    try:
        return process.cmdline()
    except psutil.Error:
        return []


def test_auto_is_a_registered_backend() -> None:
    result = solve(budget_bound(), backend="auto", time_limit=30)
    assert result.backend == "auto" and result.status is SolveStatus.OPTIMAL


def _model_of(variables: int) -> LinearModel:
    model = LinearModel()
    for i in range(variables):
        model.add_var(f"x{i}", 0, 1)
    return model


@pytest.mark.parametrize(("cores", "variables", "workers"), [
    (2, 100, 1),  # CP-SAT's own choice is one worker: CBC has the other core
    (2, 25_000, 1),  # its own choice would be 8 workers time-sliced on CBC's core
    (8, 25_000, 7),
    (16, 100, 15),
])
def test_cp_sat_leaves_a_core_to_cbc(monkeypatch: pytest.MonkeyPatch, cores: int,
                                     variables: int, workers: int) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: cores)
    race = RaceBackend(_model_of(variables))
    assert race._threads(CpSatBackend) == workers
    assert race._threads(CbcBackend) is None  # CBC's default: one thread


def test_the_callers_threads_go_to_both_engines() -> None:
    race = RaceBackend(_model_of(10), threads=3)
    assert race._threads(CpSatBackend) == race._threads(CbcBackend) == 3
