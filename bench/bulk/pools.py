"""The shared rows every bulk explainer draws on: writers, a checker, an editor, the topics and
a pool of stakeholders.

``pools()`` creates them once (a second seed reuses them) and returns them as ``Pools``, plain
data that the worker processes building batches can receive.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils.text import slugify

from articles import roles
from articles.models import AuthorProfile, Stakeholder, Topic
from bench.bulk.prose import TOPICS

STAKEHOLDER_POOL = 300
WRITERS = 24


@dataclass(frozen=True)
class Pools:
    """The shared rows explainers draw on, as plain data that worker processes can receive."""

    writers: tuple[tuple[int, str, str, str], ...]  # (id, username, full name, public slug)
    checker: tuple[int, str]
    editor: int
    topics: tuple[tuple[int, str, str], ...]  # (id, name, slug)
    stakeholders: tuple[tuple[int, str, str, str], ...]  # (id, name, slug, kind)


def pools(rng: random.Random) -> Pools:
    """Return (creating them once) the writers, topics and stakeholders explainers draw on."""
    user_model = get_user_model()
    names = [f"bulk_writer_{n:02d}" for n in range(WRITERS)]
    user_model.objects.bulk_create(
        [
            user_model(
                username=name,
                first_name=f"Writer{n:02d}",
                last_name=rng.choice(["Okafor", "Lindqvist", "Haddad", "Moreau", "Tanaka"]),
                is_staff=True,
            )
            for n, name in enumerate(names)
        ],
        ignore_conflicts=True,
    )
    writers = list(user_model.objects.filter(username__in=names).order_by("username"))
    # Their author pages' addresses, as publishing would make them (AuthorProfile).
    slugs = {pk: profile.slug for pk, profile in AuthorProfile.for_users(writers).items()}
    writer_group = Group.objects.filter(name=roles.WRITER).first()
    if writer_group is not None:
        writer_group.user_set.add(*writers)
    checker, _ = user_model.objects.get_or_create(
        username="bulk_checker", defaults={"is_staff": True, "first_name": "Bulk"}
    )
    editor, _ = user_model.objects.get_or_create(
        username="bulk_editor", defaults={"is_staff": True, "first_name": "Bulk"}
    )
    Topic.objects.bulk_create(
        [
            Topic(name=name, slug=slugify(name), description=f"Explainers about {name.lower()}.")
            for name in TOPICS
        ],
        ignore_conflicts=True,
    )
    kinds = list(Stakeholder.Kind.values)
    Stakeholder.objects.bulk_create(
        [
            Stakeholder(
                name=f"{rng.choice(list(TOPICS))} stakeholder {n:03d}",
                slug=f"bulk-stakeholder-{n:03d}",
                kind=kinds[n % len(kinds)],
                description="A recurring voice in our explainers.",
            )
            for n in range(STAKEHOLDER_POOL)
        ],
        ignore_conflicts=True,
    )
    return Pools(
        writers=tuple(
            (w.pk, w.get_username(), w.get_full_name() or w.get_username(), slugs[w.pk])
            for w in writers
        ),
        checker=(checker.pk, checker.get_username()),
        editor=editor.pk,
        topics=tuple(
            Topic.objects.filter(name__in=TOPICS).order_by("name").values_list("pk", "name", "slug")
        ),
        stakeholders=tuple(
            Stakeholder.objects.filter(slug__startswith="bulk-stakeholder-")
            .order_by("slug")
            .values_list("pk", "name", "slug", "kind")
        ),
    )
