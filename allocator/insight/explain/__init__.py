"""Why a requirement line is short, and why a pledge is unused: reasons read off a plan.

No solver runs here. ``explain(result)`` reads the scenario, the compiled compatibility facts
(``allocator.model.problem``) and the verified plan, and asks of every short line the question
the planner asks: *could one more unit go there, with the rest of the plan as it is, and if
not, what stops it?* Because weighted shortfall is the first lexicographic level and is solved
to optimality, a line with idle compatible supply is short only because adding a unit would
break a hard limit of its mission (budget, ceiling, equipment gap, hard state share): every
other row of the model (pledge supply, equipment supply, the line's own fill) has room by
construction, and the soft goals never forbid a unit. So each short line gets at least one of
the reasons below; the fallback ``other`` appears only when that argument does not hold
(shortfall not the first level, a priority weighted 0, or the level not proven optimal).

Requirement reasons (table ``requirements``: one row per short line and reason, ``rank`` 1 is
the reason that truly blocks the line):

- ``no_pledge``: no unit pledge of the capability or of an accepted substitute exists (for an
  equipment-item line: no equipment pledge of the item). Always alone.
- ``excluded_by_rule``: pledges of the capability exist but rules keep them off this line;
  one row per rule, ``rule`` one of ``readiness``, ``deadline``, ``language``, ``caveat``
  (allowed/excluded missions), ``impartiality`` (host or excluded state), ``ceiling`` (one
  unit alone has more personnel than the mission's whole ceiling); for equipment
  ``deadline``, ``caveat``, ``impartiality``. A pledge failing several rules is listed under
  each rule it fails; ``detail`` names those that fail that rule only (relaxing that rule
  alone would admit them), and the rule failed alone by the most pledges ranks first.
- ``used_elsewhere``: units of compatible pledges are deployed on other lines; ``used_by``
  names them (``detail`` gives each with its priority) and ``higher_priority`` those whose
  priority is more important (lower number) than this line's.
- ``too_few_pledges``: every compatible unit pledged is already on this line; the line asks
  for more than was pledged.
- ``budget``: idle compatible supply exists but paying for it would exceed the mission's
  budget plus every dollar of funding that can still reach it. ``extra_usd`` is exact: the
  least cost of filling the shortfall (as far as that idle supply can) with idle compatible
  units that only the budget holds back (unit cost for the period plus transport, plus the
  cheapest idle compatible equipment for their gaps; any equipment already on the line beyond
  its units' needs is free), minus the mission's unspent budget and the funding that can
  still reach it (the largest amount routable to it, by an integer max-flow, with every other
  mission's draw still covered; this includes unused money earmarked for it or unearmarked).
  If no unit is held back by the budget alone, the cost is over the units the budget holds
  back and ``detail`` says that other limits bind too.
- ``ceiling``: the mission's personnel ceiling leaves no room for the smallest idle compatible
  unit; ``detail`` says how many persons short.
- ``equipment``: idle compatible troops-only units exist but no idle compatible equipment
  (nor spare equipment already on the line) covers their gap.
- ``state_share``: only with ``policy.state_share_hard``: idle compatible units come only from
  states at their share limit.
- ``other``: the fallback above; ``detail`` says which premise failed.

Ranking: ``no_pledge`` alone; otherwise the binding limits with idle compatible supply
(``budget``, ``ceiling``, ``equipment``, ``state_share``; the one holding back the most idle
pledges first), then ``used_elsewhere`` or ``too_few_pledges``, then ``excluded_by_rule``.

Pledge reasons (table ``pledges``: one row per row of ``result.unused_pledges``):

- ``no_requirement``: no line asks for its capability (or one it substitutes for), its item,
  or equips units lacking its item.
- ``excluded_by_rule``: such lines exist but each rules it out; ``rule`` lists the rules and
  ``detail`` the lines per rule.
- ``demand_met``: every line it may serve is fully filled.
- ``budget`` / ``ceiling`` / ``equipment`` / ``state_share``: a line it may serve is short,
  and that limit of its mission stops one more unit (or item) of this pledge going there (the
  most important short line decides; ``detail`` gives every short line and its limits).
- ``no_units_to_equip`` (equipment): the unit lines it could equip are short, but no idle unit
  that may serve them lacks its item.
- ``not_needed`` (funding): no short line in a mission it may reach is held back by money.
- ``budget`` (funding): a short line it could pay for needs more than this pledge and all the
  other money that can reach that mission (``extra_usd`` of that line in ``detail``).
- ``other``: as above.

Money is counted in integer cents and reported as ``Decimal`` dollars, so nothing is rounded.

The modules: ``facts`` (the plan's usage, spare capacity, compatibility and money, indexed
once), ``requirements`` (requirement reasons and their ranking), ``pledges`` (unused-pledge
reasons), ``explanation`` (the tables and their JSON form) and ``solved`` (``SolvedPlan``,
what ``explain`` reads of a solve: ``AllocationResult`` has it all, and this package does not
import ``allocator.result``).
"""

from __future__ import annotations

import pandas as pd

from allocator.insight.explain.explanation import PLEDGE_COLUMNS, REQUIREMENT_COLUMNS, Explanation
from allocator.insight.explain.facts import EQUIPMENT_RULES, LIMITS, UNIT_RULES, Facts
from allocator.insight.explain.pledges import pledge_rows
from allocator.insight.explain.requirements import requirement_rows
from allocator.insight.explain.solved import SolvedLevel, SolvedPlan

__all__ = ["EQUIPMENT_RULES", "LIMITS", "PLEDGE_COLUMNS", "REQUIREMENT_COLUMNS", "UNIT_RULES",
           "Explanation", "SolvedLevel", "SolvedPlan", "explain"]


def explain(result: SolvedPlan) -> Explanation:
    """Explain a result's short lines and unused pledges; empty tables when it has no plan."""
    if result.plan is None:
        return Explanation.empty()
    facts = Facts(result)
    rows = [row for r in facts.short_lines for row in requirement_rows(facts, r)]
    requirements = pd.DataFrame(rows, columns=REQUIREMENT_COLUMNS)
    pledges = pd.DataFrame(pledge_rows(facts, result.unused_pledges.to_dict(orient="records"),
                                       rows), columns=PLEDGE_COLUMNS)
    return Explanation(requirements, pledges)
