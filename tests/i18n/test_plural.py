"""English says "1 day" and "2 days"; Indonesian has one form."""

from __future__ import annotations

import pytest

from lacak.i18n import t
from lacak.i18n.catalog import CatalogError, parse


def test_english_takes_the_singular_when_n_is_one() -> None:
    assert t("urgency.due_in", "en", n=1) == "in 1 day"
    assert t("urgency.due_in", "en", n=3) == "in 3 days"
    assert t("urgency.overdue_by", "en", n=1) == "Overdue 1 day"
    assert t("urgency.due_in", "id", n=1) == "1 hari lagi"


def test_a_singular_with_other_fields_is_refused() -> None:
    with pytest.raises(CatalogError, match="en_one"):
        parse('[x]\ny = { id = "{n} hari", en = "{n} days", en_one = "one day" }\n')
