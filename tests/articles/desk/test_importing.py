"""Tests for the admin's "Import from text" page, "Export as text" action and export link."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from articles.desk import importing
from articles.interchange import exporter
from articles.interchange.textformat import MAX_FILE_BYTES
from articles.models import Explainer
from articles.publishing import preview
from tests.articles.workflow_helpers import explainer_in
from tests.factories import ExplainerFactory, StakeholderFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = "admin:articles_explainer_import"
GOOD = "A title\n\nWhat happened\nIt happened.\nKey facts\n- A fact.\nUp Next\n- Later story\n"
# Line 6 has no "name: viewpoint" separator; line 8 links with javascript:.
BAD = (
    "Bad one\n\nWhat happened\nText.\nStakeholders & viewpoints\n- No separator\nSources\n"
    "- Click javascript:alert(1)\n"
)
HOSTILE = (
    "Hostile\n\nWhat happened\n<script>alert(1)</script>\nKey facts\n- <script>alert(2)</script>\n"
)


def import_url() -> str:
    return reverse(IMPORT_URL)


def change_url(explainer: Explainer) -> str:
    return reverse("admin:articles_explainer_change", args=[explainer.pk])


def export_url(explainer: Explainer) -> str:
    return reverse("admin:articles_explainer_export", args=[explainer.pk])


# --- import page --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"), [("writer", 200), ("editor", 200), ("fact_checker", 403)]
)
def test_import_page_needs_add_permission(client, request, role: str, status: int) -> None:
    """Only people who may add explainers open the import page."""
    client.force_login(request.getfixturevalue(role))
    assert client.get(import_url()).status_code == status


def test_import_page_is_staff_only(client) -> None:
    """Anonymous visitors are sent to the admin login."""
    response = client.get(import_url())
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def format_url() -> str:
    return reverse("admin:articles_explainer_import_format")


def test_import_page_links_to_the_format_page(client, writer) -> None:
    """The import page links to the text format's description inside the admin."""
    client.force_login(writer)
    assert f'href="{format_url()}"' in client.get(import_url()).content.decode()


def test_format_page_is_staff_only(client) -> None:
    """Anonymous visitors are sent to the admin login, not shown the format."""
    response = client.get(format_url())
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_format_page_shows_the_description_escaped(client, writer, tmp_path, monkeypatch) -> None:
    """The page shows docs/text-format.md as text: markup in it is escaped, never rendered."""
    description = tmp_path / "text-format.md"
    description.write_text("# The format\n<script>alert(1)</script>\n", encoding="utf-8")
    monkeypatch.setattr(importing, "FORMAT_DESCRIPTION", description)
    client.force_login(writer)
    html = client.get(format_url()).content.decode()
    assert "# The format" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html


def test_format_page_shows_the_projects_description(client, writer) -> None:
    """The page reads the description kept in the project's docs/ folder."""
    client.force_login(writer)
    assert "The plain-text explainer format" in client.get(format_url()).content.decode()


def test_stakeholder_list_filters_on_kind_not_yet_set(client, editor) -> None:
    """Editors find imported stakeholders by the "Not yet set" kind in the admin list."""
    StakeholderFactory(name="Imported one", kind="unknown")
    StakeholderFactory(name="Already set", kind="person")
    client.force_login(editor)
    url = reverse("admin:articles_stakeholder_changelist")
    html = client.get(url, {"kind__exact": "unknown"}).content.decode()
    assert "Not yet set" in html
    assert "Imported one" in html
    assert "Already set" not in html


def test_pasted_text_imports_and_opens_the_draft(client, writer) -> None:
    """Pasted text becomes a draft authored by the importer; the editor lands on it."""
    client.force_login(writer)
    response = client.post(import_url(), {"text": GOOD})
    explainer = Explainer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == change_url(explainer)
    assert explainer.state == Explainer.State.DRAFT
    assert [b.author for b in explainer.byline_set.all()] == [writer]


def test_warnings_become_messages(client, writer) -> None:
    """Each import warning is shown as a message on the draft's page."""
    client.force_login(writer)
    response = client.post(import_url(), {"text": GOOD}, follow=True)
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts[0] == "Imported “A title” as a draft from the text."
    assert texts[1] == (
        'pasted text:8: "Up next" names "Later story": no live explainer with that title; its '
        "title is kept for linking later"
    )
    assert response.status_code == 200


def test_uploaded_file_imports(client, writer) -> None:
    """An uploaded .txt file is imported; errors and warnings name the file."""
    client.force_login(writer)
    upload = SimpleUploadedFile("budget.txt", GOOD.encode(), content_type="text/plain")
    response = client.post(import_url(), {"file": upload}, follow=True)
    assert Explainer.objects.get().title == "A title"
    assert any("budget.txt:8:" in str(m) for m in get_messages(response.wsgi_request))


