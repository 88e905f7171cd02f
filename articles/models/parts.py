"""The parts of an explainer: bylines, sources, facts, viewpoints, timeline, corrections, links."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Cast, ExtractDay, ExtractMonth
from django.db.models.lookups import Exact
from django.utils import timezone

from articles.models.entities import Stakeholder
from articles.models.explainer import Explainer

# Source links must be web addresses a reader can follow; anything else (javascript:, data:,
# file:, ftp:) is refused with this message.
http_url_validator = URLValidator(
    schemes=["http", "https"],
    message="Enter a web address starting with http:// or https:// (other schemes are refused).",
)


class Byline(models.Model):
    explainer = models.ForeignKey(Explainer, on_delete=models.CASCADE, related_name="byline_set")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="byline_set"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["explainer", "author"], name="byline_unique_author"),
        ]

    def __str__(self) -> str:
        return self.author.get_full_name() or self.author.get_username()


class Source(models.Model):
    class Kind(models.TextChoices):
        DOCUMENT = "document", "Document"
        REPORT = "report", "Report"
        INTERVIEW = "interview", "Interview"
        DATA = "data", "Data"
        OTHER = "other", "Other"

    explainer = models.ForeignKey(Explainer, on_delete=models.CASCADE, related_name="sources")
    position = models.PositiveSmallIntegerField(default=0)
    citation = models.CharField(max_length=1000, help_text="How readers should see the source.")
    publisher = models.CharField(max_length=200, blank=True)
    # A CharField, not a URLField, so that the one message about schemes is what editors see.
    url = models.CharField("URL", max_length=2000, blank=True, validators=[http_url_validator])
    published_on = models.DateField(null=True, blank=True)
    accessed_on = models.DateField(null=True, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(url="") | Q(url__startswith="http://") | Q(url__startswith="https://"),
                name="source_url_http_only",
                violation_error_message="Source links must start with http:// or https://.",
            ),
        ]

    def __str__(self) -> str:
        return self.citation[:80]


class KeyFact(models.Model):
    class Check(models.TextChoices):
        UNCHECKED = "unchecked", "Unchecked"
        VERIFIED = "verified", "Verified"
        DISPUTED = "disputed", "Disputed"

    explainer = models.ForeignKey(Explainer, on_delete=models.CASCADE, related_name="key_facts")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField()
    sources = models.ManyToManyField(Source, blank=True, related_name="key_facts")
    check_status = models.CharField(
        "check", max_length=20, choices=Check.choices, default=Check.UNCHECKED, db_index=True
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    check_note = models.TextField(blank=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(check_status="unchecked")
                | (Q(checked_by__isnull=False) & Q(checked_at__isnull=False)),
                name="keyfact_checked_has_checker",
                violation_error_message="A checked fact records who checked it and when.",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Viewpoint(models.Model):
    explainer = models.ForeignKey(Explainer, on_delete=models.CASCADE, related_name="viewpoints")
    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.PROTECT, related_name="viewpoints"
    )
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(
        "viewpoint", help_text="The stakeholder's position, in our words (readers see it so)."
    )
    # A direct quote, optional, with where it was said: one of this explainer's sources, or a
    # link of its own and the date. Readers see it marked as a quote, apart from the paraphrase.
    quote = models.TextField(
        blank=True, help_text="Their exact words, without quotation marks (optional)."
    )
    quote_source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The source of the quote, if it is one of this explainer's sources.",
    )
    quote_url = models.CharField(
        "quote link",
        max_length=2000,
        blank=True,
        validators=[http_url_validator],
        help_text="Otherwise, where the quote was said or published…",
    )
    quote_date = models.DateField("quote date", null=True, blank=True, help_text="…and when.")

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["explainer", "stakeholder"],
                name="viewpoint_one_per_stakeholder",
                violation_error_message="This stakeholder already has a viewpoint here.",
            ),
            models.CheckConstraint(
                condition=Q(quote_url="")
                | Q(quote_url__startswith="http://")
                | Q(quote_url__startswith="https://"),
                name="viewpoint_quote_url_http_only",
                violation_error_message="Quote links must start with http:// or https://.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stakeholder}: {self.text[:60]}"

    def clean(self) -> None:
        self.quote = self.quote.strip()
        if not self.quote:
            if self.quote_source_id or self.quote_url or self.quote_date:
                raise ValidationError({"quote": "Give the quote, or clear where it is from."})
            return
        if self.quote_source_id is not None:
            if self.quote_url or self.quote_date:
                raise ValidationError(
                    {"quote_url": "Cite a source or give a link and date, not both."}
                )
            source = self.quote_source
            if source is not None and source.explainer_id != self.explainer_id:
                raise ValidationError(
                    {"quote_source": "Choose one of this explainer's own sources."}
                )
        elif not (self.quote_url and self.quote_date):
            raise ValidationError(
                {
                    "quote_source": "Say where the quote is from: one of the sources, or a link "
                    "and the date it was said."
                }
            )


# The day and month of a timeline event's date, read through an explicit cast to date. When
# Django validates an undated event it evaluates the check constraints with the date replaced
# by a bare NULL, and PostgreSQL refuses to extract a day from a NULL of unknown type (Django
# then logs "Got a database error calling check()" and skips the check). A typed NULL gives a
# NULL day, which the condition accepts exactly as the database does. On a real column the
# cast changes nothing.
_event_day = ExtractDay(Cast("date", models.DateField()))
_event_month = ExtractMonth(Cast("date", models.DateField()))


class TimelineEvent(models.Model):
    class Precision(models.TextChoices):
        DAY = "day", "Day"
        MONTH = "month", "Month"
        YEAR = "year", "Year"
        NONE = "", "No date"

    class Kind(models.TextChoices):
        PAST = "past", "Past event"
        UPCOMING = "upcoming", "Upcoming event"
        WATCH = "watch", "Item to watch"

    explainer = models.ForeignKey(Explainer, on_delete=models.CASCADE, related_name="timeline")
    position = models.PositiveSmallIntegerField(default=0)
    date = models.DateField(
        null=True,
        blank=True,
        help_text="For month or year precision, any day in that month or year; it is stored "
        "as the first day.",
    )
    precision = models.CharField(max_length=5, choices=Precision.choices, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PAST)
    text = models.TextField()
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = [F("date").asc(nulls_last=True), "position", "pk"]
        indexes = [models.Index(fields=["kind", "date"], name="timeline_kind_date")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(date__isnull=True) & Q(precision=""))
                | (Q(date__isnull=False) & Q(precision__in=["day", "month", "year"])),
                name="timeline_date_matches_precision",
                violation_error_message="A dated event needs a precision; an undated one none.",
            ),
            models.CheckConstraint(
                condition=~Q(precision="month") | Q(Exact(_event_day, 1)),
                name="timeline_month_precision_first_day",
            ),
            models.CheckConstraint(
                condition=~Q(precision="year") | Q(Exact(_event_day, 1), Exact(_event_month, 1)),
                name="timeline_year_precision_first_day",
            ),
            models.CheckConstraint(
                condition=~Q(kind="past") | Q(date__isnull=False),
                name="timeline_past_event_dated",
                violation_error_message="A past event needs a date.",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        errors: dict = {}
        try:
            super().clean_fields(exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        # Checked with the fields rather than in clean(): a form that could not read the date
        # leaves it out (``exclude``), and has told the editor so already.
        if self.kind == self.Kind.PAST and not self.date and "date" not in (exclude or ()):
            errors.setdefault("date", []).append("A past event needs a date.")
        if errors:
            raise ValidationError(errors)

    def clean(self) -> None:
        if self.date and not self.precision:
            self.precision = self.Precision.DAY
        if not self.date:
            self.precision = self.Precision.NONE
        self.normalise_date()

    def normalise_date(self) -> None:
        """Store month- and year-precision dates as the first day of their period."""
        if self.date and self.precision == self.Precision.MONTH:
            self.date = self.date.replace(day=1)
        elif self.date and self.precision == self.Precision.YEAR:
            self.date = self.date.replace(month=1, day=1)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.normalise_date()
        super().save(*args, **kwargs)


class Correction(models.Model):
    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        CLARIFICATION = "clarification", "Clarification"
        UPDATE = "update", "Update"

    explainer = models.ForeignKey(Explainer, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CORRECTION)
    text = models.TextField(help_text="What was wrong or changed, as readers will read it.")
    dated = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["-dated", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.dated})"


class RelatedLink(models.Model):
    """An "Up next" link; ``target`` may be empty while the related title is not written yet."""

    explainer = models.ForeignKey(Explainer, on_delete=models.CASCADE, related_name="related_links")
    position = models.PositiveSmallIntegerField(default=0)
    # Deleting the target deletes the link: a link with neither target nor title is invalid.
    target = models.ForeignKey(
        Explainer, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(
        max_length=200, blank=True, help_text="Kept when the related explainer does not exist yet."
    )

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target__isnull=False) | ~Q(title=""),
                name="related_has_target_or_title",
                violation_error_message="Choose an explainer or give a title.",
            ),
            models.CheckConstraint(
                condition=~Q(target=F("explainer")),
                name="related_not_self",
                violation_error_message="An explainer cannot be related to itself.",
            ),
        ]

    def __str__(self) -> str:
        return self.target.title if self.target is not None else self.title
