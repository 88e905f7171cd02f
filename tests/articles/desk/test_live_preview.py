"""The add and change forms' live preview: who may use it, what it shows, and that it saves
nothing."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from reversion.models import Revision, Version

from articles.models import Byline, Explainer, KeyFact, PublishedVersion, Source, Transition
from articles.snapshot import snapshot
from tests.adminform import form_data
from tests.factories import UserFactory, complete_explainer

pytestmark = pytest.mark.django_db


def change_url(explainer: Explainer) -> str:
    return reverse("admin:articles_explainer_change", args=[explainer.pk])


def preview_url(explainer: Explainer) -> str:
    return reverse("admin:articles_explainer_live_preview", args=[explainer.pk])


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def the_form(client: Client, explainer: Explainer) -> dict:
    """The change form's data as the browser would post it, unchanged."""
    response = client.get(change_url(explainer))
    assert response.status_code == 200
    return form_data(response.content.decode(), "explainer_form")


def traces(explainer: Explainer) -> tuple:
    """Everything a save would change: the content, the row's bookkeeping, revisions, audit."""
    row = Explainer.objects.get(pk=explainer.pk)
    return (
        snapshot(row),
        row.updated_at,
        row.lock_version,
        row.state,
        Version.objects.get_for_object(row).count(),
        Transition.objects.filter(explainer=row).count(),
        PublishedVersion.objects.filter(explainer=row).count(),
        Source.objects.filter(explainer=row).count(),
    )


def test_writer_previews_a_changed_headline_and_nothing_is_saved(writer):
    """The preview shows the typed headline and fact; the database is as it was."""
    explainer = complete_explainer(authors=[writer])
    client = as_user(writer)
    data = the_form(client, explainer)
    before = traces(explainer)
    data["title"] = "A headline typed but never saved"
    data["key_facts-0-text"] = "A fact typed but never saved."
    response = client.post(preview_url(explainer), data)
    assert response.status_code == 200
    assert response.headers["Live-Preview"] == "shown"
    page = response.content.decode()
    assert "A headline typed but never saved" in page
    assert "A fact typed but never saved." in page
    assert "Live preview — not saved." in page
    assert traces(explainer) == before


def test_preview_shows_a_new_row_citing_a_new_source(writer):
    """Rows added in the form (a source, and a fact citing it by number) are shown, not kept."""
    explainer = complete_explainer(authors=[writer])
    client = as_user(writer)
    data = the_form(client, explainer)
    before = traces(explainer)
    data.update(
        {
            "sources-TOTAL_FORMS": str(int(data["sources-TOTAL_FORMS"]) + 1),
            "sources-1-citation": "A brand new report",
            "sources-1-publisher": "Preview Office",
            "sources-1-url": "https://example.org/new-report",
            "sources-1-kind": Source.Kind.REPORT,
            "key_facts-TOTAL_FORMS": str(int(data["key_facts-TOTAL_FORMS"]) + 1),
            "key_facts-2-text": "A new fact on the new source.",
            "key_facts-2-sources": "2",
            "key_facts-2-check_status": KeyFact.Check.UNCHECKED,
        }
    )
    response = client.post(preview_url(explainer), data)
    assert response.status_code == 200, response.content.decode()[:2000]
    page = response.content.decode()
    assert "A brand new report" in page
    assert "A new fact on the new source." in page
    assert traces(explainer) == before


def test_rich_text_is_sanitised_in_the_preview(writer):
    """Script typed into a story section is removed by the nh3 path, as on save."""
    explainer = complete_explainer(authors=[writer])
    client = as_user(writer)
    data = the_form(client, explainer)
    data["background"] = (
        '<p>Kept words<script>alert("x")</script><img src=x onerror="alert(1)"></p>'
        '<p><a href="javascript:alert(2)">link</a></p>'
    )
    response = client.post(preview_url(explainer), data)
    page = response.content.decode()
    assert "Kept words" in page
    assert "alert" not in page
    assert "onerror" not in page


def test_invalid_form_shows_the_messages_and_saves_nothing(writer):
    """A form a save would refuse gives its messages, labelled (not a 500)."""
    explainer = complete_explainer(authors=[writer])
    client = as_user(writer)
    data = the_form(client, explainer)
    before = traces(explainer)
    data["title"] = ""
    data["key_facts-0-sources"] = "7"
    response = client.post(preview_url(explainer), data)
    assert response.status_code == 200
    assert response.headers["Live-Preview"] == "invalid"
    page = response.content.decode()
    assert "Correct these to see the preview" in page
    assert "Title: This field is required." in page
    assert "Key facts" in page and "Row 1, sources:" in page
    assert traces(explainer) == before


