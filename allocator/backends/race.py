"""``auto``: CP-SAT and a second engine race on every level, each on its own core, and the first
proof wins.

CBC runs single-threaded and CP-SAT with its own choice of workers (``cpsat.default_workers``)
less the core the other engine takes, so on two cores each engine has a core of its own. They
hold the same model, rows and locks; each level is optimised by both at once, and when one
proves its level (optimal or infeasible) the other is stopped. When neither proves it within
the time, the better plan is taken, with the higher of the two proven bounds (each is a valid
lower bound of the same level), and a plan whose integer value meets that bound is optimal.

The second engine is chosen from the model's structure (``engines_for``): HiGHS where every
pledge must deploy (an assignment: each pledge placed exactly once within capacities, as in
the GAP benchmarks), CBC otherwise. Measured on 2 cores, 60 s per instance: on the five GAP
A-E instances CP-SAT left above 0.5% of best-known, HiGHS was closer on all five (c20200 proven
optimal in 17 s where CP-SAT ended 0.75% above it; d20100 0.71% against 2.46%), and CBC is far
behind on such instances (``../shared/benchmarks``); on ``datasets/un_2025`` and ``medium``,
where pledges may stay home, CBC proves every level first (see the README's benchmark table).
"""

from __future__ import annotations

import math
import os
import threading
import time

from allocator.backends.base import Backend, LevelOutcome
from allocator.backends.cpsat import CpSatBackend, default_workers
from allocator.backends.highs_process import HighsProcessBackend
from allocator.backends.pulp_cbc import CbcBackend
from allocator.model.linear import LinearModel, Row
from allocator.status import SolveStatus

STOP_EVERY_S = 0.05
"""How often a loser is told again to stop until it returns: a stop that arrives while it is
still setting up its solve (before CBC's process exists) would otherwise be lost."""

_PROOFS = (SolveStatus.OPTIMAL, SolveStatus.INFEASIBLE)

HIGHS_HEAD_START_S = 1.0
"""How long CP-SAT solves alone before HiGHS joins, at each level. CP-SAT proves most small
assignments within it (all of gap1-12, at most 0.77 s each alone), and starting HiGHS beside it
(its model built in Python, its process started) made gap1-12 take 1.30x the plain CP-SAT
baseline against 1.09x for CP-SAT alone; HiGHS wins on instances that take tens of seconds."""


def is_assignment(model: LinearModel) -> bool:
    """Whether every pledge that can deploy must deploy (no pledge may stay home)."""
    families = {row.family for row in model.rows}
    return "must_deploy" in families and "pledge_supply" not in families


def engines_for(model: LinearModel) -> tuple[type[Backend], ...]:
    """The two engines of the race for ``model``: CP-SAT, and HiGHS on an assignment, else CBC.

    HiGHS solves in a child process of its own, which the race can stop (``highs_process``)."""
    if is_assignment(model):
        return (CpSatBackend, HighsProcessBackend)
    return (CpSatBackend, CbcBackend)


