"""``un_2025``'s funding pledges: 30 pledges of US$1-50 M, about half of them earmarked."""

from __future__ import annotations

import math
import random

from allocator.generators.reference import round_to, weighted
from allocator.generators.un_2025.requirements import Row
from allocator.generators.un_2025.supply_tables import EARMARK_WEIGHTS, FUNDING_DONORS
from allocator.generators.un_2025.tables import MISSION_IDS


def build_funding(rng: random.Random) -> list[Row]:
    """The funding pledges table: log-uniform amounts, earmarks drawn by ``EARMARK_WEIGHTS``."""
    rows = []
    per_state: dict[str, int] = {}
    missions, weights = weighted(EARMARK_WEIGHTS)
    donors, donor_weights = weighted(FUNDING_DONORS)
    for _ in range(30):
        donor = rng.choices(donors, donor_weights)[0]
        per_state[donor] = per_state.get(donor, 0) + 1
        amount = round_to(math.exp(rng.uniform(math.log(1e6), math.log(50e6))), 100_000)
        earmarks = ""
        if rng.random() < 0.5:
            chosen: list[str] = []
            for _ in range(rng.choice([1, 1, 2])):
                m = rng.choices(missions, weights)[0]
                if m not in chosen:
                    chosen.append(m)
            earmarks = ";".join(sorted(chosen, key=MISSION_IDS.index))
        rows.append(dict(funding_id=f"{donor}-F{per_state[donor]:02d}", donor=donor,
                         amount_usd=amount, earmarked_missions=earmarks))
    rows.sort(key=lambda r: r["funding_id"])
    return rows
