"""The planner's compatibility rules as functions of one pledge and one requirement line.

A pledge's offer (capability, readiness, deploy days, languages, state, caveats) and a line's
need (capability and its substitutes, minimum readiness, deadline, language, the mission's
exclusions) are compared rule by rule: ``compatible`` says whether a pair may get a variable,
``broken_rules`` which rules rule it out (for the explanations and the diagnosis). Also the
per-pledge money facts every layer above prices plans with: monthly cost and transport.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from allocator.scenario.catalogue import STANDARD_CAPABILITIES
from allocator.scenario.scenario import Scenario
from allocator.scenario.schema import Mission, Readiness, Requirement, UnitPledge


def equipment_items(scenario: Scenario) -> set[str]:
    """Capabilities that name equipment items rather than formed units."""
    catalogue = scenario.capabilities or list(STANDARD_CAPABILITIES)
    items = {c.capability for c in catalogue if c.kind == "equipment"}
    items |= {q.item for q in scenario.equipment_pledges}
    for pledge in scenario.unit_pledges:
        items |= set(pledge.equipment_gap)
    return items


def substitutes(scenario: Scenario) -> dict[str, set[str]]:
    """Requirement capability -> capabilities whose pledges may fill it (itself included)."""
    catalogue = scenario.capabilities or list(STANDARD_CAPABILITIES)
    fillers: dict[str, set[str]] = defaultdict(set)
    for c in catalogue:
        fillers[c.capability] |= set(c.substitutes)
    return fillers


def excluded_states(mission: Mission) -> set[str]:
    """States barred from a mission: listed exclusions and the host state itself."""
    barred = set(mission.excluded_states)
    if mission.host_state:
        barred.add(mission.host_state)
    return barred


def pledge_languages(scenario: Scenario, pledge: UnitPledge) -> set[str]:
    """The pledge's own languages, or else its state's (none if the state is not listed)."""
    if pledge.languages:
        return set(pledge.languages)
    state = scenario.state_by_code.get(pledge.state)
    return set(state.languages) if state else set()


def pledge_deploy_days(scenario: Scenario, pledge: UnitPledge) -> int:
    """Days the pledge needs to deploy: its own figure, or else the policy's for its readiness."""
    if pledge.deploy_days is not None:
        return pledge.deploy_days
    return scenario.policy.deploy_days_for(pledge.readiness)


def unit_monthly_cost(scenario: Scenario, pledge: UnitPledge) -> Decimal:
    """US$ per unit per month: the pledge's own figure, or else personnel at the policy's
    reimbursement rate plus the equipment's monthly cost."""
    if pledge.monthly_cost_usd is not None:
        return pledge.monthly_cost_usd
    rate = scenario.policy.reimbursement_rate_usd
    return pledge.personnel_per_unit * rate + pledge.equipment_monthly_cost_usd


@dataclass(frozen=True)
class Offer:
    """What the compatibility rules need of a unit pledge, worked out once per pledge."""

    capability: str
    readiness_rank: int
    deploy_days: int
    languages: frozenset[str]
    state: str
    allowed_missions: frozenset[str]
    excluded_missions: frozenset[str]


def offer_of(scenario: Scenario, pledge: UnitPledge) -> Offer:
    """The ``Offer`` of a unit pledge, defaults (deploy days, languages) filled in."""
    return Offer(pledge.capability, pledge.readiness.rank, pledge_deploy_days(scenario, pledge),
                 frozenset(pledge_languages(scenario, pledge)), pledge.state,
                 frozenset(pledge.allowed_missions), frozenset(pledge.excluded_missions))


@dataclass(frozen=True)
class Need:
    """What the compatibility rules need of a requirement line, worked out once per line."""

    capability: str
    fillers: frozenset[str]  # substitutes that may fill it
    min_rank: int
    deadline_days: int | None
    language: str | None
    mission_id: str
    barred: frozenset[str]  # excluded states, host included


def need_of(scenario: Scenario, requirement: Requirement) -> Need:
    """The ``Need`` of a requirement line: its substitutes, the readiness it asks for (its own
    or the policy's minimum) and the states its mission bars."""
    mission = scenario.mission_by_id[requirement.mission_id]
    min_readiness: Readiness = requirement.min_readiness or scenario.policy.min_readiness
    return Need(requirement.capability,
                frozenset(substitutes(scenario).get(requirement.capability, set())),
                min_readiness.rank, requirement.deadline_days, requirement.language,
                mission.mission_id, frozenset(excluded_states(mission)))


def compatible(offer: Offer, need: Need) -> bool:
    """Every unit-to-requirement rule of DESIGN §4, in one place."""
    return (
        (offer.capability == need.capability or offer.capability in need.fillers)
        and offer.readiness_rank >= need.min_rank
        and (need.deadline_days is None or offer.deploy_days <= need.deadline_days)
        and (need.language is None or need.language in offer.languages)
        and offer.state not in need.barred
        and (not offer.allowed_missions or need.mission_id in offer.allowed_missions)
        and need.mission_id not in offer.excluded_missions
    )


def broken_rules(offer: Offer, need: Need) -> list[str]:
    """The compatibility rules (of ``compatible``) a pledge of a fitting capability breaks,
    in the planner's names: readiness, deadline, language, caveat, impartiality."""
    broken = []
    if offer.readiness_rank < need.min_rank:
        broken.append("readiness")
    if need.deadline_days is not None and offer.deploy_days > need.deadline_days:
        broken.append("deadline")
    if need.language is not None and need.language not in offer.languages:
        broken.append("language")
    if (offer.allowed_missions and need.mission_id not in offer.allowed_missions) \
            or need.mission_id in offer.excluded_missions:
        broken.append("caveat")
    if offer.state in need.barred:
        broken.append("impartiality")
    return broken


def _by_pledge_and_mission(scenario: Scenario, rows: list, column: str
                           ) -> dict[tuple[str, str], Decimal]:
    """(pledge_id, mission_id) -> a row's ``column``; a pledge's own row overrides its state's."""
    pledges_of_state: dict[str, list[str]] = defaultdict(list)
    for pledge in scenario.unit_pledges:
        pledges_of_state[pledge.state].append(pledge.pledge_id)
    table: dict[tuple[str, str], Decimal] = {}
    for t in rows:
        if t.state:
            for pledge_id in pledges_of_state.get(t.state, []):
                table[pledge_id, t.mission_id] = getattr(t, column)
    for t in rows:
        if t.pledge_id:
            table[t.pledge_id, t.mission_id] = getattr(t, column)
    return table


def transport_costs(scenario: Scenario) -> dict[tuple[str, str], Decimal]:
    """(pledge_id, mission_id) -> US$ per unit."""
    return _by_pledge_and_mission(scenario, scenario.transport_costs, "cost_usd_per_unit")


def preference_penalties(scenario: Scenario) -> dict[tuple[str, str], Decimal]:
    """(pledge_id, mission_id) -> penalty points per unit (negative: a bonus)."""
    return _by_pledge_and_mission(scenario, scenario.preferences, "penalty_per_unit")
