"""What people do in the admin, as browser steps: log in, type, add inline rows, save.

Selectors are the ones Django's admin and django-ckeditor render (field ids ``id_<name>``,
inline rows ``<prefix>-<n>``, the "Add another …" links, CKEditor's ``cke_<id>`` container),
so that the tests read like the steps a writer takes.
"""

from __future__ import annotations

from urllib.parse import urlparse

from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

from articles.models import Explainer

PASSWORD = "correct horse battery staple"  # UserFactory's password


def admin_add_url() -> str:
    return reverse("admin:articles_explainer_add")


def admin_change_url(explainer: Explainer | int) -> str:
    pk = explainer if isinstance(explainer, int) else explainer.pk
    return reverse("admin:articles_explainer_change", args=[pk])


def log_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Log in through the admin's login form, as a person does."""
    page.goto(reverse("admin:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit], button[type=submit]")
    expect(page.locator("#user-tools")).to_be_visible()


def wait_for_editors(page: Page) -> None:
    """Wait until every CKEditor on the page is ready to be typed into."""
    page.wait_for_function(
        """() => {
            const areas = document.querySelectorAll('textarea[data-type=ckeditortype]');
            const real = [...areas].filter(t => !t.id.includes('__prefix__'));
            return window.CKEDITOR && real.every(
                t => CKEDITOR.instances[t.id] && CKEDITOR.instances[t.id].status === 'ready');
        }"""
    )


def rich_text_body(page: Page, field: str) -> Locator:
    """The editable body of the CKEditor that edits ``field``."""
    return page.frame_locator(f"#cke_id_{field} iframe.cke_wysiwyg_frame").locator("body")


def type_rich_text(page: Page, field: str, text: str, *, replace: bool = True) -> None:
    """Type ``text`` into a rich-text field with the keyboard; Enter starts a new paragraph."""
    body = rich_text_body(page, field)
    body.click()
    if replace:
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.press("Delete")
    lines = text.split("\n")
    for n, line in enumerate(lines):
        if line:
            page.keyboard.type(line)
        if n < len(lines) - 1:
            page.keyboard.press("Enter")


def rich_text_html(page: Page, field: str) -> str:
    return page.evaluate(f"CKEDITOR.instances['id_{field}'].getData()")


def add_inline_row(page: Page, prefix: str, add_text: str) -> str:
    """Click "Add another …" under an inline and return the new row's field-id prefix."""
    total = page.locator(f"#id_{prefix}-TOTAL_FORMS")
    n = int(total.input_value())
    group = page.locator(f"#{prefix}-group")
    group.get_by_role("button", name=add_text, exact=True).click()
    expect(total).to_have_value(str(n + 1))
    return f"id_{prefix}-{n}"


def choose_autocomplete(page: Page, select_id: str, search: str, choice: str) -> None:
    """Pick ``choice`` in an admin autocomplete (select2) field by typing ``search``."""
    page.locator(f"#{select_id} + .select2 .select2-selection").click()
    field = page.locator(".select2-container--open .select2-search__field")
    field.fill(search)
    page.locator(".select2-results__option", has_text=choice).first.click()
    expect(page.locator(f"#{select_id}")).not_to_have_value("")


def save(page: Page, button: str = "Save and continue editing") -> None:
    """Press a save button of the change form and wait for the next page."""
    with page.expect_navigation():
        page.locator("#explainer_form").get_by_role("button", name=button).last.click()


def click_button(page: Page, name: str) -> None:
    """Press a button (or submit input) by its visible name and wait for the next page."""
    with page.expect_navigation():
        page.get_by_role("button", name=name).first.click()


def change_url_pk(page: Page) -> int:
    """Return the explainer id from a change-form URL (``/admin/…/explainer/<id>/change/``)."""
    parts = [p for p in urlparse(page.url).path.split("/") if p]
    return int(parts[parts.index("change") - 1])


def messages(page: Page) -> list[str]:
    """The admin's messages on the current page."""
    return [m.strip() for m in page.locator("ul.messagelist li").all_inner_texts()]


def errors(page: Page) -> str:
    """Every error the admin shows on the current page, as one text."""
    return "\n".join(page.locator(".errornote, .errorlist, .import-errors").all_inner_texts())


def choose_topic(page: Page, name: str) -> None:
    """Tick a topic in the topics checkbox list, by its label as a person would."""
    box = page.locator("#id_topics").get_by_label(name, exact=True)
    box.check()
    expect(box).to_be_checked()


def move_button(page: Page, verb: str) -> Locator:
    """The workflow panel's button for a move (``submit``, ``approve``, ``publish`` …)."""
    return page.locator(f"button[data-move={verb}]")


def workflow_move(page: Page, verb: str, comment: str = "") -> None:
    """Press a workflow button, with a comment in its comment box if given."""
    button = move_button(page, verb)
    expect(button).to_have_count(1)
    form = page.locator("form").filter(has=button)
    if comment:
        form.locator("textarea").fill(comment)
    with page.expect_navigation():
        button.click()


def source_number(page: Page, citation: str) -> str:
    """The number the change form gives the source cited as ``citation``, read off the page."""
    source = page.locator("#sources-group .inline-related").filter(has_text=citation)
    expect(source).to_have_count(1)
    return source.locator(".field-number .readonly").inner_text().strip()


def verify_every_fact(page: Page, source_citation: str, note: str = "Checked.") -> int:
    """As a fact-checker: mark each key fact verified, citing ``source_citation`` by its
    number; return how many facts there are."""
    number = source_number(page, source_citation)
    total = int(page.locator("#id_key_facts-TOTAL_FORMS").input_value())
    for n in range(total):
        row = f"id_key_facts-{n}"
        page.select_option(f"#{row}-check_status", "verified")
        page.fill(f"#{row}-sources", number)
        page.fill(f"#{row}-check_note", note)
    return total


def import_text(page: Page, text: str) -> None:
    """Open "Import from text" from the explainer list, paste ``text`` and import it."""
    page.goto(reverse("admin:articles_explainer_changelist"))
    page.get_by_role("link", name="Import from text").click()
    page.get_by_label("Or paste the text").fill(text)
    with page.expect_navigation():
        page.get_by_role("button", name="Import").click()
