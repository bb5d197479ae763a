"""What ``allocator serve`` and ``allocator token create`` do (the CLI itself is allocator's)."""

from __future__ import annotations

import uvicorn

from .auth import Role, create_token
from .db import Database
from .settings import Settings


def serve(host: str, port: int) -> None:
    """Run the service (``allocator serve``) on ``host``:``port`` until it is stopped."""
    # One server process: the job runner and its worker processes live beside it. Uvicorn's
    # access log is off because the service writes its own structured request log.
    uvicorn.run("api.main:create_app", factory=True, host=host, port=port, access_log=False,
                log_level=Settings().log_level.lower())


def new_token(name: str, role: Role, workspace: str) -> tuple[str, str, str]:
    """Create a token straight in the database (how the first admin token is made).
    Returns (id, secret, database URL)."""
    settings = Settings()
    db = Database(settings.database_url)
    try:
        db.create_all()
        with db.session() as session:
            token, secret = create_token(session, name=name, role=role, workspace=workspace)
            return token.id, secret, settings.database_url
    finally:
        db.dispose()
