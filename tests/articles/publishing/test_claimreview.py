"""Claim ratings on the public page and as schema.org ClaimReview JSON-LD."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.utils import timezone

from articles.models import RatingValue, Stakeholder
from articles.publishing import preview
from tests import factories
from tests.articles.publicsite import publish
from tests.articles.workflow_helpers import desk_checker, desk_editor

pytestmark = pytest.mark.django_db

# The schema.org vocabulary this page may use: each type with the properties schema.org
# defines for it or inherits (https://schema.org/ClaimReview, /Claim, /Rating, …). A property
# or type outside this table is a mistake search engines would ignore or flag.
THING = {"name", "url", "alternateName", "description", "image", "sameAs"}
CREATIVE_WORK = THING | {"author", "datePublished", "dateModified", "inLanguage", "publisher"}
ORGANIZATION = THING | {"publishingPrinciples", "correctionsPolicy"}
VOCABULARY: dict[str, set[str]] = {
    "ClaimReview": CREATIVE_WORK | {"claimReviewed", "itemReviewed", "reviewRating", "reviewBody"},
    "Claim": CREATIVE_WORK | {"appearance", "firstAppearance", "claimInterpreter"},
    "CreativeWork": CREATIVE_WORK,
    "Rating": THING
    | {"ratingValue", "bestRating", "worstRating", "ratingExplanation", "reviewAspect"},
    "Person": THING,
    "Organization": ORGANIZATION,
    "NewsMediaOrganization": ORGANIZATION,
}
# Which types a property's value may have (schema.org's "range"), for the nested objects.
RANGES = {
    "itemReviewed": {"Claim"},
    "reviewRating": {"Rating"},
    "appearance": {"CreativeWork"},
    "author": {"Person", "Organization", "NewsMediaOrganization"},
}


def vocabulary_problems(node: Any, path: str = "$") -> list[str]:
    """Return every type, property or nested type in ``node`` that schema.org does not allow."""
    if isinstance(node, list):
        return [p for i, item in enumerate(node) for p in vocabulary_problems(item, f"{path}[{i}]")]
    if not isinstance(node, dict):
        return []
    kind = node.get("@type")
    if kind not in VOCABULARY:
        return [f"{path}: unknown type {kind!r}"]
    problems = []
    for key, value in node.items():
        if key in ("@context", "@type"):
            continue
        if key not in VOCABULARY[kind]:
            problems.append(f"{path}: {kind} has no property {key!r}")
        if isinstance(value, dict) and key in RANGES and value.get("@type") not in RANGES[key]:
            problems.append(f"{path}.{key}: {value.get('@type')!r} is not a valid {key}")
        problems += vocabulary_problems(value, f"{path}.{key}")
    return problems


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.ids.update(value for name, value in attrs if name == "id" and value)


def ids_in(html: str) -> set[str]:
    parser = _Ids()
    parser.feed(html)
    return parser.ids


def json_ld_blocks(html: str) -> list[Any]:
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in found]


def claim_reviews(html: str) -> list[dict[str, Any]]:
    blocks = json_ld_blocks(html)
    return [
        item
        for block in blocks
        for item in (block if isinstance(block, list) else [block])
        if item.get("@type") == "ClaimReview"
    ]


def rated_explainer(*, kind=Stakeholder.Kind.ORGANISATION, url="https://example.org/meeting"):
    """Return a complete explainer with one checked rating of its viewpoint's claim."""
    explainer = factories.complete_explainer(slug="rated")
    viewpoint = explainer.viewpoints.get()
    Stakeholder.objects.filter(pk=viewpoint.stakeholder_id).update(
        name="Harbour Board", slug="harbour-board", kind=kind
    )
    rating = factories.ClaimRatingFactory(
        viewpoint=viewpoint,
        claim="The levy will pay for the whole barrier.",
        appearance_url=url,
        appearance_title="Harbour Board meeting",
        explanation="The levy raises a third of the cost; the rest is a state grant.",
        rated_by=desk_checker(),
        sources=[explainer.sources.get()],
    )
    rating.checked_by, rating.checked_at = desk_editor(), timezone.now()
    rating.save()
    return explainer