def test_stale_form_is_said_in_the_preview(writer, editor):
    """Someone saved since the form was opened: the preview says a save would be refused."""
    explainer = complete_explainer(authors=[writer])
    client = as_user(writer)
    data = the_form(client, explainer)
    Explainer.objects.filter(pk=explainer.pk).update(lock_version=99, updated_by=editor)
    response = client.post(preview_url(explainer), data)
    assert response.headers["Live-Preview"] == "invalid"
    assert "after you opened it" in response.content.decode()


def assert_private_and_script_free(response) -> None:
    """A preview answer is not stored, not indexed, and runs no script nor can be framed."""
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    assert "private" in response.headers["Cache-Control"]
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy


def test_response_headers_keep_it_private_and_script_free(writer):
    """Not stored, not indexed, and a policy that runs no script and cannot be framed."""
    explainer = complete_explainer(authors=[writer])
    client = as_user(writer)
    response = client.post(preview_url(explainer), the_form(client, explainer))
    assert_private_and_script_free(response)
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()


def test_a_chosen_file_is_not_read(writer, tmp_path):
    """A hero image sent with the form is neither stored nor shown: files are not previewed."""
    explainer = complete_explainer(authors=[writer])
    client = as_user(writer)
    data = the_form(client, explainer)
    image = tmp_path / "hero.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    with image.open("rb") as handle:
        response = client.post(preview_url(explainer), {**data, "hero_image": handle})
    assert response.status_code == 200
    assert "hero.png" not in response.content.decode()
    assert not Explainer.objects.get(pk=explainer.pk).hero_image


def test_editor_may_preview_any_explainer(writer, editor):
    explainer = complete_explainer(authors=[writer])
    client = as_user(editor)
    response = client.post(preview_url(explainer), the_form(client, explainer))
    assert response.status_code == 200


def test_writer_without_a_byline_is_refused(writer, other_writer):
    """Another writer's explainer: 403, whatever is posted."""
    explainer = complete_explainer(authors=[writer])
    data = the_form(as_user(writer), explainer)
    data["title"] = "Not mine"
    response = as_user(other_writer).post(preview_url(explainer), data)
    assert response.status_code == 403
    assert "Not mine" not in response.content.decode()


def test_staff_who_may_only_view_are_refused(writer):
    """A staff member who may view explainers but not change them gets 403."""
    explainer = complete_explainer(authors=[writer])
    data = the_form(as_user(writer), explainer)
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(codename="view_explainer"),
        Permission.objects.get(codename="edit_any_explainer"),
    )
    response = as_user(viewer).post(preview_url(explainer), data)
    assert response.status_code == 403


def test_fact_checker_previews_checks_only(writer, fact_checker):
    """A fact-checker may preview their checks; the text they cannot edit is not taken from
    the post."""
    explainer = complete_explainer(authors=[writer])
    Explainer.objects.filter(pk=explainer.pk).update(state="in_review", assignee=fact_checker)
    client = as_user(fact_checker)
    data = the_form(client, explainer)
    data["title"] = "Rewritten by the checker"
    response = client.post(preview_url(explainer), data)
    assert response.status_code == 200, response.content.decode()
    page = response.content.decode()
    assert "Rewritten by the checker" not in page
    assert explainer.title in page


