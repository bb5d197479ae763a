"""Progress reports during a solve, for services and progress bars.

``solve(..., progress=callback)`` calls ``callback(Progress(...))`` when a level starts, each
time CP-SAT finds a better plan (other backends report only when a level ends) and when a
level ends. Values are in the planner's units of that level (US$ for cost).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Progress:
    """One progress report of a solve: the level, its best value and bound, and the time."""

    level: str
    """Result name of the level being optimised (``weighted_shortfall``, ``cost_usd``, ...)."""
    level_number: int
    """1-based position of that level in the objective order."""
    levels: int
    """How many levels this solve optimises."""
    value: float | None
    """The best plan's value at this level so far; None before a plan is found."""
    bound: float | None
    """The best proven bound at this level so far; None when the backend has not said."""
    elapsed_s: float
    """Seconds since ``solve()`` was called."""
    level_done: bool = False

    def to_dict(self) -> dict[str, object]:
        return {"level": self.level, "level_number": self.level_number, "levels": self.levels,
                "value": self.value, "bound": self.bound,
                "elapsed_s": round(self.elapsed_s, 3), "level_done": self.level_done}


ProgressCallback = Callable[[Progress], None]


class Reporter:
    """Turns a backend's model-unit incumbents into ``Progress`` for one level at a time."""

    def __init__(self, callback: ProgressCallback | None, levels: int, started: float):
        self.callback = callback
        self.levels = levels
        self.started = started
        self.level = ""
        self.number = 0
        self.per_unit = Fraction(1)

    def start(self, level: str, number: int, per_unit: Fraction) -> None:
        self.level, self.number, self.per_unit = level, number, per_unit
        self._send(None, None, done=False)

    def incumbent(self, value: float | None, bound: float | None) -> None:
        """A backend found a better plan (model units)."""
        self._send(value, bound, done=False)

    def finish(self, value: float | None, bound: float | None) -> None:
        self._send(value, bound, done=True)

    def _send(self, value: float | None, bound: float | None, *, done: bool) -> None:
        if self.callback is None:
            return

        def planner(v: float | None) -> float | None:
            return None if v is None else float(Fraction(round(v)) * self.per_unit)

        self.callback(Progress(self.level, self.number, self.levels, planner(value),
                               planner(bound), time.perf_counter() - self.started, done))
