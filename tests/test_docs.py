"""The docs stand on their own: no outside design file, links that resolve, real commands."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import unquote

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.clock import Clock
from lacak.signals import legacy
from lacak.signals.candles import from_ms, read_csv, timeframe_ms
from tests import cli_tree

ROOT = Path(__file__).resolve().parents[1]
DOCS = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
# Repository folders whose files a doc may name in a code span (`src/lacak/…`, `bench/…`).
REPO_ROOTS = ("docs/", "src/", "tests/", "bench/", "deploy/", "migrations/")
SHELL_LANGS = {"", "sh", "bash", "shell", "console"}


@dataclass
class Doc:
    """What the checks need from one Markdown file."""

    path: Path
    headings: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    spans: list[str] = field(default_factory=list)
    shell_blocks: list[str] = field(default_factory=list)
    blocks: dict[str, list[str]] = field(default_factory=dict)


def _walk(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


def _heading_text(inline: Token) -> str:
    # GitHub builds the anchor from the rendered text: code spans and link texts count.
    return "".join(t.content for t in inline.children or [] if t.type in ("text", "code_inline"))


# A well-kept CommonMark parser (markdown-it-py, which Rich already depends on) rather
# than regular expressions, so code spans in tables and links in headings come out right.
_PARSER = MarkdownIt("commonmark").enable("table")


@cache
def parse(path: Path) -> Doc:
    """Headings, link targets, inline code spans and shell blocks of a Markdown file."""
    doc = Doc(path)
    tokens = _PARSER.parse(path.read_text(encoding="utf-8"))
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            doc.headings.append(_heading_text(tokens[i + 1]))
        elif token.type == "fence":
            lang = token.info.strip().lower()
            doc.blocks.setdefault(lang, []).append(token.content)
            if lang in SHELL_LANGS:
                doc.shell_blocks.append(token.content)
        elif token.type == "html_block":
            doc.headings += re.findall(r'<a\s+(?:id|name)="([^"]+)"', token.content)
    for token in _walk(tokens):
        if token.type == "link_open":
            doc.links.append(str(token.attrs.get("href", "")))
        elif token.type == "image":
            doc.links.append(str(token.attrs.get("src", "")))
        elif token.type == "code_inline":
            doc.spans.append(token.content)
    return doc


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every `#fragment` a link into `path` may use (repeated headings get -1, -2, …)."""
    seen: dict[str, int] = {}
    found = set()
    for heading in parse(path).headings:
        base = slug(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def _ids(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(ROOT)) for p in paths]


def test_the_docs_exist() -> None:
    # The checks below mean nothing over an empty list.
    names = {p.name for p in DOCS}
    assert {"README.md", "contracts.md", "formats.md", "signals.md", "outcomes.md"} <= names


