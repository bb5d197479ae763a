"""Rules and relaxations in the planner's words, with the figures that matter."""

from __future__ import annotations

from decimal import Decimal

from allocator.insight.diagnose.diagnosis import UNITS, Relaxation, Rule
from allocator.model.compatibility import broken_rules, need_of, offer_of, substitutes
from allocator.model.formulation import Formulation
from allocator.model.problem import CENTS_PER_USD


class Words:
    """Rules and relaxations in the planner's words, with the figures that matter."""

    def __init__(self, f: Formulation):
        self.f = f
        self.p = f.problem
        self.sc = f.problem.scenario
        self.mission_index = {m.mission_id: i for i, m in enumerate(self.sc.missions)}

    def _usd(self, money_units: int) -> Decimal:
        return Decimal(money_units * self.p.money_unit_cents) / CENTS_PER_USD

    def rule(self, key: tuple[str, str, int]) -> Rule:
        family, label, index = key
        if family == "mandatory":
            req = self.sc.requirements[index]
            pairs = self.p.pairs_of_requirement.get(index, []) \
                if not self.p.requirement_is_equipment[index] \
                else self.p.equipment_pairs_of_requirement.get(index, [])
            if self.p.requirement_is_equipment[index]:
                supply = sum(self.sc.equipment_pledges[self.p.equipment_pairs[i].q].quantity
                             for i in pairs)
                ruled_out = ""
            else:
                supply = sum(self.sc.unit_pledges[self.p.unit_pairs[i].u].units for i in pairs)
                ruled_out = self._ruled_out(index)
            return Rule(family, label, req.mission_id,
                        f"{req.mission_id} {label} is mandatory: {req.units} x {req.capability}, "
                        f"and {supply} compatible unit(s) are pledged for it in all{ruled_out}")
        if family == "must_deploy":
            pledge = self.sc.pledge_by_id[label]
            where = ", ".join(pledge.allowed_missions) or "any mission its rules allow"
            return Rule(family, label, None,
                        f"{label} ({pledge.state}, {pledge.units} x {pledge.capability}) must "
                        f"deploy in full, to {where}")
        if family == "budget":
            mission = self.sc.mission_by_id[label]
            return Rule(family, label, label,
                        f"{label}'s budget of US${mission.budget_usd:,.0f} plus the funding "
                        "that can reach it must cover what it deploys")
        if family == "ceiling":
            mission = self.sc.mission_by_id[label]
            return Rule(family, label, label,
                        f"{label}'s personnel ceiling of {mission.personnel_ceiling:,} persons")
        mission_id, state = label.split(":", 1)
        share = self.p.max_state_share[self.mission_index[mission_id]]
        return Rule(family, label, mission_id,
                    f"{state} may provide at most {float(share or 0):.0%} of {mission_id}'s "
                    "personnel (hard limit)")

    def _ruled_out(self, r: int) -> str:
        """'; others are ruled out by deadline (P2), ...': what a planner could relax."""
        req = self.sc.requirements[r]
        fillers = substitutes(self.sc).get(req.capability, set()) | {req.capability}
        need = need_of(self.sc, req)
        by_rule: dict[str, list[str]] = {}
        for pledge in self.sc.unit_pledges:
            if pledge.capability in fillers:
                for name in broken_rules(offer_of(self.sc, pledge), need):
                    by_rule.setdefault(name, []).append(pledge.pledge_id)
        if not by_rule:
            return ""
        listed = "; ".join(f"{name} ({', '.join(ids[:5])}{', ...' if len(ids) > 5 else ''})"
                           for name, ids in sorted(by_rule.items()))
        return f"; other {req.capability} pledges are ruled out by {listed}"

    def relaxation(self, key: tuple[str, str, int], values: list[int]) -> Relaxation:
        family, label, index = key
        rule = self.rule(key)
        f, p = self.f, self.p
        if family == "mandatory":
            short = values[f.s[index]]
            return Relaxation(rule, short, UNITS[family],
                              f"let {label} be {short} unit(s) short (drop its mandatory flag) "
                              "or make more compatible pledges reach it")
        if family == "must_deploy":
            u = next(k for k, pl in enumerate(self.sc.unit_pledges) if pl.pledge_id == label)
            deployed = sum(values[f.x[i]] for i in p.pairs_of_pledge.get(u, []))
            home = self.sc.unit_pledges[u].units - deployed
            return Relaxation(rule, home, UNITS[family],
                              f"let {home} unit(s) of {label} stay home (release its "
                              "must-deploy commitment) or widen its caveats")
        mi = self.mission_index[label.split(":", 1)[0]]
        if family == "budget":
            spent = sum(values[f.x[i]] * pair.cost for i, pair in enumerate(p.unit_pairs)
                        if p.pair_mission(pair) == mi)
            spent += sum(values[f.e[i]] * pair.cost for i, pair in enumerate(p.equipment_pairs)
                         if p.pair_mission(pair) == mi)
            funded = sum(values[v] for (_, m), v in f.y.items() if m == mi)
            extra = self._usd(max(0, spent - funded - p.budget[mi]))
            return Relaxation(rule, float(extra), UNITS[family],
                              f"raise {label}'s budget by US${extra:,.2f} (or pledge that much "
                              "funding it can use)")
        persons = [(i, self.sc.unit_pledges[p.unit_pairs[i].u])
                   for i in p.pairs_of_mission.get(mi, [])]
        if family == "ceiling":
            deployed = sum(values[f.x[i]] * pl.personnel_per_unit for i, pl in persons)
            ceiling = self.sc.missions[mi].personnel_ceiling or 0
            over = max(0, deployed - ceiling)
            return Relaxation(rule, over, UNITS[family],
                              f"raise {label}'s personnel ceiling by {over:,} persons")
        state = label.split(":", 1)[1]
        total = sum(values[f.x[i]] * pl.personnel_per_unit for i, pl in persons)
        theirs = sum(values[f.x[i]] * pl.personnel_per_unit for i, pl in persons
                     if pl.state == state)
        share = p.max_state_share[mi] or 0
        over = float(max(0, theirs - share * total))
        return Relaxation(rule, over, UNITS[family],
                          f"let {state} exceed its share of {self.sc.missions[mi].mission_id} "
                          f"by {over:,.1f} persons (or make the share limit soft)")