def test_anonymous_is_sent_to_log_in(writer):
    explainer = complete_explainer(authors=[writer])
    response = Client().post(preview_url(explainer), {"title": "Anonymous"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("object_id", ["999999", "not-a-number"])
def test_no_such_explainer_is_not_found(writer, object_id):
    """An id that names no explainer, or is not an id at all, is 404 (not a server error)."""
    url = f"/admin/articles/explainer/{object_id}/live-preview/"
    assert as_user(writer).post(url, {"title": "Nowhere"}).status_code == 404


def test_get_is_refused(writer):
    explainer = complete_explainer(authors=[writer])
    response = as_user(writer).get(preview_url(explainer))
    assert response.status_code == 405


def test_post_needs_the_csrf_token(writer):
    """The preview is a POST of the desk's form: without its token it is refused."""
    explainer = complete_explainer(authors=[writer])
    client = Client(enforce_csrf_checks=True)
    client.force_login(writer)
    response = client.post(preview_url(explainer), {"title": "No token"})
    assert response.status_code == 403


def test_change_form_offers_the_panel_to_those_who_may_preview(writer):
    explainer = complete_explainer(authors=[writer])
    page = as_user(writer).get(change_url(explainer)).content.decode()
    assert 'id="live-preview"' in page
    assert f'data-url="{preview_url(explainer)}"' in page
    assert "js/admin-live-preview.js" in page
    assert 'sandbox="allow-same-origin"' in page  # the frame runs no script


def test_no_panel_on_a_view_only_change_form(writer):
    explainer = complete_explainer(authors=[writer])
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(codename="view_explainer"),
        Permission.objects.get(codename="edit_any_explainer"),
    )
    response = as_user(viewer).get(change_url(explainer))
    assert response.status_code == 200
    assert 'id="live-preview"' not in response.content.decode()


# --- The add form: a new explainer previewed before its first save ---------------------------


def add_preview_url() -> str:
    return reverse("admin:articles_explainer_add_live_preview")


def the_add_form(client: Client) -> dict:
    """The add form's data as the browser would post it, with a title, slug and one key fact."""
    response = client.get(reverse("admin:articles_explainer_add"))
    assert response.status_code == 200
    data = form_data(response.content.decode(), "explainer_form")
    # "Add another key fact" fills a new row from the empty form's defaults.
    template = "key_facts-__prefix__-"
    data.update({f"key_facts-0-{k[len(template) :]}": v for k, v in data.items() if template in k})
    data.update(
        {
            "title": "A new explainer typed but never saved",
            "slug": "a-new-explainer-typed",
            "dek": "What a first draft says.",
            "key_facts-TOTAL_FORMS": "1",
            "key_facts-0-text": "A first fact typed but never saved.",
        }
    )
    return data


def written_rows() -> tuple[int, ...]:
    """How many rows a first save would add to: explainers, their parts, revisions, audit."""
    return tuple(
        model.objects.count()
        for model in (Explainer, KeyFact, Byline, Version, Revision, LogEntry, Transition)
    )


def test_writer_previews_a_new_explainer_and_nothing_is_saved(
    writer, django_capture_on_commit_callbacks
):
    """The add form's preview shows the typed title, fact and the writer's own byline; no row,
    revision, log entry, mail or purge results."""
    client = as_user(writer)
    data = the_add_form(client)
    before = written_rows()
    with django_capture_on_commit_callbacks() as after_commit:
        response = client.post(add_preview_url(), data)
    assert response.status_code == 200, response.content.decode()[:2000]
    assert response.headers["Live-Preview"] == "shown"
    page = response.content.decode()
    assert "A new explainer typed but never saved" in page
    assert "A first fact typed but never saved." in page
    assert "Live preview — not saved." in page
    # The add view's save gives a writer's new explainer their byline; so does its preview.
    assert writer.get_full_name() and escape(writer.get_full_name()) in page
    assert written_rows() == before
    assert after_commit == []
    assert mail.outbox == []


def test_editor_previews_a_new_explainer(editor):
    client = as_user(editor)
    response = client.post(add_preview_url(), the_add_form(client))
    assert response.status_code == 200
    assert response.headers["Live-Preview"] == "shown", response.content.decode()[-3000:]
    assert "A new explainer typed but never saved" in response.content.decode()


def test_new_explainer_with_errors_shows_the_messages(writer):
    """An add form a save would refuse gives its messages, as on the change form."""
    client = as_user(writer)
    data = the_add_form(client)
    before = written_rows()
    data["title"] = ""
    data["key_facts-0-sources"] = "7"
    response = client.post(add_preview_url(), data)
    assert response.status_code == 200
    assert response.headers["Live-Preview"] == "invalid"
    page = response.content.decode()
    assert "Correct these to see the preview" in page
    assert "Title: This field is required." in page
    assert "Key facts" in page and "Row 1, sources:" in page
    assert written_rows() == before


@pytest.mark.parametrize("who", ["fact_checker", "viewer"])
def test_those_who_may_not_add_are_refused(request, writer, who):
    """A fact-checker, or staff who may only view explainers, gets 403 and nothing back."""
    data = the_add_form(as_user(writer))
    if who == "viewer":
        user = UserFactory(username="viewer", is_staff=True)
        user.user_permissions.add(Permission.objects.get(codename="view_explainer"))
    else:
        user = request.getfixturevalue(who)
    response = as_user(user).post(add_preview_url(), data)
    assert response.status_code == 403
    assert "A new explainer typed" not in response.content.decode()


def test_add_preview_refuses_get(writer):
    assert as_user(writer).get(add_preview_url()).status_code == 405


def test_add_preview_needs_the_csrf_token(writer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(writer)
    assert client.post(add_preview_url(), {"title": "No token"}).status_code == 403


def test_add_preview_headers_keep_it_private_and_script_free(writer):
    """The same headers and policy as the change form's preview."""
    client = as_user(writer)
    response = client.post(add_preview_url(), the_add_form(client))
    assert_private_and_script_free(response)


def test_add_form_offers_the_panel(writer):
    page = as_user(writer).get(reverse("admin:articles_explainer_add")).content.decode()
    assert 'id="live-preview"' in page
    assert f'data-url="{add_preview_url()}"' in page
    assert "data-live-preview-open" in page
    assert "js/admin-live-preview.js" in page
