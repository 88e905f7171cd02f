"""Claim ratings: a fact-checker's verdict on a claim a stakeholder makes in their viewpoint.

The verdicts come from the newsroom's own rating scale (``RatingValue``), which editors keep in
the admin. A rating is part of the explainer's content: it is frozen with the version readers
get and published as schema.org ``ClaimReview``. Like a key fact, it needs a second pair of
eyes: someone other than the fact-checker who rated it must check it before approval.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from articles.models.entities import Stakeholder
from articles.models.explainer import Explainer
from articles.models.parts import Source, Viewpoint, http_url_validator

# The scale a newsroom starts with (migration 0029 keeps its own copy, as migrations do); editors
# rename, add or remove values in the admin.
STARTING_SCALE = (
    ("Accurate", 4, "The claim is correct and nothing important is left out."),
    ("Unproven", 3, "The evidence available can neither confirm nor refute the claim."),
    ("Misleading", 2, "Partly correct, but it leaves out or distorts what changes its meaning."),
    ("False", 1, "The claim is wrong."),
)


class RatingValue(models.Model):
    """One verdict of the newsroom's rating scale; the scale is every value there is."""

    name = models.CharField(
        max_length=60, unique=True, help_text="The verdict as readers see it: “Misleading”."
    )
    value = models.PositiveSmallIntegerField(
        unique=True,
        help_text="Its place on the scale as a number: the highest is the best verdict "
        "(“Accurate”), the lowest the worst (“False”). Search engines read these numbers.",
    )
    description = models.CharField(
        max_length=300,
        blank=True,
        help_text="What the verdict means, for fact-checkers choosing one.",
    )

    class Meta:
        ordering = ["-value"]
        verbose_name = "rating scale value"

    def __str__(self) -> str:
        return self.name


class ClaimRating(models.Model):
    """A verdict on a claim quoted from a stakeholder's viewpoint in one explainer.

    ``explainer`` is the viewpoint's own explainer, kept on the row so that the change form can
    list the ratings as one of its inlines and revisions follow them; ``clean()`` keeps the two
    in step.
    """

    explainer = models.ForeignKey(Explainer, on_delete=models.CASCADE, related_name="claim_ratings")
    viewpoint = models.ForeignKey(Viewpoint, on_delete=models.CASCADE, related_name="claim_ratings")
    position = models.PositiveSmallIntegerField(default=0)
    claim = models.TextField(help_text="The claim as the stakeholder made it, quoted.")
    claimant = models.ForeignKey(
        Stakeholder,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who made the claim; leave empty for the viewpoint's stakeholder.",
    )
    appearance_url = models.CharField(
        "appeared at (URL)",
        max_length=2000,
        blank=True,
        validators=[http_url_validator],
        help_text="Where the claim was made, if it can be linked.",
    )
    appearance_title = models.CharField(
        "appeared in",
        max_length=300,
        help_text="Where the claim was made: “Board meeting of 14 October 2026”.",
    )
    appeared_on = models.DateField("appeared on", null=True, blank=True)
    rating = models.ForeignKey(
        RatingValue, on_delete=models.PROTECT, related_name="claim_ratings", verbose_name="verdict"
    )
    explanation = models.TextField(
        help_text="Why this verdict, in plain text; cite the sources below by number."
    )
    sources = models.ManyToManyField(Source, blank=True, related_name="claim_ratings")
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rated_at = models.DateTimeField(null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            # Four eyes: nobody checks their own rating (NULL, someone deleted, passes).
            models.CheckConstraint(
                condition=Q(checked_by__isnull=True) | ~Q(checked_by=F("rated_by")),
                name="claimrating_checked_by_another",
                violation_error_message="A rating is checked by someone other than its rater.",
            ),
            models.CheckConstraint(
                condition=Q(appearance_url="")
                | Q(appearance_url__startswith="http://")
                | Q(appearance_url__startswith="https://"),
                name="claimrating_url_http_only",
                violation_error_message="Links must start with http:// or https://.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating}: {self.claim[:60]}" if self.rating_id else self.claim[:80]

    @property
    def is_checked(self) -> bool:
        return self.checked_at is not None

    def clean(self) -> None:
        own = not (self.viewpoint_id and self.explainer_id) or (
            self.viewpoint.explainer_id == self.explainer_id
        )
        if not own:
            raise ValidationError({"viewpoint": "Choose one of this explainer's own viewpoints."})
