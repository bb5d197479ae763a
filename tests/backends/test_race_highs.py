"""``auto`` on an assignment (every pledge must deploy): CP-SAT races HiGHS, which solves in a
child process that a stop kills.

What is checked: which engines the race picks from the model's structure; that HiGHS in its
own process proves the same optimum as HiGHS in this one, and the race the optimum known by
reasoning (plans verified); and that ``stop()`` kills the child, so a loser holds no core.
"""

from __future__ import annotations

import subprocess
import sys
import threading

import psutil
import pytest

from allocator import SolveStatus, read_scenario
from allocator.backends import _probe_model
from allocator.backends.cpsat import CpSatBackend
from allocator.backends.highs_process import HighsProcessBackend
from allocator.backends.mathopt import HighsBackend
from allocator.backends.pulp_cbc import CbcBackend
from allocator.backends.race import RaceBackend, engines_for, is_assignment
from allocator.bench.gap import GapInstance
from allocator.bench.gap_scenario import gap_scenario, gap_value
from allocator.generators.families import generate_family
from allocator.model.formulation import build_formulation
from allocator.model.linear import LinearModel
from allocator.model.problem import compile_problem

from ..conftest import DATASETS
from ..helpers import solved

# Two agents, three jobs. Agent A01 holds 2 units, A02 3. Job costs (A01, A02) and the room
# each takes: J1 (1, 5) taking 2 on either; J2 (4, 1) taking 2 on A01, 1 on A02; J3 (1, 3)
# taking 1 on A01, 2 on A02. J1 and J3 do not both fit in A01 (3 > 2), and all three do not fit
# in A02 (5 > 3); of the plans left, J1 on A01 with J2 and J3 on A02 costs 1 + 1 + 3 = 5, and
# every other costs more (J3 on A01 forces J1 and J2 onto A02: 1 + 5 + 1 = 7).
TINY = GapInstance(name="tiny", sense="min", agents=2, jobs=3,
                   value=((1, 4, 1), (5, 1, 3)), resource=((2, 2, 1), (2, 1, 2)),
                   capacity=(2, 3))


def model_of(sc: object) -> LinearModel:
    return build_formulation(compile_problem(sc)).model


def test_the_race_puts_highs_beside_cp_sat_on_an_assignment_and_cbc_elsewhere() -> None:
    gap = model_of(gap_scenario(TINY))
    assert is_assignment(gap)
    assert engines_for(gap) == (CpSatBackend, HighsProcessBackend)
    un = model_of(read_scenario(DATASETS / "families" / "small"))
    assert not is_assignment(un)
    assert engines_for(un) == (CpSatBackend, CbcBackend)
    # The probe model has no pledges at all: not an assignment.
    assert engines_for(_probe_model()) == (CpSatBackend, CbcBackend)


def test_highs_in_its_process_proves_what_highs_proves_here() -> None:
    model = model_of(gap_scenario(TINY))
    objective = model.objectives["preference"]
    here = HighsBackend(model).optimize(objective, scale=1.0, time_limit_s=30)
    there = HighsProcessBackend(model).optimize(objective, scale=1.0, time_limit_s=30)
    assert here.status is there.status is SolveStatus.OPTIMAL
    assert here.objective == there.objective and here.values == there.values


def test_auto_proves_the_tiny_assignment_and_places_every_job() -> None:
    sc = gap_scenario(TINY, time_limit_s=30)
    result = solved(sc, "auto")
    assert result.status is SolveStatus.OPTIMAL and gap_value(TINY, result) == 5
    placed = {(a.pledge_id, a.requirement_id) for a in result.plan.assignments}
    assert placed == {("J001", "R-A01"), ("J002", "R-A02"), ("J003", "R-A02")}


def test_a_lock_reaches_highs_in_its_process() -> None:
    model = model_of(gap_scenario(TINY))
    highs = HighsProcessBackend(model)
    objective = model.objectives["preference"]
    assert highs.optimize(objective, scale=1.0, time_limit_s=30).objective == 5
    # Held at 5, minimising the opposite costs: the only plan of cost 5 is the one above.
    highs.lock(objective, 5, scale=1.0)
    again = highs.optimize({v: -c for v, c in objective.items()}, scale=1.0, time_limit_s=30)
    assert again.status is SolveStatus.OPTIMAL and again.objective == -5


def test_a_race_stopped_before_highs_was_built_builds_it_at_the_next_level() -> None:
    model = model_of(gap_scenario(TINY))
    race = RaceBackend(model)
    objective = model.objectives["preference"]
    assert race.optimize(objective, scale=1.0, time_limit_s=30).objective == 5
    race.lock(objective, 5, scale=1.0, exact=True)
    outcome = race.optimize({v: -c for v, c in objective.items()}, scale=1.0,
                            time_limit_s=30)
    # Whichever engine took each level, the lock held in both (a late-built HiGHS gets it).
    assert outcome.status is SolveStatus.OPTIMAL and outcome.objective == -5


@pytest.fixture(scope="module")
def large_model() -> LinearModel:
    """The ``large`` family's model: HiGHS does not prove its first level in a minute."""
    return model_of(generate_family("large"))


def test_stop_kills_the_highs_process(large_model: LinearModel) -> None:
    highs = HighsProcessBackend(large_model)
    got: list = []
    thread = threading.Thread(target=lambda: got.append(highs.optimize(
        large_model.objectives["shortfall"], scale=1.0, time_limit_s=120.0)), daemon=True)
    thread.start()
    child = None
    for _ in range(1200):  # until the child runs
        child = highs._child
        if child is not None:
            break
        thread.join(0.1)
    assert child is not None, "HiGHS's process never started"
    process = psutil.Process(child.pid)
    highs.stop()
    thread.join(60)
    assert not thread.is_alive()
    assert got and got[0].status is SolveStatus.NO_SOLUTION and got[0].values is None
    assert not process.is_running() or process.status() == psutil.STATUS_ZOMBIE


def test_a_stop_left_from_an_earlier_level_does_not_stop_highs_at_the_next() -> None:
    highs = HighsProcessBackend(_probe_model())
    highs._stopped = True  # as stop() leaves it when no solve runs yet
    assert highs.optimize({0: 2, 1: 1}, scale=1.0, time_limit_s=10.0).values == [0, 2]


PARENT = """
import sys, threading, time
from allocator.backends.highs_process import HighsProcessBackend
from allocator.generators.families import generate_family
from allocator.model.formulation import build_formulation
from allocator.model.problem import compile_problem
model = build_formulation(compile_problem(generate_family("large"))).model
highs = HighsProcessBackend(model)
threading.Thread(target=highs.optimize, args=(model.objectives["shortfall"],),
                 kwargs={"scale": 1.0, "time_limit_s": 300.0}, daemon=True).start()
while highs._child is None:
    time.sleep(0.05)
print(highs._child.pid, flush=True)
time.sleep(600)
"""


def test_highs_ends_when_the_process_that_started_it_is_killed() -> None:
    # A cancelled service job is killed outright; its HiGHS must not solve on for minutes.
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE,
                              text=True)
    try:
        child = psutil.Process(int(parent.stdout.readline()))
        assert child.is_running()
        parent.kill()
        parent.wait(10)
        gone, _ = psutil.wait_procs([child], timeout=10)
        assert gone, "HiGHS's process outlived its parent by 10 s"
    finally:
        parent.kill()
