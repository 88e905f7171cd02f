"""The nh3 allowlist: every payload loses its active parts, allowed markup survives."""

import pytest

from articles import richtext
from tests.factories import ExplainerFactory
from tests.payloads import HTML_PAYLOADS

# The corpus is shared with the security tests (tests/payloads.py).
XSS_PAYLOADS = HTML_PAYLOADS

DANGEROUS_MARKERS = [
    "<script",
    "onerror",
    "onload",
    "onclick",
    "onmouseover",
    "ontoggle",
    "javascript:",
    "data:",
    "vbscript:",
    "<iframe",
    "style",
    "<object",
    "<embed",
    "<form",
    "<meta",
    "<base",
    "<link",
    "<svg",
    "alert(1)</script",
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_sanitize_strips_payload(payload):
    """Each payload loses every active part."""
    cleaned = richtext.sanitize(payload).lower()
    for marker in DANGEROUS_MARKERS:
        assert marker not in cleaned, (payload, cleaned)


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
@pytest.mark.django_db
def test_payload_never_reaches_database(payload):
    """Saving an explainer sanitises every rich-text section."""
    explainer = ExplainerFactory(what_happened=payload, background=payload, why_it_matters=payload)
    explainer.refresh_from_db()
    for value in (explainer.what_happened, explainer.background, explainer.why_it_matters):
        for marker in DANGEROUS_MARKERS:
            assert marker not in value.lower()


def test_allowed_markup_survives():
    """The toolbar's markup is kept as written."""
    html = (
        "<h3>Heading</h3><p><strong>bold</strong> <em>it</em> "
        '<a href="https://example.org/a">link</a></p><ul><li>one</li></ul>'
        "<ol><li>two</li></ol><blockquote><p>quote</p></blockquote><h4>Sub</h4>"
    )
    cleaned = richtext.sanitize(html)
    for fragment in (
        "<h3>",
        "<strong>",
        "<em>",
        'href="https://example.org/a"',
        "<ul>",
        "<ol>",
        "<blockquote>",
        "<h4>",
    ):
        assert fragment in cleaned


def test_links_get_noopener():
    """Links are marked so that a followed page cannot reach back into ours."""
    assert 'rel="noopener noreferrer"' in richtext.sanitize('<a href="https://x.example">x</a>')


def test_render_sanitises_again():
    """A value written around the model is cleaned again where it is marked safe."""
    assert "<script" not in richtext.render("<p>ok</p><script>alert(1)</script>")


# The stored spelling of some rich text, and CKEditor 4's spelling of the same content.
RESPELT = [
    ("<p>The world's clocks.</p>\n<p>Two</p>", "<p>The world&#39;s clocks.</p>\n\n<p>Two</p>"),
    ("<ul>\n<li>one</li>\n<li>two</li>\n</ul>", "<ul>\n\t<li>one</li>\n\t<li>two</li>\n</ul>"),
    ("<p>a &amp; b — c</p>", "<p>a &amp; b &mdash; c</p>\n"),
    ("<p>line<br>next</p>", "<p>line<br />\nnext</p>"),
    ("<p>10&nbsp;km</p>", "<p>10&#160;km</p>"),
    (
        '<p><a href="https://example.org/" title="t">x</a> y</p>',
        '<p><a title="t" href="https://example.org/">x</a>  y</p>',
    ),
]


@pytest.mark.parametrize(("stored", "edited"), RESPELT)
def test_normalise_reads_the_editors_spelling_as_the_same_content(stored, edited):
    """What CKEditor hands back for stored rich text normalises to the same string."""
    assert richtext.normalise(edited) == richtext.normalise(stored)


@pytest.mark.parametrize(("stored", "edited"), RESPELT)
def test_normalised_text_is_left_alone_by_normalise(stored, edited):
    """Normalising twice gives what normalising once gave."""
    once = richtext.normalise(edited)
    assert richtext.normalise(once) == once


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("<p>one</p><p>two</p>", "<p>one two</p>"),
        ("<p>one</p>", "<p><strong>one</strong></p>"),
        ("<p>a b</p>", "<p>ab</p>"),
        ("<p>10 km</p>", "<p>10&nbsp;km</p>"),
    ],
)
def test_the_rich_text_field_sees_a_change_of_content(before, after):
    """A change a reader would see is a change of the field."""
    assert richtext.RichTextFormField().has_changed(before, after)


def test_the_rich_text_field_does_not_see_a_change_of_spelling():
    """The editor's re-spelling of the stored text is not a change of the field."""
    field = richtext.RichTextFormField()
    assert not any(field.has_changed(stored, edited) for stored, edited in RESPELT)


@pytest.mark.django_db
def test_rich_text_is_stored_normalised():
    """A save stores the section as the desk's form would hand it back."""
    explainer = ExplainerFactory(what_happened="<p>The world&#39;s</p>\n\n<p>clocks</p>")
    explainer.refresh_from_db()
    assert explainer.what_happened == "<p>The world's</p>\n<p>clocks</p>"


def test_editor_configuration_is_pinned():
    """No Source, Flash, Iframe or Image buttons, no uploads, never allowedContent True."""
    config = richtext.EDITOR_CONFIG
    buttons = {b for group in config["toolbar_newsroom"] for b in group}
    assert not buttons & {"Source", "Flash", "Iframe", "Image", "Table", "Templates"}
    assert config["allowedContent"] is not True
    assert isinstance(config["allowedContent"], str)
    assert config["fullPage"] is False
    assert not any("upload" in key.lower() or "browser" in key.lower() for key in config)
    widget = richtext.RichTextWidget()
    assert widget.config == config
    assert "sourcearea" in config["removePlugins"]
