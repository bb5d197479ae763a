"""A scenario's metadata: its name, description and policy, however the form spells them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from allocator.scenario.readers.found import Found


def read_meta(found: Found, meta: Mapping[str, Any], source: str) -> None:
    """Keep name, description and policy, folding the top-level period_months into policy."""
    policy = meta.get("policy")
    if policy is None:
        policy = {}
    elif not isinstance(policy, dict):
        found.problem("policy", "policy must be a mapping of setting: value", source)
        policy = {}
    policy = dict(policy)
    period = meta.get("period_months")
    if period is not None:
        if policy.get("period_months", period) != period:
            found.problem("policy", "period_months is given twice with different values "
                                    "(top level and policy); keep one", source,
                          column="period_months")
        policy["period_months"] = period
    found.meta = {
        "name": "" if meta.get("name") is None else str(meta["name"]),
        "description": "" if meta.get("description") is None else str(meta["description"]),
        "policy": policy,
    }
    found.sources["policy"] = source
