"""Shared fixtures: every test that takes ``backend`` runs once per available backend."""

from __future__ import annotations

from pathlib import Path

import pytest

from allocator.backends import available_backends

ROOT = Path(__file__).resolve().parent.parent
DATASETS = ROOT / "datasets"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--backends", default="all",
        help="comma-separated backends to test (default: every available backend)",
    )


def selected_backends(config: pytest.Config) -> list[str]:
    wanted = config.getoption("--backends")
    available = available_backends()
    if wanted == "all":
        # "auto" races two of the engines already listed; tests/backends/test_race.py checks
        # it against each, so every backend-parametrised test does not run both again.
        return [b for b in available if b != "auto"]
    return [b for b in wanted.split(",") if b in available]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", selected_backends(metafunc.config))
