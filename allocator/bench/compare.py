"""The default backend against the best single backend of the same run, case by case.

For each case run on the default backend and on at least one other, the best other is the one
whose plan is best level by level (lexicographically, in the case's sense), ties going to the
faster. The comparison says by how much the default is behind or ahead at each level and how
its time compares: ``time_ratio`` is the default's total time over the peer's, and it is the
figure that matters when both prove their plan optimal. Pure functions of a report's rows, so
each rule is tested on its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from allocator.bench.runner import BenchRow

AHEAD, LEVEL, BEHIND = "ahead", "level", "behind"
"""The verdicts of a comparison: the default's plan better, equal (and at least as fast to a
proof where the peer proves), or worse / slower to a proof."""


@dataclass(frozen=True)
class Comparison:
    """The default backend's row of one case against the best other backend's row."""

    instance: str
    default: str
    peer: str
    default_status: str
    peer_status: str
    level_differences: tuple[float, ...] | None  # default - peer per level, + = default worse
    time_ratio: float | None  # default total s / peer total s
    verdict: str
    note: str = ""


def _key(row: BenchRow) -> tuple[float, ...]:
    """A row's plan as a vector to minimise: no plan sorts last, then levels, then time."""
    if row.values is None:
        return (math.inf,)
    sign = -1.0 if row.sense == "max" else 1.0
    return tuple(sign * v for v in row.values)


def _proven(row: BenchRow) -> bool:
    return row.status == "optimal"


def best_row(rows: list[BenchRow]) -> BenchRow | None:
    """The row with the best plan, lexicographically; the faster of equal plans."""
    if not rows:
        return None
    return min(rows, key=lambda r: (_key(r), not _proven(r), r.total_s))


def compare_rows(default: BenchRow, peer: BenchRow, rel_tol: float = 1e-9) -> Comparison:
    """The default's row against one peer's row of the same case."""
    ratio = default.total_s / peer.total_s if peer.total_s > 0 else None
    base = dict(instance=default.instance, default=default.backend, peer=peer.backend,
                default_status=default.status, peer_status=peer.status, time_ratio=ratio)
    if default.values is None or peer.values is None:
        if default.values is None and peer.values is not None:
            return Comparison(**base, level_differences=None, verdict=BEHIND,
                              note="no plan from the default; the peer has one")
        verdict = AHEAD if default.values is not None else LEVEL
        return Comparison(**base, level_differences=None, verdict=verdict,
                          note="" if verdict == AHEAD else "no plan from either")
    sign = -1.0 if default.sense == "max" else 1.0
    differences = tuple(sign * (d - p) for d, p in zip(default.values, peer.values,
                                                       strict=True))
    for level, difference in enumerate(differences, start=1):
        scale = max(abs(peer.values[level - 1]), 1.0)
        if abs(difference) <= rel_tol * scale:
            continue
        verdict = BEHIND if difference > 0 else AHEAD
        return Comparison(**base, level_differences=differences, verdict=verdict,
                          note=f"{'worse' if verdict == BEHIND else 'better'} at level {level}")
    if _proven(peer) and not _proven(default):
        return Comparison(**base, level_differences=differences, verdict=BEHIND,
                          note="the same plan value, but only the peer proved it optimal")
    if _proven(peer) and ratio is not None and ratio > 1.0:
        return Comparison(**base, level_differences=differences, verdict=BEHIND,
                          note=f"slower to the proven optimum ({ratio:.2f}x)")
    return Comparison(**base, level_differences=differences, verdict=LEVEL)


def compare_default(rows: list[BenchRow], default: str) -> list[Comparison]:
    """For every case run on ``default`` and another backend: the default against the best
    other backend, in the order the cases first appear."""
    by_case: dict[str, list[BenchRow]] = {}
    for row in rows:
        by_case.setdefault(row.instance, []).append(row)
    found = []
    for case_rows in by_case.values():
        mine = next((r for r in case_rows if r.backend == default), None)
        peer = best_row([r for r in case_rows if r.backend != default])
        if mine is not None and peer is not None:
            found.append(compare_rows(mine, peer))
    return found
