"""solve(progress=...) reports each level's start, improvements and end, in planner units."""

from __future__ import annotations

from allocator import Progress, solve

from .conftest import DATASETS


def test_progress_reports_every_level_and_ends_at_the_result(backend: str) -> None:
    events: list[Progress] = []
    result = solve(DATASETS / "families" / "small", backend=backend, time_limit=120,
                   progress=events.append)
    assert result.status.value == "optimal"
    names = [lv.level for lv in result.levels]
    assert [e.level for e in events if e.value is None and not e.level_done] == names
    ends = [e for e in events if e.level_done]
    assert [e.level for e in ends] == names
    # Each level's last report is the result's figure for that level.
    assert [e.value for e in ends] == [lv.value for lv in result.levels]
    assert all(e.levels == len(names) for e in events)
    assert [e.elapsed_s for e in events] == sorted(e.elapsed_s for e in events)
    for level in names:
        # Incumbents only improve (minimisation), and never below the optimum.
        found = [e.value for e in events if e.level == level and e.value is not None]
        assert found == sorted(found, reverse=True)
        assert min(found) == next(lv.value for lv in result.levels if lv.level == level)


def test_weighted_mode_reports_one_level() -> None:
    events: list[Progress] = []
    result = solve(DATASETS / "families" / "small", objective="weighted", progress=events.append)
    assert {e.level for e in events} == {"weighted_usd"}
    assert events[-1].level_done and events[-1].value == result.levels[0].value
