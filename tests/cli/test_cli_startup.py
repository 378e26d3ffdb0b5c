"""The CLI answers at once: `--help` loads nothing heavy, groups load when used, logs are quiet."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
import typer
from typer.testing import CliRunner

from lacak.cli import logs
from lacak.cli.lazy import GroupTable, LazyRoot, load_group
from lacak.cli.main import Root, app

LACAK = str(Path(sys.executable).parent / "lacak")
# What `lacak --help` must not pay for (each costs from 0.05 s to over a second to import).
HEAVY = (
    "fastapi", "uvicorn", "matplotlib", "telegram", "numpy", "openpyxl", "ccxt",
    "googleapiclient", "alembic", "sqlalchemy",
)  # fmt: skip
# Run the app as the console script does, then report which modules got imported.
HARNESS = """
import json, sys
from lacak.cli.main import app
try:
    app({args!r}, prog_name="lacak")
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""
# Build each group as `lacak GROUP …` does; name the heavy modules each one pulled in.
GROUP_HARNESS = """
import json, sys
from lacak.cli.lazy import load_group
from lacak.cli.main import Root
heavy = {heavy!r}
found = {{}}
for name, (module, help_text) in Root.groups.items():
    before = set(sys.modules)
    load_group(name, module, help_text)
    new = set(sys.modules) - before
    found[name] = sorted(m for m in new if m.split(".")[0] in heavy or m in (
        "lacak.config", "lacak.db"))
print(json.dumps(found), file=sys.stderr)
"""
CORE = ("serve", "demo", "doctor", "db")
SIGNALS = ("stats", "evaluate", "import-legacy", "export-legacy", "delete", "repair")
runner = CliRunner()


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LACAK_")}
    env.update(LACAK_VAR_DIR=str(home / "var"), COLUMNS="100", LACAK_LANGUAGE="en")
    env.update(extra)
    return env


