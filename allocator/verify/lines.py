"""Requirement lines: never over-filled, mandatory lines filled, and the shortfall they leave.

Each rule is given ``got``, the units (or, on an equipment line, items) the plan sends the line.
"""

from __future__ import annotations

from allocator.scenario.schema import Policy, Requirement


def line_not_over_filled(r: Requirement, got: int) -> str | None:
    """A line receives no more units (or items) than it asks for."""
    if got > r.units:
        return f"requirement {r.requirement_id} gets {got} units, asks {r.units}"
    return None


def mandatory_line_filled(r: Requirement, got: int) -> str | None:
    """A mandatory line receives every unit (or item) it asks for."""
    if r.mandatory and got < r.units:
        return f"mandatory requirement {r.requirement_id} gets {got} of {r.units} units"
    return None


def weighted_shortfall(policy: Policy, r: Requirement, got: int) -> int:
    """The units a line still lacks, times the weight of its priority (the first objective)."""
    return policy.priority_weights[r.priority] * max(0, r.units - got)
