"""How the desk names people: by full name everywhere, by login name only for a user who has
none (bylines, "checked by", the author filter, the audit trail, the byline autocomplete)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.auth import get_user_model

from articles.models import Byline


def name_of(user: Any) -> str:
    """Return the name the desk shows for ``user``: their full name, else their username."""
    return user.get_full_name() or user.get_username()


class PersonChoiceField(forms.ModelChoiceField):
    """A choice of user, each shown by name."""

    def label_from_instance(self, obj: Any) -> str:
        return name_of(obj)


class PersonListFilter(admin.RelatedOnlyFieldListFilter):
    """Django's "only the related ones" filter on a user field, listing people by name."""

    def field_choices(self, field, request, model_admin):
        pks = model_admin.get_queryset(request).values_list(f"{self.field_path}__pk", flat=True)
        people = get_user_model().objects.filter(pk__in=pks)
        return sorted(((p.pk, name_of(p)) for p in people), key=lambda choice: choice[1])


class PersonAutocompleteView(AutocompleteJsonView):
    """The admin's autocomplete, with users labelled by name (Django labels them by str(),
    which for the stock User is the login name).

    Picking a byline needs no access to the user accounts: Django asks for the view
    permission on users, which writers and editors do not have (it would show them every
    account's email and groups). Whoever may add or change an explainer may search people
    for its bylines, and sees only active staff, by name.
    """

    source_field: Any  # set by AutocompleteJsonView.get() from the request

    def picks_a_byline(self) -> bool:
        return self.source_field.model is Byline and self.source_field.name == "author"

    def has_perm(self, request, obj=None):
        if self.picks_a_byline():
            return request.user.has_perm("articles.add_explainer") or request.user.has_perm(
                "articles.change_explainer"
            )
        return super().has_perm(request, obj)

    def get_queryset(self):
        people = super().get_queryset()
        if self.picks_a_byline():
            people = people.filter(is_active=True, is_staff=True)
        return people

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if isinstance(obj, get_user_model()):
            result["text"] = name_of(obj)
        return result


def person_column(field: str, description: str) -> Any:
    """Return a ModelAdmin method that shows the user in ``field`` by name (list and detail).

    Django would show the user by str(), which for the stock User is the login name.
    """

    @admin.display(description=description, ordering=field)
    def column(model_admin: Any, obj: Any) -> str | None:
        person = getattr(obj, field)
        return name_of(person) if person is not None else None

    return column
