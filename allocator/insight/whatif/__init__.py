"""What-if scenarios: a small change language over a base scenario, and the deltas it causes.

A change list is a list of one-key mappings (YAML, JSON or Python), applied in order, each to
the scenario the previous ones left::

    - withdraw_pledge: RWA-U01
    - withdraw_state: BGD
    - set_budget: {mission: MINUSCA, budget_usd: 900000000}
    - scale_budgets: {factor: 0.8}                 # or {factor: 0.8, mission: MINUSCA}
    - set_ceiling: {mission: UNMISS, personnel_ceiling: 15000}   # null removes the ceiling
    - add_requirement: {requirement_id: X, mission_id: M, capability: C, units: 2}
    - edit_requirement: {requirement_id: MINUSCA-R09, units: 3, mandatory: false}
    - remove_requirement: MINUSCA-R36
    - add_mission: {mission_id: M, budget_usd: 1000000}
    - edit_mission: {mission_id: M, women_target: 0.2}
    - set_policy: {reimbursement_rate_usd: 1500, objective: [shortfall, cost]}

``apply_changes`` never touches the base; a bad change is reported as a ``Defect`` in table
``changes`` at its 1-based number, column = its key, and every bad change is reported at once.
``compare`` solves the base and each variant with ``allocator.solve`` and tabulates the deltas,
reading only the results' own tables, so its figures are exactly those of separate solves.
"""

from allocator.insight.whatif.changes import Change, apply_changes, read_changes
from allocator.insight.whatif.compare import (
    DELTA_COLUMNS,
    PRIORITIES,
    Comparison,
    Variant,
    assignment_changes,
    compare,
    figures,
)

__all__ = ["DELTA_COLUMNS", "PRIORITIES", "Change", "Comparison", "Variant", "apply_changes",
           "assignment_changes", "compare", "figures", "read_changes"]
