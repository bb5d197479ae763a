"""Funding pledges: earmarked and unearmarked money for the tight budgets, and the rest.

Earmarked pledges cover part of each tight mission's deficit and unearmarked ones the rest,
with a margin: the tight missions spend beyond their budgets on funding from both kinds, and
a plan that fills them is affordable, so budgets shape the plan's choices rather than leave
lines unfilled.
"""

from __future__ import annotations

import math

from allocator.generators.families.draft import Draft
from allocator.generators.families.tables import FUNDING_DONORS, FUNDING_MARGIN
from allocator.generators.reference import round_to, split, weighted


def build_funding(draft: Draft, deficits: dict[str, int], fills: dict[str, int]) -> None:
    """Funding pledges for the tight missions' ``deficits`` (their cheapest ``fills`` set the
    margin), then pledges earmarked for missions that do not need them."""
    rng = draft.rng
    donors, weights = weighted(FUNDING_DONORS)
    tight = [m.mission_id for m in draft.missions if deficits.get(m.mission_id)]

    def pledge(amount: float, earmarks: list[str]) -> None:
        """One funding pledge from a weighted donor, in whole US$100,000 (at least 500,000)."""
        donor = rng.choices(donors, weights)[0]
        draft.funding.append({"funding_id": draft.next_id(donor, "F"), "donor": donor,
                              "amount_usd": round_to(max(amount, 500_000), 100_000),
                              "earmarked_missions": earmarks})

    pool = 0.0
    for mid in tight:
        earmarked = deficits[mid] * rng.uniform(0.5, 0.8)
        pledge(earmarked, [mid])
        pool += deficits[mid] - earmarked + fills[mid] * FUNDING_MARGIN
    n_pool = max(1, min(len(tight), draft.size.funding_pledges // 4))
    for part in split(100, [rng.uniform(0.5, 1.5) for _ in range(n_pool)]):
        pledge(pool * part / 100, [])
    # The rest is earmarked for missions within their budgets, so it goes unused: donors
    # often earmark for their own priorities rather than where the money is short.
    loose = [m.mission_id for m in draft.missions if m.mission_id not in deficits]
    loose = loose or [m.mission_id for m in draft.missions]
    while len(draft.funding) < draft.size.funding_pledges:
        amount = math.exp(rng.uniform(math.log(1e6), math.log(2.5e7)))
        k = rng.choice([1, 1, 2])
        chosen = rng.sample(loose, min(k, len(loose)))
        pledge(amount, [m for m in loose if m in chosen])
