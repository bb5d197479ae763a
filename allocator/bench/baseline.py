"""The hand-written peer baselines of ``bench/`` (a source checkout's folder), loaded by path.

They live outside the package on purpose: they are what an analyst writes in a notebook, with
no allocator code, and the comparison is only honest if they stay that way.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from .cases import BenchCase

BENCH_DIR = Path(__file__).resolve().parents[2] / "bench"

# CBC is compared with the PuLP/CBC notebook model; every other backend with plain CP-SAT.
BASELINE_OF_BACKEND = {"cbc": "gap_pulp"}
DEFAULT_BASELINE = "gap_cpsat"


class BaselineUnavailableError(RuntimeError):
    pass


def _load(name: str, bench_dir: Path) -> ModuleType:
    path = bench_dir / f"{name}.py"
    if not path.is_file():
        raise BaselineUnavailableError(
            f"baseline {path} not found: --compare-baseline needs the bench/ folder of a "
            "source checkout of the allocator")
    spec = importlib.util.spec_from_file_location(f"allocator_bench_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Registered first: dataclasses look their module up while the class is being built.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


class Baselines:
    """Callable as the runner's ``baseline``: solves a GAP case's instance with the peer model
    that matches the backend, at the same time limit."""

    def __init__(self, bench_dir: Path = BENCH_DIR, threads: int | None = None):
        self.modules = {name: _load(name, bench_dir) for name in ("gap_cpsat", "gap_pulp")}
        self.threads = threads

    def __call__(self, case: BenchCase, backend: str, time_limit_s: float) -> Any:
        assert case.gap is not None
        inst = case.gap
        name = BASELINE_OF_BACKEND.get(backend, DEFAULT_BASELINE)
        if name == "gap_cpsat" and self.threads:
            return self.modules[name].solve(inst.value, inst.resource, inst.capacity,
                                             inst.sense, time_limit_s, workers=self.threads)
        return self.modules[name].solve(inst.value, inst.resource, inst.capacity, inst.sense,
                                        time_limit_s)
