"""allocator sweep {n-1,budget,monte-carlo}: tables printed, every row to CSV, charts to PNG,
and bad options or an unreachable Dask scheduler refused with exit code 2."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from allocator import read_scenario
from allocator.cli import app
from allocator.sweeps import Reliability, budget_sensitivity, monte_carlo

from ..conftest import DATASETS

SMALL = DATASETS / "families" / "small"
PNG = b"\x89PNG\r\n\x1a\n"


def _run(*args: str) -> object:
    return CliRunner().invoke(app, ["sweep", *args])


def test_budget_writes_the_library_table_and_a_chart(tmp_path: Path) -> None:
    out, chart = tmp_path / "budget.csv", tmp_path / "budget.png"
    run = _run("budget", str(SMALL), "--scales", "0.5:1.0:0.5", "--out", str(out),
               "--plot", str(chart))
    assert run.exit_code == 0, run.output  # type: ignore[attr-defined]
    assert "Budget sensitivity" in run.output and "50%" in run.output  # type: ignore[attr-defined]
    written = pd.read_csv(out)
    want = budget_sensitivity(read_scenario(SMALL), scales=[0.5, 1.0])
    assert written.scale.tolist() == want.scale.tolist()
    assert written.units_filled.tolist() == want.units_filled.tolist()
    assert chart.read_bytes().startswith(PNG)


def test_monte_carlo_uses_the_odds_given(tmp_path: Path) -> None:
    sc = read_scenario(SMALL)
    state = sc.unit_pledges[0].state
    odds = tmp_path / "odds.csv"
    odds.write_text(f"state,withdraw_probability\n{state},0.5\n")
    out, chart = tmp_path / "mc.csv", tmp_path / "mc.png"
    run = _run("monte-carlo", str(SMALL), "--draws", "8", "--seed", "4", "--withdraw", "0.1",
               "--delay", "0.2", "--delay-days", "40", "--reliability", str(odds),
               "--out", str(out), "--plot", str(chart))
    assert run.exit_code == 0, run.output  # type: ignore[attr-defined]
    assert "Coverage over 8 draws, seed 4" in run.output  # type: ignore[attr-defined]
    want = monte_carlo(sc, draws=8, seed=4, default=Reliability(0.1, 0.2, 40),
                       reliability=pd.read_csv(odds))
    written = pd.read_csv(out)
    assert written.withdrawn.tolist() == want.withdrawn.tolist()
    assert written.units_filled.fillna(-1).tolist() == want.units_filled.fillna(-1).tolist()
    assert chart.read_bytes().startswith(PNG)


def test_n_minus_1_saves_a_tornado(tmp_path: Path) -> None:
    chart = tmp_path / "n1.png"
    run = _run("n-1", str(SMALL), "--by", "state", "--top", "3", "--plot", str(chart))
    assert run.exit_code == 0, run.output  # type: ignore[attr-defined]
    assert chart.read_bytes().startswith(PNG)


@pytest.mark.parametrize("args", [
    ["budget", "--scales", "1:0.5:-1"],
    ["budget", "--scales", "a,b"],
    ["budget", "--scales", "0,1"],
    ["monte-carlo", "--withdraw", "0.7", "--delay", "0.5"],
    ["monte-carlo", "--draws", "0"],
    ["n-1", "--by", "mission"],
])
def test_bad_options_are_exit_2(args: list[str]) -> None:
    run = _run(args[0], str(SMALL), *args[1:])
    assert run.exit_code == 2, run.output  # type: ignore[attr-defined]


def test_a_bad_reliability_file_is_located(tmp_path: Path) -> None:
    odds = tmp_path / "odds.csv"
    odds.write_text("pledge_id,withdraw_probability\nNOPE,0.5\n")
    run = _run("monte-carlo", str(SMALL), "--draws", "2", "--reliability", str(odds))
    assert run.exit_code == 2
    assert "row 2" in run.output and "NOPE" in run.output  # type: ignore[attr-defined]


def test_an_unreachable_dask_scheduler_is_exit_2() -> None:
    pytest.importorskip("distributed")
    run = _run("budget", str(SMALL), "--scales", "1", "--dask", "tcp://127.0.0.1:9")
    assert run.exit_code == 2
    assert "cannot reach the Dask scheduler" in run.output  # type: ignore[attr-defined]


def test_a_chart_without_matplotlib_is_exit_2(tmp_path: Path, monkeypatch) -> None:
    import sys

    # None in sys.modules makes `import matplotlib...` raise ImportError, as when not installed.
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    chart = tmp_path / "c.png"
    run = CliRunner().invoke(app, ["solve", str(SMALL), "--plot", str(chart)])
    assert run.exit_code == 2, run.output
    assert "pledge-allocator[plot]" in run.output and not chart.exists()
