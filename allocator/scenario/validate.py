"""Turn raw tables into a validated Scenario, collecting every problem before failing.

Two passes: each row against its row model (types, ranges, required cells), then the
cross-references between tables (duplicate ids, unknown missions, states, capabilities).
Nothing is returned unless both passes are clean, so nothing half-loads.

The passes live in ``allocator.scenario.checks`` and ``allocator.scenario.references``, and
``Scenario.from_tables`` builds the scenario from what they return; ``build_scenario`` is the
same constructor as a function, with every argument spelt out. Imports flow one way: this
module imports the scenario, never the reverse.
"""

from __future__ import annotations

from typing import Any

from allocator.scenario.scenario import Scenario
from allocator.scenario.schema import Policy


def build_scenario(
    tables: dict[str, Any],
    *,
    name: str,
    description: str,
    policy: dict[str, Any] | Policy | None,
    sources: dict[str, str],
    row_numbers: dict[str, list[int]],
) -> Scenario:
    """Validate ``tables`` into a Scenario, or raise ScenarioError listing every problem.

    The same as ``Scenario.from_tables``: ``sources`` names where each table came from and
    ``row_numbers`` gives the user-visible number of each row.
    """
    return Scenario.from_tables(tables, name=name, description=description, policy=policy,
                                sources=sources, row_numbers=row_numbers)
