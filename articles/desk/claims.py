"""Claim ratings on the change form, and the rating scale editors keep.

A fact-checker rates a claim from one of the explainer's viewpoints (``ClaimRatingInline``,
below the viewpoints); the rating then needs a second pair of eyes, as key facts do: another
fact-checker or an editor ticks "checked". Whoever changes what a rating says becomes its rater
and its check is undone, so a check always covers the rating as it reads now.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.utils import timezone

from articles.desk.forms import CitingForm, CitingFormSet
from articles.desk.inlines import RowLimitMixin, RowQueriesMixin
from articles.desk.people import name_of
from articles.desk.positions import form_number
from articles.desk.sources import SourceNumbersField
from articles.models import ClaimRating, RatingValue, Source, Stakeholder, Viewpoint
from articles.workflow import moves as workflow

# The fields that make up what a rating says; changing any of them makes a new rating.
RATED_FIELDS = frozenset(
    {
        "viewpoint",
        "claim",
        "claimant",
        "appearance_url",
        "appearance_title",
        "appeared_on",
        "rating",
        "explanation",
        "sources",
    }
)


class ClaimRatingForm(CitingForm):
    sources = SourceNumbersField(
        label="Sources",
        help_text="The numbers of the sources the explanation relies on, as the Sources are "
        "numbered: 1, 3.",
    )
    checked = forms.BooleanField(
        required=False,
        label="checked",
        help_text="Tick when you have checked this rating against its sources. Someone other "
        "than its rater must check it.",
    )

    class Meta:
        model = ClaimRating
        fields = [
            "viewpoint",
            "position",
            "claim",
            "claimant",
            "appearance_title",
            "appearance_url",
            "appeared_on",
            "rating",
            "explanation",
            "sources",
        ]
        widgets = {
            "claim": forms.Textarea(attrs={"rows": 2}),
            "explanation": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(
        self,
        *args: Any,
        editing_user: Any = None,
        choices: dict[str, list[Any]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.editing_user = editing_user
        # The viewpoint, claimant and verdict options, read once per formset, not once per row.
        for name, options in (choices or {}).items():
            if name in self.fields:
                widget: Any = self.fields[name].widget
                # The admin wraps a select in its "add/change" links; the options are inside.
                getattr(widget, "widget", widget).choices = options
        if self.instance.pk is not None:
            cited = [source.pk for source in self.instance.sources.all()]
            self.initial["sources"] = self.source_numbers.numbers_of(cited)
            self.initial["checked"] = self.instance.is_checked

    def clean_sources(self) -> list[Source]:
        return self.cited(self.cleaned_data["sources"])

    def rewritten(self) -> bool:
        """Return True if this save makes a new rating or changes what the rating says."""
        return self.instance.pk is None or bool(RATED_FIELDS & set(self.changed_data))

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("checked") and "checked" in self.changed_data:
            # Four eyes: the rater of the rating as it will read after this save.
            own = self.rewritten() or not workflow.can_check_rating(
                self.editing_user, self.instance
            )
            if own:
                self.add_error(
                    "checked",
                    "You rated this claim (or are changing the rating now), so someone else "
                    "must check it: another fact-checker or an editor.",
                )
        return cleaned


class ClaimRatingFormSet(CitingFormSet):
    editing_user = None  # set per request by ClaimRatingInline.get_formset
    SHARED_CHOICES = ("viewpoint", "claimant", "rating")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choices: dict[str, list[Any]] | None = None

    def shared_choices(self) -> dict[str, list[Any]]:
        """Return the options of the row's select boxes, read from the database once."""
        if self.choices is None:
            fields = self.form.base_fields
            self.choices = {
                name: list(fields[name].choices) for name in self.SHARED_CHOICES if name in fields
            }
        return self.choices

    def get_form_kwargs(self, index):
        return {
            **super().get_form_kwargs(index),
            "editing_user": self.editing_user,
            "choices": self.shared_choices(),
        }


