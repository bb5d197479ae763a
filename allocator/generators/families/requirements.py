"""Missions and their requirement lines: hosts, theatres, line mix, rules on each line."""

from __future__ import annotations

from allocator.generators.families.draft import Draft, Mission, Row
from allocator.generators.families.tables import (
    BASE_PRIORITY,
    CLASS_WEIGHT,
    HOST_ORDER,
    HOSTS,
    ITEM_SET,
    LINE_LANGUAGES,
    MIX,
)
from allocator.generators.reference import (
    EQUIPMENT_ITEMS,
    STATE_REGION,
    UNIT_CAPABILITIES,
    split,
    weighted,
)


def build_missions(draft: Draft) -> None:
    """Hypothetical operations named after their hosts, grouped in theatres of one region."""
    seen: dict[str, int] = {}
    for k in range(draft.size.missions):
        host = HOST_ORDER[k % len(HOST_ORDER)]
        seen[host] = seen.get(host, 0) + 1
        kind, langs, parties, women = HOSTS[host]
        mission_id = f"OP-{host}" + (f"-{seen[host]}" if seen[host] > 1 else "")
        draft.missions.append(Mission(mission_id, host, kind, langs.split(),
                                      {host, *parties.split()}, women))
        draft.mission_of[mission_id] = draft.missions[-1]
    # Theatres group missions of one region, as a regional conference would.
    order = sorted(range(len(draft.missions)),
                   key=lambda i: (STATE_REGION[draft.missions[i].host], i))
    per = draft.size.theatre_missions
    n_theatres = max(1, round(len(order) / per))
    start = 0
    for t, chunk in enumerate(split(len(order), [1.0] * n_theatres)):
        members = order[start:start + chunk]
        start += chunk
        for i in members:
            draft.missions[i].theatre = t
        draft.theatres.append([draft.missions[i].mission_id for i in sorted(members)])


def build_lines(draft: Draft) -> None:
    """Each mission's lines, drawn from its class's mix; the first one is infantry."""
    rng = draft.rng
    weights = [CLASS_WEIGHT[m.kind] for m in draft.missions]
    counts = split(draft.size.requirement_lines, weights)
    for mission, count in zip(draft.missions, counts, strict=True):
        caps, cap_weights = weighted(MIX[mission.kind])
        drawn = [rng.choices(caps, cap_weights)[0] for _ in range(max(3, count))]
        # Every mission has infantry; keep the first line an infantry line.
        drawn[0] = "INF_BN" if mission.kind == "big" else "INF_COY"
        draft.lines.extend(_line(draft, mission, cap) for cap in drawn)


def _line(draft: Draft, mission: Mission, cap: str) -> Row:
    """One line: units, priority, and maybe a deadline, a readiness floor and a language."""
    rng = draft.rng
    if cap in EQUIPMENT_ITEMS:
        units = ITEM_SET[cap] * rng.choice([1, 1, 2, 2, 3])
    else:
        units = rng.choices([1, 2, 3], [5, 4, 1])[0]
    priority = min(5, max(1, BASE_PRIORITY[cap] + rng.choice([-1, 0, 0, 0, 1])))
    deadline = readiness = language = None
    draw = rng.random()
    if cap not in EQUIPMENT_ITEMS:
        if draw < 0.07:
            readiness, deadline = "RDL", 60
        elif draw < 0.14:
            readiness, deadline = "L3", 90
        elif draw < 0.30:
            deadline = rng.choice([120, 150, 180])
        if rng.random() < (0.45 if cap == "FPU" else 0.2):
            language = rng.choice(mission.languages)
        if readiness is None and priority >= 4 and rng.random() < 0.35:
            readiness = "L1"  # a low-priority line that accepts any registered unit
    elif draw < 0.3:
        deadline = rng.choice([90, 120, 150])
    return {"requirement_id": "", "mission_id": mission.mission_id, "capability": cap,
            "units": units, "priority": priority, "mandatory": False,
            "deadline_days": deadline, "min_readiness": readiness, "language": language}


def ensure_variety(draft: Draft) -> None:
    """Make every rule appear at least once, even in the 18 lines of ``small``: an equipment
    line, each mission language, RDL, L3 and L1-accepting lines, and all five priorities.
    Only lines that no forced supply was built for are changed."""
    rng = draft.rng
    lines = draft.lines
    free = [r for r in lines
            if not r["mandatory"] and id(r) not in draft.reserved
            and r["capability"] in UNIT_CAPABILITIES]
    if not any(r["capability"] in EQUIPMENT_ITEMS for r in lines):
        line = free.pop(rng.randrange(len(free)))
        line.update(capability="MRAP", units=2 * ITEM_SET["MRAP"],
                    priority=BASE_PRIORITY["MRAP"], deadline_days=None,
                    min_readiness=None, language=None)
    wanted = [lang for lang in LINE_LANGUAGES
              if any(lang in m.languages for m in draft.missions)]
    for lang in wanted:
        if any(r["language"] == lang for r in lines):
            continue
        options = [r for r in free if r["language"] is None
                   and lang in draft.mission(r["mission_id"]).languages]
        if options:
            rng.choice(options)["language"] = lang
    for floor, deadline in (("RDL", 60), ("L3", 90), ("L1", None)):
        if not any(r["min_readiness"] == floor for r in lines):
            options = [r for r in free if r["min_readiness"] is None]
            rng.choice(options).update(min_readiness=floor, deadline_days=deadline)
    for priority in range(1, 6):
        if not any(r["priority"] == priority for r in lines):
            counts = {p: sum(r["priority"] == p for r in lines) for p in range(1, 6)}
            options = [r for r in free if counts[r["priority"]] > 1]
            rng.choice(options)["priority"] = priority


def number_lines(draft: Draft) -> None:
    """Requirement ids ``<mission>-Rnn``, numbered by priority within each mission."""
    numbered = []
    for mission in draft.missions:
        mine = [(r["priority"], r["capability"], k, r) for k, r in enumerate(draft.lines)
                if r["mission_id"] == mission.mission_id]
        for number, (*_, line) in enumerate(sorted(mine, key=lambda t: t[:3]), start=1):
            line["requirement_id"] = f"{mission.mission_id}-R{number:02d}"
            numbered.append(line)
    draft.lines = numbered
