"""Check `lacak …` command lines shown in docs and unit files against the real Typer tree."""

from __future__ import annotations

import os
import re
import shlex
from functools import lru_cache
from typing import Any

import typer

# Options every command takes: the root callback's and Click's own.
GLOBAL_OPTIONS = frozenset({"--debug", "--verbose", "-v", "-vv", "--help", "--lang"})
# Placeholders a doc writes where "some subcommand" goes.
ELLIPSES = ("…", "...")
# `lacak` itself, and deploy/lacak-admin, which runs it as the service does.
PROGRAMS = frozenset({"lacak", "lacak-admin"})
# Programs that run another program given after their own options.
_WRAPPERS = frozenset({"sudo", "env", "exec", "nohup", "time"})
_SUDO_WITH_VALUE = frozenset({"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U"})
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


@lru_cache(maxsize=1)
def root() -> Any:
    """The Click command behind `lacak` (groups have `.commands`, leaves `.params`)."""
    from lacak.cli.main import app

    return typer.main.get_command(app)


def options_of(command: Any) -> set[str]:
    """Every option spelling a command accepts (`--json`, `-t`, `--no-x`, …)."""
    names: set[str] = set()
    for param in command.params:
        names.update(o for o in (*param.opts, *param.secondary_opts) if o.startswith("-"))
    return names


def _option_name(token: str) -> str | None:
    """`[--lang` → `--lang`, `--out=DIR]` → `--out`; None for anything but an option."""
    token = token.strip("[](){},;`'\"")
    if not token.startswith("-") or not token.lstrip("-")[:1].isalpha():
        return None
    return token.split("=", 1)[0]


def _is_placeholder(word: str) -> bool:
    # `lacak COMMAND …`, `lacak backup …`: the doc names no command here on purpose.
    return word.startswith(ELLIPSES) or word.isupper()


def _resolve(node: Any, words: list[str], path: str, shown: str) -> tuple[list[Any], list[str]]:
    """The commands `words` name (several for `a|b|c`), plus problems with the path."""
    for i, word in enumerate(words):
        commands = getattr(node, "commands", None)
        if commands is None:
            break
        if word.startswith("-"):
            if word.split("=", 1)[0] not in GLOBAL_OPTIONS:
                return [], [f"{shown!r}: {word} is not an option of {path}"]
            continue
        if _is_placeholder(word):
            return [], []
        if "|" in word:
            # `backup run|list|verify ID|key`: the alternatives run up to the first option.
            stop = next(
                (j for j in range(i, len(words)) if words[j].startswith(("[", "-"))), len(words)
            )
            nodes: list[Any] = []
            problems: list[str] = []
            for alternative in " ".join(words[i:stop]).split("|"):
                if alternative.strip():
                    found, wrong = _resolve(node, alternative.split(), path, shown)
                    nodes, problems = nodes + found, problems + wrong
            return nodes, problems
        if word not in commands:
            return [], [f"{shown!r}: {path} has no command {word!r} (has {', '.join(commands)})"]
        node, path = commands[word], f"{path} {word}"
    return [node], []


def check_words(words: list[str], shown: str) -> list[str]:
    """Problems with `lacak WORDS…` (empty when the command path and its options exist)."""
    nodes, problems = _resolve(root(), words, "lacak", shown)
    leaves = [n for n in nodes if getattr(n, "commands", None) is None]
    if problems or not leaves:
        return problems
    # With alternatives (`--sent|--failed`, `signals|prompts`) one of them must take it.
    known = set(GLOBAL_OPTIONS).union(*(options_of(n) for n in leaves))
    names = [_option_name(part) for word in words for part in word.split("|")]
    return [f"{shown!r}: no such option {n}" for n in names if n is not None and n not in known]


def _split(text: str, *, comments: bool = False) -> list[str]:
    try:
        return shlex.split(text, comments=comments)
    except ValueError:  # an unbalanced quote in prose: plain words are good enough
        return text.split()


def lacak_words(tokens: list[str]) -> list[str] | None:
    """The words after the `lacak` program in one shell command, or None if it runs another."""
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if _ASSIGNMENT.match(token):
            i += 1
        elif token in _WRAPPERS:
            i += 1
            while i < len(tokens) and tokens[i].startswith("-"):
                i += 2 if tokens[i] in _SUDO_WITH_VALUE else 1
        elif token == "uv" and i + 1 < len(tokens) and tokens[i + 1] == "run":
            i += 2
            while i < len(tokens) and tokens[i].startswith("-"):
                i += 1
        else:
            break
    if i >= len(tokens) or os.path.basename(tokens[i]) not in PROGRAMS:
        return None
    return tokens[i + 1 :]


def span_problems(span: str) -> list[str]:
    """Problems with an inline code span that shows a `lacak …` command (`|` = alternatives)."""
    words = lacak_words(_split(span.replace("\\|", "|").strip().removeprefix("$ ")))
    return [] if words is None else check_words(words, span)


def shell_problems(script: str) -> list[str]:
    """Problems with every `lacak …` command in a shell snippet (`|`, `&&`, `;` separate)."""
    problems: list[str] = []
    for line in re.sub(r"\\\n", " ", script).splitlines():
        line = line.strip().removeprefix("$ ")
        for command in re.split(r"&&|\|\||[;|]", line):
            words = lacak_words(_split(command, comments=True))
            if words is not None:
                problems += check_words(words, command.strip())
    return problems
