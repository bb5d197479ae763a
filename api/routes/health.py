"""Open endpoints: liveness with a database check, and Prometheus metrics."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text

from ..deps import RunnerDep, SessionDep
from ..schemas import Health
from . import UNEXPECTED

router = APIRouter(tags=["operations"], responses=UNEXPECTED)


@router.get("/healthz", response_model=Health)
def healthz(session: SessionDep) -> Any:
    """Liveness: ``ok`` when the service and its database answer."""
    session.execute(text("SELECT 1"))
    return Health(status="ok", database="ok")


@router.get("/metrics", response_class=Response,
            responses={200: {"content": {CONTENT_TYPE_LATEST: {}},
                             "description": "Prometheus text format"}})
def metrics(request: Request, runner: RunnerDep) -> Response:
    """Prometheus metrics: requests and their durations, job durations, jobs by status."""
    data = request.app.state.metrics.render(runner.queue_depth())
    return Response(data, media_type=CONTENT_TYPE_LATEST)
