"""factory-boy factories for the whole content model: the one place tests build data."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth import get_user_model

from articles import models


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")
    is_staff = True


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Topic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")
    description = "Stories about this topic."


class StakeholderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Stakeholder

    name = factory.Sequence(lambda n: f"Stakeholder {n}")
    slug = factory.Sequence(lambda n: f"stakeholder-{n}")
    kind = models.Stakeholder.Kind.ORGANISATION


class ExplainerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Explainer
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Explainer number {n}")
    slug = factory.Sequence(lambda n: f"explainer-{n}")
    dek = "What this explainer answers, in one sentence."
    what_happened = "<p>Something happened that readers need explained.</p>"
    background = "<p>The background a reader needs.</p>"
    why_it_matters = "<p>Why a reader should care.</p>"
    takeaways = "The first thing to know.\nThe second thing to know.\nThe third thing to know."

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if create and extracted:
            for position, user in enumerate(extracted):
                models.Byline.objects.create(explainer=self, author=user, position=position)

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Source

    explainer = factory.SubFactory(ExplainerFactory)
    citation = factory.Sequence(lambda n: f"Annual report number {n}")
    publisher = "Statistics Office"
    url = factory.Sequence(lambda n: f"https://example.org/report-{n}")
    kind = models.Source.Kind.REPORT
    position = factory.Sequence(int)


class KeyFactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.KeyFact
        skip_postgeneration_save = True

    explainer = factory.SubFactory(ExplainerFactory)
    text = factory.Sequence(lambda n: f"Key fact number {n} is true.")
    position = factory.Sequence(int)

    @factory.post_generation
    def sources(self, create, extracted, **kwargs):
        if create and extracted:
            self.sources.set(extracted)


class ViewpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Viewpoint

    explainer = factory.SubFactory(ExplainerFactory)
    stakeholder = factory.SubFactory(StakeholderFactory)
    text = "They see it their own way."
    position = factory.Sequence(int)


def rating_value(name: str = "Misleading") -> models.RatingValue:
    """Return a value of the rating scale the migration seeds (Accurate 4 … False 1)."""
    return models.RatingValue.objects.get(name=name)


class ClaimRatingFactory(factory.django.DjangoModelFactory):
    """An unchecked rating of a claim in a viewpoint (its explainer is the viewpoint's)."""

    class Meta:
        model = models.ClaimRating
        skip_postgeneration_save = True

    viewpoint = factory.SubFactory(ViewpointFactory)
    explainer = factory.LazyAttribute(lambda r: r.viewpoint.explainer)
    claim = factory.Sequence(lambda n: f"Claim number {n} is what they said.")
    appearance_title = "Council meeting"
    appearance_url = "https://example.org/meeting"
    appeared_on = datetime.date(2025, 3, 14)
    rating = factory.LazyFunction(rating_value)
    explanation = "The figures say otherwise."
    rated_by = factory.SubFactory(UserFactory)
    position = factory.Sequence(int)

    @factory.post_generation
    def sources(self, create, extracted, **kwargs):
        if create and extracted:
            self.sources.set(extracted)


class TimelineEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.TimelineEvent

    explainer = factory.SubFactory(ExplainerFactory)
    date = datetime.date(2025, 3, 14)
    precision = models.TimelineEvent.Precision.DAY
    kind = models.TimelineEvent.Kind.PAST
    text = factory.Sequence(lambda n: f"Event number {n}")
    position = factory.Sequence(int)


class CorrectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Correction

    explainer = factory.SubFactory(ExplainerFactory)
    kind = models.Correction.Kind.CORRECTION
    text = "An earlier version gave the wrong year."


def complete_explainer(*, authors=(), **kwargs) -> models.Explainer:
    """Return a draft explainer that passes every readiness check (facts verified, sourced)."""
    checker = UserFactory(username="factory_checker")
    topic = TopicFactory(name="Science", slug="science")
    explainer = ExplainerFactory(authors=list(authors) or [UserFactory()], topics=[topic], **kwargs)
    source = SourceFactory(explainer=explainer, position=0)
    for n in range(2):
        fact = KeyFactFactory(explainer=explainer, position=n, sources=[source])
        fact.check_status = models.KeyFact.Check.VERIFIED
        fact.checked_by = checker
        from django.utils import timezone

        fact.checked_at = timezone.now()
        fact.save()
    ViewpointFactory(explainer=explainer, position=0)
    TimelineEventFactory(explainer=explainer, position=0)
    TimelineEventFactory(
        explainer=explainer,
        position=1,
        date=None,
        precision="",
        kind=models.TimelineEvent.Kind.WATCH,
        text="Whether the plan survives the next budget.",
    )
    return explainer