def _loaded_by(args: list[str], home: Path) -> tuple[str, set[str]]:
    """(stdout, module names, top-level and dotted) after `lacak ARGS` in a fresh process."""
    done = subprocess.run(
        [sys.executable, "-c", HARNESS.format(args=args)], cwd=home, env=_env(home),
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    names = json.loads(done.stderr.strip().splitlines()[-1])
    return done.stdout, {n.split(".")[0] for n in names} | {n for n in names if "." in n}


def _commands(output: str) -> list[str]:
    section = output.split("Commands:", 1)[1]
    return [line.split()[0] for line in section.splitlines() if line.startswith("  ")]


def test_help_lists_every_group_and_loads_no_heavy_package(tmp_path: Path) -> None:
    out, loaded = _loaded_by(["--help"], tmp_path)
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
    # Nor settings (pydantic-settings) nor any group module: the list comes from the table.
    lacak_modules = {n for n in loaded if n.startswith("lacak.")}
    assert "lacak.config" not in lacak_modules
    # Help stays English (docs/i18n.md): the phrase catalog and Babel are for output only.
    assert "lacak.i18n" not in lacak_modules and "babel" not in loaded
    assert not {f"lacak.cli.{g}" for g in Root.groups} & lacak_modules
    assert _commands(out) == [*CORE[:3], "db", *Root.groups]
    for name, (_, help_text) in Root.groups.items():
        shown = next(line for line in out.splitlines() if line.split()[:1] == [name])
        assert help_text.startswith(shown.split(None, 1)[1].removesuffix("...")), shown


def test_signals_help_lists_every_command_and_no_other_group(tmp_path: Path) -> None:
    out, loaded = _loaded_by(["signals", "--help"], tmp_path)
    assert sorted(_commands(out)) == sorted(SIGNALS)
    assert "Trading signals" in out
    assert not {"lacak.cli.backup", "lacak.cli.jobs", "lacak.cli.report"} & loaded
    assert "lacak.i18n" not in loaded and "babel" not in loaded  # the root callback ran


def test_group_modules_import_only_what_listing_needs(tmp_path: Path) -> None:
    # Module level holds typer (and tiny stdlib); a command imports its services when it runs.
    done = subprocess.run(
        [sys.executable, "-c", GROUP_HARNESS.format(heavy=HEAVY)], cwd=tmp_path,
        env=_env(tmp_path), capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    found = json.loads(done.stderr.strip().splitlines()[-1])
    assert sorted(found) == sorted(Root.groups)
    assert {g: mods for g, mods in found.items() if mods} == {}


@pytest.mark.parametrize("group", sorted(Root.groups))
def test_every_group_module_builds_its_commands(group: str) -> None:
    module_name, help_text = Root.groups[group]
    built = load_group(group, module_name, help_text)
    assert built.name == group and built.help == help_text
    assert built.commands, f"{module_name} registers no command"
    result = runner.invoke(app, [group, "--help"])
    assert result.exit_code == 0, result.output
    for command in built.commands:
        assert command in result.output


class _Broken(LazyRoot):
    groups: ClassVar[GroupTable] = {"gone": ("lacak.cli.no_such_module", "Not there.")}


def test_a_group_whose_module_is_missing_fails_loudly() -> None:
    broken = typer.Typer(cls=_Broken, rich_markup_mode=None)

    @broken.callback()
    def root() -> None:
        """A root with one lazy group."""

    listed = runner.invoke(broken, ["--help"])
    assert listed.exit_code == 0 and "gone" in listed.output and "Not there." in listed.output
    used = runner.invoke(broken, ["gone", "--help"])
    assert isinstance(used.exception, ModuleNotFoundError)
    assert used.exception.name == "lacak.cli.no_such_module"


def test_the_lazy_table_behaves_as_a_mapping() -> None:
    group = typer.main.get_command(app)
    commands: Any = group.commands
    assert "jobs" in commands and "nope" not in commands
    assert not commands.is_loaded("security")  # each build starts with nothing loaded
    assert list(commands) == [*CORE[:3], "db", *Root.groups]
    assert commands["security"].name == "security" and commands.is_loaded("security")
    with pytest.raises(KeyError):
        commands["nope"]


@pytest.mark.slow
def test_migrations_are_quiet_unless_verbose(tmp_path: Path) -> None:
    quiet = subprocess.run(
        [LACAK, "db", "upgrade"], cwd=tmp_path, env=_env(tmp_path),
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stderr == "" and quiet.stdout.startswith("Database is at revision")
    fresh = tmp_path / "again"
    fresh.mkdir()
    loud = subprocess.run(
        [LACAK, "-v", "db", "upgrade"], cwd=fresh, env=_env(fresh),
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert loud.returncode == 0, loud.stderr
    assert "INFO alembic.runtime.migration: Running upgrade" in loud.stderr


@pytest.fixture
def root_logging() -> Iterator[logging.Logger]:
    """The root logger, its level and lacak's restored afterwards."""
    root, ours = logging.getLogger(), logging.getLogger("lacak")
    levels = root.level, ours.level
    yield root
    root.setLevel(levels[0])
    ours.setLevel(levels[1])
    logs.configure(0)


def test_levels_quiet_cli_and_informative_server(root_logging: logging.Logger) -> None:
    assert [logs.level_for(v) for v in (0, 1, 2, 5)] == [
        logging.WARNING, logging.INFO, logging.DEBUG, logging.DEBUG,
    ]  # fmt: skip
    logs.configure(0)
    logs.for_server("INFO")
    assert root_logging.level == logging.INFO
    logs.for_server("ERROR")
    assert root_logging.level == logging.ERROR
    logs.configure(2)
    logs.for_server("ERROR")  # -vv still wins for the server
    assert root_logging.level == logging.DEBUG
    assert logging.getLogger("lacak").level == logging.DEBUG


def test_every_handler_redacts_what_it_prints(root_logging: logging.Logger) -> None:
    logs.configure(0)
    filters = [f for h in root_logging.handlers for f in h.filters]
    redact = next(f for f in filters if isinstance(f, logs.LazyRedact))
    record = logging.LogRecord(
        "httpx", logging.WARNING, __file__, 1,
        "GET https://api.telegram.org/bot123456:AAsecretTokenValue/getMe failed", None, None,
    )  # fmt: skip
    assert redact.filter(record)
    message = record.getMessage()
    assert "AAsecretTokenValue" not in message and "bot<REDACTED>" in message
