"""A root command group that imports a command group's module only when that group is used.

`lacak --help` lists every group from the table in `lacak.cli.main` without importing any of
them; `lacak signals …` imports `lacak.cli.signals` alone. A module that cannot be imported
fails loudly (its ModuleNotFoundError reaches `errors.run`), it is never skipped.
Help is rendered by Click's plain formatter: Typer's Rich help would look up (and so import)
every group to list it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, MutableMapping
from typing import Any, ClassVar

import typer
from typer.core import TyperCommand, TyperGroup

# Group name -> (module exposing `app: typer.Typer`, the one-line help shown in `lacak --help`).
GroupTable = dict[str, tuple[str, str]]


def load_group(name: str, module_name: str, help_text: str) -> Any:
    """Import `module_name` and build its `app` as the Click group `name`."""
    module = importlib.import_module(module_name)
    # A throwaway parent, so Typer builds the group exactly as `add_typer` would (plain help).
    parent = typer.Typer(rich_markup_mode=None, add_completion=False)
    parent.add_typer(module.app, name=name, help=help_text)
    return typer.main.get_group(parent).commands[name]


class LazyCommands(MutableMapping[str, Any]):
    """The root's commands: the eager ones as given, each lazy group loaded on first lookup."""

    def __init__(
        self, eager: MutableMapping[str, Any], lazy: GroupTable, load: Callable[[str], Any]
    ) -> None:
        self._loaded: dict[str, Any] = dict(eager)
        self._lazy = lazy
        self._load = load

    def __getitem__(self, name: str) -> Any:
        if name not in self._loaded:
            if name not in self._lazy:
                raise KeyError(name)
            self._loaded[name] = self._load(name)
        return self._loaded[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        if name not in self:
            raise KeyError(name)
        self._loaded.pop(name, None)
        self._lazy = {k: v for k, v in self._lazy.items() if k != name}

    def __contains__(self, name: object) -> bool:
        return name in self._loaded or name in self._lazy

    def __iter__(self) -> Iterator[str]:
        yield from self._loaded
        yield from (name for name in self._lazy if name not in self._loaded)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def is_loaded(self, name: str) -> bool:
        """Whether `name` is built already (eager commands always are)."""
        return name in self._loaded

    def peek(self, name: str) -> Any:
        """The command if loaded, else a stand-in carrying only its help (for listings)."""
        if name in self._loaded:
            return self._loaded[name]
        return TyperCommand(name, help=self._lazy[name][1], rich_markup_mode=None)


class LazyRoot(TyperGroup):
    """Typer group class for the root app; subclasses set `groups`."""

    groups: ClassVar[GroupTable] = {}

    def __init__(self, **attrs: Any) -> None:
        eager = attrs.pop("commands", None) or {}
        super().__init__(**attrs)
        self.commands = LazyCommands(eager, dict(self.groups), self._build)

    def _build(self, name: str) -> Any:
        module_name, help_text = self.groups[name]
        return load_group(name, module_name, help_text)

    def list_commands(self, ctx: Any) -> list[str]:
        """Names in order, without loading (Typer's own walks `.items()`, which would)."""
        return list(self.commands)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """Click's command list, taking a group's help from the table instead of importing it."""
        commands = self.commands
        assert isinstance(commands, LazyCommands)
        shown = [(n, commands.peek(n)) for n in self.list_commands(ctx)]
        shown = [(n, c) for n, c in shown if not c.hidden]
        if not shown:
            return
        limit = formatter.width - 6 - max(len(n) for n, _ in shown)
        with formatter.section("Commands"):
            formatter.write_dl([(n, c.get_short_help_str(limit)) for n, c in shown])
