"""The explainer list's time columns: short, in the desk's time zone."""

from __future__ import annotations

import datetime

from django.test import override_settings
from django.urls import reverse

from articles.desk import columns
from tests import factories

# 23:30 UTC on 30 June is 00:30 on 1 July in London (summer time).
LATE_JUNE = datetime.datetime(2026, 6, 30, 23, 30, tzinfo=datetime.UTC)


@override_settings(TIME_ZONE="Europe/London")
def test_short_is_day_month_year_and_24_hour_time_in_the_desks_zone():
    """A time reads "1 Jul 2026, 00:30" in the desk's zone; without the time, "1 Jul 2026"."""
    assert columns.short(LATE_JUNE) == "1 Jul 2026, 00:30"
    assert columns.short(LATE_JUNE, time=False) == "1 Jul 2026"


def test_list_shows_short_times_and_never_for_unverified_facts(client, editor):
    """The list writes its times the short way, and "never" when no fact is verified yet."""
    explainer = factories.ExplainerFactory(title="Nothing checked yet")
    client.force_login(editor)
    response = client.get(reverse("admin:articles_explainer_changelist"))
    row = next(r for r in response.context["results"] if "Nothing checked yet" in str(r))
    text = " ".join(str(cell) for cell in row)
    assert f">{columns.short(explainer.updated_at)}<" in text
    assert ">never<" in text
