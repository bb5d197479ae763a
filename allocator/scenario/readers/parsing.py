"""Parsing JSON and YAML text within limits: size, nesting depth and digits.

A scenario document nests a few levels (document, table, row, cell, list item), its files are
a few megabytes and its numbers a few digits. A file far beyond that is damaged or hostile:
it is refused with one message that names the file and the limit, instead of exhausting
Python's recursion, its integer conversion (4,300 digits) or the machine's memory. The limits
are settings (``ReadLimits``), passed to ``read_scenario(path, limits=...)``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import yaml

from allocator.errors import shown
from allocator.scenario.readers.found import fail, yaml_message


@dataclass(frozen=True)
class ReadLimits:
    """How large, deep and long-numbered an input the readers accept."""

    max_file_bytes: int = 200 * 1024 * 1024
    """Bytes of one file, zip member or workbook part once unpacked (200 MiB)."""
    max_depth: int = 32
    """Levels of nesting in a JSON/YAML document or a ``{...}`` cell (a scenario needs 5)."""
    max_digits: int = 40
    """Digits of one whole number written in a JSON/YAML document."""
    max_values: int = 20_000_000
    """Values (cells, list items, keys) a document may expand to; YAML aliases count each
    time they are used, so an 'alias bomb' is refused before anything walks it."""


DEFAULT_LIMITS = ReadLimits()
"""The limits ``read_scenario`` applies unless given others."""

_current: ContextVar[ReadLimits] = ContextVar("read_limits", default=DEFAULT_LIMITS)


def limits() -> ReadLimits:
    """The limits of the read in progress (``DEFAULT_LIMITS`` outside ``read_scenario``)."""
    return _current.get()


@contextmanager
def reading_with(chosen: ReadLimits | None) -> Iterator[ReadLimits]:
    """Apply ``chosen`` (or the defaults) to every reader called inside the block."""
    token = _current.set(chosen or DEFAULT_LIMITS)
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def check_size(size: int, source: str, what: str = "file") -> None:
    """Refuse a file (or an archive member, once unpacked) larger than the limit."""
    most = limits().max_file_bytes
    if size > most:
        fail(f"the {what} is {size:,} bytes, above the limit of {most:,} bytes for one file "
             "of a scenario (ReadLimits.max_file_bytes); split the scenario or check that "
             "this is the right file", source)


def parse_json(text: str, source: str) -> Any:
    """A JSON document, refused with a located message when malformed or beyond the limits."""
    most = limits().max_digits

    def whole_number(digits: str) -> int:
        if len(digits.lstrip("-")) > most:
            raise _TooManyDigits(digits)
        return int(digits)

    try:
        document = json.loads(text, parse_int=whole_number)
    except json.JSONDecodeError as err:
        fail(f"malformed JSON at line {err.lineno}, column {err.colno}: {err.msg}", source)
    except _TooManyDigits as err:
        fail(_digits_message(text, str(err)), source)
    except RecursionError:
        fail(_depth_message(None), source)
    check_shape(document, source)
    return document


class _TooManyDigits(ValueError):
    """A whole number longer than ``ReadLimits.max_digits`` (its digits are the message)."""


# libyaml's parser when PyYAML was built with it: the pure-Python one takes over a minute on a
# 16 MB document (an upload within the service's limit), the C one a few seconds.
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LimitedLoader(_SafeLoader):  # type: ignore[misc,valid-type]
    """YAML's safe loader, refusing whole numbers longer than the limit before converting."""

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        value = str(self.construct_scalar(node))
        if sum(c.isdigit() for c in value) > limits().max_digits:
            raise yaml.constructor.ConstructorError(
                None, None, f"a whole number of {len(value):,} characters; a scenario's "
                f"numbers have at most {limits().max_digits} digits", node.start_mark)
        return super().construct_yaml_int(node)


_LimitedLoader.add_constructor("tag:yaml.org,2002:int", _LimitedLoader.construct_yaml_int)


def parse_yaml(text: str, source: str) -> Any:
    """A YAML document (safe types only), refused with a located message when malformed or
    beyond the limits."""
    try:
        document = yaml.load(text, Loader=_LimitedLoader)
    except yaml.YAMLError as err:
        if "maximum nesting depth" in str(err):  # libyaml's own limit (1,000 levels)
            fail(_depth_message(None), source)
        fail(yaml_message(err), source)
    except RecursionError:
        fail(_depth_message(None), source)
    check_shape(document, source)
    return document


def check_shape(document: Any, source: str) -> None:
    """Refuse a parsed document nested deeper than the limit, expanding to too many values, or
    holding itself (YAML anchors allow both).

    Each distinct list or mapping is measured once, with an explicit stack: a YAML alias bomb
    (a billion values written in a few hundred bytes) costs its few distinct nodes, and no
    depth can exhaust Python's recursion here.
    """
    chosen = limits()
    sizes: dict[int, int] = {}
    depths: dict[int, int] = {}
    open_: set[int] = set()
    stack: list[tuple[Any, bool]] = [(document, False)]
    while stack:
        value, children_done = stack.pop()
        key = id(value)
        if not isinstance(value, dict | list) or (key in sizes and not children_done):
            continue
        children = [c for c in _items(value) if isinstance(c, dict | list)]
        if not children_done:
            if key in open_:
                fail("the document refers to itself (a YAML anchor used inside its own "
                     "value); write the values out", source)
            open_.add(key)
            stack.append((value, True))
            stack.extend((c, False) for c in children if id(c) not in sizes)
            continue
        open_.discard(key)
        sizes[key] = len(value) + sum(sizes[id(c)] for c in children)
        depths[key] = 1 + max((depths[id(c)] for c in children), default=0)
        if sizes[key] > chosen.max_values:
            fail(f"the document expands to more than {chosen.max_values:,} values "
                 "(ReadLimits.max_values); YAML anchors and aliases that repeat large parts "
                 "do this: write the values out, or split the scenario", source)
    if isinstance(document, dict | list) and depths.get(id(document), 0) > chosen.max_depth:
        fail(_depth_message(_deepest_path(document, depths)), source)


def _items(value: dict[Any, Any] | list[Any]) -> list[Any]:
    return list(value.values()) if isinstance(value, dict) else value


def _deepest_path(document: Any, depths: dict[int, int]) -> tuple[str, ...]:
    """The keys (or 1-based item numbers) leading from the top to the deepest value."""
    path: list[str] = []
    node = document
    while isinstance(node, dict | list) and len(path) < 8:
        pairs = list(node.items()) if isinstance(node, dict) else list(enumerate(node, 1))
        nested = [(k, v) for k, v in pairs if id(v) in depths]
        if not nested:
            break
        label, node = max(nested, key=lambda kv: depths[id(kv[1])])
        path.append(str(label))
    return tuple(path)


def _depth_message(path: tuple[str, ...] | None) -> str:
    where = ""
    if path:
        where = f" at {shown('.'.join(path[:6]))}"
    return (f"the document is nested more than {limits().max_depth} levels deep{where}; a "
            "scenario nests tables, rows, cells and list items only (ReadLimits.max_depth)")


def _digits_message(text: str, digits: str) -> str:
    found = re.search(re.escape(digits[:50]), text)
    line = text.count("\n", 0, found.start()) + 1 if found else None
    where = f" on line {line}" if line else ""
    return (f"a whole number of {len(digits):,} digits{where}; a scenario's numbers have at "
            f"most {limits().max_digits} digits (ReadLimits.max_digits): check the cell for "
            "a slipped or repeated paste")
