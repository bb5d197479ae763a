"""Turn what a planner sends (JSON, or an uploaded workbook, zip or document) into a Scenario.

The library reads it: the upload is written under its own file name into a private temporary
folder and passed to ``read_scenario``, so problems are located in the planner's file with the
library's own words, and nothing half-read is ever stored.
"""

from __future__ import annotations

import json
import re
import tempfile
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from allocator import Scenario, read_scenario
from allocator.errors import Defect, ScenarioError

from .errors import ApiError
from .settings import Settings

UPLOAD_SUFFIXES = (".xlsx", ".zip", ".json", ".yaml", ".yml")


def safe_name(filename: str | None, fallback: str) -> str:
    """The upload's file name made safe: its last path part in plain characters (at most 200), or
    ``fallback``."""
    # Only the last path part, in plain characters: the name appears in messages and is used
    # as a file name inside the temporary folder.
    base = re.split(r"[\\/]", filename or "")[-1]
    base = re.sub(r"[^A-Za-z0-9._ -]", "_", base).strip(" .")
    return base[:200] or fallback


def scenario_from_upload(filename: str | None, data: bytes, settings: Settings) -> Scenario:
    """Read an uploaded .xlsx, .zip, .json or .yaml file with the library; its problems are located
    in the planner's file."""
    name = safe_name(filename, "scenario")
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise ScenarioError([Defect(
            table="upload", source=name,
            message=f"cannot read a {suffix or 'file without an extension'}: upload an .xlsx "
                    "workbook, a .zip of the CSV folder, or a .json/.yaml document")])
    if suffix == ".zip":
        _check_zip(name, data, settings)
    with tempfile.TemporaryDirectory(prefix="allocator-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        scenario = read_scenario(path)
    check_size(scenario, settings)
    return scenario


def scenario_from_document(document: Any, settings: Settings) -> Scenario:
    """A scenario sent as a JSON body: the same document form as a .json file."""
    if not isinstance(document, dict):
        raise ScenarioError([Defect(
            table="scenario", source="request body",
            message="the body must be a JSON object with one key per table (missions, "
                    "requirements, unit_pledges, ...) plus optional name and policy")])
    with tempfile.TemporaryDirectory(prefix="allocator-upload-") as folder:
        path = Path(folder) / "scenario.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        try:
            scenario = read_scenario(path)
        except ScenarioError as err:
            # The planner sent no file: locate the problems in what they sent, not in the
            # temporary file's name.
            raise ScenarioError([replace(p, source="request body") if p.source == path.name
                                 else p for p in err.problems]) from None
    check_size(scenario, settings)
    return scenario


def _check_zip(name: str, data: bytes, settings: Settings) -> None:
    """Refuse a zip whose members would unpack beyond the limit before anything is unpacked."""
    import io

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        return  # the reader reports it, located, in its own words
    if total > settings.max_unzipped_bytes:
        raise ApiError(413, "upload_too_large",
                       f"{name} unpacks to {total:,} bytes; the limit is "
                       f"{settings.max_unzipped_bytes:,} (ALLOCATOR_MAX_UNZIPPED_BYTES)")


def check_size(scenario: Scenario, settings: Settings) -> None:
    """Answer 413 for a scenario with more pledges or requirement lines than the service accepts."""
    pledges = (len(scenario.unit_pledges) + len(scenario.equipment_pledges)
               + len(scenario.funding_pledges))
    if pledges > settings.max_pledges:
        raise ApiError(413, "scenario_too_large",
                       f"the scenario has {pledges:,} pledges (unit, equipment and funding); "
                       f"this service accepts up to {settings.max_pledges:,} "
                       "(ALLOCATOR_MAX_PLEDGES): split it by theatre or ask an admin")
    if len(scenario.requirements) > settings.max_requirements:
        raise ApiError(413, "scenario_too_large",
                       f"the scenario has {len(scenario.requirements):,} requirement lines; "
                       f"this service accepts up to {settings.max_requirements:,} "
                       "(ALLOCATOR_MAX_REQUIREMENTS)")
