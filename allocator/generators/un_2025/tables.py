"""``un_2025``'s missions and demand: public budgets, ceilings, exclusions, requirement lines.

Shared facts (member states, the capability catalogue, equipment tables, lease rates) come
from ``allocator.generators.reference``. See ``datasets/README.md`` for the source of every
figure here and for the ones that are estimates.
"""

from __future__ import annotations

from allocator.generators import reference as ref

SEED = 2025
"""The seed of the dataset's one ``random.Random``."""
PRIORITY_WEIGHTS = {1: 16, 2: 8, 3: 4, 4: 2, 5: 1}
"""Weights of the five priorities, written to the scenario's policy."""

# --------------------------------------------------------------------------------------------
# Member states and capabilities, from the reference tables.
# --------------------------------------------------------------------------------------------
_NOT_HERE = frozenset([
    "AGO", "ARE", "COL", "CPV", "DOM", "ECU", "ERI", "GNB", "HND", "HTI", "IRQ", "JAM", "KGZ",
    "LBY", "MMR", "PNG", "QAT", "SAU", "TLS", "TON", "VEN", "YEM",
])
STATES = tuple(sorted((s for s in ref.MEMBER_STATES if s.code not in _NOT_HERE),
                      key=lambda s: s.code))
"""The dataset's 111 member states, by code: every host, excluded state and contributor."""
LANGUAGE_ORDER = {"RWA": ("en", "fr", "rw")}
"""Languages in another order than the reference table's: ``member_states.csv`` has always
listed them so (no draw depends on the order)."""
STATE_LANGUAGES = {s.code: list(LANGUAGE_ORDER.get(s.code, s.languages)) for s in STATES}
"""Main languages of each of the dataset's states."""
DESCRIPTIONS = ref.DESCRIPTIONS | {
    "ENG_PLANT_SET": "Engineering plant set (earthmoving and construction)",
    "UAS_SYSTEM": "Unmanned aerial system (air vehicles and ground station)",
    "PATROL_BOAT": "Riverine or coastal patrol boat",
}
"""Capability descriptions the dataset writes."""
CAPABILITY_RANK = {cap: rank for rank, cap in enumerate(ref.CATALOGUE)}
"""Position of each capability in the catalogue: the order of lines of equal priority."""
GAP_TEMPLATES = {cap: ";".join(f"{item}:{qty}" for item, qty in need.items())
                 for cap, need in ref.STANDARD_GAP.items()}
"""What a troops-only unit lacks, per unit, as written in ``equipment_gap``: the standard
table (standard quantities rather than random ones are realistic and keep the LP bound
tight)."""

# --------------------------------------------------------------------------------------------
# Missions. Budgets: see README. Confirmed figures are used as they are; the others are
# estimates scaled so that the ten budgets add up to the ~US$5.38 bn approved for 2025-26.
# --------------------------------------------------------------------------------------------
TOTAL_BUDGET_2025_26 = 5_380_000_000
"""The ~US$5.38 bn approved for 2025-26 that the ten budgets add up to."""
FIXED_BUDGETS = {
    "UNIFIL": 582_630_000,  # approved 2024-25 (GA/12611)
    "MINURSO": 71_898_400,  # Secretary-General's proposal for 2025-26
    "UNISFA": 310_000_000,  # reported approved 2025-26 (rounded)
    "UNFICYP": 57_300_000,  # worked out from reported 2025 spending (estimate)
}
"""Budgets used as they are (US$ for 12 months)."""
# Relative size of the other budgets (approximate 2024-25 levels, US$ millions); only their
# ratios matter: they share what is left of the total once FIXED_BUDGETS are taken out.
ESTIMATE_WEIGHTS = {
    "MINUSCA": 1180,
    "MONUSCO": 1020,
    "UNMISS": 1230,
    "UNSOS": 560,
    "UNDOF": 71,
    "UNMIK": 43,
}
"""Relative size of the other budgets (US$ millions): they share the rest of the total."""
# Share of each budget offered to the model (1.0 = the full approved budget). The model charges
# a budget only for uniformed units and equipment, a fraction of what the real budget pays for;
# lower a share here to study a mission whose unit costs bind.
BUDGET_SHARE: dict[str, float] = {}
"""Share of each budget offered to the model (1.0 where not listed)."""

