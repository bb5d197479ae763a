"""CP-SAT on the elastic model: is a set of rules infeasible (and which subset suffices), and
what is the least relaxation."""

from __future__ import annotations

import time

from ortools.sat.python import cp_model

from allocator.backends.cpsat import CpSatBackend
from allocator.insight.diagnose.elastic import Elastic


class Checker:
    """CP-SAT on the elastic model: feasibility with a chosen set of rules enforced."""

    def __init__(self, elastic: Elastic, deadline: float):
        self.elastic = elastic
        self.deadline = deadline
        self.backend = CpSatBackend(elastic.model, threads=1)
        self.cp = self.backend.cp
        self.flags = [self.backend.vars[i] for i in elastic.relax]

    def _solver(self) -> cp_model.CpSolver:
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1  # cores from assumptions need one worker
        solver.parameters.max_time_in_seconds = max(0.05, self.deadline - time.perf_counter())
        # As in the CP-SAT backend: the full LP relaxation proves these money levels fast.
        solver.parameters.linearization_level = 2
        return solver

    def infeasible(self, enforced: list[int]) -> tuple[bool | None, list[int]]:
        """(True, a sufficient subset) if the rules ``enforced`` cannot all hold; (False, [])
        if they can; (None, []) if time ran out."""
        self.cp.clear_objective()
        self.cp.clear_assumptions()
        self.cp.add_assumptions([~self.flags[k] for k in enforced])
        solver = self._solver()
        status = solver.solve(self.cp)
        self.cp.clear_assumptions()
        if status == cp_model.INFEASIBLE:
            core = set(solver.sufficient_assumptions_for_infeasibility())
            index = {(~self.flags[k]).index: k for k in enforced}
            return True, sorted(index[i] for i in core if i in index) or list(enforced)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return False, []
        return None, []

    def least_relaxation(self) -> list[int] | None:
        """Values of the elastic model: fewest rules relaxed, then the least amounts."""
        e = self.elastic
        flags = self.flags
        self.cp.minimize(sum(flags))
        solver = self._solver()
        status = solver.solve(self.cp)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        # Among the sets of the fewest rules, the least amounts; the first set found starts
        # the search (as a hint) and stands if time runs out.
        self.cp.add(sum(flags) <= int(solver.objective_value))
        self.cp.clear_hints()
        for var in self.backend.vars:
            self.cp.add_hint(var, solver.value(var))
        # Amounts weigh alike across rules: a slack counts relative to its rule's own size
        # (1 unit short of 2 weighs as US$1 M over a US$2 M budget). The scale keeps the
        # integer objective below 2^60 whatever the slacks' ranges (a US$1 budget has size 1
        # and a slack of billions of money units).
        reach = sum(e.most[k] / size for k, size in enumerate(e.size)) or 1
        scale = min(10**9, int(2**60 / reach))
        weights = [max(1, scale // size) for size in e.size]
        self.cp.minimize(sum(w * self.backend.vars[v] for w, v in zip(weights, e.slack,
                                                                        strict=True)))
        second = self._solver()
        status = second.solve(self.cp)
        best = second if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else solver
        return [best.value(v) for v in self.backend.vars]
