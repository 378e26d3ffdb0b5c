"""Where reader-facing wording lives: the source files, templates, and the keys they name."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from jinja2 import Environment

import lacak
from lacak.i18n.catalog import load

SRC = Path(lacak.__file__).parent
TEMPLATE_DIRS = (SRC / "web" / "templates", SRC / "reports" / "templates")
# A dotted id: lower-case group, then one or more parts (`result.WIN`, `job.x.description`).
KEY_SHAPE = re.compile(r"^[a-z_]+(?:\.[A-Za-z0-9_]+)+$")


def groups() -> set[str]:
    """The catalog's top-level groups (`nav`, `stat`, `failure`, …)."""
    return {key.split(".", 1)[0] for key in load().entries}


def python_files() -> list[Path]:
    """Every module of the package."""
    return sorted(SRC.rglob("*.py"))


def templates() -> list[Path]:
    """Every Jinja template a reader sees (dashboard and weekly report)."""
    return sorted(p for d in TEMPLATE_DIRS for p in d.iterdir() if p.suffix == ".html")


def _python_strings(path: Path) -> Iterator[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    # Pieces of f-strings (`f"advice.winrate_{grade}"`) are prefixes, not keys.
    pieces = {
        id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for v in node.values
    }
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in pieces
        ):
            yield node.lineno, node.value


def _template_strings(path: Path) -> Iterator[tuple[int, str]]:
    env = Environment()
    for lineno, kind, value in env.lex(path.read_text(encoding="utf-8")):
        if kind == "string":
            yield lineno, value[1:-1]


def literal_keys() -> Iterator[tuple[str, str]]:
    """(where, key) for every string literal in code or templates shaped like a catalog key."""
    known_groups = groups()
    for path in python_files():
        for lineno, text in _python_strings(path):
            if KEY_SHAPE.match(text) and text.split(".", 1)[0] in known_groups:
                yield f"{path.relative_to(SRC)}:{lineno}", text
    for path in templates():
        for lineno, text in _template_strings(path):
            if KEY_SHAPE.match(text) and text.split(".", 1)[0] in known_groups:
                yield f"{path.relative_to(SRC)}:{lineno}", text


def label_groups() -> Iterator[tuple[str, str]]:
    """(where, group) of every `label("group", …)` call in code and templates."""
    pattern = re.compile(r"""\blabel\(\s*["']([a-z_.]+)["']""")
    for path in [*python_files(), *templates()]:
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in pattern.finditer(line):
                yield f"{path.relative_to(SRC)}:{lineno}", match.group(1)
