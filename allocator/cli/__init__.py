"""The ``allocator`` command line: one module per group of commands."""

from allocator.cli.main import app

__all__ = ["app"]