@pytest.mark.parametrize("path", DOCS, ids=_ids(DOCS))
def test_no_doc_leans_on_an_outside_design_file(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for needle in ("DESIGN.md", "/work/shared"):
        lines = [n for n, line in enumerate(text.splitlines(), 1) if needle.lower() in line.lower()]
        assert not lines, f"{path.name} mentions {needle} on lines {lines}; say it here instead"


def _link_problem(source: Path, href: str) -> str | None:
    if re.match(r"^[a-z][a-z0-9+.-]*:", href, re.IGNORECASE):
        return None  # https:, mailto: — outside the repository
    target, _, fragment = unquote(href).partition("#")
    path = (source.parent / target).resolve() if target else source
    if not path.exists():
        return f"{href}: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} is missing"
    if fragment and path.suffix == ".md" and fragment not in anchors(path):
        return f"{href}: {path.name} has no heading #{fragment}"
    return None


@pytest.mark.parametrize("path", DOCS, ids=_ids(DOCS))
def test_relative_links_point_at_files_and_headings_that_exist(path: Path) -> None:
    problems = [p for href in parse(path).links if (p := _link_problem(path, href))]
    assert not problems, f"{path.name}: broken links: {problems}"


def _named_path_problem(span: str) -> str | None:
    name = span.strip()
    if not name.startswith(REPO_ROOTS) or " " in name or re.search(r"[{}<>…]", name):
        return None  # not a plain repository path (a pattern, a placeholder, a command)
    if any(ch in name for ch in "*?["):
        return None if list(ROOT.glob(name)) else f"{name} matches no file"
    return None if (ROOT / name).exists() else f"{name} does not exist"


@pytest.mark.parametrize("path", DOCS, ids=_ids(DOCS))
def test_repository_paths_named_in_code_spans_exist(path: Path) -> None:
    problems = [p for span in parse(path).spans if (p := _named_path_problem(span))]
    assert not problems, f"{path.name}: {problems}"


@pytest.mark.parametrize("path", DOCS, ids=_ids(DOCS))
def test_every_lacak_command_shown_exists(path: Path) -> None:
    doc = parse(path)
    problems = [p for span in doc.spans for p in cli_tree.span_problems(span)]
    problems += [p for block in doc.shell_blocks for p in cli_tree.shell_problems(block)]
    assert not problems, f"{path.name}: " + "; ".join(problems)


def test_contracts_list_every_command() -> None:
    # The standing list in contracts.md is complete: a new command must be named there.
    listed: set[str] = set()
    for span in parse(ROOT / "docs" / "contracts.md").spans:
        words = cli_tree.lacak_words(span.split())
        if words:
            listed.add(" ".join(w for w in words[:2] if not w.startswith(("-", "["))))
    missing = []
    for group_name, node in cli_tree.root().commands.items():
        subs = getattr(node, "commands", None)
        names = [f"{group_name} {s}" for s in subs] if subs else [group_name]
        missing += [n for n in names if n not in listed and n.split()[0] not in listed]
    assert not missing, f"docs/contracts.md does not list: {missing}"


# --- the checkers themselves catch what they are for -----------------------------------


@pytest.mark.parametrize(
    "span",
    [
        "lacak signals nope",
        "lacak serve --nope",
        "lacak backup run|list|bogus ID",
        "lacak messages resolve ID --sent|--maybe",
        "LACAK_PORT=8001 lacak servе",  # a Cyrillic "е": looks right, is not a command
        "lacak --json doctor",
    ],
)
def test_a_command_that_does_not_exist_is_reported(span: str) -> None:
    assert cli_tree.span_problems(span)


@pytest.mark.parametrize(
    "span",
    [
        "lacak serve --port 8001",
        "lacak backup run\\|list\\|verify ID\\|restore ID\\|key\\|auth gdrive",
        "lacak export signals|prompts [--format csv|xlsx] [--from D]",
        "lacak -v backup …",
        "lacak messages resend ID… | --all-in-doubt [--json]",
        "lacak.Tracker",
        "make run",
    ],
)
def test_a_command_that_exists_passes(span: str) -> None:
    assert cli_tree.span_problems(span) == []


def test_shell_snippets_are_read_like_a_shell() -> None:
    script = (
        "sudo -u lacak LACAK_PORT=8001 /opt/lacak/bin/lacak serve  # comment\n"
        "lacak-admin db upgrade && lacak-admin doctr\n"
        "uv run --frozen lacak report weekly \\\n  --sned\n"
        "systemctl restart lacak\n"
    )
    problems = cli_tree.shell_problems(script)
    assert len(problems) == 2, problems
    assert "doctr" in problems[0] and "--sned" in problems[1]


def test_a_link_to_a_missing_file_or_heading_is_reported(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# Title\n\n## Second part (decision)\n\n## Title\n")
    source = tmp_path / "b.md"
    source.write_text("x")
    assert _link_problem(source, "a.md#second-part-decision") is None
    assert _link_problem(source, "a.md#title-1") is None  # the repeated heading
    assert _link_problem(source, "https://example.com/missing.md") is None
    assert "no heading" in str(_link_problem(source, "a.md#second-part"))
    assert "missing" in str(_link_problem(source, "c.md"))


def test_heading_anchors_follow_github() -> None:
    assert slug("Import (`lacak workshop import FILE`)") == "import-lacak-workshop-import-file"
    assert slug("Legacy signal files (the old bot)") == "legacy-signal-files-the-old-bot"
    assert slug("whatsapp_report API") == "whatsapp_report-api"


# --- the examples in docs/formats.md are real files --------------------------------------

FORMATS = ROOT / "docs" / "formats.md"


def test_the_candle_file_example_reads_as_three_hourly_candles(tmp_path: Path) -> None:
    (example,) = parse(FORMATS).blocks["csv"]
    path = tmp_path / "BTCUSDT-1h.csv"
    path.write_text(example, encoding="utf-8")
    candles = read_csv(path, timeframe_ms("1h"))
    opens = [from_ms(int(t)).isoformat() for t in candles.time]
    assert opens == [f"2026-11-20T{h}:00:00+00:00" for h in (10, 11, 12)]
    assert candles.high[0] == 91610.0 and candles.low[2] == 91720.0


def test_the_candle_error_shown_is_the_one_lacak_gives(tmp_path: Path) -> None:
    path = tmp_path / "BTCUSDT-1h.csv"
    path.write_text("timestamp,open,high,low,close\n1795168800000,100,99,101,100\n")
    with pytest.raises(ValueError) as caught:
        read_csv(path, timeframe_ms("1h"))
    shown = f"{path}:2: low 101.0 is above high 99.0"
    assert str(caught.value) == shown
    assert shown.replace(str(path), "c/BTCUSDT-1h.csv") in FORMATS.read_text(encoding="utf-8")


async def test_the_legacy_examples_import_and_export_byte_for_byte(
    session: AsyncSession, clock: Clock, tmp_path: Path
) -> None:
    prompt, signal = parse(FORMATS).blocks["json"]
    old = tmp_path / "old"
    old.mkdir()
    (old / "prompts_2026-11-20.jsonl").write_text(prompt, encoding="utf-8")
    (old / "completed_signals.jsonl").write_text(signal, encoding="utf-8")
    # The error example of the page: line 7 of the active file lacks its stop.
    broken = {k: v for k, v in json.loads(signal).items() if k != "sl"}
    broken |= {"signal_id": "x", "status": "ACTIVE", "result": None, "closed_at": None}
    lines = ["\n"] * 6 + [json.dumps(broken) + "\n"]
    (old / "active_signals.jsonl").write_text("".join(lines), encoding="utf-8")

    summary = await legacy.import_legacy(session, clock, old)
    assert (summary.prompts_added, summary.signals_added) == (1, 1)
    assert summary.errors == ["active_signals.jsonl:7: missing field 'sl'"]
    assert summary.errors[0] in FORMATS.read_text(encoding="utf-8")

    out = tmp_path / "out"
    await legacy.export_legacy(session, clock, out)
    assert (out / "prompts_2026-11-20.jsonl").read_bytes() == prompt.encode()
    assert (out / "completed_signals.jsonl").read_bytes() == signal.encode()
    assert (out / "active_signals.jsonl").read_bytes() == b""
