"""The CLI writes no words of its own: what it prints for people comes from the catalog.

An AST scan of `lacak.cli`: string literals handed to anything that prints (console.print,
print, typer.echo, common.fail/warn/say_error), to a Rich table (Table, add_column,
add_row, a title or caption), to a progress bar (add_task), to a prompt, or to the
sentences the CLI builds (PortProblem, doctor's Check) may hold format, markup and codes,
but no word. `--help` texts are not scanned: they stay English (docs/i18n.md).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

import pytest

from tests.i18n.sources import SRC

CLI = SRC / "cli"
# Calls whose arguments reach a reader (by the called name or attribute).
SINKS = frozenset({
    "print", "echo", "secho", "fail", "warn", "say_error", "prompt", "confirm", "Table",
    "add_column", "add_row", "add_task", "PortProblem", "Check", "Exit",
})  # fmt: skip
# Keyword arguments that are settings, not text.
SETTINGS = frozenset({
    "style", "justify", "overflow", "no_wrap", "min_width", "box", "markup", "highlight",
    "soft_wrap", "end", "sep", "file", "code", "total", "show_header", "ratio", "width",
})  # fmt: skip
ASSIGNED = frozenset({"title", "caption"})  # `table.caption = …`
MARKUP = re.compile(r"\[/?[a-z #/]*\]")  # Rich markup: [bold], [green], [/], [bold red]
# A word: two letters or more. Codes that read the same in every language are allowed.
WORD = re.compile(r"[A-Za-z]{2,}")
ALLOWED = frozenset({"WhatsApp", "Telegram"})  # names, the same in both languages


def _literal_parts(node: ast.expr) -> Iterator[tuple[int, str]]:
    """Literal text inside an argument, without going into calls (their result is computed)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.lineno, node.value
    elif isinstance(node, ast.JoinedStr):
        for value in node.values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                yield node.lineno, value.value
            elif isinstance(value, ast.FormattedValue):
                yield from _literal_parts(value.value)
    elif isinstance(node, ast.BinOp):
        yield from _literal_parts(node.left)
        yield from _literal_parts(node.right)
    elif isinstance(node, ast.IfExp):
        yield from _literal_parts(node.body)
        yield from _literal_parts(node.orelse)
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            yield from _literal_parts(value)
    elif isinstance(node, ast.Tuple | ast.List):
        for element in node.elts:
            yield from _literal_parts(element)


def _name(call: ast.Call) -> str | None:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def _shown_literals(source: str) -> Iterator[tuple[int, str]]:
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _name(node) in SINKS:
            for arg in node.args:
                yield from _literal_parts(arg)
            for keyword in node.keywords:
                if keyword.arg not in SETTINGS:
                    yield from _literal_parts(keyword.value)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Attribute) and target.attr in ASSIGNED:
                    yield from _literal_parts(node.value)


def words_in(source: str) -> list[tuple[int, str]]:
    """(line, literal) of every shown literal that holds a word."""
    found = []
    for lineno, literal in _shown_literals(source):
        plain = MARKUP.sub("", literal)
        if any(w not in ALLOWED for w in WORD.findall(plain)):
            found.append((lineno, literal))
    return found


def test_no_cli_module_prints_a_word_of_its_own() -> None:
    modules = sorted(CLI.glob("*.py"))
    assert len(modules) > 15  # a moved package must not make this pass on nothing
    found = [
        f"{path.relative_to(SRC)}:{line}: {literal!r}"
        for path in modules
        for line, literal in words_in(path.read_text(encoding="utf-8"))
    ]
    assert found == []


@pytest.mark.parametrize(
    "source",
    [
        'console.print("Database is at revision")',
        'common.fail(f"--format must be csv, not {fmt!r}")',
        'Table(title="Signals")',
        'table.add_column("status")',
        'table.caption = "filters: " + shown',
        'bar.add_task("evaluating", total=None)',
        'err_console.print(f"[yellow]warning:[/] {text}")',
        'raise PortProblem(f"port {port} is in use")',
        'print("ok" if good else f"{n} failed")',
    ],
)
def test_the_scan_catches_an_english_literal(source: str) -> None:
    assert words_in(source), source


@pytest.mark.parametrize(
    "source",
    [
        'console.print(t("cli.db.at", revision=f"[bold]{rev}[/]"))',
        'common.fail(f"{file}: {exc}")',
        'print(f"{b.backup_id}\\t{size}\\t{when}")',
        'table.add_column(t(key), no_wrap=True, overflow="fold")',
        'console.print(f"[green]{escape(done)}[/]", style="bold")',
        'out.print(f"  [red]{escape(where)}[/]: {reason}")',
        'head.add_row(t("stat.winrate"), f"{pct(w)} ({num(n, 0)} W / {num(m, 0)} L)")',
    ],
)
def test_the_scan_lets_format_markup_and_lookups_through(source: str) -> None:
    assert words_in(source) == [], source
