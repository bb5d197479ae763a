"""The service's Alembic migrations (run through ``api.migrate``, no alembic.ini needed)."""
