"""The backend registry is fail-safe: a backend is available only when it solves a probe model."""

from __future__ import annotations

import pytest

import allocator
from allocator import backends
from allocator.backends import BACKENDS, DEFAULT_BACKEND, BackendInfo
from allocator.backends.base import LevelOutcome
from allocator.backends.cpsat import CpSatBackend
from allocator.errors import BackendUnavailableError
from allocator.status import SolveStatus


class _WrongAnswer(CpSatBackend):
    """Solves, but returns a plan that is not the probe's optimum."""

    def optimize(self, objective, *, scale, time_limit_s, hint=None) -> LevelOutcome:
        return LevelOutcome(SolveStatus.OPTIMAL, [3, 3], 9.0, 9.0, 0.0)


class _Crashes(CpSatBackend):
    """Its solver binary fails when it runs."""

    def optimize(self, objective, *, scale, time_limit_s, hint=None) -> LevelOutcome:
        raise OSError("solver binary not found")


class _OutOfMemory(CpSatBackend):
    """Its process is at its memory limit (C++ std::bad_alloc surfaces as MemoryError)."""

    def optimize(self, objective, *, scale, time_limit_s, hint=None) -> LevelOutcome:
        raise MemoryError("std::bad_alloc")


@pytest.fixture
def fake_backends(monkeypatch: pytest.MonkeyPatch):
    """Register three fake backends next to the real ones, with a fresh probe cache."""
    here = __name__
    monkeypatch.setitem(BACKENDS, "wrong", BackendInfo(here, "_WrongAnswer", "wrong answers"))
    monkeypatch.setitem(BACKENDS, "crash", BackendInfo(here, "_Crashes", "crashes"))
    monkeypatch.setitem(BACKENDS, "missing", BackendInfo("allocator_no_such_module", "X", "-"))
    backends._load.cache_clear()
    yield
    backends._load.cache_clear()


def test_the_probe_admits_a_working_solver() -> None:
    assert backends._probe(CpSatBackend) is None
    assert allocator.available_backends()[0] == DEFAULT_BACKEND


def test_a_backend_is_unavailable_unless_its_probe_solve_succeeds(fake_backends) -> None:
    names = allocator.available_backends()
    assert DEFAULT_BACKEND in names
    assert not {"wrong", "crash", "missing"} & set(names)
    assert "[0, 2]" in backends.unavailable_reason("wrong")
    assert "solver binary not found" in backends.unavailable_reason("crash")
    assert "not installed" in backends.unavailable_reason("missing")
    assert backends.unavailable_reason(DEFAULT_BACKEND) is None
    with pytest.raises(BackendUnavailableError, match="allocator backends"):
        backends.get_backend("crash")


def test_names_default_and_descriptions_come_from_one_table() -> None:
    assert backends.backend_names() == list(BACKENDS)
    assert backends.backend_names()[0] == DEFAULT_BACKEND
    assert backends.describe(DEFAULT_BACKEND).endswith("(default)")
    assert all("(default)" not in backends.describe(n) for n in BACKENDS if n != DEFAULT_BACKEND)


def test_running_out_of_memory_in_the_probe_is_not_a_verdict_on_the_backend(
        fake_backends, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(BACKENDS, "oom", BackendInfo(__name__, "_OutOfMemory", "out of memory"))
    # A service job at its memory limit must fail "ran out of memory" (api/worker.py catches
    # MemoryError), not "backend is not usable", and nothing is cached against the backend.
    with pytest.raises(MemoryError):
        backends.is_available("oom")
    assert backends._load.cache_info().currsize == 0
