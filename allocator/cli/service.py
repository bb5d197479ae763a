"""``allocator serve``, ``allocator worker``, ``allocator db`` and ``allocator token create``: the
HTTP service from the command line (the service itself is the top-level ``api`` package)."""

from __future__ import annotations

from typing import Annotated

import typer

from allocator.cli.common import errors


def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
) -> None:
    """Run the HTTP service (settings from ALLOCATOR_* variables and DATABASE_URL)."""
    from api.cli import serve as run_server

    run_server(host, port)


def worker() -> None:
    """Run one solver worker: it claims queued jobs from the database (DATABASE_URL) and runs up
    to ALLOCATOR_WORKERS at once, beside API processes started with ALLOCATOR_RUN_JOBS=false.
    Each worker on one machine needs its own ALLOCATOR_WORKER_ID."""
    from api.cli import work
    from api.jobs import WorkerIdInUse

    try:
        work()
    except WorkerIdInUse as err:
        errors.print(str(err), soft_wrap=True)
        raise typer.Exit(2) from None


db_app = typer.Typer(no_args_is_help=True, help="The service's database schema (migrations).")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database of DATABASE_URL to the latest schema (the service does it on start);
    a database of the first release is recognised and stamped first."""
    from api.cli import upgrade_database

    print(upgrade_database())


@db_app.command("current")
def db_current() -> None:
    """Print the database's schema revision and the latest one; exit 1 if it is behind."""
    from api.cli import database_revision

    url, revision, head = database_revision()
    print(f"{url}: at {revision or 'no revision (empty, or of the first release)'}; "
          f"latest {head}")
    if revision != head:
        raise typer.Exit(1)


token_app = typer.Typer(no_args_is_help=True, help="API tokens of the HTTP service.")


@token_app.command("create")
def token_create(
    role: Annotated[str, typer.Option(help="admin, planner or analyst")] = "admin",
    workspace: Annotated[str, typer.Option(help="the workspace the token reads and writes")
                         ] = "default",
    name: Annotated[str, typer.Option(help="who or what holds the token")] = "first admin",
) -> None:
    """Create a token in the service's database and print its secret (shown once only)."""
    from api.auth import Role
    from api.cli import new_token

    if role not in {r.value for r in Role}:
        errors.print(f"role must be admin, planner or analyst, not {role!r}")
        raise typer.Exit(2)
    token_id, secret, url = new_token(name, Role(role), workspace)
    errors.print(f"created {role} token {token_id} for workspace {workspace!r} in {url}; "
                 "store the secret now, it is not shown again:", soft_wrap=True)
    print(secret)


