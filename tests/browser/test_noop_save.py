"""A save that changes nothing: a published demo explainer opened in the admin and saved with
no edit keeps its state, approval, history and timestamps, although CKEditor re-spells its
rich text (one block per line, apostrophes as character references)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from reversion.models import Version

from articles import demo
from articles.models import Explainer, Transition
from tests.browser import ui

PUBLISHED = [e.slug for e in demo.EXPLAINERS if e.state == Explainer.State.PUBLISHED]


@pytest.fixture
def seeded(settings, tmp_path) -> None:
    """The demo content and accounts."""
    settings.DEBUG = True
    demo.seed(logins_file=tmp_path / "demo-logins.txt")


@pytest.mark.parametrize("slug", PUBLISHED)
def test_saving_an_untouched_published_explainer_changes_nothing(open_page, seeded, slug):
    """'Save and continue editing' with no edit keeps state, approval, history and updated_at."""
    explainer = Explainer.objects.get(slug=slug)
    transitions = Transition.objects.filter(explainer=explainer).count()
    revisions = Version.objects.get_for_object(explainer).count()
    # The seeded editor: the demo seed sets the passwords of its accounts, which would end
    # the session of a same-named account made by a fixture.
    page = open_page(get_user_model().objects.get(username=demo.cast.EDITOR))
    page.goto(ui.admin_change_url(explainer))
    ui.wait_for_editors(page)
    # The editor hands back another spelling of the stored HTML: the test is not vacuous.
    assert ui.rich_text_html(page, "what_happened") != explainer.what_happened
    ui.save(page)

    assert ui.errors(page) == ""
    assert not any("back to draft" in m for m in ui.messages(page))
    after = Explainer.objects.get(pk=explainer.pk)
    assert after.state == Explainer.State.PUBLISHED
    assert after.approved_digest == explainer.approved_digest
    assert (after.updated_at, after.lock_version) == (explainer.updated_at, explainer.lock_version)
    assert Transition.objects.filter(explainer=explainer).count() == transitions
    assert Version.objects.get_for_object(explainer).count() == revisions
