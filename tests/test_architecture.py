"""The README's Architecture section names every package and root module of the library, so
the map a newcomer reads cannot drift from the tree (the layer contract itself is checked by
``lint-imports`` in CI)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _architecture_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## Architecture")
    end = text.find("\n## ", start + 1)
    return text[start:end if end != -1 else None]


def test_every_package_and_root_module_is_on_the_map() -> None:
    section = _architecture_section()
    library = ROOT / "allocator"
    packages = [p.name for p in library.iterdir() if (p / "__init__.py").is_file()]
    modules = [p.name for p in library.glob("*.py")]
    assert packages and modules
    missing = [f"allocator/{name}/" for name in packages if f"allocator/{name}/" not in section]
    missing += [f"allocator/{name}" for name in modules if f"allocator/{name}" not in section]
    assert not missing, f"README Architecture section does not mention {missing}"


def test_the_layer_contract_in_the_readme_is_the_one_lint_imports_checks() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    layers = next(c["layers"] for c in contracts if c["type"] == "layers")
    section = _architecture_section()
    block = section[section.index("**The layer contract.**"):]
    block = block[block.index("```") + 3:]
    block = block[:block.index("```")]
    assert [line.strip() for line in block.strip().splitlines()] == layers
