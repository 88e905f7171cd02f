"""The readiness checklist: each check fails alone, says what to fix, and guards approve/publish."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from articles.models import Correction, Explainer, KeyFact
from articles.publishing import moves as publication
from articles.workflow import moves as workflow
from articles.workflow import readiness
from tests.articles.workflow_helpers import (
    desk_checker,
    desk_editor,
    explainer_in,
)
from tests.factories import SourceFactory, complete_explainer

pytestmark = pytest.mark.django_db

State = Explainer.State

GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
    b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


def _blank(field: str):
    def breaker(explainer: Explainer) -> None:
        setattr(explainer, field, "")
        explainer.save()

    return breaker


def _no_facts(explainer: Explainer) -> None:
    explainer.key_facts.all().delete()


def _one_unverified(explainer: Explainer) -> None:
    fact = explainer.key_facts.first()
    fact.check_status, fact.checked_by, fact.checked_at = (
        KeyFact.Check.DISPUTED,
        *(
            fact.checked_by,
            fact.checked_at,
        ),
    )
    fact.save()


def _one_unsourced(explainer: Explainer) -> None:
    explainer.key_facts.first().sources.clear()


def _no_sources(explainer: Explainer) -> None:
    explainer.sources.all().delete()


def _no_topics(explainer: Explainer) -> None:
    explainer.topics.clear()


def _no_bylines(explainer: Explainer) -> None:
    explainer.byline_set.all().delete()


def _image_without_alt(explainer: Explainer) -> None:
    explainer.hero_image = SimpleUploadedFile("hero.gif", GIF, content_type="image/gif")
    explainer.hero_alt = ""
    explainer.save()


FIRST_TIME = [
    pytest.param("title", _blank("title"), id="title"),
    pytest.param("dek", _blank("dek"), id="dek"),
    pytest.param("what_happened", _blank("what_happened"), id="what_happened"),
    pytest.param("why_it_matters", _blank("why_it_matters"), id="why_it_matters"),
    pytest.param("key_facts", _no_facts, id="key_facts"),
    pytest.param("facts_verified", _one_unverified, id="facts_verified"),
    pytest.param("facts_sourced", _one_unsourced, id="facts_sourced"),
    pytest.param("sources", _no_sources, id="sources"),
    pytest.param("topics", _no_topics, id="topics"),
    pytest.param("bylines", _no_bylines, id="bylines"),
    pytest.param("hero_alt", _image_without_alt, id="hero_alt"),
    pytest.param("takeaways", _blank("takeaways"), id="takeaways"),
]


def test_complete_explainer_passes_every_check(writer):
    """The factory's complete explainer is ready: every check passes."""
    explainer = complete_explainer(authors=[writer])
    assert readiness.failures(explainer) == []
    assert readiness.is_ready(explainer)


@pytest.mark.parametrize(("key", "breaker"), FIRST_TIME)
def test_each_check_fails_alone(writer, key, breaker):
    """Breaking one thing fails exactly the matching check, with a fix to apply."""
    explainer = complete_explainer(authors=[writer])
    breaker(explainer)
    failed = readiness.failures(explainer)
    if key == "sources":
        # Without any source a fact cannot cite one either: both say so.
        assert {c.key for c in failed} == {"sources", "facts_sourced"}
    else:
        assert [c.key for c in failed] == [key]
    assert all(c.fix for c in failed)


def test_rich_text_of_only_empty_markup_is_empty(writer):
    """A section holding only empty paragraphs does not count as filled."""
    explainer = complete_explainer(authors=[writer])
    explainer.why_it_matters = "<p>&nbsp;</p><p> </p>"
    explainer.save()
    assert [c.key for c in readiness.failures(explainer)] == ["why_it_matters"]


def test_fix_names_the_facts_to_verify(writer):
    """The fix text says which facts (by number) are not yet verified."""
    explainer = complete_explainer(authors=[writer])
    second = explainer.key_facts.order_by("position")[1]
    KeyFact.objects.filter(pk=second.pk).update(
        check_status="unchecked", checked_by=None, checked_at=None
    )
    (failed,) = readiness.failures(explainer)
    assert "#2" in failed.fix and "#1" not in failed.fix


def test_republish_checks_appear_only_after_first_publication(writer):
    """Change note and correction checks are for republishing only."""
    explainer = complete_explainer(authors=[writer])
    keys = {c.key for c in readiness.checklist(explainer)}
    assert "change_note" not in keys and "correction" not in keys


def _revision_of_published(writer) -> Explainer:
    explainer = explainer_in(State.PUBLISHED, authors=[writer])
    workflow.revise(explainer, by=writer)
    return explainer


