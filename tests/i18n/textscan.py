"""Reader-visible text of HTML: text nodes and the attributes a reader sees or hears."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from jinja2 import Environment

# Attributes shown (tooltips, placeholders, phone card labels) or read aloud (aria-label).
SEEN_ATTRIBUTES = frozenset(
    {"title", "alt", "placeholder", "aria-label", "data-label", "data-busy"}
)
WORD = re.compile(r"[^\W\d_][^\W_]*")
# Jinja output and tags stand in as this character, so markup around them still parses.
HOLE = "\u2063"


class _Visible(HTMLParser):
    def __init__(self, attributes: frozenset[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.attributes = attributes
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self._hidden += 1
        self.parts += [value for name, value in attrs if name in self.attributes and value]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str, attributes: frozenset[str] = SEEN_ATTRIBUTES) -> list[str]:
    """Text nodes outside <style>/<script>, and the values of the `attributes` readers meet."""
    parser = _Visible(attributes)
    parser.feed(html)
    parser.close()
    return [part for part in parser.parts if part.strip()]


def template_literals(path: Path) -> list[str]:
    """The text a template writes itself: everything outside `{{ }}` and `{% %}`."""
    skeleton: list[str] = []
    for _, kind, value in Environment().lex(path.read_text(encoding="utf-8")):
        if kind == "data":
            skeleton.append(value)
        elif kind in ("variable_begin", "block_begin"):
            skeleton.append(HOLE)
    return visible_text("".join(skeleton))


def words(texts: list[str]) -> list[str]:
    """Every word (letters, then letters or digits) in `texts`."""
    return [w for text in texts for w in WORD.findall(text)]
