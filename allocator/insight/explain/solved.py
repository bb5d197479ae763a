"""What an explanation reads of a solve's outcome: ``SolvedPlan``, a structural type.

Any object with these attributes will do (``AllocationResult`` has them), so this package
needs nothing of ``allocator.result``, which sits above it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import pandas as pd

    from allocator.plan.plan import Plan
    from allocator.scenario.scenario import Scenario
    from allocator.status import SolveStatus


class SolvedLevel(Protocol):
    """One objective level of a solve, as far as an explanation reads it."""

    @property
    def status(self) -> SolveStatus:
        """How the solver left the level."""


class SolvedPlan(Protocol):
    """What ``explain`` reads of a solve's outcome (``AllocationResult`` is one)."""

    @property
    def scenario(self) -> Scenario:
        """The scenario solved."""

    @property
    def plan(self) -> Plan | None:
        """The verified plan; None when the solve found none."""

    @property
    def status(self) -> SolveStatus:
        """The solve's status."""

    @property
    def levels(self) -> Sequence[SolvedLevel]:
        """The objective levels in solve order."""

    @property
    def objective_mode(self) -> str:
        """``lexicographic`` or ``weighted``."""

    @property
    def unused_pledges(self) -> pd.DataFrame:
        """One row per pledge not used in full: ``kind``, ``pledge_id``, ``state``, ``offer``,
        ``unused``."""
