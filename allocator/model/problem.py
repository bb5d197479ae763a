"""Compile a Scenario into ProblemData: indexed entities and the sparse compatible pairs.

This is where the planner's rules become sets: only a (pledge, requirement) pair that passes
every rule (capability or substitute, readiness, deadline, language, exclusions, caveats) gets
a variable later. Money is held in exact integers from here on (cents, then one money unit of
``ProblemData.money_unit_cents`` cents), so no backend ever rounds it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from allocator.model.compatibility import (
    Offer,
    compatible,
    equipment_items,
    excluded_states,
    need_of,
    offer_of,
    preference_penalties,
    substitutes,
    transport_costs,
    unit_monthly_cost,
)
from allocator.scenario.scenario import Scenario
from allocator.scenario.schema import Requirement

CENTS_PER_USD = 100
"""Inputs are whole cents (the schema rejects fractions of a cent)."""


def to_cents(amount: Decimal) -> int:
    """``amount`` US$ as whole cents; ``ValueError`` if it holds a fraction of a cent."""
    cents = amount * CENTS_PER_USD
    if cents != cents.to_integral_value():
        raise ValueError(f"amount {amount} is not a whole number of cents")
    return int(cents)


@dataclass(frozen=True)
class UnitPair:
    """Unit pledge ``u`` may serve requirement ``r``; one unit costs ``cost`` money units and
    ``penalty`` preference units (see ``ProblemData.preference_unit``)."""

    u: int
    r: int
    cost: int
    penalty: int = 0


@dataclass(frozen=True)
class EquipmentPair:
    """Equipment pledge ``q`` may serve requirement ``r`` (directly, or a unit's gap there)."""

    q: int
    r: int
    cost: int


@dataclass
class ProblemData:
    """Solver-neutral, indexed view of a scenario, made by ``compile_problem``.

    Indexed: pledges, requirement lines, missions and funding pledges are ints, their positions
    in the scenario's lists (``u`` unit pledge, ``q`` equipment pledge, ``r`` requirement line,
    ``f`` funding pledge, missions by ``scenario.missions``). Sparse: only the compatible
    (pledge, requirement) pairs are listed, in ``unit_pairs`` and ``equipment_pairs``, and the
    ``*_of_*`` maps, filled on construction, give a requirement's, pledge's or mission's pair
    indices. Money (pair costs, budgets, funding) is in integer money units of
    ``money_unit_cents`` cents each; preference penalties in integer units of
    ``preference_unit`` points; the soft goals are exact fractions.
    """

    scenario: Scenario
    unit_pairs: list[UnitPair]
    equipment_pairs: list[EquipmentPair]
    requirement_mission: list[int]
    requirement_weight: list[int]
    requirement_is_equipment: list[bool]
    money_unit_cents: int  # one model money unit, in cents (see compile_problem)
    preference_unit: Fraction  # penalty points per model preference unit
    budget: list[int]  # per mission, money units
    funding: list[int]  # per funding pledge, money units
    funding_missions: list[list[int]]  # f -> missions it may pay for
    women_target: list[Fraction | None]  # per mission
    max_state_share: list[Fraction | None]  # per mission
    state_share_hard: bool
    pairs_of_requirement: dict[int, list[int]] = field(default_factory=dict)
    pairs_of_pledge: dict[int, list[int]] = field(default_factory=dict)
    equipment_pairs_of_requirement: dict[int, list[int]] = field(default_factory=dict)
    equipment_pairs_of_pledge: dict[int, list[int]] = field(default_factory=dict)
    pairs_of_mission: dict[int, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for index, pair in enumerate(self.unit_pairs):
            self.pairs_of_requirement.setdefault(pair.r, []).append(index)
            self.pairs_of_pledge.setdefault(pair.u, []).append(index)
            self.pairs_of_mission.setdefault(self.requirement_mission[pair.r], []).append(index)
        for index, pair in enumerate(self.equipment_pairs):
            self.equipment_pairs_of_requirement.setdefault(pair.r, []).append(index)
            self.equipment_pairs_of_pledge.setdefault(pair.q, []).append(index)

    @property
    def n_missions(self) -> int:
        """How many missions the scenario has."""
        return len(self.scenario.missions)

    def pair_mission(self, pair: UnitPair | EquipmentPair) -> int:
        """The index of the mission whose requirement line ``pair`` serves."""
        return self.requirement_mission[pair.r]


def _integer_scale(values: list[Fraction]) -> tuple[list[int], Fraction]:
    """Exact integers and the size of one integer unit: ``values[i] == ints[i] * unit``."""
    den = math.lcm(*(v.denominator for v in values)) if values else 1
    ints = [int(v * den) for v in values]
    g = math.gcd(*ints) or 1
    return [i // g for i in ints], Fraction(g, den)


def _fraction(value: float | None) -> Fraction | None:
    # str() gives the shortest decimal that round-trips, so 0.15 becomes exactly 3/20.
    return None if value is None else Fraction(str(value))


@dataclass(frozen=True)
class _Prices:
    """A scenario's money figures in integer cents, before they are divided by the money unit:
    per unit pledge and per equipment pledge for the whole period, transport per
    (pledge_id, mission_id), budget per mission and amount per funding pledge."""

    transport: dict[tuple[str, str], int]
    unit_cost: list[int]
    equipment_cost: list[int]
    budget: list[int]
    funding: list[int]


def _prices_in_cents(scenario: Scenario) -> _Prices:
    """Every money figure of ``scenario`` in exact cents; raises ``ValueError`` on a fraction
    of a cent. Monthly costs are multiplied by the policy's period."""
    months = scenario.policy.period_months
    transport = {key: to_cents(usd) for key, usd in transport_costs(scenario).items()}
    unit_cost = [to_cents(unit_monthly_cost(scenario, u)) * months for u in scenario.unit_pledges]
    equipment_cost = [to_cents(q.monthly_cost_usd) * months for q in scenario.equipment_pledges]
    budget = [to_cents(m.budget_usd) for m in scenario.missions]
    funding = [to_cents(f.amount_usd) for f in scenario.funding_pledges]
    return _Prices(transport, unit_cost, equipment_cost, budget, funding)


@dataclass(frozen=True)
class _Supply:
    """The pledges as pairing reads them, worked out once for all requirement lines: which
    capabilities are equipment, who may fill what, each unit pledge's ``Offer``, and the
    pledges grouped so that each line checks only the candidates that could fit."""

    scenario: Scenario
    prices: _Prices
    items: set[str]
    fillers: dict[str, set[str]]
    offers: list[Offer]
    # Unit pledges by (capability, mission they are restricted to, or None).
    by_capability: dict[tuple[str, str | None], list[int]]
    by_item: dict[str, list[int]]  # equipment pledges by item


def _supply(scenario: Scenario, prices: _Prices) -> _Supply:
    """Group the pledges for pairing: unit pledges by capability and scope, equipment pledges
    by item."""
    # A caveat that scopes a pledge to a few missions then rules it out before any pair is
    # checked, which at 5,000 pledges saves most of the checks.
    by_capability: dict[tuple[str, str | None], list[int]] = defaultdict(list)
    for u, pledge in enumerate(scenario.unit_pledges):
        for scope in pledge.allowed_missions or [None]:
            by_capability[pledge.capability, scope].append(u)
    by_item: dict[str, list[int]] = defaultdict(list)
    for q, eq in enumerate(scenario.equipment_pledges):
        by_item[eq.item].append(q)
    offers = [offer_of(scenario, pledge) for pledge in scenario.unit_pledges]
    return _Supply(scenario, prices, equipment_items(scenario), substitutes(scenario), offers,
                   by_capability, by_item)


def _unit_pairs_of(supply: _Supply, r: int, req: Requirement
                   ) -> tuple[list[UnitPair], set[str]]:
    """The unit pledges that may serve requirement line ``r`` (in pledge order, cost in cents
    with transport), and the equipment items their gaps ask for."""
    scenario, prices = supply.scenario, supply.prices
    mission_id = req.mission_id
    need = need_of(scenario, req)
    capabilities = {req.capability} | supply.fillers.get(req.capability, set())
    candidates = {u for c in capabilities for scope in (None, mission_id)
                  for u in supply.by_capability.get((c, scope), [])}
    pairs: list[UnitPair] = []
    gaps: set[str] = set()
    for u in sorted(candidates):
        pledge = scenario.unit_pledges[u]
        if compatible(supply.offers[u], need):
            cents = prices.unit_cost[u] + prices.transport.get((pledge.pledge_id, mission_id), 0)
            pairs.append(UnitPair(u=u, r=r, cost=cents))
            gaps |= set(pledge.equipment_gap)
    return pairs, gaps


def _equipment_pairs_of(supply: _Supply, r: int, req: Requirement, needed: set[str]
                        ) -> list[EquipmentPair]:
    """The equipment pledges of the ``needed`` items that may serve line ``r``: in time for
    its deadline, not scoped away from its mission and not from a barred state."""
    scenario = supply.scenario
    mission = scenario.mission_by_id[req.mission_id]
    barred = excluded_states(mission)
    pairs = []
    for item in sorted(needed):
        for q in supply.by_item.get(item, []):
            eq = scenario.equipment_pledges[q]
            if (
                (req.deadline_days is None or eq.available_days <= req.deadline_days)
                and (not eq.allowed_missions or mission.mission_id in eq.allowed_missions)
                and eq.state not in barred
            ):
                pairs.append(EquipmentPair(q=q, r=r, cost=supply.prices.equipment_cost[q]))
    return pairs


def _compatible_pairs(supply: _Supply
                      ) -> tuple[list[UnitPair], list[EquipmentPair], list[bool]]:
    """Every compatible pair, line by line (costs still in cents), and which lines ask for
    equipment. An equipment line is served by pledges of its item; a unit line by the unit
    pledges that pass ``compatible`` and by equipment for those units' gaps."""
    unit_pairs: list[UnitPair] = []
    equipment_pairs: list[EquipmentPair] = []
    is_equipment: list[bool] = []
    for r, req in enumerate(supply.scenario.requirements):
        is_equipment.append(req.capability in supply.items)
        if req.capability in supply.items:
            needed = {req.capability}
        else:
            pairs, needed = _unit_pairs_of(supply, r, req)
            unit_pairs += pairs
        equipment_pairs += _equipment_pairs_of(supply, r, req, needed)
    return unit_pairs, equipment_pairs, is_equipment


def _pair_penalties(scenario: Scenario, unit_pairs: list[UnitPair]) -> tuple[list[int], Fraction]:
    """Each unit pair's preference penalty per unit as an exact integer, and the points one
    integer unit stands for: integers over the least common denominator, divided by their
    gcd. No preferences: an empty list and a unit of 1."""
    points = preference_penalties(scenario)
    penalty_of = [Fraction(points.get((scenario.unit_pledges[p.u].pledge_id,
                                       scenario.requirements[p.r].mission_id), 0))
                  for p in unit_pairs] if points else []
    return _integer_scale(penalty_of)


def _mission_goal(scenario: Scenario, attribute: str) -> list[Fraction | None]:
    """Per mission, its own ``attribute`` (``women_target`` or ``max_state_share``) or else
    the policy's, as an exact fraction; None where neither sets one."""
    goals = []
    for mission in scenario.missions:
        value = getattr(mission, attribute)
        goals.append(_fraction(value if value is not None
                               else getattr(scenario.policy, attribute)))
    return goals


def compile_problem(scenario: Scenario) -> ProblemData:
    """Compile ``scenario`` into ``ProblemData``: entities indexed by their position in the
    scenario's lists, the sparse set of compatible (pledge, requirement) pairs (only a pair
    that passes every rule gets a variable later) and money in integer units.

    Every money figure is converted to exact cents and then divided by one money unit, the
    greatest common divisor of all of them (``ProblemData.money_unit_cents``): exact, and it
    keeps CP-SAT's coefficients as small as the data allow. Preference penalties are likewise
    exact integers of ``ProblemData.preference_unit`` points. Raises ``ValueError`` where an
    amount is not a whole number of cents.
    """
    policy = scenario.policy
    mission_index = {m.mission_id: i for i, m in enumerate(scenario.missions)}
    prices = _prices_in_cents(scenario)
    unit_pairs, equipment_pairs, is_equipment = _compatible_pairs(_supply(scenario, prices))
    unit = math.gcd(*(p.cost for p in unit_pairs), *(p.cost for p in equipment_pairs),
                    *prices.budget, *prices.funding) or 1
    penalties, preference_unit = _pair_penalties(scenario, unit_pairs)
    unit_pairs = [UnitPair(p.u, p.r, p.cost // unit, k)
                  for p, k in zip(unit_pairs, penalties or [0] * len(unit_pairs), strict=True)]
    equipment_pairs = [EquipmentPair(p.q, p.r, p.cost // unit) for p in equipment_pairs]
    weights = policy.priority_weights
    return ProblemData(
        scenario=scenario,
        unit_pairs=unit_pairs,
        equipment_pairs=equipment_pairs,
        money_unit_cents=unit,
        preference_unit=preference_unit,
        requirement_mission=[mission_index[r.mission_id] for r in scenario.requirements],
        requirement_weight=[weights[r.priority] for r in scenario.requirements],
        requirement_is_equipment=is_equipment,
        budget=[b // unit for b in prices.budget],
        funding=[f // unit for f in prices.funding],
        funding_missions=[
            [mission_index[m] for m in f.earmarked_missions] if f.earmarked_missions
            else list(range(len(scenario.missions)))
            for f in scenario.funding_pledges
        ],
        women_target=_mission_goal(scenario, "women_target"),
        max_state_share=_mission_goal(scenario, "max_state_share"),
        state_share_hard=policy.state_share_hard,
    )
