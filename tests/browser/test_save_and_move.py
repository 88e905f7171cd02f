"""'Save and submit' and 'Save and approve' as people use them: one click saves and moves."""

from __future__ import annotations

from playwright.sync_api import expect

from articles.models import Explainer, KeyFact, Transition
from tests import factories
from tests.browser import ui
from tests.browser.data import in_review

State = Explainer.State


def test_writer_edits_and_submits_with_one_click(open_page, writer):
    """The writer changes the headline and presses 'Save and submit for fact-check'."""
    explainer = factories.complete_explainer(authors=[writer])
    page = open_page(writer)
    page.goto(ui.admin_change_url(explainer))
    page.fill("#id_title", "A headline changed before submitting")
    ui.save(page, "Save and submit for fact-check")

    assert ui.errors(page) == ""
    assert ui.messages(page)[-1] == "Submit for fact-check: done. It is now in review."
    expect(page.locator("#id_title")).to_have_value("A headline changed before submitting")
    # Once in review the writer has no submit button left, in the panel or the submit row.
    expect(page.get_by_role("button", name="Save and submit for fact-check")).to_have_count(0)
    explainer.refresh_from_db()
    assert explainer.state == State.IN_REVIEW
    assert Transition.objects.filter(explainer=explainer, name="submit", actor=writer).exists()


def test_fact_checker_verifies_and_approves_with_one_click(open_page, writer, fact_checker):
    """Each fact is marked verified on the form and 'Save and approve' approves it."""
    explainer = in_review(writer=writer)
    KeyFact.objects.filter(explainer=explainer).update(
        check_status="unchecked", checked_by=None, checked_at=None
    )
    page = open_page(fact_checker)
    page.goto(ui.admin_change_url(explainer))
    source = explainer.sources.get().citation
    ui.verify_every_fact(page, source)
    ui.save(page, "Save and approve")

    assert ui.errors(page) == ""
    assert ui.messages(page)[-1] == "Approve: done. It is now approved."
    explainer.refresh_from_db()
    assert explainer.state == State.APPROVED and explainer.approved_by == fact_checker


def test_refused_approval_says_which_fact_and_keeps_the_checks(open_page, writer, fact_checker):
    """With one fact left unchecked the others' checks are saved and the refusal names it."""
    explainer = in_review(writer=writer)
    KeyFact.objects.filter(explainer=explainer).update(
        check_status="unchecked", checked_by=None, checked_at=None
    )
    page = open_page(fact_checker)
    page.goto(ui.admin_change_url(explainer))
    page.select_option("#id_key_facts-0-check_status", "verified")
    ui.save(page, "Save and approve")

    refusal = ui.messages(page)[-1]
    assert refusal.startswith("Saved, but not approved:") and "#2" in refusal
    # The number in the message is the one the key facts table shows on that row.
    expect(page.locator("#key_facts-1 td.field-number")).to_have_text("2")
    expect(page.locator("#id_key_facts-0-check_status")).to_have_value("verified")
    explainer.refresh_from_db()
    assert explainer.state == State.IN_REVIEW
