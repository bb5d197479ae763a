"""Why a scenario has no plan: a minimal set of conflicting rules, and the least relaxation.

When mandatory lines, must-deploy pledges and hard limits cannot all hold, ``diagnose`` finds

- a **conflict**: rules that cannot hold together, none of which can be left out (an
  irreducible infeasible subset). CP-SAT proves infeasibility under assumptions, one per rule,
  and returns a sufficient set; a deletion filter then drops every rule the conflict does not
  need, so relaxing any one rule of it resolves that conflict;
- the **least relaxation**: the fewest rules to relax so that a plan exists (a minimum-
  cardinality correction set, from an elastic model), each with the least amount that then
  suffices (units short, units left home, US$, persons).

The rules that can conflict are the ones that force something: a mandatory line must be filled
in full, a must-deploy pledge deployed in full, and a budget (with the funding that can reach
it), a personnel ceiling or, when ``policy.state_share_hard``, a state-share limit must hold.
With all of them relaxed the empty plan is feasible, so every infeasible scenario has both.
Compatibility rules (readiness, deadlines, languages, caveats, exclusions) decide which pairs
exist at all; a conflict names them in its message where they leave a line short of supply.
"""

from __future__ import annotations

import time

from allocator.insight.diagnose.checker import Checker
from allocator.insight.diagnose.diagnosis import RELAXABLE, UNITS, Diagnosis, Relaxation, Rule
from allocator.insight.diagnose.elastic import build_elastic
from allocator.insight.diagnose.words import Words
from allocator.model.formulation import build_formulation
from allocator.model.problem import compile_problem
from allocator.scenario.scenario import Scenario

__all__ = ["RELAXABLE", "UNITS", "Diagnosis", "Relaxation", "Rule", "diagnose"]


def diagnose(scenario: Scenario, time_limit: float = 30.0) -> Diagnosis:
    """Explain why ``scenario`` has no plan, or say that it has one (``feasible``)."""
    started = time.perf_counter()
    deadline = started + time_limit
    f = build_formulation(compile_problem(scenario))
    elastic = build_elastic(f)
    checker = Checker(elastic, deadline)
    everything = list(range(len(elastic.rules)))
    infeasible, core = checker.infeasible(everything)
    if not infeasible:
        return Diagnosis(feasible=infeasible is False, runtime_s=time.perf_counter() - started)
    # Deletion filter: a rule whose removal leaves the rest infeasible is not needed.
    needed = list(core)
    for k in list(core):
        trial = [j for j in needed if j != k]
        still, smaller = checker.infeasible(trial)
        if still:
            needed = [j for j in trial if j in set(smaller)] or trial
    words = Words(f)
    conflict = [words.rule(elastic.rules[k]) for k in needed]
    values = checker.least_relaxation()
    relaxation = []
    if values is not None:
        for k, flag in enumerate(elastic.relax):
            if values[flag]:
                relaxation.append(words.relaxation(elastic.rules[k], values))
    return Diagnosis(False, conflict, relaxation, time.perf_counter() - started)
