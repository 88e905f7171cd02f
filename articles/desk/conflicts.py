"""What the saves that beat yours changed: said with the refusal of a stale save.

A save refused because someone saved since the form was opened (``saving.refuse_stale``) names
who and when; this module adds what they changed, from the stored revisions, with a link to the
History page's comparison of the version the form was opened on with the one saved now.

Every save that moves ``lock_version`` on (a desk save, a revert, a re-import) also stores one
revision, so the form's ``base_lock_version`` says how many of the newest revisions came after
it was opened.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from articles.desk import history, points, textdiff
from articles.models import Explainer


@dataclass(frozen=True)
class TheirChanges:
    """What changed since a form was opened: the sections, and where to compare them."""

    labels: list[str]
    compare_url: str


def their_changes(explainer: Explainer, base: int | None, admin_name: str) -> TheirChanges | None:
    """Return what the saves since lock version ``base`` changed, or None if it cannot be told."""
    if base is None:
        return None
    since = explainer.lock_version - base
    versions = list(history.explainer_versions(explainer.pk))
    if since <= 0 or len(versions) <= since:
        return None
    opened, saved = versions[-since - 1], versions[-1]
    contents = points.revision_data([opened, saved])
    labels = textdiff.changed_labels(contents[opened.pk], contents[saved.pk])
    compare = reverse(f"{admin_name}:articles_explainer_compare", args=[explainer.pk])
    query = urlencode({"start": f"s{opened.pk}", "end": f"s{saved.pk}"})
    return TheirChanges(labels=labels, compare_url=f"{compare}?{query}")


def refusal(said: str, form: forms.BaseForm, obj: Explainer | None, admin_name: str) -> str:
    """Return the refusal of a stale save ``said``, with what the saves that beat it changed."""
    base = form.cleaned_data.get("base_lock_version") if hasattr(form, "cleaned_data") else None
    changes = their_changes(obj, base, admin_name) if obj is not None else None
    if changes is None:
        return said
    what = ", ".join(changes.labels) if changes.labels else "nothing in the text"
    # format_html escapes every value; the message is drawn as this safe string.
    return format_html(
        '{} Changed since you opened it: {}. <a href="{}">Compare their version with the one '
        "you opened</a>.",
        said,
        what,
        changes.compare_url,
    )
