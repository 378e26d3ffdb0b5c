"""Every dashboard page, in Indonesian and in English, speaks only that language."""

from __future__ import annotations

import re

import httpx

from lacak.clock import Clock
from lacak.db import Database
from tests.i18n import seed
from tests.i18n.textscan import SEEN_ATTRIBUTES, visible_text

PAGES = (
    "/dashboard", "/dashboard/signals", "/dashboard/activity", "/dashboard/workshop",
    "/dashboard/jobs", "/dashboard/jobs?job=backup", "/dashboard/backups",
    "/dashboard/jobs?job=evaluate_signals", "/dashboard/jobs?job=weekly_report",
    "/dashboard/workshop?q=Dodi",
    "/dashboard/signals?timeframe=7x&side=UP&days=abc",
    "/dashboard/activity?from=2026-13-01", "/dashboard/workshop?from=2026-11-20&to=2026-11-01",
)  # fmt: skip
# English words that gave the old dashboard away (the issue) and their neighbours.
# ("no" is left out: "No. polisi" is Indonesian for a number plate.)
ENGLISH = {
    "success", "succeeded", "failed", "failure", "symbol", "undeliverable", "bad", "wrong",
    "overview", "signals", "jobs", "backups", "never", "due", "sent", "delivered", "read",
    "queued", "running", "skipped", "scheduled", "dashboard", "customer", "vehicles",
    "messages", "search", "apply", "previous", "next", "download", "win", "loss", "open",
    "expired", "the", "of", "and", "not", "is", "yes", "with", "from", "to", "in",
}  # fmt: skip
# Indonesian words that must not leak into the English pages.
INDONESIAN = {
    "berhasil", "gagal", "pelanggan", "simbol", "terjadwal", "menang", "kalah", "belum",
    "ringkasan", "sinyal", "kendaraan", "pesan", "jatuh", "tempo", "dan", "tidak", "ke", "dari",
}  # fmt: skip
TOKEN = re.compile(r"\w+")
# A tooltip keeps what a provider or a job said, word for word (docs/i18n.md): it is data.
PAGE_ATTRIBUTES = SEEN_ATTRIBUTES - {"title"}


def _shown(html: str) -> str:
    return " ".join(visible_text(html, PAGE_ATTRIBUTES))


def _words(html: str) -> set[str]:
    # Identifiers (job names like evaluate_signals) are data, not wording: skip them.
    tokens = TOKEN.findall(_shown(html))
    return {w.lower() for w in tokens if "_" not in w and not w.isdigit()}


async def _page(dash: httpx.AsyncClient, path: str, lang: str) -> str:
    joiner = "&" if "?" in path else "?"
    response = await dash.get(f"{path}{joiner}lang={lang}")
    assert response.status_code in (200, 404), path
    return response.text


async def test_every_page_in_indonesian_has_no_english_words(
    dash: httpx.AsyncClient, db: Database, clock: Clock
) -> None:
    customer = await seed.everything(db, clock)
    for path in (*PAGES, f"/dashboard/customers/{customer}", "/dashboard/customers/nobody"):
        html = await _page(dash, path, "id")
        assert _words(html) & ENGLISH == set(), path
        assert seed.PROVIDER_TEXT not in _shown(html), path


async def test_every_page_in_english_has_no_indonesian_words(
    dash: httpx.AsyncClient, db: Database, clock: Clock
) -> None:
    customer = await seed.everything(db, clock)
    for path in (*PAGES, f"/dashboard/customers/{customer}"):
        html = await _page(dash, path, "en")
        assert _words(html) & INDONESIAN == set(), path


