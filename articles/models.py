"""The explainer content model.

An ``Explainer`` row is the *working copy* that staff edit in the admin. Readers never see it:
the public site reads ``PublishedVersion`` rows, frozen snapshots made when an editor publishes
(see ``publishing.py``). The workflow state lives on the working copy and only the functions
in ``workflow.py`` change it.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Collection
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django_fsm import FSMField, FSMModelMixin, transition

from articles import richtext
from articles.querysets import ExplainerQuerySet, PublishedVersionQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Source links must be web addresses a reader can follow; anything else (javascript:, data:,
# file:, ftp:) is refused with this message.
http_url_validator = URLValidator(
    schemes=["http", "https"],
    message="Enter a web address starting with http:// or https:// (other schemes are refused).",
)


class Topic(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True, help_text="One or two sentences for the topic page.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:topic", kwargs={"slug": self.slug})


class Stakeholder(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ORGANISATION = "organisation", "Organisation"
        GROUP = "group", "Group"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ORGANISATION)
    description = models.TextField(blank=True, help_text="Who they are, in a sentence or two.")
    aliases = models.TextField(
        blank=True,
        help_text="Other names for the same stakeholder, one per line. Imports match on these.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="stakeholder_name_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:stakeholder", kwargs={"slug": self.slug})

    @property
    def alias_list(self) -> list[str]:
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.slug:
            self.slug = unique_slug(Stakeholder, self.name, exclude_pk=self.pk)
        super().save(*args, **kwargs)


def unique_slug(model: type[models.Model], text: str, *, exclude_pk=None, max_length=200) -> str:
    """Return a slug for ``text`` that no other row of ``model`` uses, nor used before."""
    base = (slugify(text) or "item")[: max_length - 8].strip("-") or "item"
    candidate, n = base, 2
    others = model._default_manager.exclude(pk=exclude_pk) if exclude_pk else model._default_manager
    old = SlugRedirect.objects.of(model) if model in SlugRedirect.OWNERS else None
    while others.filter(slug=candidate).exists() or (
        old is not None and old.filter(slug=candidate).exists()
    ):
        candidate = f"{base}-{n}"
        n += 1
    return candidate


class SlugRedirectQuerySet(models.QuerySet):
    def of(self, model: type[models.Model]) -> SlugRedirectQuerySet:
        """Return the old slugs of ``model``'s rows (topics' or stakeholders')."""
        return self.filter(**{f"{SlugRedirect.OWNERS[model]}__isnull": False})


class SlugRedirect(models.Model):
    """An address a topic's or stakeholder's page had before an editor changed its slug.

    Published pages keep their links to the old address, so it answers with a 301 to the
    page's current one. The old slug stays reserved: were another topic (or stakeholder) to
    take it, those links would lead readers to someone else's page.
    """

    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="old_slugs"
    )
    stakeholder = models.ForeignKey(
        Stakeholder, null=True, blank=True, on_delete=models.CASCADE, related_name="old_slugs"
    )
    slug = models.SlugField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    # The field that names the owner, by the owner's model.
    OWNERS = {Topic: "topic", Stakeholder: "stakeholder"}

    objects = SlugRedirectQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(topic__isnull=False) & Q(stakeholder__isnull=True))
                | (Q(topic__isnull=True) & Q(stakeholder__isnull=False)),
                name="slug_redirect_one_owner",
            ),
            models.UniqueConstraint(
                fields=["slug"], condition=Q(topic__isnull=False), name="slug_redirect_topic"
            ),
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(stakeholder__isnull=False),
                name="slug_redirect_stakeholder",
            ),
        ]

    def __str__(self) -> str:
        return self.slug


