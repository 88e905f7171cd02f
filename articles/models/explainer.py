"""The explainer working copy: the row staff edit and the workflow moves."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django_fsm import FSMField, FSMModelMixin, transition

from articles import richtext
from articles.models.entities import Topic
from articles.querysets import ExplainerQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from articles.models.parts import Byline


TAKEAWAY_MAX_CHARS = 200
TAKEAWAYS_MIN, TAKEAWAYS_MAX = 3, 5


def takeaway_lines(text: str) -> list[str]:
    """Return the takeaways in ``text``: its non-blank lines, whitespace-normalised."""
    return [" ".join(line.split()) for line in (text or "").splitlines() if line.strip()]


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
        # While a version is scheduled: call it off (the approved text waits to be scheduled
        # again), or move its go-live time.
        "cancel_schedule": ((State.PUBLISHED,), State.APPROVED),
        "reschedule": ((State.PUBLISHED,), State.PUBLISHED),
        "restore": ((State.ARCHIVED,), State.DRAFT),
        # Not a button: an edit of the text sends a reviewed or published copy back to draft.
        "revise": ((State.IN_REVIEW, State.APPROVED, State.PUBLISHED), State.DRAFT),
    }
    # The fields the workflow's moves own: no form writes them and no revert restores them.
    WORKFLOW_FIELDS: ClassVar[tuple[str, ...]] = (
        "state",
        "submitted_by",
        "assignee",
        "review_due",
        "approved_by",
        "approved_at",
        "approved_digest",
        # The edit lock (articles/workflow/locks.py): taken and given up, never saved by a form.
        "locked_by",
        "locked_at",
        "lock_expires_at",
    )

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
    # "What to know": three to five short takeaways, one a line, in order (readiness counts
    # them). A plain text field rather than rows: its history is the explainer's own.
    takeaways = models.TextField(
        "what to know",
        blank=True,
        help_text=f"Three to five short takeaways, one a line, each at most "
        f"{TAKEAWAY_MAX_CHARS} characters of plain text. Readers see them first.",
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
    hero_caption = models.CharField(
        max_length=500, blank=True, help_text="Shown under the image: what readers should see."
    )
    hero_credit = models.CharField(max_length=200, blank=True)
    # The point of the image that every crop keeps (the og:image, the page's wide crop), as
    # percentages of its width and height from the top left corner.
    hero_focal_x = models.PositiveSmallIntegerField(
        "focal point, across (%)",
        default=50,
        validators=[MaxValueValidator(100)],
        help_text="0 is the left edge, 100 the right edge. Crops keep this point in view.",
    )
    hero_focal_y = models.PositiveSmallIntegerField(
        "focal point, down (%)",
        default=50,
        validators=[MaxValueValidator(100)],
        help_text="0 is the top edge, 100 the bottom edge.",
    )

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

    # The edit lock: an editor takes the explainer for themself for a while and everyone else
    # sees it read-only. A lock past lock_expires_at is no lock (nothing clears it).
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    locked_at = models.DateTimeField(null=True, blank=True, editable=False)
    lock_expires_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ExplainerQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["state", "-updated_at"], name="explainer_state_updated"),
        ]
        constraints = [
            # A lock has both a start and an end, or neither.
            models.CheckConstraint(
                condition=models.Q(locked_at__isnull=True, lock_expires_at__isnull=True)
                | models.Q(locked_at__isnull=False, lock_expires_at__isnull=False),
                name="explainer_lock_has_start_and_end",
            ),
        ]
        permissions = [
            ("submit_explainer", "Can submit an explainer for review"),
            ("check_facts", "Can record fact checks on key facts"),
            ("approve_explainer", "Can approve an explainer"),
            ("request_changes_explainer", "Can send an explainer back to its authors"),
            ("publish_explainer", "Can publish, schedule, unpublish and restore explainers"),
            ("assign_explainer", "Can assign a review to a fact-checker"),
            ("edit_any_explainer", "Can edit explainers they are not an author of"),
            ("share_explainer", "Can make and withdraw share links to the working copy"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("articles:explainer", kwargs={"slug": self.slug})

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Derived from this row only: the stored sections are always sanitised, and spelt as
        # the desk's form spells them, so that a form sent back unedited changes nothing.
        for field in ("what_happened", "background", "why_it_matters"):
            setattr(self, field, richtext.normalise(getattr(self, field)))
        self.takeaways = "\n".join(takeaway_lines(self.takeaways))
        super().save(*args, **kwargs)

    def lock_active(self, at: datetime | None = None) -> bool:
        """Return True if someone holds the edit lock at ``at`` (now by default)."""
        at = at or timezone.now()
        return self.lock_expires_at is not None and self.lock_expires_at > at

    def locked_for(self, user: Any, at: datetime | None = None) -> bool:
        """Return True if the edit lock is held by someone other than ``user``."""
        return self.lock_active(at) and self.locked_by_id != getattr(user, "pk", None)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.hero_image and not self.hero_alt.strip():
            errors["hero_alt"] = "Describe the hero image for screen readers."
        long = [
            n
            for n, line in enumerate(takeaway_lines(self.takeaways), 1)
            if len(line) > TAKEAWAY_MAX_CHARS
        ]
        if long:
            numbers = ", ".join(map(str, long))
            errors["takeaways"] = (
                f"Keep each takeaway to {TAKEAWAY_MAX_CHARS} characters or fewer "
                f"(too long: line {numbers})."
            )
        if errors:
            raise ValidationError(errors)

    def takeaway_list(self) -> list[str]:
        """Return the "What to know" takeaways, in order."""
        return takeaway_lines(self.takeaways)

    # State moves, declared for django-fsm from the table above (fsm_<verb>). Checks, audit
    # rows and side effects live in the workflow and publishing moves, their only callers.
    @transition(field=state, source=MOVES["submit"][0], target=MOVES["submit"][1])
    def fsm_submit(self) -> None:
        pass

    @transition(field=state, source=MOVES["request_changes"][0], target=MOVES["request_changes"][1])
    def fsm_request_changes(self) -> None:
        pass

    @transition(field=state, source=MOVES["approve"][0], target=MOVES["approve"][1])
    def fsm_approve(self) -> None:
        pass

    @transition(field=state, source=MOVES["publish"][0], target=MOVES["publish"][1])
    def fsm_publish(self) -> None:
        pass

    @transition(field=state, source=MOVES["unpublish"][0], target=MOVES["unpublish"][1])
    def fsm_unpublish(self) -> None:
        pass

    @transition(field=state, source=MOVES["cancel_schedule"][0], target=MOVES["cancel_schedule"][1])
    def fsm_cancel_schedule(self) -> None:
        pass

    @transition(field=state, source=MOVES["reschedule"][0], target=MOVES["reschedule"][1])
    def fsm_reschedule(self) -> None:
        pass

    @transition(field=state, source=MOVES["restore"][0], target=MOVES["restore"][1])
    def fsm_restore(self) -> None:
        pass

    @transition(field=state, source=MOVES["revise"][0], target=MOVES["revise"][1])
    def fsm_revise(self) -> None:
        """An edit of the text sends a reviewed or published working copy back to draft."""
