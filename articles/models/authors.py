"""An author's public profile: the slug their page lives at, and a short bio."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.urls import reverse

from articles.models.entities import unique_slug

if TYPE_CHECKING:
    from django.contrib.auth.models import User

BIO_MAX_CHARS = 600


def display_name(user: User) -> str:
    return user.get_full_name() or user.get_username()


class AuthorProfile(models.Model):
    """What readers see of a byline's person besides their name.

    The page's address is a public slug made from the display name when the profile is made,
    never the desk login name: an old /authors/<login>/ address answers with a 301 to it. The
    slug does not follow later name changes, so links already published keep working.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="author_profile"
    )
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="The last part of the author page's address: /authors/this-slug/.",
    )
    bio = models.TextField(
        max_length=BIO_MAX_CHARS,
        blank=True,
        help_text=f"A few plain sentences about the author for their public page "
        f"(at most {BIO_MAX_CHARS} characters).",
    )

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return display_name(self.user)

    def get_absolute_url(self) -> str:
        return reverse("articles:author", kwargs={"slug": self.slug})

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.slug:
            self.slug = unique_slug(AuthorProfile, display_name(self.user), exclude_pk=self.pk)
        self.bio = self.bio.strip()
        super().save(*args, **kwargs)

    @classmethod
    def for_users(cls, users: Iterable[User]) -> dict[int, AuthorProfile]:
        """Return the profiles of ``users`` by user id, making those that do not exist yet."""
        people = {user.pk: user for user in users}
        found = AuthorProfile.objects.filter(user_id__in=list(people))
        profiles: dict[int, AuthorProfile] = {p.user_id: p for p in found}
        for pk, user in people.items():
            if pk not in profiles:
                profile = AuthorProfile(user=user)
                profile.save()
                profiles[pk] = profile
        return profiles
