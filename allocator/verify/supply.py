"""No pledge gives more than it offers, and a must-deploy pledge gives all it offers."""

from __future__ import annotations

from decimal import Decimal

from allocator.scenario.schema import EquipmentPledge, FundingPledge, UnitPledge
from allocator.verify.tally import Tally


def pledge_within_its_units(u: UnitPledge, tally: Tally) -> str | None:
    """A pledge's units deployed across all lines never exceed the units it offers."""
    n = tally.used_units.get(u.pledge_id, 0)
    if n > u.units:
        return f"pledge {u.pledge_id} deploys {n} units but offers {u.units}"
    return None


def must_deploy_pledge_deploys_all(u: UnitPledge, tally: Tally) -> str | None:
    """A must-deploy pledge deploys every unit it offers, no fewer."""
    n = tally.used_units.get(u.pledge_id, 0)
    if u.must_deploy and n != u.units:
        return f"pledge {u.pledge_id} must deploy all {u.units} units, deploys {n}"
    return None


def equipment_within_its_quantity(q: EquipmentPledge, tally: Tally) -> str | None:
    """An equipment pledge's items sent across all lines never exceed the quantity it offers."""
    if tally.used_items.get(q.equipment_id, 0) > q.quantity:
        return (f"equipment {q.equipment_id} sends {tally.used_items[q.equipment_id]} items, "
                f"offers {q.quantity}")
    return None


def funding_within_its_amount(f: FundingPledge, tally: Tally) -> str | None:
    """A funding pledge pays out, across all missions, no more than the amount it pledges."""
    if tally.given.get(f.funding_id, Decimal(0)) > f.amount_usd:
        return f"funding {f.funding_id} pays {tally.given[f.funding_id]}, pledged {f.amount_usd}"
    return None
