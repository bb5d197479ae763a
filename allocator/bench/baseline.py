"""The peer baselines (``allocator.bench.baselines``) as the runner's ``baseline`` callable.

The baseline modules import no allocator code (an import contract checks it): they are what an
analyst writes in a notebook, and the comparison is only honest if they stay that way. They
ship inside the package, so ``allocator bench --compare-baseline`` works after a plain install.
"""

from __future__ import annotations

from typing import Any

from allocator.bench.baselines import cpsat, pulp
from allocator.bench.cases import BenchCase

# CBC is compared with the PuLP/CBC notebook model; every other backend with plain CP-SAT.
BASELINE_OF_BACKEND = {"cbc": pulp}
"""Backend -> the peer model it is compared with, where not ``DEFAULT_BASELINE``."""
DEFAULT_BASELINE = cpsat
"""The peer model of every backend not in ``BASELINE_OF_BACKEND``."""


class Baselines:
    """Callable as the runner's ``baseline``: solves a GAP case's instance with the peer model
    that matches the backend, at the same time limit."""

    def __init__(self, threads: int | None = None):
        self.threads = threads

    def __call__(self, case: BenchCase, backend: str, time_limit_s: float) -> Any:
        assert case.gap is not None
        inst = case.gap
        module = BASELINE_OF_BACKEND.get(backend, DEFAULT_BASELINE)
        if module is cpsat and self.threads:
            return cpsat.solve(inst.value, inst.resource, inst.capacity, inst.sense,
                               time_limit_s, workers=self.threads)
        return module.solve(inst.value, inst.resource, inst.capacity, inst.sense, time_limit_s)
