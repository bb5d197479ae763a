"""Money: funding goes only where it is earmarked, and each mission's cost stays within its
budget plus the funding routed to it."""

from __future__ import annotations

from decimal import Decimal

from allocator.plan.plan import FundingFlow
from allocator.scenario.schema import FundingPledge, Mission
from allocator.verify.tally import Tally


def funding_respects_earmark(f: FundingPledge, flow: FundingFlow) -> str | None:
    """Funding earmarked for some missions pays only those missions."""
    if f.earmarked_missions and flow.mission_id not in f.earmarked_missions:
        return (f"funding {f.funding_id} is earmarked for {', '.join(f.earmarked_missions)}, "
                f"not {flow.mission_id}")
    return None


def mission_within_budget(m: Mission, tally: Tally) -> str | None:
    """A mission's cost for the period (units, transport and equipment) stays within its
    budget plus the funding routed to it."""
    mid = m.mission_id
    if tally.cost.get(mid, Decimal(0)) > m.budget_usd + tally.paid.get(mid, Decimal(0)):
        return (f"mission {mid} costs {tally.cost[mid]} USD, budget {m.budget_usd} + funding "
                f"{tally.paid.get(mid, Decimal(0))}")
    return None
