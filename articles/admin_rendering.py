"""Inline rows of the explainer change form, drawn in Python with Django's own markup.

An explainer with fifty of every inline has some 2,900 widgets on its change form. Django draws
each widget, each (empty) error list and each label by rendering a template, several includes
deep; on that page the templates cost more than a second. ``RowRenderer`` is Django's default
form renderer with the templates those rows use drawn by small Python functions instead: same
markup, byte for byte (tests/articles/test_admin_rendering.py renders every case both ways and
compares), a fraction of the time. Any other template, or a case a function does not cover,
goes to Django's templates as before.

Every value is escaped as the templates escape it (``conditional_escape``); the pieces are put
together with ``format_html`` and ``format_html_join`` only.
"""

from __future__ import annotations

from collections.abc import Callable

from django.forms.renderers import DjangoTemplates
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

WIDGETS = "django/forms/widgets/"

# Django's widget templates that are nothing but {% include "django/forms/widgets/input.html" %}.
INPUT_TEMPLATES = frozenset(
    f"{WIDGETS}{kind}.html"
    for kind in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "checkbox",
        "search",
        "tel",
        "color",
    )
)
EMPTY = SafeString("")


def attrs_html(attrs: dict) -> SafeString:
    """Draw attributes as django/forms/widgets/attrs.html does (True: bare, False: left out)."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


def _join(parts: list[SafeString]) -> SafeString:
    """Join fragments that ``format_html`` built (and so escaped) already."""
    return format_html_join("", "{}", ((part,) for part in parts))


def draw_input(widget: dict) -> SafeString:
    """django/forms/widgets/input.html."""
    value = widget["value"]
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        widget["type"],
        widget["name"],
        EMPTY if value is None else format_html(' value="{}"', value),
        attrs_html(widget["attrs"]),
    )


def draw_textarea(widget: dict) -> SafeString:
    """django/forms/widgets/textarea.html."""
    return format_html(
        '<textarea name="{}"{}>\n{}</textarea>',
        widget["name"],
        attrs_html(widget["attrs"]),
        widget["value"] or "",
    )


def draw_option(option: dict) -> SafeString:
    """django/forms/widgets/select_option.html."""
    return format_html(
        '<option value="{}"{}>{}</option>',
        option["value"],
        attrs_html(option["attrs"]),
        option["label"],
    )


def draw_select(widget: dict) -> SafeString:
    """django/forms/widgets/select.html."""
    parts = [format_html('<select name="{}"{}>', widget["name"], attrs_html(widget["attrs"]))]
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(format_html('\n  <optgroup label="{}">', group))
        parts += [format_html("\n  {}\n", draw_option(option)) for option in options]
        if group:
            parts.append(SafeString("\n  </optgroup>"))
    parts.append(SafeString("\n</select>"))
    return _join(parts)


def draw_input_option(option: dict) -> SafeString:
    """django/forms/widgets/input_option.html (a checkbox or radio with its label)."""
    box = draw_input(option)
    if not option["wrap_label"]:
        return format_html("{}\n\n", box)
    box_id = option["attrs"].get("id")
    return format_html(
        "<label{}>{}\n {}</label>\n",
        format_html(' for="{}"', box_id) if box_id else EMPTY,
        box,
        option["label"],
    )


def draw_multiple_input(widget: dict) -> SafeString:
    """django/forms/widgets/multiple_input.html (checkbox and radio lists)."""
    box_id, css = widget["attrs"].get("id"), widget["attrs"].get("class")
    parts = [
        format_html(
            "<div{}{}>",
            format_html(' id="{}"', box_id) if box_id else EMPTY,
            format_html(' class="{}"', css) if css else EMPTY,
        )
    ]
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(format_html("\n  <div><label>{}</label>", group))
        parts += [format_html("<div>\n    {}\n</div>", draw_input_option(o)) for o in options]
        if group:
            parts.append(SafeString("\n  </div>"))
    parts.append(SafeString("\n</div>"))
    return _join(parts)


def draw_admin_date(widget: dict) -> SafeString:
    """admin/widgets/date.html."""
    return format_html('<p class="date">\n  {}\n\n\n</p>', draw_input(widget))


def draw_error_list(context: dict) -> SafeString | None:
    """django/forms/errors/list/ul.html when the list is empty (nearly every field)."""
    return EMPTY if not context["errors"] else None


def draw_label(context: dict) -> SafeString:
    """django/forms/label.html."""
    if not context["use_tag"]:
        return format_html("{}", context["label"])
    return format_html(
        "<{}{}>{}</{}>",
        context["tag"],
        attrs_html(context["attrs"]),
        context["label"],
        context["tag"],
    )


# The links of related_widget_wrapper.html, in its order and with its line breaks:
# (flag, kind, attributes after the id, URL key, query key, title, icon).
_LINE = "\n            "
_RELATED_LINKS = (
    (
        "can_change_related",
        "change",
        _LINE + 'data-href-template="{url}?{query}"' + _LINE + 'data-popup="yes"' + _LINE,
        "change_related_template_url",
        "url_params",
        "Change selected %(model)s",
        "changelink",
    ),
    (
        "can_add_related",
        "add",
        _LINE + 'data-popup="yes"' + _LINE + 'href="{url}?{query}"' + _LINE,
        "add_related_url",
        "url_params",
        "Add another %(model)s",
        "addlink",
    ),
    (
        "can_delete_related",
        "delete",
        _LINE + 'data-href-template="{url}?{query}"' + _LINE + 'data-popup="yes"' + _LINE,
        "delete_related_template_url",
        "url_params",
        "Delete selected %(model)s",
        "deletelink",
    ),
    (
        "can_view_related",
        "view",
        _LINE + ' data-href-template="{url}?{query}"' + _LINE + " ",
        "change_related_template_url",
        "view_related_url_params",
        "View selected %(model)s",
        "viewlink",
    ),
)


def draw_related_wrapper(context: dict) -> SafeString:
    """admin/widgets/related_widget_wrapper.html (a select and its add/change/view links)."""
    links = []
    model = format_html("{}", context["model"])
    if not context["is_hidden"]:
        for flag, kind, middle, url_key, query_key, title, icon in _RELATED_LINKS:
            if not context[flag]:
                continue
            links.append(
                format_html(
                    '<a class="related-widget-wrapper-link {kind}-related" id="{kind}_id_{name}"'
                    + middle
                    + 'title="{title}"><img src="{icon}" alt="" width="24" height="24"></a>',
                    kind=kind,
                    name=context["name"],
                    url=context[url_key],
                    query=context[query_key],
                    # blocktranslate escapes the variable, not the translated sentence.
                    title=SafeString(gettext(title) % {"model": model}),
                    icon=static(f"admin/img/icon-{icon}.svg"),
                )
            )
    model_ref = (
        EMPTY
        if context["model_has_limit_choices_to"]
        else format_html('data-model-ref="{}"', context["model_name"])
    )
    return format_html(
        '<div class="related-widget-wrapper" {}>\n    {}\n    \n        {}\n    \n</div>',
        model_ref,
        context["rendered_widget"],
        _join(links),
    )


def _widget(draw: Callable[[dict], SafeString]) -> Callable[[dict], SafeString]:
    return lambda context: draw(context["widget"])


DRAWN: dict[str, Callable[[dict], SafeString | None]] = {
    **{name: _widget(draw_input) for name in INPUT_TEMPLATES},
    f"{WIDGETS}textarea.html": _widget(draw_textarea),
    f"{WIDGETS}select.html": _widget(draw_select),
    f"{WIDGETS}checkbox_select.html": _widget(draw_multiple_input),
    f"{WIDGETS}radio.html": _widget(draw_multiple_input),
    f"{WIDGETS}multiple_input.html": _widget(draw_multiple_input),
    "admin/widgets/date.html": _widget(draw_admin_date),
    "admin/widgets/related_widget_wrapper.html": draw_related_wrapper,
    "django/forms/errors/list/ul.html": draw_error_list,
    "django/forms/errors/list/default.html": draw_error_list,
    "django/forms/label.html": draw_label,
}


class RowRenderer(DjangoTemplates):
    """Django's default form renderer, drawing the templates in ``DRAWN`` in Python."""

    def render(self, template_name, context, request=None):
        draw = DRAWN.get(template_name)
        html = draw(context) if draw is not None else None
        if html is None:
            return super().render(template_name, context, request)
        return html


ROW_RENDERER = RowRenderer()