MISSIONS = [
    # mission_id, name, host, ceiling, excluded states, women target, max state share
    ("MINUSCA", "UN Multidimensional Integrated Stabilization Mission in the Central African "
     "Republic", "CAF", 14_400 + 3_020, "CAF", 0.15, 0.35),
    ("MONUSCO", "UN Organization Stabilization Mission in the Democratic Republic of the Congo",
     "COD", 11_500 + 600 + 443 + 1_270, "COD;RWA;UGA", 0.15, 0.35),
    ("UNMISS", "UN Mission in South Sudan", "SSD", 17_000 + 2_101, "SSD;SDN", 0.15, 0.35),
    ("UNIFIL", "UN Interim Force in Lebanon", "LBN", 15_000, "LBN;ISR", 0.15, 0.35),
    ("UNISFA", "UN Interim Security Force for Abyei", "", 3_550 + 640, "SDN;SSD", 0.15, None),
    ("MINURSO", "UN Mission for the Referendum in Western Sahara", "", 245, "MAR;DZA", None,
     None),
    ("UNDOF", "UN Disengagement Observer Force", "SYR", 1_250, "SYR;ISR", 0.10, None),
    ("UNFICYP", "UN Peacekeeping Force in Cyprus", "CYP", 860, "CYP;GRC;TUR", 0.15, None),
    ("UNSOS", "UN Support Office in Somalia", "SOM", None, "SOM;ETH;KEN", 0.10, None),
    ("UNMIK", "UN Interim Administration Mission in Kosovo", "", None, "SRB", None, None),
]
"""mission_id, name, host, ceiling, excluded states, women target, max state share."""
MISSION_IDS = [m[0] for m in MISSIONS]
"""The mission ids in the order of the missions table."""

# Demand per mission: (capability, total units, base priority). Sized to stay under each
# personnel ceiling (UNISFA and UNFICYP come close to theirs on purpose).
DEMAND = {
    "MINUSCA": [("INF_BN", 12, 1), ("INF_COY", 4, 3), ("QRF_COY", 3, 2), ("ENG_COY", 4, 2),
                ("L2_HOSP", 2, 1), ("L1_HOSP", 4, 2), ("UTIL_HELO", 3, 2), ("ATK_HELO", 1, 3),
                ("FPU", 12, 2), ("SIG_COY", 2, 3), ("MP_COY", 2, 4), ("RECCE_COY", 2, 3),
                ("LOG_COY", 2, 3), ("TPT_COY", 3, 3), ("UAS_UNIT", 1, 3),
                ("DEMINING_COY", 1, 3), ("UAS_SYSTEM", 2, 3), ("APC", 12, 3)],
    "MONUSCO": [("INF_BN", 8, 1), ("INF_COY", 3, 3), ("QRF_COY", 2, 2), ("ENG_COY", 3, 2),
                ("RIVERINE_COY", 2, 2), ("UTIL_HELO", 4, 1), ("ATK_HELO", 2, 2),
                ("L2_HOSP", 2, 1), ("L1_HOSP", 3, 2), ("FPU", 9, 2), ("SIG_COY", 1, 3),
                ("MP_COY", 1, 4), ("UAS_UNIT", 1, 3), ("RECCE_COY", 1, 3), ("LOG_COY", 2, 3),
                ("TPT_COY", 2, 4), ("DEMINING_COY", 1, 3), ("UTIL_HELO_AIRFRAME", 2, 2)],
    "UNMISS": [("INF_BN", 13, 1), ("INF_COY", 4, 3), ("QRF_COY", 2, 2), ("ENG_COY", 5, 2),
               ("RIVERINE_COY", 1, 3), ("UTIL_HELO", 3, 2), ("L2_HOSP", 3, 1),
               ("L1_HOSP", 4, 2), ("FPU", 6, 2), ("SIG_COY", 2, 3), ("MP_COY", 2, 4),
               ("LOG_COY", 2, 3), ("TPT_COY", 3, 3), ("DEMINING_COY", 2, 3),
               ("RECCE_COY", 1, 4), ("UAS_UNIT", 1, 3), ("ENG_PLANT_SET", 3, 3)],
    "UNIFIL": [("INF_BN", 9, 1), ("INF_COY", 3, 3), ("QRF_COY", 1, 2), ("ENG_COY", 3, 2),
               ("L2_HOSP", 1, 2), ("L1_HOSP", 2, 2), ("UTIL_HELO", 1, 3), ("SIG_COY", 2, 3),
               ("MP_COY", 1, 4), ("LOG_COY", 2, 3), ("TPT_COY", 2, 4), ("DEMINING_COY", 2, 2),
               ("RECCE_COY", 2, 3), ("UAS_UNIT", 1, 3), ("PATROL_BOAT", 2, 3)],
    "UNISFA": [("INF_BN", 3, 1), ("QRF_COY", 1, 2), ("ENG_COY", 1, 2), ("L2_HOSP", 1, 1),
               ("L1_HOSP", 1, 2), ("UTIL_HELO", 1, 2), ("FPU", 3, 2), ("SIG_COY", 1, 3),
               ("LOG_COY", 1, 3), ("TPT_COY", 1, 3), ("APC", 8, 3)],
    "UNDOF": [("INF_BN", 1, 1), ("INF_COY", 1, 2), ("L1_HOSP", 1, 2), ("DEMINING_COY", 1, 3)],
    "UNFICYP": [("INF_COY", 4, 1), ("UTIL_HELO", 1, 3), ("MP_COY", 1, 3), ("L1_HOSP", 1, 2)],
    "MINURSO": [("L1_HOSP", 1, 1), ("UTIL_HELO_AIRFRAME", 2, 3)],
    "UNSOS": [("INF_COY", 2, 2), ("ENG_COY", 1, 3), ("L2_HOSP", 1, 1), ("LOG_COY", 2, 2),
              ("TPT_COY", 2, 3), ("DEMINING_COY", 1, 2), ("UTIL_HELO", 2, 2), ("MRAP", 20, 1),
              ("TRUCK", 30, 3)],
    "UNMIK": [("FPU", 1, 4)],
}
"""Demand per mission: (capability, total units, base priority)."""

