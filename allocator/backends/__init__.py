"""Backend registry: names, lazy imports and honest availability.

A backend module is imported only when asked for, so a missing optional solver never breaks
``import allocator``. ``available_backends()`` actually imports each one once and caches it.
"""

from __future__ import annotations

import importlib
from functools import cache

from allocator.backends.base import Backend
from allocator.errors import BackendUnavailableError

DEFAULT_BACKEND = "cpsat"

_REGISTRY: dict[str, tuple[str, str, str]] = {
    "cpsat": ("allocator.backends.cpsat", "CpSatBackend", "OR-Tools CP-SAT (default)"),
    "cbc": ("allocator.backends.pulp_cbc", "CbcBackend", "CBC through PuLP 3.x"),
    "highs": ("allocator.backends.mathopt", "HighsBackend", "HiGHS through OR-Tools MathOpt"),
    "scip": ("allocator.backends.mathopt", "ScipBackend", "SCIP through OR-Tools MathOpt"),
}
_ALIASES = {"cp-sat": "cpsat", "ortools": "cpsat", "pulp": "cbc", "gscip": "scip"}


def backend_names() -> list[str]:
    return list(_REGISTRY)


def describe(name: str) -> str:
    return _REGISTRY[canonical_name(name)][2]


def canonical_name(name: str) -> str:
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    if key not in _REGISTRY:
        raise BackendUnavailableError(
            f"unknown backend {name!r}; choose one of {', '.join(_REGISTRY)}")
    return key


@cache
def _load(name: str) -> type[Backend] | str:
    module_name, class_name, _ = _REGISTRY[name]
    try:
        module = importlib.import_module(module_name)
        if hasattr(module, "is_available") and not module.is_available():
            return f"backend {name!r} is installed but its solver binary is not usable"
        return getattr(module, class_name)
    except ImportError as err:
        return f"backend {name!r} needs a package that is not installed ({err})"


def is_available(name: str) -> bool:
    return not isinstance(_load(canonical_name(name)), str)


def available_backends() -> list[str]:
    return [name for name in _REGISTRY if is_available(name)]


def get_backend(name: str) -> type[Backend]:
    loaded = _load(canonical_name(name))
    if isinstance(loaded, str):
        raise BackendUnavailableError(loaded + "; run `allocator backends` to see what works")
    return loaded
