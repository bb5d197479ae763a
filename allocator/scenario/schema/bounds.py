"""The bounds of the data contract: the largest (and smallest) figure each kind of cell may hold.

Every bound is far beyond any real force-generation figure (the whole UN peacekeeping budget
is about US$5.6 billion a year; the largest mission has about 17,000 uniformed personnel), so
no honest scenario meets one; a cell beyond it is a slipped digit or a damaged file. They exist
so that nothing the model computes from the cells (costs over a period in cents, personnel
sums, exact share fractions) can exceed what a solver represents exactly: checked here, in the
row models, a figure is reported at its row and column before any solver sees it. What the
figures reach together (a mission's costs summed over every pledge) is checked once the model
is built (``allocator.model.magnitude``).
"""

from __future__ import annotations

MAX_USD = 10**12
"""Any amount in US dollars (budgets, costs, funding, transport, objective weights): one
trillion."""

MAX_UNITS = 10_000
"""Units in one requirement line or one unit pledge."""

MAX_QUANTITY = 1_000_000
"""Items in one equipment pledge, or in a unit's equipment gap."""

MAX_PERSONNEL = 10_000_000
"""Persons in any personnel figure: per unit, women per unit, a catalogue default, a mission's
ceiling."""

MAX_DAYS = 3_650
"""Days in any lead time or deadline (deploy_days, deadline_days, available_days): ten years."""

MAX_MONTHS = 120
"""Months in the planning period (policy.period_months): ten years."""

MAX_PRIORITY_WEIGHT = 1_000_000
"""A priority's weight in the shortfall objective (policy.priority_weights)."""

MAX_PRIORITY = 1_000
"""A priority level's number (requirements.priority and the keys of policy.priority_weights)."""

MAX_POINTS = 10**9
"""Penalty points per unit, either sign (preferences.penalty_per_unit)."""

MAX_TIME_LIMIT_S = 10**6
"""A time limit in seconds (policy.time_limit_s): about eleven days."""

MAX_CELL_CHARS = 32_767
"""Characters in one cell: Excel's own limit, so no workbook a planner saves holds more; a
longer cell (from a CSV or a document) is a slipped or repeated paste."""

MAX_LIST_ITEMS = 1_000
"""Distinct names in one list cell (``COD;RWA``): five times the member states of the UN."""

SHARE_DECIMALS = 6
"""Shares (women_target, max_state_share) are read to six decimals (0.000001 is one person in
a million): a share written with more, such as 1/3 from an Excel formula, is rounded to six."""
