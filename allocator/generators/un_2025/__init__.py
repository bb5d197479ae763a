"""The ``un_2025`` scenario: UN peacekeeping force generation for 2025-26.

Mission budgets, ceilings, the reimbursement rate, gender targets, exclusions and the top
contributors come from public figures (see ``datasets/README.md`` for each source and for the
figures that are estimates). Requirement lines and pledges are synthetic, drawn from one
seeded ``random.Random(2025)`` in a fixed order, so every run writes byte-identical files.
``datasets/generate_un_2025.py`` is the command that writes ``datasets/un_2025/``.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

from allocator.generators.reference import CATALOGUE, DEFAULT_PERSONNEL, SUBSTITUTES
from allocator.generators.un_2025.equipment import build_equipment_pledges
from allocator.generators.un_2025.funding import build_funding
from allocator.generators.un_2025.requirements import Row, build_requirements, mission_rows
from allocator.generators.un_2025.tables import DESCRIPTIONS, SEED, STATE_LANGUAGES, STATES
from allocator.generators.un_2025.transport import build_transport
from allocator.generators.un_2025.unit_pledges import build_unit_pledges
from allocator.generators.un_2025.writer import write_tables

__all__ = ["SEED", "generate_un_2025", "summary", "write_un_2025"]


def generate_un_2025(seed: int = SEED) -> dict[str, list[Row]]:
    """The dataset's tables by name, as rows of CSV cells (``;``-separated lists)."""
    rng = random.Random(seed)
    # The order of these steps is the order of the draws: changing it changes every file.
    requirements = build_requirements(rng)
    pledges = build_unit_pledges(rng)
    equipment = build_equipment_pledges(rng, pledges, requirements)
    funding = build_funding(rng)
    transport = build_transport(rng, pledges, requirements)
    return {
        "member_states": _state_rows(), "missions": mission_rows(),
        "requirements": requirements, "unit_pledges": pledges,
        "equipment_pledges": equipment, "funding_pledges": funding,
        "transport_costs": transport, "capabilities": _capability_rows(),
    }


def write_un_2025(out_dir: str | os.PathLike[str], seed: int = SEED) -> dict[str, list[Row]]:
    """Write the dataset's CSV files and ``scenario.yaml`` to ``out_dir``; return the tables.

    Other files in the folder (``expected.json``) are left as they are.
    """
    tables = generate_un_2025(seed)
    write_tables(Path(out_dir), tables, seed)
    return tables


def summary(tables: dict[str, list[Row]]) -> str:
    """How many rows the main tables have, in one line."""
    return (f"{len(tables['missions'])} missions, {len(tables['requirements'])} requirements, "
            f"{len(tables['unit_pledges'])} unit pledges, "
            f"{len(tables['equipment_pledges'])} equipment pledges, "
            f"{len(tables['funding_pledges'])} funding pledges, "
            f"{len(tables['transport_costs'])} transport costs")


def _state_rows() -> list[Row]:
    """The member states table, by code."""
    return [dict(code=s.code, name=s.name, region=s.region,
                 languages=";".join(STATE_LANGUAGES[s.code])) for s in STATES]


def _capability_rows() -> list[Row]:
    """The capabilities table, in the catalogue's order, with the dataset's descriptions."""
    return [dict(capability=cap, description=DESCRIPTIONS[cap],
                 default_personnel=DEFAULT_PERSONNEL.get(cap), substitutes=";".join(subs),
                 kind=CATALOGUE[cap].kind)
            for cap, subs in SUBSTITUTES.items()]
