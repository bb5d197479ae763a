"""The standard capability catalogue used when a scenario brings no ``capabilities`` table.

A requirement naming a capability that is neither here, nor in the scenario's own catalogue,
nor offered by any pledge is almost always a typo ("INF_BTN"), so the validator reports it.
"""

from __future__ import annotations

from allocator.scenario.schema import Capability

STANDARD_CAPABILITIES: tuple[Capability, ...] = (
    Capability(capability="INF_BN", description="Infantry battalion", default_personnel=850),
    Capability(capability="INF_COY", description="Infantry company", default_personnel=150),
    Capability(capability="QRF_COY", description="Quick reaction force company",
               default_personnel=180),
    Capability(capability="RECCE_COY", description="Reconnaissance company",
               default_personnel=150, substitutes=["QRF_COY"]),
    Capability(capability="ENG_COY", description="Engineering company", default_personnel=250),
    Capability(capability="L1_HOSP", description="Level-1 hospital", default_personnel=25,
               substitutes=["L2_HOSP"]),
    Capability(capability="L2_HOSP", description="Level-2 hospital", default_personnel=70),
    Capability(capability="UTIL_HELO", description="Utility helicopter unit",
               default_personnel=110),
    Capability(capability="ATK_HELO", description="Attack helicopter unit", default_personnel=130),
    Capability(capability="FPU", description="Formed police unit", default_personnel=140),
    Capability(capability="SIG_COY", description="Signals company", default_personnel=120),
    Capability(capability="MP_COY", description="Military police company", default_personnel=100),
    Capability(capability="RIVERINE_COY", description="Riverine company", default_personnel=150),
    Capability(capability="UAS_UNIT", description="Unmanned aerial systems unit",
               default_personnel=60),
    Capability(capability="LOG_COY", description="Logistics company", default_personnel=200),
    Capability(capability="TPT_COY", description="Transport company", default_personnel=150,
               substitutes=["LOG_COY"]),
    Capability(capability="DEMINING_COY", description="Demining company", default_personnel=100),
    Capability(capability="APC", description="Armoured personnel carrier", kind="equipment"),
    Capability(capability="MRAP", description="Mine-resistant ambush-protected vehicle",
               kind="equipment"),
    Capability(capability="UTIL_HELO_AIRFRAME", description="Utility helicopter airframe",
               kind="equipment"),
    Capability(capability="ENG_PLANT_SET", description="Engineering plant set", kind="equipment"),
    Capability(capability="UAS_SYSTEM", description="Unmanned aerial system", kind="equipment"),
    Capability(capability="L2_HOSP_KIT", description="Level-2 hospital equipment kit",
               kind="equipment"),
    Capability(capability="TRUCK", description="Utility truck", kind="equipment"),
    Capability(capability="PATROL_BOAT", description="Riverine patrol boat", kind="equipment"),
)
