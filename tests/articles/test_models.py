"""Database constraints and validation of the content model."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from articles.models import (
    Explainer,
    KeyFact,
    RelatedLink,
    Source,
    Stakeholder,
    TimelineEvent,
    Topic,
    Transition,
)
from tests import factories
from tests.factories import (
    ExplainerFactory,
    SourceFactory,
    StakeholderFactory,
    TimelineEventFactory,
    TopicFactory,
    UserFactory,
    ViewpointFactory,
)

pytestmark = pytest.mark.django_db


def _violates(create) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_explainer_slug_is_unique():
    """Two explainers cannot share a slug."""
    ExplainerFactory(slug="same")
    _violates(lambda: ExplainerFactory(slug="same"))


def test_topic_slug_is_unique():
    """Two topics cannot share a slug."""
    TopicFactory(slug="science")
    _violates(lambda: Topic.objects.create(name="Other", slug="science"))


def test_stakeholder_name_is_unique_ignoring_case():
    """'City Council' and 'city council' are the same stakeholder."""
    StakeholderFactory(name="City Council")
    _violates(lambda: Stakeholder.objects.create(name="city council", slug="cc-2"))


def test_stakeholder_slug_is_generated():
    """A stakeholder saved without a slug gets a unique one from its name."""
    Stakeholder.objects.create(name="Water Board", slug="water-board")
    other = Stakeholder(name="Water  Board!")
    other.save()
    assert other.slug == "water-board-2"


def test_one_viewpoint_per_stakeholder_per_explainer():
    """A stakeholder speaks once per explainer."""
    viewpoint = ViewpointFactory()
    _violates(
        lambda: ViewpointFactory(explainer=viewpoint.explainer, stakeholder=viewpoint.stakeholder)
    )


def test_same_stakeholder_in_two_explainers_is_fine():
    """The uniqueness is per explainer, not global."""
    viewpoint = ViewpointFactory()
    ViewpointFactory(stakeholder=viewpoint.stakeholder)
    assert viewpoint.stakeholder.viewpoints.count() == 2


@pytest.mark.parametrize(
    ("date", "precision"),
    [
        (None, "day"),
        (datetime.date(2025, 1, 5), ""),
    ],
)
def test_timeline_date_and_precision_must_agree(date, precision):
    """A dated event has a precision and an undated one has none."""
    explainer = ExplainerFactory()
    _violates(
        lambda: TimelineEvent.objects.bulk_create(
            [
                TimelineEvent(
                    explainer=explainer, date=date, precision=precision, kind="watch", text="x"
                )
            ]
        )
    )


def test_month_precision_date_is_stored_as_first_day():
    """Saving 'March 2026' keeps the month and drops the day."""
    event = TimelineEventFactory(date=datetime.date(2026, 3, 17), precision="month")
    event.refresh_from_db()
    assert event.date == datetime.date(2026, 3, 1)


def test_year_precision_date_is_stored_as_first_of_january():
    """Saving '2027' keeps the year only."""
    event = TimelineEventFactory(date=datetime.date(2027, 8, 9), precision="year", kind="upcoming")
    event.refresh_from_db()
    assert event.date == datetime.date(2027, 1, 1)


def test_database_refuses_month_precision_on_other_days():
    """Rows written around save() still cannot break the precision rule."""
    explainer = ExplainerFactory()
    _violates(
        lambda: TimelineEvent.objects.bulk_create(
            [
                TimelineEvent(
                    explainer=explainer,
                    date=datetime.date(2026, 3, 17),
                    precision="month",
                    kind="past",
                    text="x",
                )
            ]
        )
    )


def test_database_refuses_year_precision_off_new_year():
    """A year-precision date must be the first of January, in the database too."""
    explainer = ExplainerFactory()
    _violates(
        lambda: TimelineEvent.objects.bulk_create(
            [
                TimelineEvent(
                    explainer=explainer,
                    date=datetime.date(2026, 3, 1),
                    precision="year",
                    kind="past",
                    text="x",
                )
            ]
        )
    )


@pytest.mark.parametrize(
    ("date", "precision", "kind", "message"),
    [
        (datetime.date(2026, 3, 17), "month", "past", "timeline_month_precision_first_day"),
        (datetime.date(2026, 3, 1), "year", "past", "timeline_year_precision_first_day"),
        (None, "", "past", "A past event needs a date."),
        (None, "day", "watch", "A dated event needs a precision"),
        (datetime.date(2026, 3, 1), "", "upcoming", "A dated event needs a precision"),
    ],
)
def test_timeline_constraints_are_validated_by_django(date, precision, kind, message):
    """Model validation refuses each row the timeline's check constraints refuse."""
    event = TimelineEvent(
        explainer=ExplainerFactory(), date=date, precision=precision, kind=kind, text="x"
    )
    with pytest.raises(ValidationError) as error:
        event.validate_constraints()
    assert message in str(error.value)


