"""The rich-text editor and its sanitiser, in one place.

Everything the rest of the code knows about rich text goes through this module: the admin
widget (CKEditor 4 today), the form field, and ``sanitize()``, the nh3 allowlist applied on
save and again wherever stored HTML is marked safe. Swapping the editor means changing this
file only.
"""

from __future__ import annotations

import copy

import nh3
from ckeditor.widgets import CKEditorWidget
from django import forms
from django.utils.safestring import SafeString, mark_safe

# The only markup an explainer section may hold. Anything else is removed, and the text of
# <script>/<style> is dropped with the tag.
ALLOWED_TAGS = frozenset(
    {"p", "br", "h3", "h4", "strong", "b", "em", "i", "a", "ul", "ol", "li", "blockquote"}
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})

# CKEditor 4 settings. Pinned by tests: no Source, Flash, Iframe or Image buttons, no upload
# or file-browser URLs, never ``allowedContent: True``, full-page mode off.
EDITOR_CONFIG: dict[str, object] = {
    "toolbar": "newsroom",
    "toolbar_newsroom": [
        ["Format"],
        ["Bold", "Italic"],
        ["Link", "Unlink"],
        ["NumberedList", "BulletedList", "Blockquote"],
        ["RemoveFormat", "Undo", "Redo"],
    ],
    "format_tags": "p;h3;h4",
    "allowedContent": "p br h3 h4 strong b em i ul ol li blockquote; a[!href,title]",
    "removePlugins": ",".join(
        [
            "elementspath",
            "exportpdf",
            "flash",
            "forms",
            "iframe",
            "image",
            "image2",
            "uploadimage",
            "uploadfile",
            "smiley",
            "sourcearea",
            "sourcedialog",
            "table",
            "tableselection",
            "tabletools",
            "templates",
            "div",
            "showblocks",
            "newpage",
            "preview",
            "print",
            "save",
        ]
    ),
    "fullPage": False,
    "height": 220,
    "width": "100%",
    "linkShowAdvancedTab": False,
    "linkShowTargetTab": False,
    "disableNativeSpellChecker": False,
    "versionCheck": False,
}


def sanitize(html: str | None) -> str:
    """Return ``html`` reduced to the allowlist (tags, attributes, URL schemes)."""
    if not html:
        return ""
    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return cleaned.strip()


def render(html: str | None) -> SafeString:
    """Return stored rich text ready for a template.

    This is the one place where editor HTML is marked safe: it is sanitised again here, so
    that a value written around the model (a raw UPDATE, an old row) cannot carry markup past
    the allowlist.
    """
    return mark_safe(sanitize(html))  # noqa: S308 - sanitised by the nh3 allowlist just above


class RichTextWidget(CKEditorWidget):
    """CKEditor 4 with the newsroom's small toolbar and no uploads."""

    def __init__(self, attrs: dict | None = None) -> None:
        # Skip CKEditorWidget's settings lookup: the configuration lives in this module.
        forms.Textarea.__init__(self, attrs)
        self.template_name = "ckeditor/widget.html"
        self.config_name = "newsroom"
        self.config = copy.deepcopy(EDITOR_CONFIG)
        self.external_plugin_resources: list[tuple[str, str, str]] = []


# CKEditor 4 draws its toolbar with inline event handlers (onclick="CKEDITOR.tools...") and
# cannot run without 'unsafe-inline' for scripts. A page adds this to its CSP (django-csp's
# csp_update) only when its form draws the editor, so every other page keeps scripts from
# this origin only. Whatever a script in the editor did, sanitize() runs on save and render.
EDITOR_CSP: dict[str, list[str]] = {"script-src": ["'unsafe-inline'"]}


def draws_editor(form: forms.BaseForm) -> bool:
    """Return True if ``form`` has an editable rich-text field (the page loads the editor)."""
    return any(isinstance(field.widget, RichTextWidget) for field in form.fields.values())


class RichTextFormField(forms.CharField):
    """A form field that edits rich text and hands back sanitised HTML."""

    widget = RichTextWidget

    def clean(self, value: str | None) -> str:
        return sanitize(super().clean(value))
