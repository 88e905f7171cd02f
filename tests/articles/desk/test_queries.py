"""The explainer admin's query counts do not grow with the number of rows it shows.

Each page is rendered twice, once small and once with many rows; the second render must run
exactly as many SQL queries as the first (an N+1 would add queries per inline row or per listed
explainer).
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import models
from tests import factories

pytestmark = pytest.mark.django_db


def _fill(explainer: models.Explainer, rows: int) -> None:
    """Give ``explainer`` ``rows`` rows of every inline, facts citing sources and checked."""
    checker = factories.UserFactory(username="queries_checker")
    sources = [factories.SourceFactory(explainer=explainer, position=n) for n in range(rows)]
    for n in range(rows):
        author = factories.UserFactory(username=f"queries_author_{explainer.pk}_{n}")
        models.Byline.objects.create(explainer=explainer, author=author, position=n)
        factories.KeyFactFactory(
            explainer=explainer,
            position=n,
            sources=sources[: 1 + n % 3],
            check_status=models.KeyFact.Check.VERIFIED,
            checked_by=checker,
            checked_at=timezone.now(),
        )
        viewpoint = factories.ViewpointFactory(explainer=explainer, position=n)
        factories.ClaimRatingFactory(
            viewpoint=viewpoint,
            position=n,
            rated_by=checker,
            claimant=factories.StakeholderFactory(),
            sources=sources[: 1 + n % 2],
        )
        factories.TimelineEventFactory(explainer=explainer, position=n, source=sources[n])
        factories.CorrectionFactory(explainer=explainer, dated=datetime.date(2025, 1, 1 + n % 28))
        target = factories.ExplainerFactory()
        models.RelatedLink.objects.create(explainer=explainer, target=target, position=n)


def _queries(client, url: str) -> int:
    # The first request fills per-process caches (content types); count a steady-state one.
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _change_form_queries(client, rows: int) -> int:
    explainer = factories.ExplainerFactory()
    _fill(explainer, rows)
    return _queries(client, reverse("admin:articles_explainer_change", args=[explainer.pk]))


@pytest.mark.parametrize("role", ["editor", "superuser"])
def test_change_form_queries_do_not_grow_with_inline_rows(client, request, role):
    """The change form runs as many queries with 30 rows of each inline as with 1."""
    client.force_login(request.getfixturevalue(role))
    one = _change_form_queries(client, 1)
    thirty = _change_form_queries(client, 30)
    assert thirty == one


def _value(html: str, name: str) -> str:
    """Return the value of the text input ``name``."""
    match = re.search(rf'<input type="[a-z]+" name="{name}" value="([^"]*)"', html)
    assert match, name
    return match.group(1)


def _option(html: str, name: str, value: int) -> str:
    """Return the rendered option of the select ``name`` with ``value``."""
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select, name
    option = re.search(rf'<option value="{value}"[^>]*>[^<]*</option>', select.group(0))
    return option.group(0) if option else ""


def test_change_form_rows_keep_their_own_values(client, editor):
    """Each row shows its own sources' numbers and its own autocomplete choices."""
    client.force_login(editor)
    explainer = factories.ExplainerFactory()
    _fill(explainer, 3)
    response = client.get(reverse("admin:articles_explainer_change", args=[explainer.pk]))
    html = response.content.decode()
    # _fill cites sources 1, 1-2 and 1-3; the timeline's item n cites source n + 1.
    for n, cited in enumerate(["1", "1, 2", "1, 2, 3"]):
        assert _value(html, f"key_facts-{n}-sources") == cited
    assert _value(html, "timeline-2-source") == "3"
    link = explainer.related_links.order_by("position")[2]
    assert link.target.title in _option(html, "related_links-2-target", link.target_id)
    assert "selected" in _option(html, "related_links-2-target", link.target_id)
    byline = explainer.byline_set.order_by("position")[2]
    assert byline.author.get_full_name() in _option(html, "byline_set-2-author", byline.author_id)


@pytest.mark.parametrize("role", ["editor", "superuser"])
def test_change_list_queries_do_not_grow_with_explainers(client, request, role):
    """The change list runs as many queries listing 30 explainers as listing 1."""
    client.force_login(request.getfixturevalue(role))
    url = reverse("admin:articles_explainer_changelist")

    def listed(n: int) -> int:
        for _ in range(n):
            factories.ExplainerFactory(authors=[factories.UserFactory(), factories.UserFactory()])
        return _queries(client, url)

    one = listed(1)
    thirty = listed(29)
    assert thirty == one


def test_desk_queries_do_not_grow_with_explainers(client, editor):
    """The admin index (the desk's queues) runs as many queries with 30 explainers as with 1."""
    client.force_login(editor)
    url = reverse("admin:index")

    def desk(n: int) -> int:
        for state in [models.Explainer.State.IN_REVIEW, models.Explainer.State.APPROVED] * n:
            factories.ExplainerFactory(state=state, authors=[factories.UserFactory()])
        return _queries(client, url)

    one = desk(1)
    thirty = desk(15)
    assert thirty == one
