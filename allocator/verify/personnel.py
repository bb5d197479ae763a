"""People in each mission: the personnel ceiling, the women target and the state-share limit.

The ceiling is always hard. The women target is a soft goal: its shortfall counts in the
objective. The state-share limit is hard or soft as the policy says.
"""

from __future__ import annotations

from fractions import Fraction

from allocator.scenario.schema import Mission, Policy
from allocator.verify.tally import Tally


def _share(value: float) -> Fraction:
    """A share given as a float (0.2), exactly as written (1/5, not the nearest binary)."""
    return Fraction(str(value))


def mission_within_ceiling(m: Mission, tally: Tally) -> str | None:
    """A mission with a personnel ceiling gets no more personnel than the ceiling."""
    total = tally.personnel.get(m.mission_id, 0)
    if m.personnel_ceiling is not None and total > m.personnel_ceiling:
        return (f"mission {m.mission_id} deploys {total} personnel, "
                f"ceiling {m.personnel_ceiling}")
    return None


def women_target_shortfall(policy: Policy, m: Mission, tally: Tally) -> Fraction:
    """Persons by which the mission's women fall short of its target share of its personnel
    (the mission's own target, else the policy's; 0 when neither sets one)."""
    mid = m.mission_id
    target = m.women_target if m.women_target is not None else policy.women_target
    if target is None:
        return Fraction(0)
    return max(Fraction(0), _share(target) * tally.personnel.get(mid, 0) - tally.women[mid])


def _state_share_excess(policy: Policy, m: Mission,
                        tally: Tally) -> list[tuple[str, int, int, float, Fraction]]:
    """(state, its personnel, mission personnel, limit, persons above it) per state above the
    limit, in the order the states first deployed there."""
    mid = m.mission_id
    share = m.max_state_share if m.max_state_share is not None else policy.max_state_share
    if share is None:
        return []
    total = tally.personnel.get(mid, 0)
    above = []
    for (mission_id, state), count in tally.by_state.items():
        if mission_id != mid:
            continue
        excess = count - _share(share) * total
        if excess > 0:
            above.append((state, count, total, share, excess))
    return above


def state_share_within_limit(policy: Policy, m: Mission, tally: Tally) -> list[str]:
    """When the state-share limit is hard, no state provides more than the limit's share of a
    mission's personnel (the mission's own limit, else the policy's)."""
    if not policy.state_share_hard:
        return []
    return [f"{state} provides {count} of {total} personnel in {m.mission_id}, above the "
            f"{share:.0%} share limit"
            for state, count, total, share, _ in _state_share_excess(policy, m, tally)]


def state_share_slack(policy: Policy, m: Mission, tally: Tally) -> Fraction:
    """When the state-share limit is soft, the persons by which states exceed it in the mission
    count as soft-goal slack."""
    if policy.state_share_hard:
        return Fraction(0)
    return sum((excess for *_, excess in _state_share_excess(policy, m, tally)), Fraction(0))
