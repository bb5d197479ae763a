"""Scenarios: submit (JSON or an uploaded file), list, read with tables, delete."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select, update
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException

from allocator import Scenario
from allocator.errors import Defect, ScenarioError
from allocator.scenario.schema import TABLE_ROWS

from ..db import Job, ScenarioRecord, page, utcnow
from ..deps import Analyst, Planner, RunnerDep, SessionDep, SettingsDep
from ..errors import ApiError, invalid_request
from ..schemas import (
    ErrorOut,
    ScenarioCreated,
    ScenarioDetail,
    ScenarioPublic,
    ScenariosPublic,
)
from ..uploads import read_off_the_loop, safe_name, scenario_from_json, scenario_from_upload
from . import SCENARIO_LINKS, UNEXPECTED

router = APIRouter(prefix="/v1/scenarios", tags=["scenarios"],
                   responses=UNEXPECTED)

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "no valid token"},
    403: {"model": ErrorOut, "description": "the token's role may not do this"},
    404: {"model": ErrorOut, "description": "no such scenario in your workspace"},
    422: {"model": ErrorOut, "description": "invalid input, every problem located"},
}

# Far beyond any real list, and within the integers a database takes for OFFSET (a larger
# one overflowed in the driver: HTTP 500).
MAX_OFFSET = 2**31 - 1

_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {
                "type": "object", "additionalProperties": True,
                "description": "a scenario document: one key per table (a list of row "
                               "objects) plus optional name, description and policy"}},
            "multipart/form-data": {"schema": {
                "type": "object", "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary",
                                        "description": ".xlsx, .zip of CSVs, .json or .yaml"}},
            }},
        },
    }
}


def get_record(session: Any, token: Any, scenario_id: str) -> ScenarioRecord:
    """The scenario with this id in the token's workspace; 404 for any other, another workspace's
    too."""
    record = session.get(ScenarioRecord, scenario_id)
    # Another workspace's scenario is "not found", so ids reveal nothing.
    if record is None or record.workspace != token.workspace:
        raise ApiError(404, "not_found", f"no scenario {scenario_id} in your workspace")
    return record


def _counts(scenario: Scenario) -> dict[str, int]:
    return {table: len(getattr(scenario, table)) for table in TABLE_ROWS}


async def _read_request(request: Request, settings: Any) -> tuple[Scenario, str]:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        raw = await request.body()
        # Parsed off the event loop too: a large or deeply nested body takes its time.
        return await read_off_the_loop(request, scenario_from_json, raw, settings), "json"
    if kind == "multipart/form-data":
        try:
            form = await request.form(max_files=1, max_fields=10,
                                      max_part_size=settings.max_upload_bytes)
        except (MultiPartException, HTTPException) as err:
            # Inside an app, Starlette reports a malformed form as a bare HTTP 400; it is the
            # upload that is at fault, so it gets the service's 422 like any invalid input.
            reason = err.message if isinstance(err, MultiPartException) else err.detail
            raise invalid_request("upload", None, f"cannot read the upload: {reason}",
                                  code="upload_invalid") from None
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise ScenarioError([Defect(table="upload", source="request",
                                         message="attach the scenario as the form field "
                                                 "'file' (an .xlsx, .zip, .json or .yaml)")])
        data = await upload.read()
        scenario = await read_off_the_loop(request, scenario_from_upload, upload.filename,
                                           data, settings)
        return scenario, safe_name(upload.filename, "upload")
    raise ApiError(415, "unsupported_media_type",
                   "send the scenario as application/json, or upload a file as "
                   "multipart/form-data in the field 'file'")


@router.post("", status_code=201, response_model=ScenarioCreated, openapi_extra=_UPLOAD_BODY,
             responses={**ERRORS, 201: {"links": SCENARIO_LINKS},
                        413: {"model": ErrorOut, "description": "too large"},
                        415: {"model": ErrorOut, "description": "not JSON or multipart"}})
async def create_scenario(request: Request, token: Planner, settings: SettingsDep) -> Any:
    """Submit a scenario as JSON or as an uploaded file; it is validated by the library and
    stored only if it has no problem. The answer lists its warnings, which never block."""
    scenario, source = await _read_request(request, settings)
    db = request.app.state.db

    def store() -> ScenarioRecord:
        with db.session() as session:
            record = ScenarioRecord(workspace=token.workspace, name=scenario.name,
                                    source=source[:300], document=scenario.to_document(),
                                    counts=_counts(scenario), created_by=token.id)
            session.add(record)
            return record

    record = await run_in_threadpool(store)
    return ScenarioCreated(**ScenarioPublic.model_validate(record).model_dump(),
                           warnings=[w.to_dict() for w in scenario.warnings])


@router.get("", response_model=ScenariosPublic, responses=ERRORS)
def list_scenarios(session: SessionDep, token: Analyst,
                   offset: int = Query(0, ge=0, le=MAX_OFFSET),
                   limit: int = Query(100, ge=1, le=1000)) -> Any:
    """The scenarios of your workspace, newest first, without their tables."""
    mine = select(ScenarioRecord).where(ScenarioRecord.workspace == token.workspace)
    rows, count = page(session, mine, ScenarioRecord.created_at.desc(), ScenarioRecord.id,
                       offset=offset, limit=limit)
    return ScenariosPublic(data=[ScenarioPublic.model_validate(r) for r in rows], count=count)


@router.get("/{scenario_id}", response_model=ScenarioDetail, responses=ERRORS)
def read_scenario_record(scenario_id: str, session: SessionDep, token: Analyst) -> Any:
    """A scenario of your workspace with its tables, in document form."""
    record = get_record(session, token, scenario_id)
    return ScenarioDetail(**ScenarioPublic.model_validate(record).model_dump(),
                          scenario=record.document)


@router.delete("/{scenario_id}", status_code=204, response_class=Response, responses=ERRORS)
def delete_scenario(scenario_id: str, session: SessionDep, token: Planner,
                    runner: RunnerDep) -> Response:
    """Delete a scenario with its jobs and results; its running solves are stopped."""
    record = get_record(session, token, scenario_id)
    active = session.scalars(select(Job.id).where(
        Job.scenario_id == scenario_id, Job.status.in_(("queued", "running")))).all()
    # Marked cancelled and committed before the processes stop, so none of them stores a
    # result; conditional, so a job that has just ended is left as it is.
    session.execute(update(Job).where(Job.id.in_(active),
                                      Job.status.in_(("queued", "running")))
                    .values(status="cancelled", finished_at=utcnow()))
    session.commit()
    for job_id in active:
        runner.cancel(job_id)
    session.delete(record)  # its jobs and results go with it (ON DELETE CASCADE)
    session.commit()
    return Response(status_code=204)
