"""What the soft-goal slack is made of: per mission, persons below the women target and
persons above a soft state-share limit.

The figures come from the verifier's own rules (``allocator.verify.personnel``), fed the
plan's personnel per mission and state, so the parts add up exactly (as fractions of a
person) to ``result.objective["soft_goal_slack"]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import pandas as pd

from allocator.scenario.scenario import Scenario
from allocator.verify.personnel import state_share_slack, women_target_shortfall
from allocator.verify.tally import Tally


@dataclass(frozen=True)
class MissionGoals:
    """One mission's soft goals as the plan meets them."""

    mission_id: str
    women_target: float | None
    """The mission's target share of women (its own, else the policy's); None without one."""
    women_short: Fraction
    """Persons of women below the target share of the mission's personnel."""
    share_limit: float | None
    """The state-share limit that applies (soft limits only count in the slack)."""
    share_excess: Fraction
    """Persons above a soft state-share limit, summed over the states above it."""
    states_over: list[str] = field(default_factory=list)
    """States above the share limit (soft or hard), in code order."""

    @property
    def slack(self) -> Fraction:
        """This mission's part of the soft-goal slack, in persons."""
        return self.women_short + self.share_excess


def mission_goals(scenario: Scenario, assignments: pd.DataFrame) -> list[MissionGoals]:
    """Each mission's soft goals, in scenario order, from the result's assignments table."""
    tally = Tally()
    for a in assignments.itertuples():
        tally.personnel[a.mission_id] += int(a.personnel)
        tally.women[a.mission_id] += int(a.women)
        tally.by_state[a.mission_id, a.state] += int(a.personnel)
    policy = scenario.policy
    out = []
    for m in scenario.missions:
        target = m.women_target if m.women_target is not None else policy.women_target
        share = m.max_state_share if m.max_state_share is not None else policy.max_state_share
        total = tally.personnel.get(m.mission_id, 0)
        over = [] if share is None else sorted(
            state for (mid, state), count in tally.by_state.items()
            if mid == m.mission_id and count > Fraction(str(share)) * total)
        out.append(MissionGoals(
            m.mission_id, None if target is None else float(target),
            women_target_shortfall(policy, m, tally),
            None if share is None else float(share),
            state_share_slack(policy, m, tally), over))
    return out


def _missions(n: int) -> str:
    return f"{n} mission" + ("" if n == 1 else "s")


def slack_words(goals: list[MissionGoals]) -> str:
    """What the slack is made of: 'women below target in 8 missions', or with both kinds
    of goal missed, each part with its persons ('women below target in 2 missions (40.0
    persons); states above the share limit in 1 mission (12.5 persons)')."""
    women = [g for g in goals if g.women_short > 0]
    shares = [g for g in goals if g.share_excess > 0]
    parts = []
    if women:
        persons = float(sum((g.women_short for g in women), Fraction(0)))
        parts.append((f"women below target in {_missions(len(women))}", persons))
    if shares:
        persons = float(sum((g.share_excess for g in shares), Fraction(0)))
        parts.append((f"states above the share limit in {_missions(len(shares))}", persons))
    if not parts:
        return "every women target and share limit met"
    if len(parts) == 1:
        return parts[0][0]
    return "; ".join(f"{text} ({persons:,.1f} persons)" for text, persons in parts)
