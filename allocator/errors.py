"""Typed errors a user can cause, each with a message that says what to change."""

from __future__ import annotations

import difflib
import math
import reprlib
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any, ClassVar

SHOWN_CHARS = 60
"""Characters of an offending value echoed back in a message; a longer value is cut."""

MESSAGE_CHARS = 440
"""The longest message a Defect keeps (under 500 characters with the note of the cut): a
longer one is cut, whatever built it."""

MAX_PROBLEMS = 1_000
"""Problems a ``ScenarioError`` lists; the others are counted in one last line. A damaged
file can repeat one mistake a million times, and a list (or a 422 answer) that long helps no
one: the first thousand show the cause."""

MAX_SUGGESTIONS = 200
"""Close names ("did you mean 'BGD'?") one validation looks for; each compares a name with
every known one, so after these the problems are listed without suggestions."""

_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = _REPR.maxlong = SHOWN_CHARS
_REPR.maxlevel, _REPR.maxlist, _REPR.maxtuple, _REPR.maxdict = 2, 4, 4, 4


def shown(value: Any) -> str:
    """``value`` as a message echoes it: its repr, cut to about ``SHOWN_CHARS`` characters.

    Never fails: a whole number too long for Python to print (over 4,300 digits) is described
    by its length, and a value nested thousands of levels deep is cut at the second level.
    """
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        digits = int(value.bit_length() * math.log10(2)) + 1
        return f"a whole number of about {digits:,} digits"
    if isinstance(value, str) and len(value) > SHOWN_CHARS:
        return repr(value[:SHOWN_CHARS]) + f"... ({len(value):,} characters)"
    try:
        return _REPR.repr(value)
    except Exception:  # a value whose own repr fails must not hide the problem it shows
        return f"a value of type {type(value).__name__}"


@dataclass(frozen=True)
class Defect:
    """One located defect in a scenario's input (a file, a change list or an odds table).

    ``source`` is the file (or ``file[sheet]``) the row came from, ``row`` the spreadsheet row
    number (header = 1, first data row = 2) or the 1-based item number in a JSON/YAML list.
    """

    table: str
    message: str
    row: int | None = None
    column: str | None = None
    source: str | None = None

    def __post_init__(self) -> None:
        # Whatever a message quotes (a cell, a header, a file name), a problem stays readable
        # in a table of problems: a message over MESSAGE_CHARS is cut.
        if len(self.message) > MESSAGE_CHARS:
            cut = self.message[:MESSAGE_CHARS].rstrip()
            object.__setattr__(self, "message", f"{cut}... (message cut; "
                               f"{len(self.message):,} characters)")
        if self.column is not None and len(self.column) > SHOWN_CHARS:
            object.__setattr__(self, "column", self.column[:SHOWN_CHARS] + "...")

    def where(self) -> str:
        parts = [self.source or self.table]
        if self.source and self.table not in self.source:
            parts.append(f"table {self.table}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.where()}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        """The JSON form the service returns in a 422 (``problems``: a list of these)."""
        return asdict(self)


def close_matches(value: str, known: Iterable[str], n: int = 3, cutoff: float = 0.7) -> list[str]:
    """The known names ``value`` was most likely meant to be, best first (maybe none).

    Case is ignored (``sen`` finds ``SEN``), and a short code with swapped letters (``BDG``
    for ``BGD``), which scores too low for difflib's ratio, is still found.
    """
    by_fold: dict[str, str] = {}
    for name in known:
        by_fold.setdefault(str(name).casefold(), str(name))
    folded = str(value).casefold()
    if folded in by_fold:
        return [by_fold[folded]]
    close = difflib.get_close_matches(folded, list(by_fold), n=n, cutoff=cutoff)
    close = close or [k for k in by_fold if sorted(k) == sorted(folded)][:n]
    return [by_fold[k] for k in close]


def did_you_mean(value: str, known: Iterable[str], cutoff: float = 0.7) -> str:
    """``" (did you mean 'X'?)"`` when a known name is close to ``value``, else ``""``.

    Only the closest is named: one likely fix reads better in a list of problems than three.
    """
    close = close_matches(value, known, n=1, cutoff=cutoff)
    return f" (did you mean {close[0]!r}?)" if close else ""


Problem = Defect
"""The former name of ``Defect``, kept so code written against it keeps working."""


class AllocatorError(Exception):
    """Base class of every error the allocator raises on purpose."""


class ScenarioError(AllocatorError, ValueError):
    """The scenario cannot be loaded; ``problems`` lists every defect found, not just the first."""

    def __init__(self, problems: list[Defect], *, unlisted: int = 0):
        # An earlier error's last line (its problems raised again) is counted, not listed.
        listed = [p for p in problems if not isinstance(p, _Unlisted)]
        unlisted += sum(p.count for p in problems if isinstance(p, _Unlisted))
        unlisted += max(0, len(listed) - MAX_PROBLEMS)
        self.problems = listed[:MAX_PROBLEMS]
        self.unlisted = unlisted
        """Problems found beyond ``MAX_PROBLEMS``: counted, not listed."""
        if unlisted:
            self.problems.append(_Unlisted.of(unlisted))
        shown = "\n".join(f"  - {p}" for p in self.problems[:50])
        more = len(self.problems) - 50
        tail = f"\n  ... and {more} more" if more > 0 else ""
        found = min(len(listed), MAX_PROBLEMS) + unlisted
        noun = "problem" if found == 1 else "problems"
        super().__init__(f"scenario has {found:,} {noun}:\n{shown}{tail}")


@dataclass(frozen=True)
class _Unlisted(Defect):
    """The last line of a ScenarioError with more than ``MAX_PROBLEMS`` problems."""

    @classmethod
    def of(cls, count: int) -> _Unlisted:
        note = cls(table="scenario", message=f"... and {count:,} more problems, not listed "
                   f"(the first {MAX_PROBLEMS:,} are): fix those, often one cause repeated, "
                   "and load the scenario again")
        object.__setattr__(note, "count", count)  # not a field: the JSON form stays a Defect's
        return note

    count: ClassVar[int] = 0


class BackendUnavailableError(AllocatorError):
    """The requested solver backend is unknown or its package is not installed."""


class VerificationError(AllocatorError):
    """A backend returned a plan that the independent verifier rejects (a bug, never user input)."""

    def __init__(self, violations: list[str]):
        self.violations = list(violations)
        listed = "\n".join(f"  - {v}" for v in self.violations[:30])
        super().__init__(f"plan failed independent verification:\n{listed}")
