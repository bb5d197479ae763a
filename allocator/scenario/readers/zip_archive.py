"""The zip form: a zipped CSV folder, its files at the root or inside one top-level folder."""

from __future__ import annotations

import zipfile
from pathlib import Path

from allocator.scenario.readers.csv_folder import read_csv_files
from allocator.scenario.readers.found import ACCEPTED_FORMS, Found, fail


def read_zip(path: Path) -> Found:
    """Read a ``.zip`` of a CSV folder; its files are named ``<zip>/<member>`` in problems."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = _zip_members(archive.namelist(), path.name)
            return read_csv_files(
                {name: (lambda m=member: archive.read(m)) for name, member in members.items()},
                prefix=f"{path.name}/{_folder_of(next(iter(members.values()), ''))}",
            )
    except (zipfile.BadZipFile, OSError) as err:
        fail(f"not a readable zip file ({err}); expected {ACCEPTED_FORMS}", path.name)


def _folder_of(member: str) -> str:
    return member.rpartition("/")[0] + "/" if "/" in member else ""


def _zip_members(names: list[str], zip_name: str) -> dict[str, str]:
    """File name -> member of the files in the one folder of the zip that holds CSV files.

    That folder may be the zip's root or any folder inside it: ``zip -r x.zip datasets/x``
    puts the files two folders down. Files in other folders are not read.
    """
    files = [n for n in names if not n.endswith("/") and not n.startswith("__MACOSX/")
             and not n.rpartition("/")[2].startswith(".")]
    folders = sorted({_folder_of(n) for n in files if n.lower().endswith(".csv")})
    if len(folders) > 1:
        listed = ", ".join(f or "(the zip's root)" for f in folders[:5])
        fail(f"the zip holds CSV files in {len(folders)} folders ({listed}); zip one scenario "
             "folder, whose files are one <table>.csv per table", zip_name)
    folder = folders[0] if folders else ""
    return {n.removeprefix(folder): n for n in files
            if _folder_of(n) == folder}