async def test_values_are_worded_and_numbers_follow_the_language(
    dash: httpx.AsyncClient, db: Database, clock: Clock
) -> None:
    customer = await seed.everything(db, clock)
    signals = await _page(dash, "/dashboard/signals", "id")
    assert "65.000,5" in signals and "65000.5" not in signals
    assert ">Menang<" in signals and ">Kalah<" in signals and ">Terbuka<" in signals
    assert "65,000.5" in await _page(dash, "/dashboard/signals", "en")
    jobs = await _page(dash, "/dashboard/jobs?job=backup", "id")
    assert ">gagal<" in jobs and "2,5 dtk" in jobs
    assert "Tentukan hasil sinyal terbuka" in jobs  # evaluate_signals, described in Indonesian
    backups = await _page(dash, "/dashboard/backups", "id")
    assert ">terjadwal<" in backups and ">bot Telegram<" in backups and ">dasbor<" in backups
    assert "1,5 MB" in backups
    page = await _page(dash, f"/dashboard/customers/{customer}", "id")
    assert "Nomor tidak bisa menerima WhatsApp" in page  # 131026, worded from its code
    assert f'title="{seed.PROVIDER_TEXT}"' in page  # the provider's words, in the tooltip
    workshop = await _page(dash, "/dashboard/workshop", "id")
    assert "Ditolak penyedia (kode 999999)." in workshop  # a code nobody has named yet
    assert "Penyedia tidak menjawab tepat waktu" in workshop  # the message in doubt
    # The alert of a due vehicle whose reminder failed words the code; the prose is the tooltip.
    assert "pengingat gagal: <small>Di luar jendela 24 jam" in workshop
    assert f'title="{seed.WINDOW_TEXT}"' in workshop


async def test_job_runs_are_worded(dash: httpx.AsyncClient, db: Database, clock: Clock) -> None:
    await seed.everything(db, clock)
    ran = await _page(dash, "/dashboard/jobs?job=evaluate_signals", "id")
    badges = ("Menang: 2", "Tanpa data candle: 1", "Hari: 20 Nov 2026", "brand new count: 1.500")
    for badge in badges:
        assert f'<span class="badge">{badge}</span>' in ran, badge
    assert "Day: 20 Nov 2026" in await _page(dash, "/dashboard/jobs?job=evaluate_signals", "en")
    skipped = await _page(dash, "/dashboard/jobs?job=weekly_report", "id")
    assert "Dilewati: job ini sedang berjalan di proses lain." in skipped
    assert f'title="{seed.SKIPPED}"' in skipped and f">{seed.SKIPPED}<" not in skipped
    failed = await _page(dash, "/dashboard/jobs?job=backup", "en")
    # An exception's own words are shown next to the phrase: they name the cause.
    assert "The job failed with an error:</span> <code>RuntimeError: 42</code>" in failed


async def test_a_search_says_what_it_lists(
    dash: httpx.AsyncClient, db: Database, clock: Clock
) -> None:
    await seed.everything(db, clock)
    found = await _page(dash, "/dashboard/workshop?q=Dodi", "id")
    assert "Pelanggan dan kendaraan yang cocok dengan “Dodi” (" in found
    assert "Laporan WhatsApp (" not in found
    assert "Customers and vehicles matching “Dodi” (" in await _page(
        dash, "/dashboard/workshop?q=Dodi", "en"
    )
    assert '<h2 id="report">Laporan WhatsApp (' in await _page(dash, "/dashboard/workshop", "id")


async def test_form_problems_say_what_to_type(
    dash: httpx.AsyncClient, db: Database, clock: Clock
) -> None:
    html = await _page(dash, "/dashboard/signals?timeframe=7x&side=UP", "id")
    assert "Timeframe &#39;7x&#39; tidak dikenal" in html and "pilih LONG atau SHORT" in html
    html = await _page(dash, "/dashboard/activity?days=abc", "en")
    assert "Days must be a whole number from 1 to 3650, not &#39;abc&#39;." in html
    html = await _page(dash, "/dashboard/workshop?from=2026-11-20&to=2026-11-01", "id")
    assert "Tanggal awal 2026-11-20 jatuh setelah tanggal akhir 2026-11-01" in html


async def test_wrong_token_says_what_to_do(anon: httpx.AsyncClient) -> None:
    from tests.web.conftest import csrf_of

    form = await anon.get("/dashboard/login?lang=id")
    refused = await anon.post(
        "/dashboard/login", data={"token": "nope", "csrf": csrf_of(form.text)}
    )
    assert refused.status_code == 401
    assert "Token tidak cocok. Salin LACAK_API_TOKEN dari file var/api_token" in refused.text
    assert "bad" not in _words(refused.text)
