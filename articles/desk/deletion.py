"""The delete confirmation page without the rows that only link two things.

Deleting an explainer (or a topic) deletes the rows Django keeps for its many-to-many fields
(which topics an explainer has, which sources a key fact cites). The confirmation page listed
each as "Explainer-topic relationship: Explainer_topics object (8)", which tells an editor
nothing, and the topics and sources themselves are not deleted. Those rows are left out of
the list and the summary; everything that is deleted is still listed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.contrib import admin
from django.db import models
from django.utils.text import capfirst

if TYPE_CHECKING:
    AdminBase = admin.ModelAdmin[Any]
else:
    AdminBase = object


def link_models() -> list[Any]:
    """Return the link tables Django made for the articles app's many-to-many fields."""
    throughs = [
        field.remote_field.through
        for model in apps.get_app_config("articles").get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.ManyToManyField)
    ]
    return [through for through in throughs if through is not None and through._meta.auto_created]


def without_links(items: list[Any], labels: tuple[str, ...]) -> list[Any]:
    """Return the admin's nested list of items to delete without the link rows.

    The admin names each unregistered row "<Verbose name>: <str>"; a link row has nothing
    nested under it.
    """
    kept: list[Any] = []
    for item in items:
        if isinstance(item, list):
            nested = without_links(item, labels)
            if nested:
                kept.append(nested)
        elif not str(item).startswith(labels):
            kept.append(item)
    return kept


class ReadableDeletionMixin(AdminBase):
    """A ModelAdmin whose delete confirmation lists only rows a person would recognise."""

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        links = [model._meta for model in link_models()]
        labels = tuple(f"{capfirst(opts.verbose_name)}: " for opts in links)
        plurals = {str(opts.verbose_name_plural) for opts in links}
        counts = {name: n for name, n in counts.items() if str(name) not in plurals}
        return without_links(deleted, labels), counts, perms_needed, protected
