"""A current deployment to re-plan from: what is in place, what must stay, what must not be.

``solve(scenario, deployment=Deployment.from_plan(plan))`` (a ``Plan``, or the result of an
earlier ``solve``) then adds an objective level
``units_changed`` right after the weighted shortfall: among the plans that fill as much as
possible, the one that moves the fewest units (every unit or equipment item added to or taken
from a pledge-line pair counts once), and only then soft goals, preferences and cost.
``pinned`` pairs keep at least their current units; ``forbidden`` pairs get none. Pairs are
(pledge, line) for unit and equipment pledges alike: equipment moved between lines costs
nothing, so without counting it a re-plan would reshuffle it freely.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from allocator.errors import Defect, ScenarioError
from allocator.plan.plan import Plan
from allocator.scenario.scenario import Scenario

Pair = tuple[str, str]  # (pledge_id or equipment_id, requirement_id)


class HasPlan(Protocol):
    """Anything carrying a plan, such as an ``AllocationResult`` (which this layer, below the
    result, may not import)."""

    @property
    def plan(self) -> Plan | None:
        """The plan, or ``None`` when there is none."""
        ...


@dataclass(frozen=True)
class Deployment:
    """What is deployed now: the units and items of each (pledge, requirement) pair, and the
    pairs pinned or forbidden, for re-planning with the fewest changes."""

    current: Mapping[Pair, int] = field(default_factory=dict)
    """Units (items, for equipment) of each pledge now deployed on each requirement line."""
    pinned: frozenset[Pair] = frozenset()
    """Pairs that keep at least their current units (a unit that cannot be rotated out)."""
    forbidden: frozenset[Pair] = frozenset()
    """Pairs that get no units (a deployment the planner has ruled out)."""

    @classmethod
    def from_plan(cls, plan: Plan | HasPlan, *, pinned: Iterable[Pair] = (),
                  forbidden: Iterable[Pair] = ()) -> Deployment:
        """The deployment of ``plan``: a ``Plan``, or a solved result whose ``.plan`` it takes
        (a result's own ``assignments`` are a pandas table, not the plan's rows).

        Raises ``ValueError`` for a result without a plan: there is nothing deployed to keep.
        """
        if not isinstance(plan, Plan):
            carried = plan.plan
            if carried is None:
                status = getattr(getattr(plan, "status", None), "value", "no plan")
                raise ValueError(f"the result has no plan ({status}); re-plan from a result "
                                 "with status optimal or feasible, or from a Plan")
            plan = carried
        current: dict[Pair, int] = {}
        for a in plan.assignments:
            current[a.pledge_id, a.requirement_id] = current.get(
                (a.pledge_id, a.requirement_id), 0) + a.units
        for e in plan.equipment_flows:
            current[e.equipment_id, e.requirement_id] = current.get(
                (e.equipment_id, e.requirement_id), 0) + e.items
        return cls(current, frozenset(pinned), frozenset(forbidden))

    def units_changed(self, plan: Plan) -> int:
        """Units and items added to or taken from pairs, against the current deployment."""
        planned = Deployment.from_plan(plan).current
        pairs = set(planned) | set(self.current)
        return sum(abs(planned.get(p, 0) - self.current.get(p, 0)) for p in pairs)

    def check(self, scenario: Scenario) -> None:
        """Raise ``ScenarioError`` naming every pinned or forbidden pair whose pledge or line
        does not exist, and every pin without current units. Current pairs may name pledges
        or lines the scenario no longer has (a withdrawn pledge): their units count as
        changed."""
        problems = []
        known = set(scenario.pledge_by_id) | {q.equipment_id for q in
                                              scenario.equipment_pledges}
        for kind, pairs in (("pinned", self.pinned), ("forbidden", self.forbidden)):
            for n, (pledge_id, requirement_id) in enumerate(sorted(pairs), start=1):
                if pledge_id not in known:
                    problems.append(Defect("deployment", f"{kind} pair ({pledge_id}, "
                                            f"{requirement_id}): unknown pledge {pledge_id!r}",
                                            n, "pledge_id"))
                if requirement_id not in scenario.requirement_by_id:
                    problems.append(Defect("deployment", f"{kind} pair ({pledge_id}, "
                                            f"{requirement_id}): unknown requirement "
                                            f"{requirement_id!r}", n, "requirement_id"))
        for n, pair in enumerate(sorted(self.pinned), start=1):
            if not self.current.get(pair):
                problems.append(Defect("deployment", f"pinned pair {pair} has no current units "
                                        "to keep; pin only what is deployed", n))
            if pair in self.forbidden:
                problems.append(Defect("deployment", f"pair {pair} is both pinned and "
                                        "forbidden; keep one", n))
        if problems:
            raise ScenarioError(problems)
