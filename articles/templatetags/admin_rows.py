"""Template filter for the explainer change form's tabular inlines (see admin_rendering.py)."""

from __future__ import annotations

from django import template

from articles import admin_rendering

register = template.Library()


@register.filter
def tabular_rows(inline_admin_formset):
    """Return the table rows of a tabular inline, drawn in Python with Django's markup."""
    return admin_rendering.tabular_rows(inline_admin_formset)


@register.filter
def stacked_forms(inline_admin_formset):
    """Return the forms of a stacked inline, drawn in Python with Django's markup."""
    return admin_rendering.stacked_forms(inline_admin_formset)