class Explainer(FSMModelMixin, models.Model):
    """The working copy of an explainer, edited by staff."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        APPROVED = "approved", "Approved"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    # The workflow's table, written once: each move's states before and after. django-fsm's
    # transitions below and the workflow's moves (labels, comment rules, who may) read it.
    MOVES: ClassVar[dict[str, tuple[tuple[str, ...], str]]] = {
        "submit": ((State.DRAFT,), State.IN_REVIEW),
        "request_changes": ((State.IN_REVIEW, State.APPROVED), State.DRAFT),
        "approve": ((State.IN_REVIEW,), State.APPROVED),
        "publish": ((State.APPROVED,), State.PUBLISHED),
        "unpublish": ((State.PUBLISHED,), State.ARCHIVED),
        "restore": ((State.ARCHIVED,), State.DRAFT),
        # Not a button: an edit of the text sends a reviewed or published copy back to draft.
        "revise": ((State.IN_REVIEW, State.APPROVED, State.PUBLISHED), State.DRAFT),
    }

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="The last part of the page's address: /explainers/this-slug/.",
    )
    dek = models.CharField(
        "summary (dek)",
        max_length=300,
        blank=True,
        help_text="One sentence that tells the reader what this explainer answers.",
    )
    what_happened = models.TextField(blank=True)
    background = models.TextField("background & context", blank=True)
    why_it_matters = models.TextField(blank=True)

    topics = models.ManyToManyField(Topic, blank=True, related_name="explainers")
    authors: models.ManyToManyField[User, Byline] = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Byline", related_name="bylines", blank=True
    )

    hero_image = models.ImageField(upload_to="heroes/%Y/%m/", blank=True)
    hero_alt = models.CharField(
        "hero alt text",
        max_length=300,
        blank=True,
        help_text="What the image shows, for readers who cannot see it. Required with an image.",
    )
    hero_credit = models.CharField(max_length=200, blank=True)

    # Workflow. Only workflow.py moves the state; forms never see it.
    state = FSMField(
        default=State.DRAFT, choices=State.choices, protected=True, editable=False, db_index=True
    )
    change_note = models.CharField(
        max_length=300,
        blank=True,
        help_text="What changed in this revision (required when republishing).",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="review_assignments",
        editable=False,
        help_text="The fact-checker asked to review this explainer.",
    )
    review_due = models.DateField(null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Fingerprint of the content an approval was given to; publishing checks it still matches.
    approved_digest = models.CharField(max_length=64, blank=True, editable=False)

    # Optimistic locking: every save through the admin bumps it; a form built on an older
    # value is refused (see admin.py).
    lock_version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = ExplainerQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["state", "-updated_at"], name="explainer_state_updated"),
        ]
        permissions = [
            ("submit_explainer", "Can submit an explainer for review"),
            ("check_facts", "Can record fact checks on key facts"),
            ("approve_explainer", "Can approve an explainer"),
            ("request_changes_explainer", "Can send an explainer back to its authors"),
            ("publish_explainer", "Can publish, schedule, unpublish and restore explainers"),
            ("assign_explainer", "Can assign a review to a fact-checker"),
            ("edit_any_explainer", "Can edit explainers they are not an author of"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("articles:explainer", kwargs={"slug": self.slug})

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Derived from this row only: the stored sections are always sanitised.
        for field in ("what_happened", "background", "why_it_matters"):
            setattr(self, field, richtext.sanitize(getattr(self, field)))
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.hero_image and not self.hero_alt.strip():
            raise ValidationError({"hero_alt": "Describe the hero image for screen readers."})

    # State moves, declared for django-fsm from the table above. Checks, audit rows and side
    # effects live in the workflow package, which is the only caller.
    @transition(field=state, source=MOVES["submit"][0], target=MOVES["submit"][1])
    def _submit(self) -> None:
        pass

    @transition(field=state, source=MOVES["request_changes"][0], target=MOVES["request_changes"][1])
    def _request_changes(self) -> None:
        pass

    @transition(field=state, source=MOVES["approve"][0], target=MOVES["approve"][1])
    def _approve(self) -> None:
        pass

    @transition(field=state, source=MOVES["publish"][0], target=MOVES["publish"][1])
    def _publish(self) -> None:
        pass

    @transition(field=state, source=MOVES["unpublish"][0], target=MOVES["unpublish"][1])
    def _unpublish(self) -> None:
        pass

    @transition(field=state, source=MOVES["restore"][0], target=MOVES["restore"][1])
    def _restore(self) -> None:
        pass

    @transition(field=state, source=MOVES["revise"][0], target=MOVES["revise"][1])
    def _revise(self) -> None:
        """An edit of the text sends a reviewed or published working copy back to draft."""


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
    text = models.TextField("viewpoint")

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["explainer", "stakeholder"],
                name="viewpoint_one_per_stakeholder",
                violation_error_message="This stakeholder already has a viewpoint here.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stakeholder}: {self.text[:60]}"


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
                condition=~Q(precision="month") | Q(date__day=1),
                name="timeline_month_precision_first_day",
            ),
            models.CheckConstraint(
                condition=~Q(precision="year") | (Q(date__day=1) & Q(date__month=1)),
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


class Transition(models.Model):
    """One workflow move: append-only audit trail."""

    explainer = models.ForeignKey(Explainer, on_delete=models.CASCADE, related_name="transitions")
    name = models.CharField(max_length=30)
    from_state = models.CharField(max_length=20)
    to_state = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        get_latest_by = "at"

    def __str__(self) -> str:
        return f"{self.name}: {self.from_state} → {self.to_state}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValidationError("Transition records are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ValidationError("Transition records are append-only.")


class PublishedVersion(models.Model):
    """A frozen, render-ready snapshot of an explainer: what readers see.

    A version is live while ``go_live_at <= now < ends_at`` (``ends_at`` empty: no end). The
    filter is applied at query time, so scheduled go-live and expiry need no worker.
    """

    explainer = models.ForeignKey(Explainer, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    slug = models.SlugField(max_length=200)
    title = models.CharField(max_length=200)
    dek = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    change_note = models.CharField(max_length=300, blank=True)
    go_live_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField(null=True, blank=True, db_index=True)
    first_published_at = models.DateTimeField(
        help_text="When the explainer first went live (JSON-LD datePublished)."
    )
    # The whole explainer as plain data: for diffs, re-rendering and exports.
    data = models.JSONField(default=dict)
    # Rendered at publish time so that serving a page costs one query.
    body_html = models.TextField(blank=True)
    head_html = models.TextField(blank=True)
    # The version's card on list pages (home, topic, stakeholder, author), rendered with it.
    card_html = models.TextField(blank=True)
    search_text = models.TextField(blank=True)
    # PostgreSQL full-text vector (title A, dek B, the rest C), GIN-indexed by a migration
    # that runs on PostgreSQL only. Unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = PublishedVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-go_live_at", "-number"]
        get_latest_by = "go_live_at"
        constraints = [
            models.UniqueConstraint(
                fields=["explainer", "number"], name="version_number_unique_per_explainer"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=F("go_live_at")),
                name="version_ends_after_go_live",
            ),
        ]
        indexes = [
            models.Index(fields=["slug", "-go_live_at"], name="version_slug_live"),
            # Lists and feeds (newest first publication first, LIMIT n) walk this index and
            # stop early, instead of sorting every live row with its JSON (docs/performance.md).
            models.Index(fields=["-first_published_at", "-id"], name="version_first_published"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"

    def get_absolute_url(self) -> str:
        return reverse("articles:explainer", kwargs={"slug": self.slug})

    def is_live(self, at: datetime.datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.go_live_at <= at and (self.ends_at is None or at < self.ends_at)


class ListEntry(models.Model):
    """A version's place on one public list: a topic's, a stakeholder's or an author's page.

    The one record of which lists a version is on. Written when the version is frozen, one
    row for each of the topics, stakeholders and authors in its ``data``, with copies of the
    version's times: the list's order (``first_published_at``) and its liveness
    (``go_live_at``/``ends_at``, kept in step by ``publishing.end_version``), so that one
    index gives a list in order. The cards shown come from the versions, checked for
    liveness again (``public.list_cards``).
    """

    class Kind(models.TextChoices):
        TOPIC = "topic", "topic"
        STAKEHOLDER = "stakeholder", "stakeholder"
        AUTHOR = "author", "author"

    version = models.ForeignKey(
        PublishedVersion, on_delete=models.CASCADE, related_name="list_entries"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # The id of the topic, stakeholder or author (a user), as frozen in the version's data.
    key = models.IntegerField()
    first_published_at = models.DateTimeField()
    go_live_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key", "version"], name="list_entry_unique"),
        ]
        indexes = [
            # Newest first, with the times that decide liveness in the index itself, so that
            # PostgreSQL counts a list from the index alone.
            models.Index(
                fields=["kind", "key", "-first_published_at", "-version"],
                include=["go_live_at", "ends_at"],
                name="list_entry_newest",
            ),
            models.Index(fields=["version"], name="list_entry_version"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}: version {self.version_id}"

    @classmethod
    def for_version(cls, version: PublishedVersion) -> list[ListEntry]:
        """Return the unsaved rows of a saved version, from the topics, stakeholders and
        authors frozen in its ``data``."""
        data = version.data or {}
        keys = {
            cls.Kind.TOPIC: [topic["id"] for topic in data.get("topics") or []],
            cls.Kind.STAKEHOLDER: [v["stakeholder"]["id"] for v in data.get("viewpoints") or []],
            cls.Kind.AUTHOR: [author["id"] for author in data.get("authors") or []],
        }
        return [
            cls(
                version_id=version.pk,
                kind=kind,
                key=key,
                first_published_at=version.first_published_at,
                go_live_at=version.go_live_at,
                ends_at=version.ends_at,
            )
            for kind, ids in keys.items()
            for key in dict.fromkeys(ids)
        ]


def period_end(day: datetime.date, precision: str) -> datetime.date:
    """Return the last day of the period a dated event stands for."""
    if precision == "year":
        return day.replace(month=12, day=31)
    if precision == "month":
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return day


class WatchItem(models.Model):
    """An upcoming or watch event of a published version, copied out of its frozen ``data``.

    Written once when the version is frozen and never edited, so it is exactly as public as
    its version: ``/watch/``, ``/watch.ics`` and the home page read these rows (filtered by the
    version's liveness, sorted and limited by the database) instead of every version's JSON.
    """

    KINDS = (TimelineEvent.Kind.UPCOMING, TimelineEvent.Kind.WATCH)

    version = models.ForeignKey(
        PublishedVersion, on_delete=models.CASCADE, related_name="watch_items"
    )
    explainer = models.ForeignKey(Explainer, on_delete=models.CASCADE, related_name="+")
    date = models.DateField(null=True, blank=True)
    precision = models.CharField(max_length=5, choices=TimelineEvent.Precision.choices, blank=True)
    kind = models.CharField(max_length=10, choices=TimelineEvent.Kind.choices)
    text = models.TextField()
    # Last day of the period the date stands for (null when undated): an item is listed until
    # then, and lists sort by it.
    period_end = models.DateField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    # The version's title, copied like the rest (a version never changes): lists sort by it
    # after the date, and one index then gives them in order (``public.watch_items``).
    title = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = [F("period_end").asc(nulls_last=True), "date", "position", "pk"]
        indexes = [
            models.Index(fields=["period_end", "date", "title"], name="watch_item_order"),
            models.Index(fields=["version"], name="watch_item_version"),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @classmethod
    def from_timeline(
        cls, version_id: int, explainer_id: int, timeline: list[dict[str, Any]], title: str = ""
    ) -> list[WatchItem]:
        """Return the unsaved rows for the upcoming and watch events of a frozen timeline."""
        rows = []
        for position, event in enumerate(timeline or []):
            if event.get("kind") not in cls.KINDS:
                continue
            day = datetime.date.fromisoformat(event["date"]) if event.get("date") else None
            precision = event.get("precision") or ""
            rows.append(
                cls(
                    version_id=version_id,
                    explainer_id=explainer_id,
                    date=day,
                    precision=precision,
                    kind=event["kind"],
                    text=event.get("text", ""),
                    period_end=period_end(day, precision or "day") if day else None,
                    position=position,
                    title=title,
                )
            )
        return rows
