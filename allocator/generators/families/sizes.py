"""The four family sizes and their target counts."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FamilySize:
    """Target counts of one size. Unit pledges are exact; the others are close targets."""

    missions: int
    requirement_lines: int
    unit_pledges: int
    equipment_pledges: int
    funding_pledges: int
    theatre_missions: int
    """Missions per theatre; pledges are scoped to one theatre when there is more than one."""
    time_limit_s: float


SIZES: dict[str, FamilySize] = {
    "small": FamilySize(3, 18, 50, 8, 6, 3, 30.0),
    "medium": FamilySize(12, 200, 500, 50, 30, 12, 60.0),
    "large": FamilySize(40, 700, 5_000, 400, 100, 5, 120.0),
    "xl": FamilySize(100, 2_000, 20_000, 1_500, 250, 5, 300.0),
}
"""The four family sizes: ``medium`` is real-world scale (a dozen missions, ~500 pledges)."""
