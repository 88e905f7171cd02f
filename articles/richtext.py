"""The rich-text editor and its sanitiser, in one place.

Everything the rest of the code knows about rich text goes through this module: the admin
widget (CKEditor 4 today), the form field, ``sanitize()``, the nh3 allowlist applied wherever
stored HTML is marked safe, and ``normalise()``, the one form rich text is stored in. Swapping
the editor means changing this file only.
"""

from __future__ import annotations

import copy
import re
from html import escape
from html.parser import HTMLParser

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


# Tags that start or end a block. Whitespace next to them is never drawn, and CKEditor adds
# and moves it freely (it puts every block on a line of its own, and indents list items).
BLOCK_TAGS = frozenset({"p", "h3", "h4", "ul", "ol", "li", "blockquote", "br"})
# Tags after which a stored section starts a new line, so that it reads well in a diff.
_LINE_AFTER_END = frozenset({"p", "h3", "h4", "ul", "ol", "li", "blockquote"})
_LINE_AFTER_START = frozenset({"ul", "ol", "blockquote"})
_WHITESPACE = re.compile(r"[ \t\n\r\f]+")


class _Canonical(HTMLParser):
    """Write sanitised HTML out again in one canonical spelling.

    Character references become characters (``&#39;`` and ``'`` are the same text), runs of
    whitespace become one space, whitespace beside a block tag goes, and each block ends its
    line. None of this changes what a reader sees.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.after_block = True  # whitespace here would follow a block tag

    def _text(self, text: str) -> None:
        text = _WHITESPACE.sub(" ", text)
        if self.after_block:
            text = text.lstrip(" ")
        if text:
            self.parts.append(escape(text, quote=False).replace("\xa0", "&nbsp;"))
            self.after_block = False

    def _tag(self, tag: str, markup: str) -> None:
        if tag in BLOCK_TAGS:
            if self.parts and not self.parts[-1].startswith("<"):
                self.parts[-1] = self.parts[-1].rstrip(" ")
            self.after_block = True
        else:
            self.after_block = False
        self.parts.append(markup)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        written = "".join(
            f' {name}="{escape(value or "", quote=True)}"' for name, value in sorted(attrs)
        )
        self._tag(tag, f"<{tag}{written}>" + ("\n" if tag in _LINE_AFTER_START else ""))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self._tag(tag, f"</{tag}>" + ("\n" if tag in _LINE_AFTER_END else ""))

    def handle_data(self, data: str) -> None:
        self._text(data)


def normalise(html: str | None) -> str:
    """Return ``html`` sanitised and spelt canonically: the form rich text is stored in.

    Two spellings of the same content (the stored HTML, and what CKEditor hands back for it
    after re-flowing it) normalise to the same string, so comparing normalised HTML compares
    content.
    """
    writer = _Canonical()
    writer.feed(sanitize(html))
    writer.close()
    return "".join(writer.parts).strip()


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
    """A form field that edits rich text and hands back normalised HTML.

    The editor re-spells the HTML it is given, so the field compares content, not spelling: a
    form sent back untouched has not changed this field.
    """

    widget = RichTextWidget

    def clean(self, value: str | None) -> str:
        return normalise(super().clean(value))

    def has_changed(self, initial: str | None, data: str | None) -> bool:
        if self.disabled:
            return False
        return normalise(initial) != normalise(data)