class RaceBackend(Backend):
    """CP-SAT against CBC or HiGHS, level by level; the result of whichever proves first."""

    name = "auto"
    warm_start = True  # the previous level's plan goes to the engines that use hints
    exact_locks = True  # passed on: each engine applies its own choice

    def built_first(self) -> int:
        """The engine built alone at the first level; the other is built once its solver runs.

        Building a model and writing CBC's input file are Python and hold the GIL, while the
        solvers run outside it: built side by side, each engine's start was delayed by the
        other's build. CBC goes first (CP-SAT then builds while CBC solves); beside HiGHS,
        CP-SAT goes first, because it proves the small assignments in a fraction of a second
        (a05100: 0.07 s alone, 0.35 s in a race that built HiGHS first)."""
        return 1 if self.engine_classes[1] is CbcBackend else 0

    def __init__(self, model: LinearModel, *, threads: int | None = None, log: bool = False):
        super().__init__(model, threads=threads, log=log)
        self.engine_classes = engines_for(model)
        """The engines of this race, CP-SAT first (see ``engines_for``)."""
        # Each engine translates the model in its own thread at the first level, one first
        # (``built_first``), so it is already solving while the other is being built (each
        # takes about 0.2 s on datasets/un_2025).
        self.engines: list[Backend | None] = [None] * len(self.engine_classes)
        self._rows: list[Row] = []  # rows and locks so far, for an engine built later
        self._locks: list[tuple[dict[int, int], int, float, bool]] = []
        self._failed: set[type[Backend]] = set()
        self._levels = 0
        self.won: list[str] = []
        """The engine whose outcome each level took, in order (for reports and tests)."""

    def _engine(self, i: int) -> Backend:
        """Engine ``i``, built (with the rows and locks so far) if it is not yet."""
        engine = self.engines[i]
        if engine is None:
            engine_class = self.engine_classes[i]
            if engine_class in self._failed:
                raise RuntimeError(f"{engine_class.name} could not be built")
            try:
                engine = engine_class(self.model, threads=self._threads(engine_class),
                                      log=self.log)
            except Exception:
                self._failed.add(engine_class)  # it takes no further part
                raise
            if self._rows:
                engine.add_rows(self._rows)
            for objective, upper, scale, exact in self._locks:
                engine.lock(objective, upper, scale=scale, exact=exact)
            self.engines[i] = engine
        return engine

    def _threads(self, engine_class: type[Backend]) -> int | None:
        """The caller's thread count, else CP-SAT's own choice less the other engine's core.

        On 2 cores, CP-SAT's 8-worker portfolio (its choice above 20,000 variables) took
        CPU from CBC: on the `large` family the race's plan had 1.01 persons of soft-goal
        slack where CBC alone reached 0 in the same 30 s (README)."""
        if self.threads is not None or engine_class is not CpSatBackend:
            return self.threads
        cores = os.cpu_count() or 1
        return max(1, min(default_workers(len(self.model.vars)), cores - 1))

    def _built(self) -> list[Backend]:
        return [engine for engine in self.engines if engine is not None]

    def add_rows(self, rows: list[Row]) -> None:
        self._rows.extend(rows)
        for engine in self._built():
            engine.add_rows(rows)

    def lock(self, objective: dict[int, int], upper: int, *, scale: float,
             exact: bool = False) -> None:
        self._locks.append((objective, upper, scale, exact))
        for engine in self._built():
            engine.lock(objective, upper, scale=scale, exact=exact)

    def stop(self) -> None:
        for engine in self._built():
            engine.stop()

    def optimize(self, objective: dict[int, int], *, scale: float, time_limit_s: float,
                 hint: list[int] | None = None) -> LevelOutcome:
        first_level = self._levels == 0
        self._levels += 1
        outcomes: list[LevelOutcome | BaseException | None] = [None] * len(self.engines)
        proved = threading.Event()
        started = time.perf_counter()
        deadline = started + time_limit_s

        launched = threading.Event()
        first = self.built_first()

        def run(i: int) -> None:
            try:
                if first_level and i != first:
                    launched.wait(max(deadline - time.perf_counter(), 0.0))
                if self.engine_classes[i] is HighsProcessBackend:
                    proved.wait(min(HIGHS_HEAD_START_S, max(deadline - time.perf_counter(), 0)))
                if proved.is_set():
                    return  # the other proved the level before this one started
                engine = self._engine(i)
                if i == first:
                    engine.on_launch = launched.set
                if i == 0:
                    engine.on_incumbent = self.on_incumbent
                # Engines without hints get none, except the caller's warm start at level one.
                given = hint if engine.warm_start or first_level else None
                outcome: LevelOutcome | BaseException = engine.optimize(
                    objective, scale=scale, hint=given,
                    time_limit_s=max(deadline - time.perf_counter(), 0.01))
            except Exception as err:  # a stopped CBC raises; any failure leaves the other
                outcome = err
            finally:
                if i == first:
                    launched.set()  # however it ended, the others need not wait
            outcomes[i] = outcome
            if isinstance(outcome, LevelOutcome) and outcome.status in _PROOFS:
                proved.set()

        threads = [threading.Thread(target=run, args=(i,), daemon=True,
                                    name=f"race-{engine_class.name}")
                   for i, engine_class in enumerate(self.engine_classes)]
        for thread in threads:
            thread.start()
        while any(thread.is_alive() for thread in threads):
            if proved.wait(STOP_EVERY_S):
                for engine, thread in zip(self.engines, threads, strict=True):
                    if thread.is_alive() and engine is not None:
                        engine.stop()
        outcome, winner = self._pick(outcomes)
        outcome.runtime_s = time.perf_counter() - started
        self.won.append(winner)
        return outcome

    def _pick(self, outcomes: list[LevelOutcome | BaseException | None]
              ) -> tuple[LevelOutcome, str]:
        found = [(o, e.name) for o, e in zip(outcomes, self.engine_classes, strict=True)
                 if isinstance(o, LevelOutcome)]
        if not found:
            error = next(o for o in outcomes if isinstance(o, BaseException))
            raise error
        for outcome, name in found:
            if outcome.status in _PROOFS:
                return outcome, name
        with_plan = [(o, n) for o, n in found if o.values is not None]
        if not with_plan:
            return found[0]
        best, name = min(with_plan, key=lambda pair: pair[0].objective)
        bounds = [o.bound for o, _ in found if o.bound is not None]
        bound = max(bounds) if bounds else None
        status = SolveStatus.FEASIBLE
        # Levels are integers on integer plans: a value at the bound rounded up is proven.
        if bound is not None and best.objective <= math.ceil(bound - 1e-6):
            status, bound = SolveStatus.OPTIMAL, best.objective
        return LevelOutcome(status, best.values, best.objective, bound, best.runtime_s,
                            best.first_found_at, best.best_found_at), name