def test_errors_are_listed_with_lines_and_input_kept(client, writer) -> None:
    """Errors are listed with their line numbers beside the input, which is kept."""
    client.force_login(writer)
    response = client.post(import_url(), {"text": BAD})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was imported: 2 problems to fix" in html
    assert "<strong>Line 6:</strong> stakeholder bullet has no &quot;name: viewpoint&quot;" in html
    assert "<strong>Line 8:</strong> source has a &quot;javascript:&quot; link" in html
    assert '<pre class="import-error-line">6 | - No separator</pre>' in html
    assert "- Click javascript:alert(1)\n</textarea>" in html
    assert not Explainer.objects.exists()


def test_uploaded_file_with_errors_is_kept_as_text(client, writer) -> None:
    """A file input cannot be refilled, so a failed upload comes back as pasted text."""
    client.force_login(writer)
    upload = SimpleUploadedFile("bad.txt", BAD.encode(), content_type="text/plain")
    html = client.post(import_url(), {"file": upload}).content.decode()
    assert "<strong>Line 6:</strong>" in html
    assert "Bad one\n\nWhat happened" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose a file or paste the text of an explainer."),
        ({"text": "   \n"}, "Choose a file or paste the text of an explainer."),
        ({"text": GOOD, "file": "upload"}, "Upload a file or paste the text, not both."),
    ],
    ids=["nothing", "blank", "both"],
)
def test_form_errors(client, writer, data: dict, message: str) -> None:
    """Giving nothing, or both a file and text, is a form error."""
    client.force_login(writer)
    if data.get("file") == "upload":
        data = {**data, "file": SimpleUploadedFile("a.txt", GOOD.encode())}
    response = client.post(import_url(), data)
    assert message in response.content.decode()
    assert not Explainer.objects.exists()


def test_oversized_upload_is_refused(client, writer) -> None:
    """A file over 1 MiB is refused before it is read."""
    client.force_login(writer)
    upload = SimpleUploadedFile("big.txt", b"x" * (MAX_FILE_BYTES + 1))
    response = client.post(import_url(), {"file": upload})
    assert "The file is larger than 1 MiB" in response.content.decode()


def test_invalid_utf8_upload_names_the_line(client, writer) -> None:
    """A file that is not UTF-8 is an error naming its line."""
    client.force_login(writer)
    upload = SimpleUploadedFile("latin1.txt", "Title\n\nWhat happened\nCafé\n".encode("latin-1"))
    html = client.post(import_url(), {"file": upload}).content.decode()
    assert "<strong>Line 4:</strong> not valid UTF-8" in html


def test_refused_reimport_is_shown(client, writer, other_writer) -> None:
    """A re-import the user may not make is refused on the page, without confirming that
    another writer's draft has that title."""
    ExplainerFactory(title="A title", authors=[other_writer])
    client.force_login(writer)
    html = client.post(import_url(), {"text": GOOD}).content.decode()
    assert "is not available to you" in html
    assert "already exists" not in html
    assert Explainer.objects.count() == 1


def test_reimport_over_published_asks_for_a_new_revision(client, writer) -> None:
    """Over a published explainer a re-import is refused, saying how to ask for a new revision
    on this page; ticked, it sends the explainer back to draft with the new text."""
    explainer = explainer_in(Explainer.State.PUBLISHED, authors=[writer], title="A title")
    client.force_login(writer)

    html = client.post(import_url(), {"text": GOOD}).content.decode()
    assert html.count("already exists and is published") == 1
    assert "As a new revision" in html
    explainer.refresh_from_db()
    assert explainer.state == Explainer.State.PUBLISHED

    response = client.post(import_url(), {"text": GOOD, "new_revision": "on"})
    assert response["Location"] == change_url(explainer)
    explainer.refresh_from_db()
    assert (explainer.state, explainer.what_happened) == (
        Explainer.State.DRAFT,
        "<p>It happened.</p>",
    )


def test_reimport_updates_own_draft(client, writer) -> None:
    """Importing again over one's own draft updates it and says so."""
    client.force_login(writer)
    client.post(import_url(), {"text": GOOD})
    response = client.post(import_url(), {"text": GOOD.replace("It happened.", "Changed.")})
    explainer = Explainer.objects.get()
    assert response["Location"] == change_url(explainer)
    assert explainer.what_happened == "<p>Changed.</p>"


def test_changelist_links_to_import(client, writer, fact_checker) -> None:
    """The explainer list offers "Import from text" to those who may add explainers only."""
    changelist = reverse("admin:articles_explainer_changelist")
    client.force_login(writer)
    assert f'href="{import_url()}"' in client.get(changelist).content.decode()
    client.force_login(fact_checker)
    assert "Import from text" not in client.get(changelist).content.decode()


# --- HTML in the input is text ------------------------------------------------------------------


