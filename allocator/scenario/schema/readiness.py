"""UN PCRS readiness levels, which pledges declare and requirements and the policy ask for."""

from __future__ import annotations

from enum import StrEnum


class Readiness(StrEnum):
    """UN PCRS readiness levels, in increasing order of readiness."""

    L1 = "L1"
    L2 = "L2"
    L3 = "L3"
    RDL = "RDL"

    @property
    def rank(self) -> int:
        """Position in ``READINESS_ORDER``: a higher rank is readier (L1 = 0, RDL = 3)."""
        return _RANK[self]


READINESS_ORDER = [Readiness.L1, Readiness.L2, Readiness.L3, Readiness.RDL]
"""The levels from least to most ready."""

_RANK = {level: i for i, level in enumerate(READINESS_ORDER)}
