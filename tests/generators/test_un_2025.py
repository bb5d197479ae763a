"""The un_2025 generator: the committed dataset is exactly what it writes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from allocator import read_scenario
from allocator.generators.un_2025 import SEED, generate_un_2025, summary, write_un_2025
from allocator.scenario.catalogue import STANDARD_CAPABILITIES

from ..conftest import DATASETS, ROOT

UN_2025 = DATASETS / "un_2025"


def _generated_files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())
            if p.suffix == ".csv" or p.name == "scenario.yaml"}


def test_committed_files_are_the_generated_ones(tmp_path: Path) -> None:
    write_un_2025(tmp_path)
    fresh = _generated_files(tmp_path)
    assert fresh == _generated_files(UN_2025)
    assert len(fresh) == 9


def test_same_seed_same_tables_other_seed_other_tables() -> None:
    assert generate_un_2025() == generate_un_2025(SEED)
    assert generate_un_2025(1)["unit_pledges"] != generate_un_2025()["unit_pledges"]


def test_the_written_folder_is_a_valid_scenario(tmp_path: Path) -> None:
    tables = write_un_2025(tmp_path)
    scenario = read_scenario(tmp_path)
    assert len(scenario.unit_pledges) == len(tables["unit_pledges"]) == 445
    assert summary(tables).startswith("10 missions, 171 requirements, 445 unit pledges")


def test_capabilities_match_the_catalogue() -> None:
    rows = generate_un_2025()["capabilities"]
    assert [r["capability"] for r in rows] == [c.capability for c in STANDARD_CAPABILITIES]
    for row, cap in zip(rows, STANDARD_CAPABILITIES, strict=True):
        assert row["kind"] == cap.kind
        assert row["default_personnel"] == cap.default_personnel
        assert row["substitutes"] == ";".join(cap.substitutes)


def test_the_script_keeps_its_command_line(tmp_path: Path) -> None:
    """``python datasets/generate_un_2025.py`` (no arguments) writes next to itself."""
    script = tmp_path / "datasets" / "generate_un_2025.py"
    script.parent.mkdir()
    script.write_text((ROOT / "datasets" / "generate_un_2025.py").read_text())
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          cwd=tmp_path, env={"PYTHONPATH": str(ROOT)}, check=True)
    assert done.stdout.startswith("wrote un_2025/: 10 missions")
    assert _generated_files(tmp_path / "datasets" / "un_2025") == _generated_files(UN_2025)
