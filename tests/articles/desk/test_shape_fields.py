"""The change form's "What to know" box and viewpoint quotes, and their history."""

from __future__ import annotations

import pytest
import reversion
from django.urls import reverse
from reversion.models import Version

from articles.models import Explainer
from tests.adminform import form_data
from tests.factories import SourceFactory, complete_explainer

pytestmark = pytest.mark.django_db


def change_url(explainer: Explainer) -> str:
    return reverse("admin:articles_explainer_change", args=[explainer.pk])


def post(client, explainer: Explainer, **changes):
    data = form_data(client.get(change_url(explainer)).content.decode(), "explainer_form")
    data.update(changes)
    return client.post(change_url(explainer), data)


def test_takeaways_are_saved_one_a_line(client, editor, writer):
    explainer = complete_explainer(authors=[writer])
    client.force_login(editor)
    response = post(client, explainer, takeaways="First.\r\n\r\n  Second  one.\r\nThird.")
    assert response.status_code == 302
    explainer.refresh_from_db()
    assert explainer.takeaway_list() == ["First.", "Second one.", "Third."]


def test_a_too_long_takeaway_is_refused_and_nothing_changes(client, editor, writer):
    explainer = complete_explainer(authors=[writer])
    before = explainer.takeaways
    client.force_login(editor)
    response = post(client, explainer, takeaways="Short.\n" + "x" * 201)
    assert response.status_code == 200
    assert "too long: line 2" in response.content.decode()
    explainer.refresh_from_db()
    assert explainer.takeaways == before


def test_a_quote_cites_a_source_by_its_number(client, editor, writer):
    """The quote's source is typed as the number the sources are listed under."""
    explainer = complete_explainer(authors=[writer])
    second = SourceFactory(explainer=explainer, position=1, citation="Board minutes")
    client.force_login(editor)
    response = post(
        client,
        explainer,
        **{"viewpoints-0-quote": "We back it.", "viewpoints-0-quote_source": "2"},
    )
    assert response.status_code == 302
    viewpoint = explainer.viewpoints.get()
    assert (viewpoint.quote, viewpoint.quote_source) == ("We back it.", second)
    # The form shows it back as that number.
    data = form_data(client.get(change_url(explainer)).content.decode(), "explainer_form")
    assert data["viewpoints-0-quote_source"] == "2"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"viewpoints-0-quote": "Words."}, "Say where the quote is from"),
        ({"viewpoints-0-quote_source": "1"}, "Give the quote, or clear where it is from"),
        ({"viewpoints-0-quote": "Words.", "viewpoints-0-quote_source": "7"}, "7"),
    ],
)
def test_a_quote_without_its_source_is_refused(client, editor, writer, changes, message):
    explainer = complete_explainer(authors=[writer])
    client.force_login(editor)
    response = post(client, explainer, **changes)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert explainer.viewpoints.get().quote == ""


def test_history_keeps_takeaways_and_quotes(client, editor, writer):
    """A revert brings back the takeaways and the quote as they were."""
    explainer = complete_explainer(authors=[writer])
    with reversion.create_revision():
        reversion.add_to_revision(explainer)
    client.force_login(editor)
    post(
        client,
        explainer,
        takeaways="New one.\nNew two.\nNew three.",
        **{
            "viewpoints-0-quote": "Later words.",
            "viewpoints-0-quote_url": "https://e.org/x",
            "viewpoints-0-quote_date": "2026-01-02",
        },
    )
    first = Version.objects.get_for_object(explainer).order_by("pk").first()
    first.revision.revert(delete=True)
    explainer.refresh_from_db()
    assert explainer.takeaway_list()[0] == "The first thing to know."
    assert explainer.viewpoints.get().quote == ""
