"""``un_2025``'s missions table and requirement lines."""

from __future__ import annotations

import random
from typing import Any

from allocator.generators.reference import EQUIPMENT_ITEMS, round_to
from allocator.generators.un_2025.tables import (
    BUDGET_SHARE,
    CAPABILITY_RANK,
    DEMAND,
    ESTIMATE_WEIGHTS,
    FIXED_BUDGETS,
    MISSION_IDS,
    MISSIONS,
    SPECIAL_LINES,
    TOTAL_BUDGET_2025_26,
)

Row = dict[str, Any]
"""One row of a table, by column."""


def mission_budgets() -> dict[str, int]:
    """Each mission's budget: the fixed ones, and the estimates sharing the rest of the total."""
    rest = TOTAL_BUDGET_2025_26 - sum(FIXED_BUDGETS.values())
    weight_sum = sum(ESTIMATE_WEIGHTS.values())
    budgets = dict(FIXED_BUDGETS)
    for mission, weight in ESTIMATE_WEIGHTS.items():
        budgets[mission] = round_to(rest * weight / weight_sum, 100_000)
    return {m: round(b * BUDGET_SHARE.get(m, 1.0)) for m, b in budgets.items()}


def excluded(mission_id: str) -> set[str]:
    """States that may not serve in a mission: its host and the excluded states."""
    row = next(m for m in MISSIONS if m[0] == mission_id)
    return set(row[4].split(";")) | ({row[2]} if row[2] else set())


def mission_rows() -> list[Row]:
    """The missions table."""
    budgets = mission_budgets()
    return [dict(mission_id=m, name=name, host_state=host, budget_usd=budgets[m],
                 personnel_ceiling=ceiling, excluded_states=excl, women_target=women,
                 max_state_share=share)
            for m, name, host, ceiling, excl, women, share in MISSIONS]


def build_requirements(rng: random.Random) -> list[Row]:
    """Every mission's lines: the special lines, then the rest of its demand drawn in lines of
    1-3 units (1-4 for battalions); numbered by priority within the mission."""
    rows = []
    for mission_id in MISSION_IDS:
        remaining = {cap: units for cap, units, _ in DEMAND[mission_id]}
        lines = _special_lines(mission_id, remaining)
        lines += _drawn_lines(rng, mission_id, remaining)
        lines.sort(key=lambda r: (r["priority"], not r["mandatory"],
                                  CAPABILITY_RANK[r["capability"]]))
        for number, line in enumerate(lines, start=1):
            rows.append(dict(requirement_id=f"{mission_id}-R{number:02d}",
                             mission_id=mission_id, **line))
    return rows


def _special_lines(mission_id: str, remaining: dict[str, int]) -> list[Row]:
    """The mission's hand-written lines, taken out of ``remaining``."""
    lines = []
    for m, cap, units, prio, mandatory, deadline, readiness, language in SPECIAL_LINES:
        if m != mission_id:
            continue
        remaining[cap] -= units
        if remaining[cap] < 0:
            raise ValueError(f"special lines of {m} ask more {cap} than its demand")
        lines.append(dict(capability=cap, units=units, priority=prio, mandatory=mandatory,
                          deadline_days=deadline, min_readiness=readiness, language=language))
    return lines


def _drawn_lines(rng: random.Random, mission_id: str, remaining: dict[str, int]) -> list[Row]:
    """The rest of the mission's demand in drawn lines."""
    lines = []
    base_priority = {cap: p for cap, _, p in DEMAND[mission_id]}
    for cap, _, _ in DEMAND[mission_id]:
        left = remaining[cap]
        while left > 0:
            if cap in EQUIPMENT_ITEMS:
                units = left
            elif cap == "INF_BN":
                units = min(left, rng.choices([1, 2, 3, 4], [2, 4, 3, 1])[0])
            else:
                units = min(left, rng.choices([1, 2, 3], [4, 4, 1])[0])
            left -= units
            priority = min(5, max(1, base_priority[cap] + rng.choice([-1, 0, 0, 0, 1])))
            deadline = readiness = language = None
            draw = rng.random()
            if draw < 0.05 and cap not in EQUIPMENT_ITEMS:
                readiness, deadline = "L3", 90
            elif draw < 0.25:
                deadline = rng.choice([120, 150, 180])
            if (mission_id in ("MINUSCA", "MONUSCO") and cap not in EQUIPMENT_ITEMS
                    and cap not in ("UTIL_HELO", "ATK_HELO", "UAS_UNIT")
                    and rng.random() < (0.6 if cap == "FPU" else 0.3)):
                language = "fr"
            if readiness is None and priority >= 4 and rng.random() < 0.3:
                readiness = "L1"
            lines.append(dict(capability=cap, units=units, priority=priority,
                              mandatory=False, deadline_days=deadline,
                              min_readiness=readiness, language=language))
    return lines
