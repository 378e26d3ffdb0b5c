"""Optional extras: a missing one is one sentence naming it, and every third-party import in
lacak belongs either to the core dependencies or to an extra that installs it."""

from __future__ import annotations

import ast
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from lacak import extras
from lacak.cli.errors import describe

ROOT = Path(__file__).resolve().parents[1]
# Import names of the core dependencies in pyproject (what `pip install lacak` brings).
CORE_IMPORTS = {
    "pydantic",
    "pydantic_core",
    "pydantic_settings",
    "sqlalchemy",
    "alembic",
    "aiosqlite",
    "asyncpg",
    "typer",
    "click",
    "rich",
    "babel",
    "sniffio",
}


def _third_party_imports() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "src" / "lacak").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n not in {"lacak"}}


def test_every_import_is_core_or_in_an_extra() -> None:
    stray = sorted(n for n in _third_party_imports() - CORE_IMPORTS if n not in extras.EXTRA_OF)
    assert stray == [], f"add these to lacak/extras.py EXTRA_OF and to an extra: {stray}"


def test_extras_named_in_the_map_exist_in_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = project["optional-dependencies"]
    assert set(extras.EXTRAS) == set(declared)
    assert set(extras.EXTRA_OF.values()) <= set(declared)
    assert declared["all"] == ["lacak[server,exchange,gdrive]"]
    core = " ".join(project["dependencies"])
    for heavy in ("fastapi", "uvicorn", "matplotlib", "numpy", "ccxt", "openpyxl", "telegram"):
        assert heavy not in core


def test_require_names_the_extra_for_a_missing_package() -> None:
    with pytest.raises(extras.MissingExtra) as missing:
        extras.require("exchange", "lacak_surely_absent_pkg.sub")
    assert str(missing.value) == (
        "This command needs lacak[exchange] (lacak_surely_absent_pkg is not installed): "
        "pip install 'lacak[exchange]'"
    )
    assert isinstance(missing.value, ModuleNotFoundError)


def test_require_returns_an_installed_module() -> None:
    assert extras.require("server", "json").__name__ == "json"


def test_a_missing_module_deep_inside_an_installed_package_is_not_blamed_on_an_extra() -> None:
    with pytest.raises(ModuleNotFoundError) as missing:
        extras.require("server", "json.no_such_submodule")
    assert not isinstance(missing.value, extras.MissingExtra)


@pytest.fixture
def cli_in_english() -> Iterator[None]:
    """The CLI's sentences in English, as read below (tests/cli checks the Indonesian)."""
    from lacak.cli import text

    text.choose("en")
    yield
    text.choose(None)


@pytest.mark.usefixtures("cli_in_english")
@pytest.mark.parametrize(
    ("module", "extra"),
    [
        ("fastapi", "server"),
        ("uvicorn.config", "server"),
        ("matplotlib.pyplot", "server"),
        ("telegram.ext", "server"),
        ("ccxt", "exchange"),
        ("googleapiclient.discovery", "gdrive"),
    ],
)
def test_cli_turns_a_missing_extra_into_one_sentence(module: str, extra: str) -> None:
    error = ModuleNotFoundError(f"No module named {module!r}", name=module)
    top = module.split(".")[0]
    assert describe(error) == (
        f"This command needs lacak[{extra}] ({top} is not installed): pip install 'lacak[{extra}]'"
    )


@pytest.mark.usefixtures("cli_in_english")
def test_a_missing_module_of_no_extra_stays_an_unexpected_error() -> None:
    sentence = describe(ModuleNotFoundError("No module named 'zzz'", name="zzz"))
    assert sentence.startswith("unexpected error (ModuleNotFoundError")
    assert extras.missing_sentence(ModuleNotFoundError("x")) is None
