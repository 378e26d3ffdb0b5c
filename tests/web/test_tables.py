"""Table markup for phones, and MFE/MAE from the evaluator on the signals table (both backends).

On a phone a `table.cards` row is shown as a card whose cells are named by their
`data-label` (docs/dashboard.md): every cell must carry its column's name, or be the card's
title (`lead`) or its buttons (`actions`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import httpx

from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database, session_scope
from lacak.signals import demo as signals_demo
from lacak.signals.candles import CsvSource
from lacak.signals.evaluate import evaluate_signals
from lacak.workshop import demo as workshop_demo
from tests.signals.evaluate_helpers import T0, add_signal, write_csv
from tests.web.conftest import csrf_of

PAGES = (
    "/dashboard",
    "/dashboard/signals",
    "/dashboard/activity",
    "/dashboard/workshop",
    "/dashboard/jobs?job=backup",
    "/dashboard/backups",
)


@dataclass
class Cell:
    """One th/td: its classes, data-label and text."""

    tag: str
    classes: set[str]
    label: str | None
    text: str = ""


@dataclass
class Table:
    """A table's id and its rows of cells."""

    ident: str
    rows: list[list[Cell]] = field(default_factory=list)


class Tables(HTMLParser):
    """Every `table.cards` on a page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[Table] = []
        self._table: Table | None = None
        self._cell: Cell | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = set((a.get("class") or "").split())
        if tag == "table" and "cards" in classes:
            self._table = Table(a.get("id") or "?")
            self.found.append(self._table)
        elif self._table is not None and tag == "tr":
            self._table.rows.append([])
        elif self._table is not None and tag in ("td", "th"):
            self._cell = Cell(tag, classes, a.get("data-label"))
            self._table.rows[-1].append(self._cell)

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None
        elif tag in ("td", "th"):
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.text += data


def card_tables(html: str) -> list[Table]:
    """The `table.cards` of a page, parsed."""
    parser = Tables()
    parser.feed(html)
    return parser.found


def _label_problems(table: Table) -> list[str]:
    head, *rows = table.rows
    names = [" ".join(c.text.split()) for c in head]
    problems = []
    for row in rows:
        assert len(row) == len(names), f"{table.ident}: a row has {len(row)} cells"
        for name, cell in zip(names, row, strict=True):
            if cell.classes & {"lead", "actions"}:
                continue
            if cell.label != name:
                problems.append(f"{table.ident}: cell under {name!r} labelled {cell.label!r}")
    return problems


async def test_every_card_cell_is_named_by_its_column(
    dash: httpx.AsyncClient, db: Database, clock: Clock
) -> None:
    async with session_scope(db) as session:
        await signals_demo.load(session, clock)
        await workshop_demo.load(session, clock)
    backups = (await dash.get("/dashboard/backups")).text
    ran = await dash.post("/dashboard/backups/run", data={"csrf": csrf_of(backups)})
    assert ran.status_code == 303  # a backup run (and a job-less history) to lay out
    workshop = (await dash.get("/dashboard/workshop")).text
    customers = sorted(set(re.findall(r'href="(/dashboard/customers/[0-9a-f-]+)"', workshop)))
    assert customers
    seen: set[str] = set()
    problems: list[str] = []
    for path in (*PAGES, *customers):
        for lang in ("en", "id"):
            html = (await dash.get(path, params={"lang": lang})).text
            for table in card_tables(html):
                assert len(table.rows) > 1, f"{path}: {table.ident} has no rows to check"
                seen.add(table.ident)
                problems += [f"{path} ({lang}): {p}" for p in _label_problems(table)]
    assert problems == []
    # Every wide table of the dashboard is laid out as cards on a phone.
    assert {
        "signals-table", "open-table", "due-table", "report-table", "users-table", "runs-table",
        "jobs-table", "backups-table", "vehicles-table", "messages-table", "visits-table",
        "alerts-table",
    } <= seen  # fmt: skip


async def test_market_resolved_signal_shows_mfe_mae_and_a_hand_close_says_why(
    dash: httpx.AsyncClient, db: Database, settings: Settings, tmp_path: Path
) -> None:
    # LONG 100 → TP1 105, TP2 110, stop 95: dips to 97.5, reaches 111 on the third minute.
    write_csv(tmp_path, "BTCUSDT-1m.csv", [(100, 101, 97.5, 100), (100, 106, 100, 105),
                                           (105, 111, 104, 110)])  # fmt: skip
    async with session_scope(db) as session:
        add_signal(session, "market")
        add_signal(session, "by-hand", symbol="ETHUSDT", status="CLOSED", result="BREAKEVEN",
                   resolved_by="manual", pnl_percent=0.0, closed_at=T0 + timedelta(hours=1),
                   given_at=T0 - timedelta(minutes=5))  # fmt: skip
        summary = await evaluate_signals(session, settings, CsvSource(tmp_path), T0 + timedelta(1))
    assert summary["WIN"] == 1
    cells = {}
    for lang in ("en", "id"):
        html = (await dash.get("/dashboard/signals", params={"lang": lang})).text
        found = re.findall(r'<td class="n"[^>]*data-col="mfe">(.*?)</td>', html, re.S)
        cells[lang] = [unescape(re.sub(r"<[^>]+>", "", c)) for c in found]
        # The newest first: the evaluated signal, then the hand-closed one.
        assert len(found) == 2 and 'title="' in found[1]
        titles = re.findall(r'<abbr title="([^"]+)">', html)
        assert len(titles) == 1
        cells[lang].append(unescape(titles[0]))
    # High 111 and low 97.5 against entry 100, through the exit candle.
    assert cells["en"] == ["+11.00 / -2.50", "–", "Closed by hand: no price path, so no MFE/MAE."]
    assert cells["id"][0] == "+11,00 / -2,50"
    assert cells["id"][2].startswith("Ditutup manual")