@pytest.mark.parametrize("kind", ["watch", "upcoming"])
def test_undated_watch_and_upcoming_items_pass_validation(kind):
    """An undated item to watch or upcoming event breaks no constraint."""
    event = TimelineEvent(explainer=ExplainerFactory(), precision="", kind=kind, text="x")
    event.validate_constraints()


def test_past_event_needs_a_date():
    """An undated event can only be something to watch or upcoming."""
    explainer = ExplainerFactory()
    event = TimelineEvent(explainer=explainer, kind="past", text="Something")
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "date" in error.value.message_dict


def test_timeline_orders_by_date_with_undated_last():
    """Dated items come in date order; watch items without a date follow."""
    explainer = ExplainerFactory()
    TimelineEventFactory(explainer=explainer, date=None, precision="", kind="watch", position=0)
    late = TimelineEventFactory(explainer=explainer, date=datetime.date(2026, 5, 1), position=1)
    early = TimelineEventFactory(explainer=explainer, date=datetime.date(2024, 5, 1), position=2)
    assert list(explainer.timeline.all())[:2] == [early, late]


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://files.example.org/report.pdf",
        "file:///etc/passwd",
        "vbscript:msgbox(1)",
        "mailto:desk@example.org",
    ],
)
def test_source_url_refuses_other_schemes(url):
    """Only http and https links pass validation, with a message that says so."""
    source = SourceFactory.build(explainer=ExplainerFactory(), url=url)
    with pytest.raises(ValidationError) as error:
        source.full_clean()
    assert "http:// or https://" in " ".join(error.value.message_dict["url"])


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "ftp://x.example/"])
def test_database_refuses_non_http_source_urls(url):
    """The check constraint holds even for rows written around validation."""
    explainer = ExplainerFactory()
    _violates(
        lambda: Source.objects.bulk_create([Source(explainer=explainer, citation="c", url=url)])
    )


@pytest.mark.parametrize("url", ["https://example.org/report", "http://example.org/a?b=c", ""])
def test_source_url_accepts_http_https_and_empty(url):
    """Web links and no link at all are both fine."""
    SourceFactory.build(explainer=ExplainerFactory(), url=url).full_clean()


def test_checked_fact_must_name_checker():
    """A verified or disputed fact records who checked it and when."""
    explainer = ExplainerFactory()
    _violates(
        lambda: KeyFact.objects.create(explainer=explainer, text="x", check_status="verified")
    )


def test_checked_fact_with_checker_is_fine():
    """With a checker and a time the constraint is satisfied."""
    from django.utils import timezone

    fact = KeyFact.objects.create(
        explainer=ExplainerFactory(),
        text="x",
        check_status="disputed",
        checked_by=UserFactory(),
        checked_at=timezone.now(),
    )
    assert fact.get_check_status_display() == "Disputed"


