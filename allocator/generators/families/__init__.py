"""Seeded benchmark families: realistic force-generation scenarios at four sizes.

``generate_family("medium", seed=0)`` returns a validated Scenario in which every constraint
family of DESIGN §4 is active: tight budgets topped up by earmarked and unearmarked funding,
triangular partnerships (troops-only units and donors' equipment), equipment-item lines,
caveats, host and party exclusions, language, deadline and readiness rules, women targets,
state-share limits, binding personnel ceilings, mandatory lines, substitutes, transport costs
and must-deploy pledges. The pledges and missions are invented; the unit sizes, reimbursement
rate, readiness levels and language mix follow public figures (see ``datasets/README.md``).

Why a generator and not only files: benchmarks need the same realistic structure at 50 and at
20,000 pledges, and the same seed must give the same scenario on every machine. Everything is
drawn from one ``random.Random(seed)`` in a fixed order over lists (never over sets or dict
orders that depend on hashing), so the output is byte-identical across runs and platforms.

Feasibility is built in, not hoped for: each mandatory line gets dedicated compatible supply
(restricted to its mission, no equipment gap) and each must-deploy pledge a line of its own,
and budgets and ceilings are set above what those forced choices cost, so every instance has a
plan that meets every hard rule. Budgets and ceilings of some missions are set below what the
cheapest full fill would need, so they bind.

At ``large`` and ``xl`` the missions are grouped in theatres of about five and each pledge is
offered to the missions of one theatre (as at a regional force-generation conference). That
keeps the model sparse, as DESIGN §4 asks, instead of pairing every pledge with every mission.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from allocator.generators.families.budgets import build_budgets
from allocator.generators.families.draft import Draft
from allocator.generators.families.equipment import build_equipment
from allocator.generators.families.forced import build_forced_supply
from allocator.generators.families.requirements import (
    build_lines,
    build_missions,
    ensure_variety,
    number_lines,
)
from allocator.generators.families.scenario import assemble
from allocator.generators.families.sizes import SIZES, FamilySize
from allocator.generators.families.transport import build_transport
from allocator.generators.families.unit_pledges import build_general_supply, build_special_pledges
from allocator.scenario.scenario import Scenario
from allocator.scenario.writers import write_scenario

__all__ = ["SIZES", "FamilySize", "generate_family", "write_family"]


def generate_family(size: str, seed: int = 0) -> Scenario:
    """A validated benchmark scenario of the given size; the same (size, seed) gives the same
    scenario on every run and platform."""
    if size not in SIZES:
        raise ValueError(f"unknown family size {size!r}; choose one of {', '.join(SIZES)}")
    draft = Draft.start(size, seed)
    # The order of these steps is the order of the draws: changing it changes every file.
    build_missions(draft)
    build_lines(draft)
    build_forced_supply(draft)
    ensure_variety(draft)
    number_lines(draft)
    build_general_supply(draft)
    build_special_pledges(draft)
    build_equipment(draft)
    build_transport(draft)
    missions = build_budgets(draft)
    return assemble(draft, missions, seed)


def write_family(size: str, seed: int = 0,
                 out_dir: str | os.PathLike[str] = Path("datasets") / "families") -> Path:
    """Write the family as a CSV folder ``out_dir/<size>`` and return that folder.

    Files the generator does not own (``expected.json``, notes) are kept: the scenario is
    written to a staging folder and its files are moved over the old ones.
    """
    scenario = generate_family(size, seed)
    parent = Path(out_dir)
    parent.mkdir(parents=True, exist_ok=True)
    target = parent / size
    with tempfile.TemporaryDirectory(dir=parent, prefix=f".{size}.") as staging:
        written = write_scenario(scenario, Path(staging) / size)
        target.mkdir(exist_ok=True)
        fresh = {p.name for p in written.iterdir()}
        for old in sorted(target.iterdir()):
            owned = old.suffix == ".csv" or old.name == "scenario.yaml"
            if old.is_file() and owned and old.name not in fresh:
                old.unlink()
        for new in sorted(written.iterdir()):
            os.replace(new, target / new.name)
        shutil.rmtree(written, ignore_errors=True)
    return target
