"""Topics and stakeholders: shared by every explainer, so changing one is an editor's job.

Their public pages read them live (name, description, kind in the title, heading and meta), so
an edit shows on the site at once, on every explainer's behalf. ``roles.py`` therefore lets
writers add a stakeholder and attach it to their own explainers, but only editors change or
delete an existing topic or stakeholder (the admin's model permissions refuse anyone else, a
crafted POST included).

Published pages store links to these pages by slug. When an editor changes a slug, the old
one is kept as a ``SlugRedirect``, so the old address answers with a 301 to the new one and
no other topic (or stakeholder) can take it.
"""

from __future__ import annotations

from django.db import models

from articles.models import SlugRedirect, Stakeholder, Topic

Entity = Topic | Stakeholder


def keep_old_slug(entity: Entity, old_slug: str) -> None:
    """Record that ``entity``'s page was at ``old_slug`` before its slug changed."""
    field = SlugRedirect.OWNERS[type(entity)]
    # Back at an address it had before: that address is its page again, not a redirect.
    SlugRedirect.objects.filter(**{field: entity, "slug": entity.slug}).delete()
    if old_slug and old_slug != entity.slug:
        # The newest page at an address is the one its links were last written for.
        SlugRedirect.objects.of(type(entity)).update_or_create(
            slug=old_slug, defaults={field: entity}
        )


def previous_owner(
    model: type[models.Model], slug: str, *, exclude_pk: int | None = None
) -> Entity | None:
    """Return the topic or stakeholder (``model``) whose page was once at ``slug``, if it is
    not the row ``exclude_pk``."""
    field = SlugRedirect.OWNERS[model]
    row = SlugRedirect.objects.of(model).filter(slug=slug).select_related(field).first()
    owner = getattr(row, field) if row is not None else None
    if owner is None or owner.pk == exclude_pk:
        return None
    return owner


def current_slug(model: type[models.Model], old_slug: str) -> str | None:
    """Return the slug now used by the topic or stakeholder whose page was at ``old_slug``."""
    field = SlugRedirect.OWNERS[model]
    return (
        SlugRedirect.objects.of(model)
        .filter(slug=old_slug)
        .values_list(f"{field}__slug", flat=True)
        .first()
    )
