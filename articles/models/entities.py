"""Topics and stakeholders, and the redirects that keep their old slugs answering."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify


class Topic(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True, help_text="One or two sentences for the topic page.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:topic", kwargs={"slug": self.slug})


class Stakeholder(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ORGANISATION = "organisation", "Organisation"
        GROUP = "group", "Group"
        # Imports cannot tell a person from an organisation: readers see no label until set.
        UNKNOWN = "unknown", "Not yet set"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.UNKNOWN)
    description = models.TextField(blank=True, help_text="Who they are, in a sentence or two.")
    aliases = models.TextField(
        blank=True,
        help_text="Other names for the same stakeholder, one per line. Imports match on these.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="stakeholder_name_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:stakeholder", kwargs={"slug": self.slug})

    @property
    def alias_list(self) -> list[str]:
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.slug:
            self.slug = unique_slug(Stakeholder, self.name, exclude_pk=self.pk)
        super().save(*args, **kwargs)


def unique_slug(model: type[models.Model], text: str, *, exclude_pk=None, max_length=200) -> str:
    """Return a slug for ``text`` that no other row of ``model`` uses, nor used before."""
    base = (slugify(text) or "item")[: max_length - 8].strip("-") or "item"
    candidate, n = base, 2
    others = model._default_manager.exclude(pk=exclude_pk) if exclude_pk else model._default_manager
    old = SlugRedirect.objects.of(model) if model in SlugRedirect.OWNERS else None
    while others.filter(slug=candidate).exists() or (
        old is not None and old.filter(slug=candidate).exists()
    ):
        candidate = f"{base}-{n}"
        n += 1
    return candidate


class SlugRedirectQuerySet(models.QuerySet):
    def of(self, model: type[models.Model]) -> SlugRedirectQuerySet:
        """Return the old slugs of ``model``'s rows (topics' or stakeholders')."""
        return self.filter(**{f"{SlugRedirect.OWNERS[model]}__isnull": False})


class SlugRedirect(models.Model):
    """An address a topic's or stakeholder's page had before an editor changed its slug.

    Published pages keep their links to the old address, so it answers with a 301 to the
    page's current one. The old slug stays reserved: were another topic (or stakeholder) to
    take it, those links would lead readers to someone else's page.
    """

    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="old_slugs"
    )
    stakeholder = models.ForeignKey(
        Stakeholder, null=True, blank=True, on_delete=models.CASCADE, related_name="old_slugs"
    )
    slug = models.SlugField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    # The field that names the owner, by the owner's model.
    OWNERS = {Topic: "topic", Stakeholder: "stakeholder"}

    objects = SlugRedirectQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(topic__isnull=False) & Q(stakeholder__isnull=True))
                | (Q(topic__isnull=True) & Q(stakeholder__isnull=False)),
                name="slug_redirect_one_owner",
            ),
            models.UniqueConstraint(
                fields=["slug"], condition=Q(topic__isnull=False), name="slug_redirect_topic"
            ),
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(stakeholder__isnull=False),
                name="slug_redirect_stakeholder",
            ),
        ]

    def __str__(self) -> str:
        return self.slug
