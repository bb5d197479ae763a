"""Backend registry: the one table of backend names, the default, and honest availability.

A backend module is imported only when asked for, so a missing optional solver never breaks
``import allocator``. A backend counts as available only when a real probe succeeds: its
module imports, its class loads, and it solves a tiny model to the known optimum. The probe
runs once per process per backend (cached), so ``available_backends()`` is cheap after the
first call and never lists a solver that cannot solve.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache

from allocator.backends.base import Backend
from allocator.errors import BackendUnavailableError
from allocator.model.linear import LinearModel
from allocator.status import SolveStatus


@dataclass(frozen=True)
class BackendInfo:
    """Where a backend lives and how the CLI, the API and the docs describe it."""

    module: str
    class_name: str
    description: str


DEFAULT_BACKEND = "auto"
"""The backend ``solve()``, the CLI and the service use unless told otherwise: the race of
CP-SAT and CBC, or CP-SAT and HiGHS where every pledge must deploy
(``allocator.backends.race``; measured in the README's benchmarks)."""

BACKENDS: dict[str, BackendInfo] = {
    "auto": BackendInfo("allocator.backends.race", "RaceBackend",
                        "CP-SAT raced with CBC (with HiGHS when every pledge "
                        "must deploy) on every level; the first proof wins"),
    "cpsat": BackendInfo("allocator.backends.cpsat", "CpSatBackend", "OR-Tools CP-SAT"),
    "cbc": BackendInfo("allocator.backends.pulp_cbc", "CbcBackend", "CBC through PuLP 3.x"),
    "highs": BackendInfo("allocator.backends.mathopt", "HighsBackend",
                         "HiGHS through OR-Tools MathOpt"),
    "scip": BackendInfo("allocator.backends.mathopt", "ScipBackend",
                        "SCIP through OR-Tools MathOpt"),
}
_ALIASES = {"cp-sat": "cpsat", "ortools": "cpsat", "pulp": "cbc", "gscip": "scip"}


def backend_names() -> list[str]:
    """Every registered backend, the default first (available or not)."""
    return list(BACKENDS)


def describe(name: str) -> str:
    """One line for a backend, ``(default)`` marked: what ``allocator backends`` prints."""
    key = canonical_name(name)
    default = " (default)" if key == DEFAULT_BACKEND else ""
    return BACKENDS[key].description + default


def canonical_name(name: str) -> str:
    """The registry name of a backend or one of its aliases (``CP-SAT`` -> ``cpsat``)."""
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    if key not in BACKENDS:
        raise BackendUnavailableError(
            f"unknown backend {name!r}; choose one of {', '.join(BACKENDS)}")
    return key


def _probe_model() -> LinearModel:
    """min 2 x0 + x1 with x0 + x1 >= 2, both integer in [0, 3]: the optimum is x = (0, 2)."""
    model = LinearModel()
    model.add_var("x0", 0, 3)
    model.add_var("x1", 0, 3)
    model.add_row("probe", "x0 + x1 >= 2", [(0, 1), (1, 1)], lb=2)
    return model


def _probe(backend_class: type[Backend]) -> str | None:
    """None when the backend solves the probe model to its optimum, else why not."""
    try:
        outcome = backend_class(_probe_model()).optimize({0: 2, 1: 1}, scale=1.0,
                                                         time_limit_s=10.0)
    except MemoryError:
        # Out of memory says nothing about the solver, and ``_load`` caches its answer: a
        # process at its memory limit (a service job) must fail saying so, not report the
        # backend unusable for the rest of its life.
        raise
    except RuntimeError as err:
        if "can't start new thread" in str(err):
            # The same at a memory limit: each thread reserves its stack (seen in a service
            # job past its limit, where the race could not start its engines' threads).
            raise MemoryError(f"no memory left to start a thread ({err})") from err
        return f"its solver failed on a two-variable test model ({type(err).__name__}: {err})"
    except Exception as err:  # any failure of a solver binary means: not usable here
        return f"its solver failed on a two-variable test model ({type(err).__name__}: {err})"
    if outcome.status is not SolveStatus.OPTIMAL or outcome.values != [0, 2]:
        return (f"its solver returned {outcome.status.value} {outcome.values} on a "
                "two-variable test model whose optimum is [0, 2]")
    return None


@cache
def _load(name: str) -> type[Backend] | str:
    """The backend class, or why it is unavailable (cached: the probe runs once)."""
    info = BACKENDS[name]
    try:
        backend_class = getattr(importlib.import_module(info.module), info.class_name)
    except ImportError as err:
        return f"backend {name!r} needs a package that is not installed ({err})"
    failure = _probe(backend_class)
    if failure is not None:
        return f"backend {name!r} is installed but not usable: {failure}"
    return backend_class


def is_available(name: str) -> bool:
    """Whether ``name`` imports and passed its probe solve."""
    return not isinstance(_load(canonical_name(name)), str)


def unavailable_reason(name: str) -> str | None:
    """Why ``name`` is unavailable, or None when it is available."""
    loaded = _load(canonical_name(name))
    return loaded if isinstance(loaded, str) else None


def available_backends() -> list[str]:
    """The backends that work here, in registry order (the default first when it works)."""
    return [name for name in BACKENDS if is_available(name)]


def get_backend(name: str) -> type[Backend]:
    """The backend class for ``name``; ``BackendUnavailableError`` says why it cannot run."""
    loaded = _load(canonical_name(name))
    if isinstance(loaded, str):
        raise BackendUnavailableError(loaded + "; run `allocator backends` to see what works")
    return loaded
