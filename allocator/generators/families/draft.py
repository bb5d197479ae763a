"""The families' work in progress: the tables drawn so far and the one ``random.Random``.

Every builder module reads and extends one ``Draft``, in the fixed order of
``families.generate_family``, so the draws (and the files) are the same on every run.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from typing import Any

from allocator.generators.families.sizes import SIZES, FamilySize
from allocator.generators.reference import STATE_LANGUAGES, weighted

Row = dict[str, Any]
"""One row of a table being drawn, by column."""


@dataclass
class Mission:
    """A mission as the builders see it: its class, languages, barred states and theatre."""

    mission_id: str
    host: str
    kind: str
    languages: list[str]
    barred: set[str]
    women_target: float | None
    theatre: int = 0


@dataclass
class Draft:
    """One family instance being drawn: every table so far, and what the builders share."""

    size_name: str
    size: FamilySize
    rng: random.Random
    missions: list[Mission] = field(default_factory=list)
    lines: list[Row] = field(default_factory=list)
    pledges: list[Row] = field(default_factory=list)
    kit: list[Row] = field(default_factory=list)
    funding: list[Row] = field(default_factory=list)
    transport: list[Row] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)
    theatres: list[list[str]] = field(default_factory=list)
    transport_of: dict[tuple[str, str], int] = field(default_factory=dict)
    """(state or pledge, mission) -> US$ per unit."""
    reserved: set[int] = field(default_factory=set)
    """id() of the lines kept for a must-deploy pledge."""
    dedicated: dict[int, list[Row]] = field(default_factory=dict)
    """id() of a mandatory line -> the supply made for it."""
    pools: dict[tuple[str, frozenset[str], str | None], tuple[Any, list[int]]] = field(
        default_factory=dict)
    mission_of: dict[str, Mission] = field(default_factory=dict)

    @classmethod
    def start(cls, size: str, seed: int) -> Draft:
        """An empty draft of the given size, its generator seeded from size and seed."""
        return cls(size, SIZES[size], random.Random(f"{size}:{seed}"))

    def next_id(self, owner: str, tag: str) -> str:
        """The next id of an owner's rows of one kind: ``<owner>-<tag>nnnn``."""
        key = f"{owner}-{tag}"
        self.counters[key] = self.counters.get(key, 0) + 1
        return f"{key}{self.counters[key]:04d}"

    @property
    def zoned(self) -> bool:
        """Whether pledges are scoped to theatres (more than one theatre)."""
        return len(self.theatres) > 1

    def mission(self, mission_id: str) -> Mission:
        """The mission with this id."""
        return self.mission_of[mission_id]

    def theatre_of(self, pledge: Row) -> int:
        """The theatre a pledge (or lot) is offered to: its first allowed mission's."""
        allowed = pledge.get("allowed_missions") or []
        return self.mission(allowed[0]).theatre if allowed else 0

    def reach_by_caveats(self, pledge: Row) -> list[str]:
        """Missions of the pledge's scope that its caveats leave open."""
        members = pledge["allowed_missions"] or self.theatres[self.theatre_of(pledge)]
        return [m for m in members if m not in pledge["excluded_missions"]]

    def reach(self, pledge: Row) -> list[str]:
        """Missions a pledge could serve by caveats and exclusions (for transport rows)."""
        return [m for m in self.reach_by_caveats(pledge)
                if pledge["state"] not in self.mission(m).barred]

    def state_for(self, spec: str, barred: set[str], language: str | None = None) -> str:
        """A state drawn from a weighted list, never a barred one; a speaker of ``language``
        when the list has one."""
        key = (spec, frozenset(barred), language)
        if key not in self.pools:
            states, weights = weighted(spec)
            pool = [(s, w) for s, w in zip(states, weights, strict=True) if s not in barred]
            if language:
                speakers = [(s, w) for s, w in pool if language in STATE_LANGUAGES[s]]
                pool = speakers or pool
            names, ws = zip(*pool, strict=True)
            self.pools[key] = (names, list(itertools.accumulate(ws)))
        names, cumulative = self.pools[key]
        return self.rng.choices(names, cum_weights=cumulative)[0]
