"""Columns of the explainer list that show a time: short, in the desk's own way of writing one.

Django writes a date and time in the list as "Dec. 7, 2026, 1:41 p.m." and keeps it on one
line; two such columns beside the filters push the list past the width of a laptop screen.
These write "7 Dec 2026, 13:41", as the dashboard and the workflow panel do, which may wrap
at its spaces.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib import admin
from django.utils import timezone
from django.utils.dateformat import format as date_format

from articles.models import Explainer


def short(moment: datetime, *, time: bool = True) -> str:
    """Return ``moment`` in the desk's time zone as "7 Dec 2026, 13:41" (or "7 Dec 2026")."""
    return date_format(timezone.localtime(moment), "j M Y, H:i" if time else "j M Y")


@admin.display(description="updated", ordering="updated_at")
def updated(obj: Explainer) -> str:
    return short(obj.updated_at)


@admin.display(description="facts last verified", ordering="last_verified")
def last_verified(obj: Explainer) -> str:
    # ``last_verified`` is annotated by ExplainerAdmin.get_queryset.
    moment = getattr(obj, "last_verified", None)
    return short(moment, time=False) if moment else "never"
