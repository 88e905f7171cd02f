"""The workflow panel's forms: a move's comment, publishing times, review assignment.

Times are entered and shown in the newsroom's time zone (``settings.TIME_ZONE``) and stored in
UTC; a wall-clock time that does not exist or happens twice on a daylight-saving change is a
form error, never a guess.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles import roles
from articles.desk.forms import date_help
from articles.desk.people import PersonChoiceField
from articles.models import Explainer
from articles.workflow import moves as workflow

# Time-zone-aware form input.


def newsroom_tz() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def local_to_utc(naive: datetime, tz: zoneinfo.ZoneInfo) -> datetime:
    """Return the UTC instant of a wall-clock time in ``tz``.

    Raise ``ValidationError`` when the time is skipped (clocks go forward) or happens twice
    (clocks go back): PEP 495's ``fold`` gives the two readings, and they differ only then.
    """
    first = naive.replace(tzinfo=tz, fold=0)
    second = naive.replace(tzinfo=tz, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first.astimezone(UTC)
    shown = f"{naive:%H:%M on %d %b %Y}"
    if first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        raise ValidationError(
            f"{shown} does not exist in {tz.key}: the clocks go forward then. "
            "Choose a time outside the skipped hour.",
            code="nonexistent",
        )
    raise ValidationError(
        f"{shown} happens twice in {tz.key}: the clocks go back then. "
        "Choose a time outside the repeated hour.",
        code="ambiguous",
    )


class NewsroomDateTimeField(forms.DateTimeField):
    """A date and time typed in the newsroom's time zone; cleaned to an aware UTC datetime."""

    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        )
        super().__init__(**kwargs)
        self.usage = self.help_text

    def name_the_zone(self) -> None:
        """Add to the help text the zone and its abbreviation on the day the form is drawn
        (GMT in winter, BST in summer for Europe/London); each form has its own copy."""
        zone = newsroom_tz()
        now = timezone.now().astimezone(zone)
        where = f"In the newsroom's time zone ({zone.key}, {now:%Z}), on the 24-hour clock."
        self.help_text = f"{self.usage} {where}" if self.usage else where

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, datetime) and timezone.is_aware(value):
            return value.astimezone(newsroom_tz()).replace(tzinfo=None)
        return value

    def to_python(self, value: Any) -> datetime | None:
        if value in self.empty_values:
            return None
        naive = value if isinstance(value, datetime) else self.read(value)
        if timezone.is_aware(naive):
            return naive.astimezone(UTC)
        return local_to_utc(naive, newsroom_tz())

    def read(self, value: Any) -> datetime:
        """Return the date and time typed in ``value``, or raise the "invalid" error."""
        try:
            parsed = parse_datetime(str(value).strip())
        except ValueError:
            parsed = None
        if parsed is None:
            # Tries each of input_formats and raises the "invalid" error if none fits.
            parsed = forms.fields.BaseTemporalField.to_python(self, value)
        if not isinstance(parsed, datetime):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


# Forms of the workflow panel.


class TransitionForm(forms.Form):
    comment = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 40}), max_length=2000
    )

    def __init__(
        self, data: Mapping[str, Any] | None = None, *, move: workflow.Move, **kwargs: Any
    ) -> None:
        super().__init__(data, prefix=move.verb, **kwargs)
        self.move = move
        for time_field in self.fields.values():
            if isinstance(time_field, NewsroomDateTimeField):
                time_field.name_the_zone()
        field = self.fields["comment"]
        field.required = move.comment_required
        field.label = "Comment (required)" if move.comment_required else "Comment (optional)"
        if move.comment_required:
            field.widget.attrs["required"] = True

    def workflow_kwargs(self) -> dict[str, Any]:
        return {"comment": self.cleaned_data["comment"]}


class PublishForm(TransitionForm):
    go_live_at = NewsroomDateTimeField(required=False, label="Go live at", help_text="Empty: now.")
    expires_at = NewsroomDateTimeField(
        required=False, label="Expires at", help_text="Optional: taken down at this time."
    )
    substantive = forms.BooleanField(
        required=False,
        label="Substantive change",
        help_text="Readers must be told: requires a new correction, clarification or update.",
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        go_live, expires = data.get("go_live_at"), data.get("expires_at")
        now = timezone.now()
        if go_live and go_live < now - timedelta(minutes=1):
            self.add_error("go_live_at", "That time has passed: leave it empty to publish now.")
        if expires and expires <= (go_live or now):
            self.add_error("expires_at", "The expiry must come after the go-live time.")
        return data

    def workflow_kwargs(self) -> dict[str, Any]:
        return {
            "comment": self.cleaned_data["comment"],
            "go_live_at": self.cleaned_data["go_live_at"],
            "expires_at": self.cleaned_data["expires_at"],
            "substantive": self.cleaned_data["substantive"],
        }


class RescheduleForm(TransitionForm):
    go_live_at = NewsroomDateTimeField(
        required=False,
        label="New go-live time",
        help_text="Empty: now.",
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        go_live = self.cleaned_data.get("go_live_at")
        if go_live and go_live < timezone.now() - timedelta(minutes=1):
            self.add_error("go_live_at", "That time has passed: leave it empty to publish now.")
        return self.cleaned_data

    def workflow_kwargs(self) -> dict[str, Any]:
        return {
            "comment": self.cleaned_data["comment"],
            "go_live_at": self.cleaned_data["go_live_at"],
        }


FORMS: dict[str, type[TransitionForm]] = {"publish": PublishForm, "reschedule": RescheduleForm}


def form_for(
    move: workflow.Move, data=None, *, initial: dict[str, Any] | None = None
) -> TransitionForm:
    return FORMS.get(move.verb, TransitionForm)(data, move=move, initial=initial)


def fact_checkers():
    """Active fact-checkers, by name."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=roles.FACT_CHECKER)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class ReviewFields(forms.Form):
    """Who checks an explainer's facts, and by when: assigned one at a time or in bulk."""

    assignee = PersonChoiceField(queryset=get_user_model().objects.none(), label="Fact-checker")
    review_due = forms.DateField(
        required=False,
        label="Due",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=date_help(),
    )

    def offer(self, people) -> None:
        assignee = self.fields["assignee"]
        assert isinstance(assignee, PersonChoiceField)  # declared above
        assignee.queryset = people


class AssignForm(ReviewFields):
    def __init__(
        self, data: Mapping[str, Any] | None = None, *, explainer: Explainer, **kwargs: Any
    ) -> None:
        super().__init__(data, prefix="assign", **kwargs)
        # Fact-checkers who may approve it: the four-eyes rule leaves out its authors and
        # submitter.
        self.offer(
            fact_checkers()
            .exclude(byline_set__explainer=explainer)
            .exclude(pk=explainer.submitted_by_id or 0)
        )
        self.initial.setdefault("assignee", explainer.assignee_id)
        self.initial.setdefault("review_due", explainer.review_due)