def stamp_claim_ratings(formset, *, user) -> None:
    """Record who rated and who checked each claim rating; run before the formset saves.

    A new or changed rating is stamped as rated by ``user`` and loses its check; a tick in
    "checked" (refused by the form to the rater) stamps ``user`` as its checker, and taking
    the tick off removes the stamp.
    """
    now = timezone.now()
    deleted = set(formset.deleted_forms) if formset.can_delete else set()
    for form in formset.forms:
        if form in deleted or not form.has_changed():
            continue
        rating = form.instance
        if form.rewritten():
            rating.rated_by, rating.rated_at = user, now
            rating.checked_by, rating.checked_at = None, None
        elif "checked" in form.changed_data:
            checked = form.cleaned_data.get("checked")
            rating.checked_by, rating.checked_at = (user, now) if checked else (None, None)


class ClaimRatingInline(RowLimitMixin, RowQueriesMixin, admin.StackedInline):
    model = ClaimRating
    form = ClaimRatingForm
    formset = ClaimRatingFormSet
    extra = 0
    fields = [
        "number",
        ("viewpoint", "position"),
        "claim",
        "claimant",
        ("appearance_title", "appeared_on"),
        "appearance_url",
        ("rating", "sources"),
        "explanation",
        ("rated_by_name", "rated_at"),
        ("checked", "checked_by_name", "checked_at"),
    ]
    readonly_fields = ["number", "rated_by_name", "rated_at", "checked_by_name", "checked_at"]
    # Read-only rows (a writer's) show the viewpoint, claimant and verdict by name.
    row_select_related = ("viewpoint__stakeholder", "claimant", "rating", "rated_by", "checked_by")
    row_prefetch_related = ("sources",)
    verbose_name = "claim rating"

    # Only fact-checkers (and editors, who check facts too) rate claims; writers read them.

    def _may_rate(self, request, obj) -> bool:
        return obj is None or workflow.can_rate_claims(request.user, obj)

    def has_add_permission(self, request, obj=None) -> bool:
        return super().has_add_permission(request, obj) and self._may_rate(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and self._may_rate(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and self._may_rate(request, obj)

    def get_fields(self, request, obj=None):
        if self.has_change_permission(request, obj):
            return self.fields
        # Read-only rows show who checked the rating, not the tick box of a form.
        return [
            tuple(f for f in row if f != "checked") if isinstance(row, tuple) else row
            for row in self.fields
        ]

    def get_queryset(self, request):
        # Each saved rating with the number the readiness checklist calls it by.
        return super().get_queryset(request).annotate(form_number=form_number())

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "rating":
            kwargs["queryset"] = RatingValue.objects.all()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        field = formset.form.base_fields.get("viewpoint")
        if field is not None:
            # Only this explainer's own, saved viewpoints: a crafted id of another explainer's
            # viewpoint gets "Select a valid choice" and saves nothing.
            field.queryset = (
                Viewpoint.objects.filter(explainer=obj).select_related("stakeholder")
                if obj is not None
                else Viewpoint.objects.none()
            )
            field.help_text = "The viewpoint that makes the claim; save a new viewpoint first."
        claimant = formset.form.base_fields.get("claimant")
        if claimant is not None:
            # The explainer's own stakeholders, and any a rating names already.
            claimant.queryset = (
                Stakeholder.objects.filter(
                    Q(viewpoints__explainer=obj)
                    | Q(pk__in=ClaimRating.objects.filter(explainer=obj).values("claimant"))
                ).distinct()
                if obj is not None
                else Stakeholder.objects.none()
            )
            claimant.empty_label = "The viewpoint's stakeholder"
        return type(formset.__name__, (formset,), {"editing_user": request.user})

    @admin.display(description="number")
    def number(self, obj: ClaimRating):
        return getattr(obj, "form_number", None) or "new"

    @admin.display(description="rated by")
    def rated_by_name(self, obj: ClaimRating) -> str | None:
        return name_of(obj.rated_by) if obj.rated_by else None

    @admin.display(description="checked by")
    def checked_by_name(self, obj: ClaimRating) -> str | None:
        return name_of(obj.checked_by) if obj.checked_by else None


@admin.register(RatingValue)
class RatingValueAdmin(admin.ModelAdmin):
    """The newsroom's rating scale: editors add, rename and reorder verdicts (roles.py grants
    the model permissions, which the admin checks on every request). A verdict in use by a
    rating cannot be deleted; published pages keep the names they were published with."""

    list_display = ["name", "value", "description"]
    ordering = ["-value"]
    search_fields = ["name"]
