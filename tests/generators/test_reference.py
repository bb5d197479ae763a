"""The reference tables: derived from the standard catalogue, and every key checked against it."""

from __future__ import annotations

import pytest

from allocator.generators import reference as ref
from allocator.generators.families import tables as family_tables
from allocator.generators.families.scenario import capability_rows
from allocator.generators.un_2025 import supply_tables, tables
from allocator.scenario.catalogue import STANDARD_CAPABILITIES

CATALOGUE = {c.capability: c for c in STANDARD_CAPABILITIES}

# Every table keyed by capability, whatever module keeps it: (name, table, kind).
CAPABILITY_TABLES = [
    ("PERSONNEL_RANGE", ref.PERSONNEL_RANGE, "unit"),
    ("STANDARD_GAP", ref.STANDARD_GAP, "unit"),
    ("FAMILIES_LEASE_USD", ref.FAMILIES_LEASE_USD, "equipment"),
    ("UN_2025_LEASE_USD", ref.UN_2025_LEASE_USD, "equipment"),
    ("FAMILIES_ALL_IN_MONTHLY", ref.FAMILIES_ALL_IN_MONTHLY, "unit"),
    ("UN_2025_ALL_IN_MONTHLY", ref.UN_2025_ALL_IN_MONTHLY, "unit"),
    ("families GAP_TABLE", family_tables.GAP_TABLE, "unit"),
    ("families PROVIDERS", family_tables.PROVIDERS, "unit"),
    ("families SUPPLY_RATIO", family_tables.SUPPLY_RATIO, "unit"),
    ("families WOMEN_SHIFT", family_tables.WOMEN_SHIFT, "unit"),
    ("families ITEM_DONORS", family_tables.ITEM_DONORS, "equipment"),
    ("families BASE_PRIORITY", family_tables.BASE_PRIORITY, None),
    ("families DESCRIPTIONS", family_tables.DESCRIPTIONS, None),
    ("un_2025 GAP_TEMPLATES", tables.GAP_TEMPLATES, "unit"),
    ("un_2025 DESCRIPTIONS", tables.DESCRIPTIONS, None),
    ("un_2025 PROVIDERS", supply_tables.PROVIDERS, "unit"),
    ("un_2025 FIXED_PROVIDERS", supply_tables.FIXED_PROVIDERS, "unit"),
    ("un_2025 WOMEN_OFFSET", supply_tables.WOMEN_OFFSET, "unit"),
    ("un_2025 ITEM_LOT", supply_tables.ITEM_LOT, "equipment"),
    ("un_2025 ITEM_DONORS", supply_tables.ITEM_DONORS, "equipment"),
    ("un_2025 ITEM_COVER", supply_tables.ITEM_COVER, "equipment"),
]


@pytest.mark.parametrize(("name", "table", "kind"), CAPABILITY_TABLES,
                         ids=[t[0] for t in CAPABILITY_TABLES])
def test_every_key_is_a_catalogue_capability(name: str, table: dict, kind: str | None) -> None:
    assert set(table) <= set(CATALOGUE), name
    if kind is not None:
        assert {CATALOGUE[cap].kind for cap in table} == {kind}, name


def test_demand_and_mixes_name_catalogue_capabilities() -> None:
    named = {cap for lines in tables.DEMAND.values() for cap, _, _ in lines}
    named |= {line[1] for line in tables.SPECIAL_LINES}
    for spec in family_tables.MIX.values():
        named |= set(ref.spec_keys(spec))
    for need in [*ref.STANDARD_GAP.values(), *family_tables.GAP_TABLE.values()]:
        named |= set(need)
    assert named <= set(CATALOGUE)


def test_capability_facts_come_from_the_catalogue() -> None:
    units = tuple(c for c, facts in CATALOGUE.items() if facts.kind == "unit")
    items = tuple(c for c, facts in CATALOGUE.items() if facts.kind == "equipment")
    assert units == ref.UNIT_CAPABILITIES
    assert items == ref.EQUIPMENT_ITEMS
    for cap, facts in CATALOGUE.items():
        assert ref.SUBSTITUTES[cap] == tuple(facts.substitutes)
        assert ref.DEFAULT_PERSONNEL.get(cap) == facts.default_personnel


def test_tables_that_must_be_complete_are() -> None:
    units, items = set(ref.UNIT_CAPABILITIES), set(ref.EQUIPMENT_ITEMS)
    assert set(ref.PERSONNEL_RANGE) == units
    assert set(family_tables.PROVIDERS) == units
    assert set(supply_tables.PROVIDERS) | set(supply_tables.FIXED_PROVIDERS) == units
    assert set(ref.FAMILIES_LEASE_USD) == set(ref.UN_2025_LEASE_USD) == items
    assert set(family_tables.BASE_PRIORITY) == set(CATALOGUE)


def test_family_capabilities_table_follows_the_catalogue() -> None:
    rows = {row["capability"]: row for row in capability_rows()}
    assert set(rows) == set(CATALOGUE)
    for cap, row in rows.items():
        assert row["kind"] == CATALOGUE[cap].kind
        extra = ["QRF_COY"] if cap == "INF_COY" else []
        assert row["substitutes"] == CATALOGUE[cap].substitutes + extra


def test_an_unknown_capability_is_refused() -> None:
    with pytest.raises(ValueError, match="INF_BTN"):
        ref.check_capabilities(["INF_BN", "INF_BTN"], "test table")
    with pytest.raises(ValueError, match="APC"):
        ref.check_capabilities(["APC"], "test table", "unit")
    with pytest.raises(ValueError, match="no entry for MRAP"):
        ref.check_complete(["APC"], ["APC", "MRAP"], "test table")


def test_an_unknown_state_is_refused() -> None:
    with pytest.raises(ValueError, match="XXX"):
        ref.check_states(["NPL", "XXX"], "test table")


def test_member_states_are_unique_and_each_generator_has_its_own() -> None:
    codes = [s.code for s in ref.MEMBER_STATES]
    assert len(codes) == len(set(codes)) == 133
    assert len(family_tables.STATES) == 132
    assert len(tables.STATES) == 111
    for state in ref.MEMBER_STATES:
        assert len(state.code) == 3 and state.name and state.languages
        assert state.region in {"Africa", "Americas", "Asia", "Europe", "Oceania"}