def test_every_claim_review_uses_only_the_schema_org_vocabulary(client):
    """Types, properties and nested types of the ClaimReview are schema.org's."""
    publish(rated_explainer())
    reviews = claim_reviews(client.get("/explainers/rated/").content.decode())
    assert len(reviews) == 1
    assert vocabulary_problems(reviews) == []


def test_the_table_catches_a_property_schema_org_lacks():
    """The vocabulary check itself fails on a made-up property (so passing means something)."""
    bad = {"@type": "ClaimReview", "verdict": "False", "reviewRating": {"@type": "Claim"}}
    assert len(vocabulary_problems(bad)) == 2


def test_the_claim_review_says_what_was_rated_by_whom_and_how(client):
    """claimReviewed, the claim's author and appearance, and the rating with the scale's ends."""
    publish(rated_explainer())
    html = client.get("/explainers/rated/").content.decode()
    (review,) = claim_reviews(html)
    assert review["claimReviewed"] == "The levy will pay for the whole barrier."
    claim = review["itemReviewed"]
    assert claim["author"]["@type"] == "Organization"
    assert claim["author"]["name"] == "Harbour Board"
    assert claim["author"]["url"].endswith("/stakeholders/harbour-board/")
    assert claim["appearance"] == {
        "@type": "CreativeWork",
        "name": "Harbour Board meeting",
        "url": "https://example.org/meeting",
        "datePublished": "2025-03-14",
    }
    values = RatingValue.objects.values_list("value", flat=True)
    assert review["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": RatingValue.objects.get(name="Misleading").value,
        "bestRating": max(values),
        "worstRating": min(values),
        "alternateName": "Misleading",
    }
    assert review["author"]["@type"] == "NewsMediaOrganization"
    assert "datePublished" in review


def test_the_review_url_points_at_the_rating_on_the_page(client):
    """url is the explainer's address with an anchor that the page has, beside the viewpoint."""
    publish(rated_explainer())
    html = client.get("/explainers/rated/").content.decode()
    (review,) = claim_reviews(html)
    page, anchor = review["url"].split("#")
    assert page.endswith("/explainers/rated/")
    assert anchor in ids_in(html)
    viewpoint = html[html.index('<li class="viewpoint">') :]
    viewpoint = viewpoint[: viewpoint.index("</li>")]
    assert f'id="{anchor}"' in viewpoint
    assert "Misleading" in viewpoint and "The levy will pay for the whole barrier." in viewpoint


def test_a_person_is_a_person(client):
    """A claim by a stakeholder of kind person has a Person as its author."""
    publish(rated_explainer(kind=Stakeholder.Kind.PERSON))
    (review,) = claim_reviews(client.get("/explainers/rated/").content.decode())
    assert review["itemReviewed"]["author"]["@type"] == "Person"


def test_an_appearance_without_a_link_has_no_url(client):
    """An appearance that cannot be linked is named and dated, with no url."""
    publish(rated_explainer(url=""))
    (review,) = claim_reviews(client.get("/explainers/rated/").content.decode())
    assert "url" not in review["itemReviewed"]["appearance"]


def test_an_explainer_without_ratings_has_no_claim_review(client):
    """No ratings, no ClaimReview block."""
    publish(factories.complete_explainer(slug="plain"))
    html = client.get("/explainers/plain/").content.decode()
    assert claim_reviews(html) == [] and "claim-rating" not in html


def test_the_preview_claims_no_publication_date(editor):
    """A staff preview's ClaimReview carries no datePublished."""
    explainer = rated_explainer()
    version = preview.preview_version(explainer)
    (review,) = claim_reviews(version.head_html)
    assert "datePublished" not in review
