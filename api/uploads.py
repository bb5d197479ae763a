"""Turn what a planner sends (JSON, or an uploaded workbook, zip or document) into a Scenario.

The library reads it: the upload is written under its own file name into a private temporary
folder and passed to ``read_scenario``, so problems are located in the planner's file with the
library's own words, and nothing half-read is ever stored.

Reading runs in a worker thread (``read_off_the_loop``), a few at once, so a large or hostile
file neither blocks the event loop nor multiplies its memory by the number of planners
uploading; what the library's limits miss (Python's recursion limit, memory) is answered in
the error form too.
"""

from __future__ import annotations

import functools
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import anyio
from starlette.requests import Request

from allocator import Scenario, read_scenario
from allocator.errors import Defect, ScenarioError

from .errors import ApiError
from .settings import Settings

UPLOAD_SUFFIXES = (".xlsx", ".zip", ".json", ".yaml", ".yml")

READS_AT_ONCE = max(2, os.cpu_count() or 1)
"""Scenario reads running at once per service process; more wait their turn. Reading is CPU
work (a thread per core is all the GIL allows anyway) and memory: a workbook unpacking to
78 MB took 860 MB and a minute to read, so reads are bounded, not one per request."""

T = TypeVar("T")


async def read_off_the_loop(request: Request, read: Callable[..., T], *args: Any) -> T:
    """Run ``read(*args)`` in a worker thread, at most ``READS_AT_ONCE`` of them at a time
    in this app."""
    state = request.app.state
    # Made on first use, inside the app's event loop (an anyio limiter belongs to one loop).
    limiter = getattr(state, "upload_reads", None)
    if limiter is None:
        limiter = state.upload_reads = anyio.CapacityLimiter(READS_AT_ONCE)
    return await anyio.to_thread.run_sync(functools.partial(read, *args), limiter=limiter)


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
    if suffix in (".zip", ".xlsx"):  # an .xlsx is a zip of XML parts
        _check_zip(name, data, settings)
    with tempfile.TemporaryDirectory(prefix="allocator-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        scenario = _read(path, name)
    check_size(scenario, settings)
    return scenario


def scenario_from_json(raw: bytes, settings: Settings) -> Scenario:
    """A scenario sent as a JSON body, still as bytes: parsed, then read as a .json file."""
    try:
        document = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ScenarioError([Defect(table="scenario", source="request body",
                                    message=f"not valid JSON: {err}")]) from None
    except (RecursionError, ValueError):
        # Nested beyond Python's recursion limit, or a number beyond its 4,300 digits: the
        # library's reader measures both and says where, within its own limits.
        with tempfile.TemporaryDirectory(prefix="allocator-upload-") as folder:
            path = Path(folder) / "scenario.json"
            path.write_bytes(raw)
            scenario = _in_request_body(path, _read)
        check_size(scenario, settings)
        return scenario
    return scenario_from_document(document, settings)


def scenario_from_document(document: Any, settings: Settings) -> Scenario:
    """A scenario sent as a JSON body: the same document form as a .json file."""
    if not isinstance(document, dict):
        raise ScenarioError([Defect(
            table="scenario", source="request body",
            message="the body must be a JSON object with one key per table (missions, "
                    "requirements, unit_pledges, ...) plus optional name and policy")])
    with tempfile.TemporaryDirectory(prefix="allocator-upload-") as folder:
        path = Path(folder) / "scenario.json"
        try:
            text = json.dumps(document)
        except (RecursionError, ValueError) as err:
            # Only a document FastAPI parsed can get here (POST /v1/solve), nested or
            # numbered beyond what Python writes back.
            raise ScenarioError([Defect(table="scenario", source="request body",
                                        message=f"cannot read the document: {err}")]) from None
        path.write_text(text, encoding="utf-8")
        scenario = _in_request_body(path, _read)
    check_size(scenario, settings)
    return scenario


def _in_request_body(path: Path, read: Callable[[Path, str], Scenario]) -> Scenario:
    try:
        return read(path, path.name)
    except ScenarioError as err:
        # The planner sent no file: locate the problems in what they sent, not in the
        # temporary file's name.
        raise ScenarioError([replace(p, source="request body") if p.source == path.name
                             else p for p in err.problems]) from None


def _read(path: Path, source: str) -> Scenario:
    """``read_scenario(path)``, with what its own limits do not catch in the error form too:
    Python's recursion limit (a 422 on the file) and memory (a 413). Any other exception is a
    defect and reaches the service's 500 with the request id."""
    try:
        return read_scenario(path)
    except RecursionError:
        raise ScenarioError([Defect(
            table="scenario", source=source,
            message="the file is nested too deeply to read (lists or mappings inside each "
                    "other thousands of levels deep); a scenario nests tables, rows and "
                    "cells only")]) from None
    except MemoryError:
        raise ApiError(413, "upload_too_large",
                       f"{source} needs more memory to read than this service has; send a "
                       "smaller scenario or split it") from None


def _check_zip(name: str, data: bytes, settings: Settings) -> None:
    """Refuse a zip (or workbook) whose members would unpack beyond the limit before anything is
    unpacked; ``zipfile`` never unpacks a member beyond the size its directory declares."""
    import io

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except Exception:  # whatever zipfile raises on a damaged directory
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
