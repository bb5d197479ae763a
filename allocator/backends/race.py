"""``auto``: CP-SAT and CBC race on every level, each on its own thread, and the first proof wins.

CBC runs single-threaded and CP-SAT with its own choice of workers (``cpsat.default_workers``)
less the core CBC takes, so on two cores each engine has a core of its own. They hold the same
model, rows and locks; each level is optimised by both at once, and when one proves its level
(optimal or infeasible) the other is stopped. When neither proves it within the time, the
better plan is taken, with the higher of the two proven bounds (each is a valid lower bound of
the same level), and a plan whose integer value meets that bound is optimal.

Which engine wins differs by model: on ``datasets/un_2025`` CBC proves each level first, on the
GAP instances CP-SAT does (see the README's benchmark table), so the race keeps the better of
both without knowing in advance.
"""

from __future__ import annotations

import math
import os
import threading
import time

from allocator.backends.base import Backend, LevelOutcome
from allocator.backends.cpsat import CpSatBackend, default_workers
from allocator.backends.pulp_cbc import CbcBackend
from allocator.model.linear import LinearModel, Row
from allocator.status import SolveStatus

STOP_EVERY_S = 0.05
"""How often a loser is told again to stop until it returns: a stop that arrives while it is
still setting up its solve (before CBC's process exists) would otherwise be lost."""

_PROOFS = (SolveStatus.OPTIMAL, SolveStatus.INFEASIBLE)


class RaceBackend(Backend):
    """CP-SAT against CBC, level by level; the result of whichever proves first."""

    name = "auto"
    warm_start = True  # the previous level's plan goes to the engines that use hints
    exact_locks = True  # passed on: each engine applies its own choice

    ENGINES: tuple[type[Backend], ...] = (CpSatBackend, CbcBackend)
    BUILT_FIRST = 1
    """The engine built alone at the first level; the others are built once its solver runs.
    Building a model and writing CBC's input file are Python and hold the GIL, while both
    solvers run outside it: built side by side, each engine's start was delayed by the
    other's build."""

    def __init__(self, model: LinearModel, *, threads: int | None = None, log: bool = False):
        super().__init__(model, threads=threads, log=log)
        # Each engine translates the model in its own thread at the first level, CBC first
        # (BUILT_FIRST), so it is already solving while CP-SAT is being built (each takes
        # about 0.2 s on datasets/un_2025).
        self.engines: list[Backend | None] = [None] * len(self.ENGINES)
        self._rows: list[Row] = []  # rows added before an engine was built
        self._levels = 0
        self.won: list[str] = []
        """The engine whose outcome each level took, in order (for reports and tests)."""

    def _engine(self, i: int) -> Backend:
        engine = self.engines[i]
        if engine is None:
            engine_class = self.ENGINES[i]
            engine = engine_class(self.model, threads=self._threads(engine_class),
                                  log=self.log)
            if self._rows:
                engine.add_rows(self._rows)
            self.engines[i] = engine
        return engine

    def _threads(self, engine_class: type[Backend]) -> int | None:
        """The caller's thread count, else CP-SAT's own choice less the core CBC runs on.

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
        # Locks follow a level, and every engine is built at the first level (one that
        # failed to build takes no further part).
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

        def run(i: int) -> None:
            try:
                if first_level and i != self.BUILT_FIRST:
                    launched.wait(max(deadline - time.perf_counter(), 0.0))
                engine = self._engine(i) if first_level else self.engines[i]
                if engine is None:
                    raise RuntimeError(f"{self.ENGINES[i].name} could not be built")
                if i == self.BUILT_FIRST:
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
                if i == self.BUILT_FIRST:
                    launched.set()  # however it ended, the others need not wait
            outcomes[i] = outcome
            if isinstance(outcome, LevelOutcome) and outcome.status in _PROOFS:
                proved.set()

        threads = [threading.Thread(target=run, args=(i,), daemon=True,
                                    name=f"race-{engine_class.name}")
                   for i, engine_class in enumerate(self.ENGINES)]
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
        found = [(o, e.name) for o, e in zip(outcomes, self.ENGINES, strict=True)
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