def test_related_link_needs_target_or_title():
    """An empty "Up next" row is refused."""
    explainer = ExplainerFactory()
    _violates(lambda: RelatedLink.objects.create(explainer=explainer))


def test_related_link_cannot_point_to_itself():
    """An explainer is not its own "Up next"."""
    explainer = ExplainerFactory()
    _violates(lambda: RelatedLink.objects.create(explainer=explainer, target=explainer))


def test_hero_image_requires_alt_text():
    """An image without a description fails validation on the alt field."""
    explainer = ExplainerFactory.build(hero_image="heroes/x.jpg", hero_alt=" ")
    with pytest.raises(ValidationError) as error:
        explainer.clean()
    assert "hero_alt" in error.value.message_dict


def test_state_cannot_be_assigned_directly():
    """The workflow state is protected: only transitions move it."""
    explainer = ExplainerFactory()
    with pytest.raises(AttributeError):
        explainer.state = Explainer.State.PUBLISHED


def test_transition_rows_are_append_only():
    """An audit row can be written once and never changed or deleted."""
    row = Transition.objects.create(
        explainer=ExplainerFactory(), name="submit", from_state="draft", to_state="in_review"
    )
    row.comment = "rewritten"
    with pytest.raises(ValidationError):
        row.save()
    with pytest.raises(ValidationError):
        row.delete()


@pytest.mark.parametrize(
    ("obj_factory", "expected"),
    [
        (lambda: TopicFactory(name="Energy"), "Energy"),
        (lambda: StakeholderFactory(name="Port Authority"), "Port Authority"),
        (lambda: ExplainerFactory(title="Why the bridge closed"), "Why the bridge closed"),
    ],
)
def test_str(obj_factory, expected):
    """Objects read as their names in the admin."""
    assert str(obj_factory()) == expected


# --- Takeaways and quotes -----------------------------------------------------------------------


def test_takeaways_are_stored_one_a_line_without_blank_lines(db):
    explainer = factories.ExplainerFactory(takeaways="  One.\r\n\r\nTwo   words.\n\nThree.  ")
    explainer.refresh_from_db()
    assert explainer.takeaways == "One.\nTwo words.\nThree."


def test_a_takeaway_over_the_limit_is_refused_by_line(db):
    explainer = factories.ExplainerFactory()
    explainer.takeaways = "Short.\n" + "x" * 201
    with pytest.raises(ValidationError) as caught:
        explainer.clean()
    assert "too long: line 2" in str(caught.value.message_dict["takeaways"])


@pytest.mark.parametrize(
    ("fields", "field_in_error"),
    [
        ({"quote_url": "https://example.org/x"}, "quote"),
        ({"quote": "Words."}, "quote_source"),
        ({"quote": "Words.", "quote_url": "https://example.org/x"}, "quote_source"),
        (
            {"quote": "Words.", "quote_url": "javascript:alert(1)", "quote_date": "2026-01-01"},
            "quote_url",
        ),
    ],
)
def test_a_quote_needs_words_and_where_they_are_from(db, fields, field_in_error):
    viewpoint = factories.ViewpointFactory()
    for name, value in fields.items():
        setattr(viewpoint, name, value)
    with pytest.raises(ValidationError) as caught:
        viewpoint.full_clean()
    assert field_in_error in caught.value.message_dict


def test_a_quote_may_not_cite_another_explainers_source(db):
    viewpoint = factories.ViewpointFactory(quote="Words.")
    viewpoint.quote_source = factories.SourceFactory()  # of another explainer
    with pytest.raises(ValidationError) as caught:
        viewpoint.full_clean()
    assert "quote_source" in caught.value.message_dict


def test_a_quote_citing_its_own_source_is_valid(db):
    viewpoint = factories.ViewpointFactory(quote="Words.")
    viewpoint.quote_source = factories.SourceFactory(explainer=viewpoint.explainer)
    viewpoint.full_clean()
