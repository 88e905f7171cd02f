"""Claim ratings at the desk, in a browser: a fact-checker rates a claim, cannot check their own
rating, an editor checks it, and readers see it beside the viewpoint once published.

The public page is also kept as screenshots at phone and desktop widths
(``test-artifacts/screenshots/claim-rating-*.png``) for people to look at.
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from articles import roles
from articles.models import STARTING_SCALE, ClaimRating, Explainer, RatingValue
from articles.publishing import moves as publication
from articles.workflow import moves as workflow
from tests.articles.workflow_helpers import explainer_in, user_in
from tests.browser import ui
from tests.browser.test_accessibility import assert_accessible

PREFIX = "claim_ratings"


@pytest.fixture(autouse=True)
def scale() -> None:
    """The starting rating scale (a browser test's database is flushed of the migration's)."""
    for name, value, description in STARTING_SCALE:
        RatingValue.objects.get_or_create(
            name=name, defaults={"value": value, "description": description}
        )


@pytest.fixture
def in_review(writer) -> Explainer:
    return explainer_in(Explainer.State.IN_REVIEW, authors=[writer], slug="rated-in-browser")


@pytest.fixture
def checker():
    user = user_in(roles.FACT_CHECKER, "browser_checker")
    user.first_name, user.last_name = "Ines", "Okoro"
    user.save()
    return user


def rate_a_claim(page: Page, explainer: Explainer) -> None:
    """As a fact-checker: add a rating of the explainer's viewpoint and save."""
    page.goto(ui.admin_change_url(explainer))
    row = ui.add_inline_row(page, PREFIX, "Add another Claim rating")
    page.select_option(f"#{row}-viewpoint", str(explainer.viewpoints.get().pk))
    page.fill(f"#{row}-claim", "The refill will end hosepipe bans for good.")
    page.fill(f"#{row}-appearance_title", "Water board press conference")
    page.fill(f"#{row}-appearance_url", "https://example.org/press")
    page.fill(f"#{row}-appeared_on", "2026-03-15")
    page.select_option(f"#{row}-rating", label="Misleading")
    page.fill(f"#{row}-explanation", "The board's own report expects bans in dry summers.")
    page.fill(f"#{row}-sources", "1")
    ui.save(page)
    assert ui.errors(page) == ""


def test_a_rating_is_made_by_one_fact_checker_and_checked_by_another(
    open_page, in_review, checker, editor, screenshots_dir
):
    """The rater's own tick is refused with a reason; the editor's is stamped with their name."""
    page = open_page(checker)
    rate_a_claim(page, in_review)
    rating = ClaimRating.objects.get(explainer=in_review)
    assert rating.rated_by == checker
    row = page.locator(f"#{PREFIX}-0")
    expect(row.locator(".fieldBox.field-rated_by_name .readonly")).to_have_text("Ines Okoro")
    # Still in review: rating is the review's own work, not an edit of the text.
    in_review.refresh_from_db()
    assert in_review.state == Explainer.State.IN_REVIEW

    page.check(f"#id_{PREFIX}-0-checked")
    ui.save(page)
    expect(page.locator(f"#{PREFIX}-0 .errorlist")).to_contain_text("someone else must check it")
    rating.refresh_from_db()
    assert rating.checked_by is None

    desk = open_page(editor)
    desk.goto(ui.admin_change_url(in_review))
    # The checklist holds approval until the rating is checked.
    expect(desk.locator('.workflow-checklist [data-check="ratings_checked"]')).to_have_class(
        "failed"
    )
    desk.check(f"#id_{PREFIX}-0-checked")
    ui.save(desk)
    assert ui.errors(desk) == ""
    rating.refresh_from_db()
    assert rating.checked_by == editor
    name = editor.get_full_name() or editor.get_username()
    checked_by = desk.locator(f"#{PREFIX}-0 .fieldBox.field-checked_by_name .readonly")
    expect(checked_by).to_have_text(name)
    expect(desk.locator('.workflow-checklist [data-check="ratings_checked"]')).to_have_class(
        "passed"
    )
    desk.locator(f"#{PREFIX}-group").screenshot(path=screenshots_dir / "claim-rating-desk.png")


def test_a_writer_reads_ratings_without_a_form(open_page, in_review, writer, checker, editor):
    """The writer's change form shows the rating's words but no input for them."""
    ClaimRating.objects.create(
        explainer=in_review,
        viewpoint=in_review.viewpoints.get(),
        claim="Quoted for the writer to read.",
        appearance_title="Radio interview",
        rating=RatingValue.objects.get(name="False"),
        explanation="Not so.",
        rated_by=checker,
    )
    Explainer.objects.filter(pk=in_review.pk).update(state=Explainer.State.DRAFT)
    page = open_page(writer)
    page.goto(ui.admin_change_url(in_review))
    group = page.locator(f"#{PREFIX}-group")
    expect(group).to_contain_text("Quoted for the writer to read.")
    expect(group.locator("textarea, input[type=checkbox]")).to_have_count(0)
    expect(group.get_by_role("button", name="Add another Claim rating")).to_have_count(0)


@pytest.mark.parametrize("width", [390, 1280])
def test_readers_see_the_published_rating_beside_the_viewpoint(
    open_page, in_review, checker, editor, screenshots_dir, width
):
    """After publication the rating shows inside its viewpoint's card, fitting the screen."""
    page = open_page(checker)
    rate_a_claim(page, in_review)
    ClaimRating.objects.filter(explainer=in_review).update(
        checked_by=editor, checked_at=timezone.now()
    )
    workflow.approve(in_review, by=user_in(roles.FACT_CHECKER, "second_checker"))
    publication.publish(in_review, by=editor)

    reader = open_page(viewport={"width": width, "height": 900})
    reader.goto(in_review.get_absolute_url())
    card = reader.locator(".viewpoint").filter(has=reader.locator(".claim-rating"))
    expect(card).to_have_count(1)
    expect(card.locator(".claim-verdict")).to_have_text("Our rating: Misleading")
    expect(card.locator(".claim-quote")).to_contain_text("end hosepipe bans for good")
    sizes = reader.evaluate(
        "({scroll: document.documentElement.scrollWidth,"
        " client: document.documentElement.clientWidth})"
    )
    assert sizes["scroll"] <= sizes["client"], sizes
    card.scroll_into_view_if_needed()
    reader.screenshot(path=screenshots_dir / f"claim-rating-{width}.png", full_page=True)


def test_ratings_on_the_desk_and_the_page_have_no_serious_violations(
    open_page, in_review, checker, editor
):
    """axe finds nothing serious in the change form's rating rows nor in the published rating."""
    page = open_page(checker)
    rate_a_claim(page, in_review)  # a fact-checker's form: the story is read-only, no editors
    assert_accessible(page)
    ClaimRating.objects.filter(explainer=in_review).update(
        checked_by=editor, checked_at=timezone.now()
    )
    workflow.approve(in_review, by=user_in(roles.FACT_CHECKER, "second_checker"))
    publication.publish(in_review, by=editor)
    reader = open_page()
    reader.goto(in_review.get_absolute_url())
    expect(reader.locator(".claim-rating")).to_have_count(1)
    assert_accessible(reader)