def test_republish_needs_a_change_note(writer):
    """Republishing without a change note fails that check alone."""
    explainer = _revision_of_published(writer)
    assert [c.key for c in readiness.failures(explainer)] == ["change_note"]
    explainer.change_note = "Clarified the second fact."
    explainer.save()
    assert readiness.failures(explainer) == []


def test_reworded_fact_needs_a_public_correction(writer):
    """A key fact readers saw, reworded: substantive, so a new correction is required."""
    explainer = _revision_of_published(writer)
    explainer.change_note = "Fixed the figure."
    explainer.save()
    fact = explainer.key_facts.first()
    fact.text = "The reservoir holds 11 million cubic metres."
    fact.save()
    assert [c.key for c in readiness.failures(explainer)] == ["correction"]
    Correction.objects.create(
        explainer=explainer, kind="correction", text="We gave the wrong capacity."
    )
    assert readiness.failures(explainer) == []


def test_removed_fact_is_substantive(writer):
    """Removing a key fact readers saw also needs a correction."""
    explainer = _revision_of_published(writer)
    explainer.change_note = "Dropped a fact."
    explainer.save()
    explainer.key_facts.first().delete()
    assert [c.key for c in readiness.failures(explainer)] == ["correction"]


def test_editor_tick_makes_a_change_substantive(writer):
    """With the editor's "substantive" tick, even a dek change needs a public note."""
    explainer = _revision_of_published(writer)
    explainer.change_note = "New angle."
    explainer.save()
    assert readiness.failures(explainer) == []
    assert [c.key for c in readiness.failures(explainer, substantive=True)] == ["correction"]


def test_publish_enforces_the_substantive_tick(writer):
    """Publishing with the tick and no correction is refused with the checklist's reason."""
    explainer = _revision_of_published(writer)
    explainer.change_note = "New angle."
    explainer.save()
    workflow.submit(explainer, by=writer)
    workflow.approve(explainer, by=desk_checker())
    with pytest.raises(workflow.NotReady) as caught:
        publication.publish(explainer, by=desk_editor(), substantive=True)
    assert [c.key for c in caught.value.failed] == ["correction"]


@pytest.mark.parametrize(("key", "breaker"), FIRST_TIME[:3])
def test_publish_rechecks_readiness(writer, key, breaker):
    """Publish checks again: an approved copy broken behind the admin is not published."""
    explainer = explainer_in(State.APPROVED, authors=[writer])
    breaker(explainer)
    with pytest.raises(workflow.NotReady):
        publication.publish(explainer, by=desk_editor())


@pytest.mark.parametrize(
    ("lines", "passes"),
    [
        (["One."], False),
        (["One.", "Two."], False),
        (["One.", "Two.", "Three."], True),
        (["One.", "Two.", "Three.", "Four.", "Five."], True),
        (["One.", "Two.", "Three.", "Four.", "Five.", "Six."], False),
        (["One.", "Two.", "x" * 201], False),
    ],
)
def test_what_to_know_needs_three_to_five_short_takeaways(writer, lines, passes):
    """Approval waits for 3 to 5 takeaways of at most 200 characters each."""
    explainer = complete_explainer(authors=[writer])
    explainer.takeaways = "\n".join(lines)
    explainer.save()
    failed = [c for c in readiness.failures(explainer) if c.key == "takeaways"]
    assert (not failed) == passes
    if failed:
        assert f"now {len(lines)}" in failed[0].fix


def test_fix_names_the_takeaway_that_is_too_long(writer):
    explainer = complete_explainer(authors=[writer])
    explainer.takeaways = "One.\n" + "x" * 201 + "\nThree."
    explainer.save()
    (check,) = [c for c in readiness.failures(explainer) if c.key == "takeaways"]
    assert "too long: #2" in check.fix


def test_a_quote_whose_source_was_deleted_holds_approval_up(writer):
    """A quote must say where it is from: once its cited source is deleted, it does not."""
    explainer = complete_explainer(authors=[writer])
    extra = SourceFactory(explainer=explainer, position=5)
    viewpoint = explainer.viewpoints.get()
    viewpoint.quote, viewpoint.quote_source = "Exact words.", extra
    viewpoint.save()
    assert readiness.failures(explainer) == []
    extra.delete()
    (check,) = readiness.failures(explainer)
    assert check.key == "quotes_attributed"
    assert viewpoint.stakeholder.name in check.fix


def test_a_quote_with_a_link_and_date_is_attributed(writer):
    explainer = complete_explainer(authors=[writer])
    explainer.viewpoints.update(
        quote="Exact words.", quote_url="https://example.org/x", quote_date="2026-01-02"
    )
    assert readiness.failures(explainer) == []
