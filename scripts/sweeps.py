"""Speed of the sweeps on datasets/un_2025 (issue 5's targets), on this machine.

    python scripts/sweeps.py                       # everything below, about 15 minutes on 2 cores
    python scripts/sweeps.py --only n-1 --naive 10

- **n-1**: every pledge withdrawn once, with 1 and 2 local worker processes, from the scenario
  and from a solved base (as ``allocator sweep n-1`` does);
- **naive**: ``--naive`` randomly chosen withdrawals, each rebuilt from the scenario and solved
  whole with ``solve()`` (every objective level), timed one after another; the N-1 sweep done
  that way would take their mean times the number of pledges on one core;
- **monte-carlo**: ``--draws`` draws with 2 local processes, and on a Dask ``LocalCluster`` of
  1 and of 2 single-threaded worker processes, checked equal to the local table.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from allocator import read_scenario, solve
from allocator.insight.whatif import apply_changes
from allocator.sweeps import monte_carlo, n_minus_1

T = TypeVar("T")
UN_2025 = Path(__file__).resolve().parent.parent / "datasets" / "un_2025"


def _timed(label: str, run: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    value = run()
    seconds = time.perf_counter() - started
    print(f"{label}: {seconds:.1f} s", flush=True)
    return value, seconds


def bench_n_minus_1() -> None:
    sc = read_scenario(UN_2025)
    for workers in (1, 2):
        table, _ = _timed(f"n-1 by pledge from the scenario, {workers} worker(s)",
                          lambda w=workers: n_minus_1(sc, workers=w))
    print(f"  {len(table)} pledges, {int(table.solved.sum())} solved, "
          f"{int((table.d_weighted_shortfall > 0).sum())} lose coverage", flush=True)
    base, _ = _timed("  base plan (every level)", lambda: solve(sc))
    _timed("n-1 by pledge from that plan, 2 workers", lambda: n_minus_1(base, workers=2))
    _timed("n-1 by state from that plan, 2 workers",
           lambda: n_minus_1(base, by="state", workers=2))


def bench_naive(count: int) -> None:
    sc = read_scenario(UN_2025)
    pledges = [u.pledge_id for u in sc.unit_pledges] + [
        q.equipment_id for q in sc.equipment_pledges] + [g.funding_id for g in sc.funding_pledges]
    chosen = random.Random(0).sample(pledges, count)
    started = time.perf_counter()
    for pledge in chosen:
        solve(apply_changes(sc, [{"withdraw_pledge": pledge}]), diagnose=False)
    mean = (time.perf_counter() - started) / count
    print(f"naive: {count} withdrawals solved whole, {mean:.2f} s each; all {len(pledges)} "
          f"would take {mean * len(pledges):.0f} s on one core", flush=True)


def bench_monte_carlo(draws: int) -> None:
    from distributed import Client, LocalCluster

    sc = read_scenario(UN_2025)
    local, seconds = _timed(f"monte carlo {draws} draws, 2 local processes",
                            lambda: monte_carlo(sc, draws=draws, workers=2))
    print(f"  {draws / seconds:.2f} draws/s", flush=True)
    for n in (1, 2):
        with LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster) as client:
            table, seconds = _timed(
                f"monte carlo {draws} draws, Dask LocalCluster of {n} worker(s)",
                lambda c=client, k=n: monte_carlo(sc, draws=draws, workers=k,
                                                  executor=c.get_executor()))
            print(f"  {draws / seconds:.2f} draws/s; equal to the local table: "
                  f"{table.equals(local)}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["n-1", "naive", "monte-carlo"])
    parser.add_argument("--naive", type=int, default=20, help="withdrawals solved whole")
    parser.add_argument("--draws", type=int, default=1000)
    args = parser.parse_args()
    if args.only in (None, "n-1"):
        bench_n_minus_1()
    if args.only in (None, "naive"):
        bench_naive(args.naive)
    if args.only in (None, "monte-carlo"):
        bench_monte_carlo(args.draws)


if __name__ == "__main__":
    main()