# Hand-written lines, carved out of DEMAND: the mandatory lines and the ones with a language,
# an urgent deadline or a readiness floor. (mission, capability, units, priority, mandatory,
# deadline_days, min_readiness, language)
SPECIAL_LINES = [
    ("MINUSCA", "INF_BN", 3, 1, True, None, None, None),
    ("MINUSCA", "FPU", 2, 1, True, None, None, "fr"),
    ("MINUSCA", "L2_HOSP", 1, 1, True, None, None, None),
    ("MINUSCA", "ENG_COY", 1, 2, True, None, None, None),
    ("MINUSCA", "INF_BN", 2, 2, False, None, None, "fr"),
    ("MINUSCA", "FPU", 3, 2, False, 150, None, "fr"),
    ("MINUSCA", "QRF_COY", 1, 1, False, 60, "RDL", None),
    ("MINUSCA", "UTIL_HELO", 1, 2, False, 120, None, None),
    ("MINUSCA", "L1_HOSP", 2, 2, False, None, None, "fr"),
    ("MONUSCO", "INF_BN", 2, 1, True, None, None, None),
    ("MONUSCO", "UTIL_HELO", 1, 1, True, None, None, None),
    ("MONUSCO", "FPU", 1, 1, True, None, None, "fr"),
    ("MONUSCO", "L1_HOSP", 1, 2, True, None, None, None),
    ("MONUSCO", "INF_BN", 1, 1, False, 90, "L3", None),
    ("MONUSCO", "FPU", 3, 2, False, None, None, "fr"),
    ("MONUSCO", "ENG_COY", 1, 2, False, None, None, "fr"),
    ("MONUSCO", "RIVERINE_COY", 2, 2, False, 150, None, None),
    ("UNMISS", "INF_BN", 3, 1, True, None, None, None),
    ("UNMISS", "L2_HOSP", 1, 1, True, None, None, None),
    ("UNMISS", "ENG_COY", 2, 2, True, None, None, None),
    ("UNMISS", "FPU", 1, 2, True, None, None, None),
    ("UNMISS", "ENG_COY", 1, 2, False, 90, None, None),
    ("UNMISS", "SIG_COY", 1, 3, False, None, None, "en"),
    ("UNIFIL", "INF_BN", 2, 1, True, None, None, None),
    ("UNIFIL", "DEMINING_COY", 1, 2, True, None, None, None),
    ("UNISFA", "INF_BN", 1, 1, True, None, None, None),
    ("UNISFA", "FPU", 1, 2, True, None, None, None),
    ("UNISFA", "LOG_COY", 1, 3, False, None, None, "en"),
    ("UNDOF", "INF_BN", 1, 1, True, None, None, None),
    ("UNFICYP", "INF_COY", 2, 1, True, None, None, None),
    ("MINURSO", "L1_HOSP", 1, 1, True, None, None, None),
    ("UNSOS", "MRAP", 20, 1, True, None, None, None),
    ("UNSOS", "L2_HOSP", 1, 1, True, None, None, None),
    ("UNMIK", "FPU", 1, 4, False, None, "L1", None),
]
"""Hand-written lines, carved out of ``DEMAND`` first."""


def _check() -> None:
    """Every capability and state named above is in the catalogue and the dataset's states."""
    codes = [s.code for s in STATES]
    ref.check_capabilities(DESCRIPTIONS, "DESCRIPTIONS")
    ref.check_capabilities(GAP_TEMPLATES, "GAP_TEMPLATES", "unit")
    ref.check_capabilities([cap for lines in DEMAND.values() for cap, _, _ in lines], "DEMAND")
    ref.check_capabilities([line[1] for line in SPECIAL_LINES], "SPECIAL_LINES")
    hosts = [m[2] for m in MISSIONS if m[2]]
    barred = [code for m in MISSIONS for code in m[4].split(";")]
    ref.check_states([*hosts, *barred, *LANGUAGE_ORDER], "MISSIONS", codes)
    for name, missions in (("FIXED_BUDGETS", FIXED_BUDGETS), ("DEMAND", DEMAND),
                           ("ESTIMATE_WEIGHTS", ESTIMATE_WEIGHTS),
                           ("SPECIAL_LINES", [line[0] for line in SPECIAL_LINES])):
        unknown = sorted(set(missions) - set(MISSION_IDS))
        if unknown:
            raise ValueError(f"{name}: unknown missions: {', '.join(unknown)}")


_check()
