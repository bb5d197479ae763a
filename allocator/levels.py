"""The objective levels: one table, read by the policy schema, the solver loop, the result, the
CLI and the benchmarks.

A level has a *policy name* (what ``policy.objective`` lists, in order of importance), a
*result key* (the figure in ``result.objective`` and the JSON), the words a planner reads, and
its unit. ``changes`` is not in ``policy.objective``: ``solve(deployment=...)`` inserts it
right after the shortfall when re-planning from a current deployment.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Level:
    """One objective level, in the words of the policy, the result and the planner."""

    name: str
    """Name in ``policy.objective`` (``shortfall``, ``soft_goals``, ...)."""
    key: str
    """Key in ``result.objective``, ``result.bound`` and the result JSON."""
    label: str
    """What a planner reads."""
    unit: str
    """Unit of the level's value."""
    short_unit: str = ""
    """The unit as a column heading says it (``persons``, ``US$``); ``unit`` when empty."""

    @property
    def heading(self) -> str:
        """The level as a planner's heading: ``Soft-goal slack (persons)``."""
        return f"{self.label[:1].upper()}{self.label[1:]} ({self.short_unit or self.unit})"


LEVELS: tuple[Level, ...] = (
    Level("shortfall", "weighted_shortfall", "weighted shortfall",
          "priority-weighted units short"),
    Level("changes", "units_changed", "units changed", "units and equipment items moved",
          "units and items moved"),
    Level("soft_goals", "soft_goal_slack", "soft-goal slack",
          "persons short of the women targets and over the state-share limits", "persons"),
    Level("preference", "preference_penalty", "preference penalty", "penalty points",
          "points"),
    Level("cost", "cost_usd", "cost", "US$"),
)
LEVEL_BY_NAME: dict[str, Level] = {level.name: level for level in LEVELS}
LEVEL_BY_KEY: dict[str, Level] = {level.key: level for level in LEVELS}

POLICY_LEVELS: tuple[str, ...] = ("shortfall", "soft_goals", "preference", "cost")
"""The levels ``policy.objective`` may list, in the default order."""
OBJECTIVE_KEYS: tuple[str, ...] = tuple(LEVEL_BY_NAME[name].key for name in POLICY_LEVELS)
"""Result keys that every ``result.objective`` carries (``units_changed`` only when
re-planning)."""


def result_key(name: str) -> str:
    """The result key of a policy level name (``shortfall`` -> ``weighted_shortfall``)."""
    return LEVEL_BY_NAME[name].key