def test_html_in_input_is_shown_as_text_on_the_change_form(client, writer) -> None:
    """Markup typed in a file is escaped on the change form, never executed."""
    client.force_login(writer)
    client.post(import_url(), {"text": HOSTILE})
    html = client.get(change_url(Explainer.objects.get())).content.decode()
    assert "<script>alert(" not in html
    # The key fact's textarea, and the rich-text field holding "<p>&lt;script&gt;…</p>".
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;" in html


def test_html_in_input_is_shown_as_text_read_only(client, writer, editor, fact_checker) -> None:
    """A fact-checker's read-only view of the section shows the markup as text."""
    from articles.workflow import moves as workflow

    client.force_login(writer)
    client.post(import_url(), {"text": HOSTILE})
    explainer = Explainer.objects.get()
    workflow.submit(explainer, by=writer)
    client.force_login(fact_checker)
    html = client.get(change_url(explainer)).content.decode()
    assert "<script>alert(" not in html
    assert "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>" in html


def test_html_in_input_is_shown_as_text_in_the_preview(client, writer) -> None:
    """The staff preview of an imported draft shows the markup as text."""
    client.force_login(writer)
    client.post(import_url(), {"text": HOSTILE})
    explainer = Explainer.objects.get()
    html = client.get(preview.preview_url(explainer)).content.decode()
    assert "<script>alert(" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html


# --- export -------------------------------------------------------------------------------------


def test_change_form_links_to_export(client, writer) -> None:
    """The change form has an "Export as text" link to the explainer's export URL."""
    explainer = ExplainerFactory(authors=[writer])
    client.force_login(writer)
    html = client.get(change_url(explainer)).content.decode()
    assert f'<a href="{export_url(explainer)}" class="export-text-link">Export as text</a>' in html


def test_export_url_downloads_text(client, writer) -> None:
    """The export URL returns the canonical text as a .txt attachment."""
    explainer = ExplainerFactory(authors=[writer], slug="the-budget")
    client.force_login(writer)
    response = client.get(export_url(explainer))
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="the-budget.txt"'
    assert response.content.decode() == exporter.to_text(explainer)


def test_export_url_downloads_json(client, writer) -> None:
    """?format=json returns the JSON export."""
    explainer = ExplainerFactory(authors=[writer], slug="the-budget")
    client.force_login(writer)
    response = client.get(export_url(explainer), {"format": "json"})
    assert response["Content-Disposition"] == 'attachment; filename="the-budget.json"'
    assert response.json()["slug"] == "the-budget"


@pytest.mark.parametrize("object_id", ["other", "999999", "not-a-number"])
def test_export_url_of_invisible_explainer_is_404(client, writer, other_writer, object_id) -> None:
    """An explainer the user may not see (or none) is not found."""
    other = ExplainerFactory(authors=[other_writer])
    client.force_login(writer)
    object_id = str(other.pk) if object_id == "other" else object_id
    url = reverse("admin:articles_explainer_export", args=[object_id])
    assert client.get(url).status_code == 404


def _action(client, pks: list[int]):
    return client.post(
        reverse("admin:articles_explainer_changelist"),
        {"action": "export_as_text", "_selected_action": [str(pk) for pk in pks]},
    )


def test_action_exports_one_as_text(client, writer) -> None:
    """The action on one explainer downloads its text file."""
    explainer = ExplainerFactory(authors=[writer], slug="one")
    client.force_login(writer)
    response = _action(client, [explainer.pk])
    assert response["Content-Disposition"] == 'attachment; filename="one.txt"'
    assert response.content.decode() == exporter.to_text(explainer)


def test_action_exports_several_as_zip(client, writer) -> None:
    """The action on several explainers downloads a zip with one text file each."""
    first = ExplainerFactory(authors=[writer], slug="first")
    second = ExplainerFactory(authors=[writer], slug="second")
    client.force_login(writer)
    response = _action(client, [first.pk, second.pk])
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["first.txt", "second.txt"]
    assert archive.read("second.txt").decode() == exporter.to_text(second)


def test_action_is_offered_on_the_changelist(client, writer) -> None:
    """ "Export as text" is one of the list's actions."""
    client.force_login(writer)
    html = client.get(reverse("admin:articles_explainer_changelist")).content.decode()
    assert '<option value="export_as_text">Export as text</option>' in html


def test_action_leaves_out_explainers_the_user_may_not_see(writer, other_writer) -> None:
    """Even handed every explainer, the action exports only those visible to the user."""
    mine = ExplainerFactory(authors=[writer], slug="mine")
    ExplainerFactory(authors=[other_writer], slug="theirs")
    request = RequestFactory().post("/")
    request.user = writer
    model_admin = admin.site._registry[Explainer]
    response = model_admin.export_as_text(request, Explainer.objects.all())
    assert response["Content-Disposition"] == 'attachment; filename="mine.txt"'
    assert response.content.decode() == exporter.to_text(mine)
