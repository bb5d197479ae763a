"""Sweeps on a real Dask cluster (two worker processes) equal the same sweeps run locally."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from allocator import read_scenario
from allocator.scenario.scenario import Scenario
from allocator.sweeps import Reliability, monte_carlo, n_minus_1
from allocator.sweeps.runner import dask_executor

from ..conftest import DATASETS

distributed = pytest.importorskip(
    "distributed", reason="Dask sweeps need the dask extra: pip install 'pledge-allocator[dask]'")


@pytest.fixture(scope="module")
def cluster() -> Iterator[distributed.LocalCluster]:
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as local:
        yield local


@pytest.fixture(scope="module")
def client(cluster: distributed.LocalCluster) -> Iterator[distributed.Client]:
    with distributed.Client(cluster) as connected:
        yield connected


@pytest.fixture(scope="module")
def small() -> Scenario:
    return read_scenario(DATASETS / "families" / "small")


def test_monte_carlo_on_dask_equals_the_local_run(client: distributed.Client,
                                                  small: Scenario) -> None:
    odds = Reliability(0.2, 0.2, 45)
    local = monte_carlo(small, draws=24, seed=7, default=odds, workers=1)
    remote = monte_carlo(small, draws=24, seed=7, default=odds, workers=2,
                         executor=client.get_executor())
    assert remote.equals(local)
    assert local.weighted_shortfall.nunique() > 1  # the draws do differ


def test_n_minus_1_on_dask_equals_the_local_run(client: distributed.Client,
                                                small: Scenario) -> None:
    local = n_minus_1(small)
    remote = n_minus_1(small, workers=2, executor=client.get_executor())
    assert remote.solved.any()  # some rows were answered on the cluster
    assert remote.drop(columns="seconds").equals(local.drop(columns="seconds"))


def test_dask_executor_connects_by_address(cluster: distributed.LocalCluster,
                                           small: Scenario) -> None:
    with dask_executor(cluster.scheduler_address) as (executor, threads):
        assert threads == 2
        remote = monte_carlo(small, draws=8, seed=3, workers=threads, executor=executor)
    assert remote.equals(monte_carlo(small, draws=8, seed=3))
