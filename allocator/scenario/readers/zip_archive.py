"""The zip form: a zipped CSV folder, its files at the root or inside one top-level folder."""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

from allocator.errors import ScenarioError
from allocator.scenario.readers.csv_folder import read_csv_files
from allocator.scenario.readers.found import Found, fail
from allocator.scenario.readers.parsing import check_size

REZIP = ("zip the scenario folder again (Windows: right-click > Send to > Compressed (zipped) "
         "folder; macOS: Compress; or zip -r), without a password")
"""What to do about a zip that cannot be read: make it again the ordinary way."""

ZIP_DAMAGE = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError,
              RuntimeError, NotImplementedError, struct.error, ValueError)
"""What ``zipfile`` raises on a damaged, encrypted or unsupported archive (``ValueError`` for
impossible offsets and sizes in its directory)."""


def read_zip(path: Path) -> Found:
    """Read a ``.zip`` of a CSV folder; its files are named ``<zip>/<member>`` in problems."""
    check_size(path.stat().st_size, path.name)
    try:
        with zipfile.ZipFile(path) as archive:
            members = _zip_members(archive.namelist(), path.name)
            return read_csv_files(
                {name: _reader(archive, member, f"{path.name}/{member}")
                 for name, member in members.items()},
                prefix=f"{path.name}/{_folder_of(next(iter(members.values()), ''))}",
            )
    except ScenarioError:
        raise
    except ZIP_DAMAGE as err:
        fail(damaged_zip_message(err, "zip file"), path.name)


def damaged_zip_message(err: BaseException, what: str) -> str:
    """Why a zip (or a workbook, which is a zip) cannot be read, and what to do, in words.

    ``zipfile`` tells damage apart only by exception type and text: an encrypted member is a
    ``RuntimeError``, an unknown compression method a ``NotImplementedError``, damaged data a
    ``BadZipFile``, ``zlib.error`` or ``EOFError``.
    """
    text = str(err)
    if isinstance(err, RuntimeError) and "encrypted" in text:
        return f"the {what} is password-protected; {REZIP}"
    if isinstance(err, NotImplementedError):
        return (f"the {what} uses a compression method that cannot be read ({text}); {REZIP}, "
                "which uses the standard 'deflate' method")
    return f"the {what} is damaged and cannot be unpacked ({type(err).__name__}: {text}); {REZIP}"


def _reader(archive: zipfile.ZipFile, member: str, source: str) -> Callable[[], bytes]:
    """A member's reader that refuses, before unpacking, a member above the size limit."""

    def read() -> bytes:
        check_size(archive.getinfo(member).file_size, source, "file once unpacked")
        return archive.read(member)

    return read


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
    if not folders:
        fail("the zip holds no CSV files; zip the scenario folder, whose files are one "
             "<table>.csv per table (missions.csv, requirements.csv, ...)", zip_name)
    return {n.removeprefix(folder): n for n in files
            if _folder_of(n) == folder}
