"""The site chrome (base.html) around pages: rendered with each page, on each request.

The explainer page is its template around HTML stored at publish time (read by
``reads.live_page``, tested in test_reads.py); list pages show cards stored at publish time.
These tests hold pages equal to their templates' output and the chrome's per-request values
fresh.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from articles.models import PublishedVersion
from articles.publishing import freeze as publishing
from articles.publishing import render
from articles.publishing.render import explainer_path
from articles.site.views import EXPLAINER_TEMPLATE, stored_html
from tests import factories
from tests.articles.publicsite import live_explainer, publish

pytestmark = pytest.mark.django_db


def test_page_is_what_the_template_renders(client):
    explainer = live_explainer(title="Why the tide tables changed")
    version = PublishedVersion.objects.get(explainer=explainer)

    served = client.get(explainer_path(explainer.slug)).content.decode()

    request = RequestFactory().get(explainer_path(explainer.slug))
    rendered = render_to_string(
        EXPLAINER_TEMPLATE,
        {
            "title": version.title,
            "head_html": stored_html(version.head_html),
            "body_html": stored_html(version.body_html),
            "body_end_html": stored_html(version.body_end_html),
            "related": [],
        },
        request=request,
    )
    assert served == rendered
    assert "<title>Why the tide tables changed — " in served
    assert 'class="standards"' in served


def test_title_is_escaped_in_the_page(client):
    explainer = live_explainer(title='Tolls & "fees" <script>alert(1)</script>')

    html = client.get(explainer_path(explainer.slug)).content.decode()

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
        "explainer": explainer_path(explainer.slug),
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
    path = explainer_path(explainer.slug)
    before = client.get(path)

    with override_settings(NEWSROOM_NAME="The Tidewater Explainer"):
        after = client.get(path)

    assert "The Tidewater Explainer" in after.content.decode()
    assert before["ETag"] != after["ETag"]
    assert client.get(path, HTTP_IF_NONE_MATCH=after["ETag"]).status_code == 200
    assert client.get(path, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 304


def test_republish_serves_the_new_html(client):
    explainer = live_explainer(title="Old headline")
    path = explainer_path(explainer.slug)
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
    assert f'href="{explainer_path(explainer.slug)}"' in version.card_html
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
