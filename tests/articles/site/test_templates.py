"""The site chrome (base.html) around pages: rendered with each page, on each request.

The explainer page is its template around HTML stored at publish time, read in one query
(``public.live_page``); list pages show cards stored at publish time. These tests hold pages
equal to their templates' output and the chrome's per-request values fresh.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import PublishedVersion
from articles.publishing import freeze as publishing
from articles.publishing import render
from articles.site import reads as public
from articles.site.views import EXPLAINER_TEMPLATE, stored_html
from tests import factories
from tests.articles.publicsite import live_explainer, publish

pytestmark = pytest.mark.django_db


def orm_live_page(slug: str, at: datetime.datetime) -> PublishedVersion | None:
    return PublishedVersion.objects.live(at).filter(slug=slug).order_by("-go_live_at").first()


def test_page_is_what_the_template_renders(client):
    explainer = live_explainer(title="Why the tide tables changed")
    version = PublishedVersion.objects.get(explainer=explainer)

    served = client.get(public.explainer_path(explainer.slug)).content.decode()

    request = RequestFactory().get(public.explainer_path(explainer.slug))
    rendered = render_to_string(
        EXPLAINER_TEMPLATE,
        {
            "title": version.title,
            "head_html": stored_html(version.head_html),
            "body_html": stored_html(version.body_html),
        },
        request=request,
    )
    assert served == rendered
    assert "<title>Why the tide tables changed — " in served


def test_title_is_escaped_in_the_page(client):
    explainer = live_explainer(title='Tolls & "fees" <script>alert(1)</script>')

    html = client.get(public.explainer_path(explainer.slug)).content.decode()

    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<script>" not in title
    assert "Tolls &amp; &quot;fees&quot; &lt;script&gt;alert(1)&lt;/script&gt;" in title


@pytest.mark.parametrize("where", ["explainer", "home", "topic"])
def test_chrome_is_rendered_on_each_request(client, settings, tmp_path, where):
    """A per-request value in base.html (the footer's year) is fresh on every request."""
    base = (django_settings.BASE_DIR / "templates" / "base.html").read_text()
    assert "</footer>" in base
    (tmp_path / "base.html").write_text(
        base.replace("</footer>", '<p class="year">© {% now "Y" %}</p></footer>')
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    topic = factories.TopicFactory(name="Tides", slug="tides")
    explainer = live_explainer(topics=[topic])
    path = {
        "explainer": public.explainer_path(explainer.slug),
        "home": reverse("articles:home"),
        "topic": topic.get_absolute_url(),
    }[where]
    now, later = timezone.now(), timezone.now() + datetime.timedelta(days=800)

    assert f"© {now.year}</p>" in client.get(path).content.decode()
    with time_machine.travel(later):
        html = client.get(path).content.decode()

    assert f"© {later.year}</p>" in html


def test_renaming_the_site_changes_the_page_and_its_etag(client):
    explainer = live_explainer()
    path = public.explainer_path(explainer.slug)
    before = client.get(path)

    with override_settings(NEWSROOM_NAME="The Tidewater Explainer"):
        after = client.get(path)

    assert "The Tidewater Explainer" in after.content.decode()
    assert before["ETag"] != after["ETag"]
    assert client.get(path, HTTP_IF_NONE_MATCH=after["ETag"]).status_code == 200
    assert client.get(path, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 304


# --- live_page: the newest live version at a slug --------------------------------------------


def test_live_page_is_one_query_and_matches_the_orm():
    explainer = live_explainer()
    now = timezone.now()

    with CaptureQueriesContext(connection) as queries:
        page = public.live_page(explainer.slug, now)

    assert len(queries) == 1
    version = orm_live_page(explainer.slug, now)
    assert (page.pk, page.number, page.title) == (version.pk, version.number, version.title)
    assert (page.head_html, page.body_html) == (version.head_html, version.body_html)
    assert page.go_live_at == version.go_live_at
    assert page.go_live_at.tzinfo is not None


def test_live_page_follows_scheduling_expiry_and_republishing():
    editor = factories.UserFactory(username="page_editor")
    explainer = live_explainer(title="First wording")
    now = timezone.now()
    first = PublishedVersion.objects.get(explainer=explainer)

    explainer.title = "Second wording"
    explainer.save()
    second = publishing.freeze(explainer, by=editor, go_live_at=now + datetime.timedelta(hours=2))
    third_expiry = now + datetime.timedelta(hours=5)
    PublishedVersion.objects.filter(pk=second.pk).update(ends_at=third_expiry)
    moments = {
        "before the schedule": now + datetime.timedelta(minutes=1),
        "after go-live": now + datetime.timedelta(hours=3),
        "after expiry": now + datetime.timedelta(hours=6),
        "before the first version": first.go_live_at - datetime.timedelta(seconds=1),
    }
    seen = {}
    for label, at in moments.items():
        page = public.live_page(explainer.slug, at)
        version = orm_live_page(explainer.slug, at)
        assert (page and page.pk) == (version and version.pk), label
        seen[label] = page and page.title
    assert seen == {
        "before the schedule": "First wording",
        "after go-live": "Second wording",
        "after expiry": None,
        "before the first version": None,
    }


def test_live_page_of_a_withdrawn_or_unknown_slug_is_none():
    explainer = live_explainer()
    publishing.withdraw(explainer)

    assert public.live_page(explainer.slug) is None
    assert public.live_page("no-such-explainer") is None


def test_draft_is_never_served(client):
    draft = factories.complete_explainer(title="Not yet checked")
    assert public.live_page(draft.slug) is None
    assert client.get(public.explainer_path(draft.slug)).status_code == 404


def test_republish_serves_the_new_html(client):
    explainer = live_explainer(title="Old headline")
    path = public.explainer_path(explainer.slug)
    assert "Old headline" in client.get(path).content.decode()

    explainer.title = "New headline"
    explainer.save()
    publish(explainer)

    html = client.get(path).content.decode()
    assert "New headline" in html
    assert "Old headline" not in html


# --- Cards stored with each version for list pages -----------------------------------------


def test_card_is_rendered_at_publish_from_the_card_template():
    explainer = live_explainer(title="How ferries are timetabled", dek="Tides, crews and ports.")
    version = PublishedVersion.objects.get(explainer=explainer)

    assert version.card_html == render.render_card(version)
    assert f'href="{public.explainer_path(explainer.slug)}"' in version.card_html
    assert "How ferries are timetabled" in version.card_html
    assert "Tides, crews and ports." in version.card_html
    assert "Updated" not in version.card_html


def test_republished_card_says_updated(client):
    explainer = live_explainer(title="First take")
    first = PublishedVersion.objects.get(explainer=explainer)
    explainer.title = "Second take"
    explainer.save()
    later = first.go_live_at + datetime.timedelta(days=3)
    version = publishing.freeze(explainer, by=factories.UserFactory(), go_live_at=later)

    assert "Updated" in version.card_html
    assert "Second take" in version.card_html


@pytest.mark.parametrize("where", ["home", "topic"])
def test_list_pages_show_the_stored_cards(client, where):
    topic = factories.TopicFactory(name="Harbours", slug="harbours")
    explainers = [live_explainer(title=f"Harbour story {n}", topics=[topic]) for n in range(3)]
    path = "/" if where == "home" else topic.get_absolute_url()

    html = client.get(path).content.decode()

    for explainer in explainers:
        card = PublishedVersion.objects.get(explainer=explainer).card_html.strip()
        assert card in html


def test_card_title_with_markup_is_escaped():
    explainer = live_explainer(title="Pipes <b>&</b> <script>alert(1)</script> power")
    card = PublishedVersion.objects.get(explainer=explainer).card_html
    assert "<script>" not in card
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in card


def test_migration_backfills_cards_of_older_versions():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("articles.migrations.0009_version_card_html")
    explainer = live_explainer(title="Before cards existed")
    version = PublishedVersion.objects.get(explainer=explainer)
    expected = version.card_html
    PublishedVersion.objects.filter(pk=version.pk).update(card_html="")

    class SchemaEditor:
        pass

    editor = SchemaEditor()
    editor.connection = connection
    migration.render_cards(apps, editor)

    version.refresh_from_db()
    assert version.card_html == expected


# --- List pages: fresh on every request -------------------------------------------------------


def test_editing_a_topic_or_publishing_changes_its_page(client, settings):
    topic = factories.TopicFactory(name="Ferries", slug="ferries", description="Crossings")
    live_explainer(title="Night ferry", topics=[topic])
    path = reverse("articles:topic", kwargs={"slug": "ferries"})
    assert "Crossings" in client.get(path).content.decode()

    topic.description = "Boats across the strait"
    topic.save()
    live_explainer(title="Morning ferry", topics=[topic])
    html = client.get(path).content.decode()

    assert "Boats across the strait" in html and "Crossings" not in html
    assert "Explainers (2)" in html and "Morning ferry" in html
