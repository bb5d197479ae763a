"""The zip form: a zipped CSV folder, its files at the root or inside one top-level folder."""

from __future__ import annotations

import zipfile
from pathlib import Path

from allocator.scenario.readers.csv_folder import read_csv_files
from allocator.scenario.readers.found import ACCEPTED_FORMS, Found, fail


def read_zip(path: Path) -> Found:
    """Read a ``.zip`` of a CSV folder; its files are named ``<zip>/<file>`` in problems."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = _zip_members(archive.namelist())
            return read_csv_files(
                {name: (lambda m=member: archive.read(m)) for name, member in members.items()},
                prefix=f"{path.name}/",
            )
    except (zipfile.BadZipFile, OSError) as err:
        fail(f"not a readable zip file ({err}); expected {ACCEPTED_FORMS}", path.name)


def _zip_members(names: list[str]) -> dict[str, str]:
    """File name -> member of the files at the zip root, or else inside its one top folder."""
    files = [n for n in names if not n.endswith("/") and not n.startswith("__MACOSX/")]
    at_root = [n for n in files if "/" not in n]
    if any(n.lower().endswith(".csv") for n in at_root):
        return {n: n for n in at_root}
    folders = {n.split("/", 1)[0] for n in files if "/" in n}
    if len(folders) != 1:
        return {n: n for n in at_root}
    return {n.split("/", 1)[1]: n for n in files if n.count("/") == 1}
