"""The explainer page served from a shell rendered once per process, and its one raw query.

``articles/chrome.py`` renders the site chrome once and the explainer view joins it to the
stored HTML; ``public.live_page`` reads the version with a statement compiled once instead of a
queryset. These tests hold both to what the template and the ORM would give.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils import timezone

from articles import chrome, public, publishing, render
from articles.models import PublishedVersion
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
        chrome.EXPLAINER_TEMPLATE,
        {
            "title": version.title,
            "head_html": public_html(version.head_html),
            "body_html": public_html(version.body_html),
        },
        request=request,
    )
    assert served == rendered
    assert "<title>Why the tide tables changed — " in served


def public_html(html: str):
    from articles.views import stored_html

    return stored_html(html)


def test_title_is_escaped_in_the_shell(client):
    explainer = live_explainer(title='Tolls & "fees" <script>alert(1)</script>')

    html = client.get(public.explainer_path(explainer.slug)).content.decode()

    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<script>" not in title
    assert "Tolls &amp; &quot;fees&quot; &lt;script&gt;alert(1)&lt;/script&gt;" in title


def test_chrome_links_match_reverse(client):
    urls = chrome.urls()
    for name, viewname in chrome.CHROME_URLS.items():
        assert urls[name] == reverse(viewname)
    explainer = live_explainer()
    html = client.get(public.explainer_path(explainer.slug)).content.decode()
    assert f'href="{reverse("articles:publishing_principles")}"' in html
    assert f'action="{reverse("articles:search")}"' in html


def test_paths_follow_the_script_prefix():
    try:
        set_script_prefix("/news/")
        assert chrome.urls()["home"] == "/news/"
        assert chrome.explainer_path("heat-domes") == "/news/explainers/heat-domes/"
        assert chrome.explainer_shell().before_body.count('href="/news/"') == 2  # name, Latest
    finally:
        set_script_prefix("/")
    assert chrome.urls()["home"] == "/"
    assert chrome.explainer_path("heat-domes") == reverse(
        "articles:explainer", kwargs={"slug": "heat-domes"}
    )


def test_slug_the_url_pattern_refuses_is_refused_like_reverse():
    with pytest.raises(NoReverseMatch):
        chrome.explainer_path("café prices")


def test_renaming_the_site_changes_the_shell_and_the_etag(client):
    explainer = live_explainer()
    path = public.explainer_path(explainer.slug)
    before = client.get(path)

    with override_settings(NEWSROOM_NAME="The Tidewater Explainer"):
        after = client.get(path)

    assert "The Tidewater Explainer" in after.content.decode()
    assert before["ETag"] != after["ETag"]
    assert client.get(path, HTTP_IF_NONE_MATCH=after["ETag"]).status_code == 200
    assert client.get(path, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 304


def test_template_without_the_markers_is_refused(tmp_path, settings):
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "explainer_detail.html").write_text("<p>{{ body_html }}</p>")
    templates = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]

    with (
        override_settings(TEMPLATES=templates),
        pytest.raises(ImproperlyConfigured, match="found 1 markers"),
    ):
        chrome.explainer_shell()


@pytest.mark.parametrize("debug", [False, True])
def test_shell_is_kept_only_without_debug(settings, debug):
    settings.DEBUG = debug
    first = chrome.explainer_shell()
    assert (chrome.explainer_shell() is first) is (not debug)


# --- live_page: the compiled statement against the ORM's definition of "live" -------------


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
    editor = factories.UserFactory(username="chrome_editor")
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


# --- Frames: list pages rendered once per distinct input, filled per request ---------------


def test_topic_page_is_what_the_template_renders(client):
    from articles.views import TOPIC_TEMPLATE, PageLinks, card_items

    topic = factories.TopicFactory(name="Canals & locks", slug="canals", description="Old water")
    for n in range(3):
        live_explainer(title=f"Lock {n}", topics=[topic])

    served = client.get(reverse("articles:topic", kwargs={"slug": "canals"})).content.decode()

    cards = public.latest_cards(public.live_with_topic(topic.pk))
    rendered = render_to_string(
        TOPIC_TEMPLATE,
        {
            "topic": topic,
            "count": 3,
            "page_obj": PageLinks(1, 1),
            "is_paginated": False,
            "cards": card_items(list(cards)),
        },
        request=RequestFactory().get("/topics/canals/"),
    )
    assert served == rendered
    assert "Canals &amp; locks" in served and served.count("<li><article") == 3


def test_editing_a_topic_or_publishing_changes_its_page(client, settings):
    settings.DEBUG = False  # frames are kept
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


def test_frame_fills_its_slots_in_order(tmp_path, settings):
    (tmp_path / "framed.html").write_text(
        "<h1>{{ name }}</h1>{{ a }}<hr>{{ b }}<p>{{ NEWSROOM_NAME }}</p>"
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]

    frame = chrome.frame("framed.html", ("a", "b"), {"name": "<Ports>"})

    assert frame.fill(a="<i>1</i>", b="2") == (
        f"<h1>&lt;Ports&gt;</h1><i>1</i><hr>2<p>{settings.NEWSROOM_NAME}</p>"
    )
    with pytest.raises(ImproperlyConfigured, match="must output b, a once each"):
        chrome.frame("framed.html", ("b", "a"), {"name": "x"})
    with pytest.raises(ImproperlyConfigured, match="must output a, c once each"):
        chrome.frame("framed.html", ("a", "c"), {"name": "x"})


def test_frames_kept_are_bounded(monkeypatch, tmp_path, settings):
    (tmp_path / "framed.html").write_text("{{ n }}{{ slot }}")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    monkeypatch.setattr(chrome, "FRAMES_KEPT", 3)

    frames = [chrome.frame("framed.html", ("slot",), {"n": n}) for n in range(5)]

    assert len(chrome._frames) == 3
    assert [f.fill(slot="!") for f in frames] == ["0!", "1!", "2!", "3!", "4!"]
    assert chrome.frame("framed.html", ("slot",), {"n": 4}) is frames[4]  # the newest kept
