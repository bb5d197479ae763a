"""One router per resource; what their OpenAPI descriptions share."""

from __future__ import annotations

from typing import Any

from ..schemas import ErrorOut

UNEXPECTED: dict[int | str, dict[str, Any]] = {500: {
    "model": ErrorOut,
    "description": "an unexpected error (a defect): the message names the request id "
                   "(also in the x-request-id header) to quote when reporting it"}}
"""Every route's 500: the one error form, never a bare text body (``errors.CatchAll``)."""


def link(method: str, path: str, **parameters: str) -> dict[str, Any]:
    """An OpenAPI link to ``method path``, its parameters taken from this response (runtime
    expressions such as ``$response.body#/id``): how a client, or schemathesis' stateful
    tests, goes on from one answer to the next request."""
    pointer = path.replace("~", "~0").replace("/", "~1")
    return {"operationRef": f"#/paths/{pointer}/{method}", "parameters": parameters}


SCENARIO_LINKS = {
    "GetScenario": link("get", "/v1/scenarios/{scenario_id}",
                        scenario_id="$response.body#/id"),
    "SolveScenario": link("post", "/v1/scenarios/{scenario_id}/solve",
                          scenario_id="$response.body#/id"),
    "ListJobsOfScenario": link("get", "/v1/jobs", scenario_id="$response.body#/id"),
    "DeleteScenario": link("delete", "/v1/scenarios/{scenario_id}",
                           scenario_id="$response.body#/id"),
}
"""From a scenario just created: read it, solve it, list its jobs, delete it."""

JOB_LINKS = {
    "GetJob": link("get", "/v1/jobs/{job_id}", job_id="$response.body#/id"),
    "GetResult": link("get", "/v1/jobs/{job_id}/result", job_id="$response.body#/id"),
    "CancelJob": link("delete", "/v1/jobs/{job_id}", job_id="$response.body#/id"),
    "DeleteJobScenario": link("delete", "/v1/scenarios/{scenario_id}",
                              scenario_id="$response.body#/scenario_id"),
}
"""From a job (queued, or as polled): poll it, fetch its result, cancel it, delete its
scenario (with its jobs)."""

RESULT_LINKS = {
    "GetJobAgain": link("get", "/v1/jobs/{job_id}", job_id="$request.path.job_id"),
}
"""From a result: back to its job (and from there to deleting its scenario)."""
