"""Inline rows of the explainer change form, drawn in Python with Django's own markup.

An explainer with fifty of every inline has some 2,900 widgets and 5,000 options on its change
form. Django draws each widget, option, label, (empty) error list and table cell by rendering a
template, several includes deep: 1.4 s of that page went there. This module draws the same
markup in Python:

- ``RowRenderer``: Django's default form renderer, with the widget, label and error-list
  templates the rows use drawn by small functions (``DRAWN``); any other template goes to
  Django's templates as before;
- ``DrawnChoicesMixin``: selects and checkbox lists drawn from their choices, without a dict
  per option; ``RowRelatedWidgetWrapper``: the related-object links looked up once per request;
- ``tabular_rows`` and ``stacked_forms``: the rows of admin/articles/edit_inline/*.html, which
  keep Django's heading and table;
- ``SharedMediaInlineAdminFormSet``: an inline's media read from two rows instead of all.

tests/articles/test_admin_rendering.py renders every case both ways and compares: byte for byte
for widgets, with whitespace collapsed for whole inlines (each role, and with errors).

Every value is escaped as the templates escape it: ``html`` below is ``format_html`` (a literal
template, every argument escaped unless it is already safe HTML) without the lazy-string wrapper
around Django's ``escape``, which took about a third of the profiled time in 60,000 calls.
"""

from __future__ import annotations

import html as stdlib_html
from collections.abc import Callable, Iterable

from django import forms
from django.contrib.admin import helpers
from django.contrib.admin.templatetags.admin_modify import cell_count
from django.contrib.admin.utils import quote
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.forms.renderers import DjangoTemplates
from django.templatetags.static import static
from django.urls import reverse
from django.utils.formats import localize
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext

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


def escape(value) -> str:
    """Return ``value`` escaped as ``conditional_escape`` does (safe HTML is left as it is)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return stdlib_html.escape(str(value))


def html(template: str, *args, **kwargs) -> SafeString:
    """Return ``template`` (a literal) filled with escaped arguments, as ``format_html`` does."""
    if kwargs:
        kwargs = {key: escape(value) for key, value in kwargs.items()}
    return SafeString(template.format(*[escape(arg) for arg in args], **kwargs))


def attrs_html(attrs: dict) -> SafeString:
    """Draw attributes as django/forms/widgets/attrs.html does (True: bare, False: left out)."""
    # html(' {}="{}"', name, value) for each attribute, inlined: a page draws 20,000 of them.
    return SafeString(
        "".join(
            f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
            for name, value in attrs.items()
            if value is not False
        )
    )


def _join(parts: Iterable[SafeString]) -> SafeString:
    """Join fragments that ``html`` built (and so escaped) already."""
    return SafeString("".join(parts))


def draw_input(widget: dict) -> SafeString:
    """django/forms/widgets/input.html."""
    value = widget["value"]
    return html(
        '<input type="{}" name="{}"{}{}>',
        widget["type"],
        widget["name"],
        EMPTY if value is None else html(' value="{}"', value),
        attrs_html(widget["attrs"]),
    )


def draw_textarea(widget: dict) -> SafeString:
    """django/forms/widgets/textarea.html."""
    return html(
        '<textarea name="{}"{}>\n{}</textarea>',
        widget["name"],
        attrs_html(widget["attrs"]),
        widget["value"] or "",
    )


def draw_option(option: dict) -> SafeString:
    """django/forms/widgets/select_option.html."""
    return html(
        '<option value="{}"{}>{}</option>',
        option["value"],
        attrs_html(option["attrs"]),
        SafeString(_label(option["label"])),
    )


def draw_select(widget: dict) -> SafeString:
    """django/forms/widgets/select.html."""
    parts = [html('<select name="{}"{}>', widget["name"], attrs_html(widget["attrs"]))]
    if "options_html" in widget:  # DrawnChoicesMixin
        parts.append(widget["options_html"])
    for group, options, _index in widget.get("optgroups", ()):
        if group:
            parts.append(html('\n  <optgroup label="{}">', group))
        parts += [html("\n  {}\n", draw_option(option)) for option in options]
        if group:
            parts.append(SafeString("\n  </optgroup>"))
    parts.append(SafeString("\n</select>"))
    return _join(parts)


def draw_input_option(option: dict) -> SafeString:
    """django/forms/widgets/input_option.html (a checkbox or radio with its label)."""
    box = draw_input(option)
    if not option["wrap_label"]:
        return html("{}\n\n", box)
    box_id = option["attrs"].get("id")
    return html(
        "<label{}>{}\n {}</label>\n",
        html(' for="{}"', box_id) if box_id else EMPTY,
        box,
        SafeString(_label(option["label"])),
    )


def draw_multiple_input(widget: dict) -> SafeString:
    """django/forms/widgets/multiple_input.html (checkbox and radio lists)."""
    box_id, css = widget["attrs"].get("id"), widget["attrs"].get("class")
    parts = [
        html(
            "<div{}{}>",
            html(' id="{}"', box_id) if box_id else EMPTY,
            html(' class="{}"', css) if css else EMPTY,
        )
    ]
    if "options_html" in widget:  # DrawnChoicesMixin
        parts.append(widget["options_html"])
    for group, options, _index in widget.get("optgroups", ()):
        if group:
            parts.append(html("\n  <div><label>{}</label>", group))
        parts += [html("<div>\n    {}\n</div>", draw_input_option(o)) for o in options]
        if group:
            parts.append(SafeString("\n  </div>"))
    parts.append(SafeString("\n</div>"))
    return _join(parts)


def draw_admin_date(widget: dict) -> SafeString:
    """admin/widgets/date.html."""
    return html('<p class="date">\n  {}\n\n\n</p>', draw_input(widget))


def draw_error_list(context: dict) -> SafeString | None:
    """django/forms/errors/list/ul.html when the list is empty (nearly every field)."""
    return EMPTY if not context["errors"] else None


def draw_label(context: dict) -> SafeString:
    """django/forms/label.html."""
    if not context["use_tag"]:
        return html("{}", context["label"])
    return html(
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


_ICONS = [link[-1] for link in _RELATED_LINKS]


# What a wrapper's links show besides the name, which alone changes from row to row.
_LINK_KEYS = tuple(
    dict.fromkeys(
        ["model"] + [key for link in _RELATED_LINKS for key in (link[0], link[3], link[4])]
    )
)


def draw_related_wrapper(context: dict) -> SafeString:
    """admin/widgets/related_widget_wrapper.html (a select and its add/change/view links)."""
    links = EMPTY
    if not context["is_hidden"]:
        # RowRelatedWidgetWrapper passes a dict that lives as long as the request: each link's
        # markup on either side of the name is drawn once there, not once per row.
        memo = context.get("links", {})
        key = tuple(context.get(name) for name in _LINK_KEYS)
        if key not in memo:
            memo[key] = _related_link_halves(context)
        name = escape(context["name"])
        links = SafeString("".join(f"{head}{name}{tail}" for head, tail in memo[key]))
    model_ref = (
        EMPTY
        if context["model_has_limit_choices_to"]
        else html('data-model-ref="{}"', context["model_name"])
    )
    return html(
        '<div class="related-widget-wrapper" {}>\n    {}\n    \n        {}\n    \n</div>',
        model_ref,
        context["rendered_widget"],
        links,
    )


def _related_link_halves(context: dict) -> list[tuple[str, str]]:
    """Return the wrapper's links, each as (markup before the name, markup after it)."""
    halves = []
    model = html("{}", context["model"])
    icons = context.get("icons", {})  # looked up once per request by RowRelatedWidgetWrapper
    for flag, kind, middle, url_key, query_key, title, icon in _RELATED_LINKS:
        if not context[flag]:
            continue
        head = html(
            '<a class="related-widget-wrapper-link {kind}-related" id="{kind}_id_', kind=kind
        )
        tail = html(
            '"' + middle + 'title="{title}"><img src="{icon}" alt="" width="24" height="24"></a>',
            url=context[url_key],
            query=context[query_key],
            # blocktranslate escapes the variable, not the translated sentence.
            title=SafeString(gettext(title) % {"model": model}),
            icon=icons[icon] if icon in icons else static(f"admin/img/icon-{icon}.svg"),
        )
        halves.append((head, tail))
    return halves


# Option lists. The timeline's source select and the key facts' source checkboxes list every
# source of the explainer in every row: 5,000 options on a form with fifty of each. Django builds
# a dict per option (create_option) before the template draws it; ``DrawnChoicesMixin`` draws
# each option straight from the widget's choices, following ChoiceWidget.optgroups() and
# create_option() step by step, to the same markup.


class DrawnChoicesMixin:
    """A select or checkbox list whose options are drawn from its choices, not from dicts."""

    def get_context(self, name, value, attrs):
        context = forms.Widget.get_context(self, name, value, attrs)
        widget = context["widget"]
        if self.allow_multiple_selected and isinstance(self, forms.Select):
            widget["attrs"]["multiple"] = True
        draw = _draw_boxes if self.option_inherits_attrs else _draw_options
        widget["options_html"] = _join(draw(self, name, widget["value"], attrs))
        return context

    def _render(self, template_name, context, renderer=None):
        # Only RowRenderer knows "options_html" (Django's templates expect "optgroups").
        return super()._render(template_name, context, ROW_RENDERER)


def _choice_groups(widget, value: list[str]):
    """Yield (group name, [(index, escaped value, value is None, escaped label, selected)]) as
    ChoiceWidget.optgroups does."""
    has_selected = False
    for group, options in _prepared_choices(widget.choices):
        drawn = []
        for index, text, is_none, value_html, label_html in options:
            selected = (not has_selected or widget.allow_multiple_selected) and text in value
            has_selected |= selected
            drawn.append((index, value_html, is_none, label_html, selected))
        yield group, drawn


def _prepared_choices(choices) -> list:
    """Return the choices as (group name, [(index, value as text, value is None, escaped value,
    escaped label)]), what every row draws alike.

    A choices object with a ``drawn_memo`` dict (admin.RowChoices, admin.SharedChoices: one per
    field per request, shared by its rows) keeps the list there, per language, so the 2,500
    source checkboxes of fifty key facts escape the same fifty sources once, not once per row.
    """
    memo = getattr(choices, "drawn_memo", None)
    language = get_language()
    if memo is not None and language in memo:
        return memo[language]
    prepared = []
    for index, (option_value, option_label) in enumerate(choices):
        if option_value is None:
            option_value = ""
        if isinstance(option_label, list | tuple):
            group, subchoices, grouped = option_value, option_label, True
        else:
            group, subchoices, grouped = None, [(option_value, option_label)], False
        prepared.append(
            (
                group,
                [
                    (
                        f"{index}_{subindex}" if grouped else str(index),
                        str(subvalue),
                        subvalue is None,
                        escape(subvalue),
                        _label(sublabel),
                    )
                    for subindex, (subvalue, sublabel) in enumerate(subchoices)
                ],
            )
        )
    if memo is not None:
        memo[language] = prepared
    return prepared


def _label(label) -> str:
    """A label as the templates print it: {{ widget.label }} localizes, then escapes."""
    return escape(label if isinstance(label, str) else localize(label))


def _draw_options(widget, name: str, value: list[str], attrs):
    """The <option>s of select.html (Select: options carry no attributes but "selected")."""
    for group, options in _choice_groups(widget, value):
        if group:
            yield html('\n  <optgroup label="{}">', group)
        for _index, value_html, _is_none, label_html, selected in options:
            # html('\n  <option value="{}"{}>{}</option>\n', ...), inlined for 5,000 options.
            yield SafeString(
                f'\n  <option value="{value_html}"{" selected" if selected else ""}>'
                f"{label_html}</option>\n"
            )
        if group:
            yield SafeString("\n  </optgroup>")


def _draw_boxes(widget, name: str, value: list[str], attrs):
    """The options of multiple_input.html (checkbox and radio lists) with their labels."""
    # create_option() gives each option the widget's attributes, then the checked attribute
    # (added last), then its own numbered id in the id's place. What does not change from
    # option to option is escaped once here.
    base = widget.build_attrs(widget.attrs, attrs)
    checked = widget.checked_attribute
    if checked.keys() & base.keys():
        # The checked attribute would take an existing attribute's place: Django's own steps.
        yield from _draw_box_dicts(widget, name, value, attrs)
        return
    box_id = base.get("id")
    keys = list(base)
    cut = keys.index("id") if box_id else len(keys)
    before = attrs_html({key: base[key] for key in keys[:cut]})
    after = attrs_html({key: base[key] for key in keys[cut + 1 :]})
    checked_html = attrs_html(checked)
    head = html('<input type="{}" name="{}"', widget.input_type, name)
    for group, options in _choice_groups(widget, value):
        if group:
            yield html("\n  <div><label>{}</label>", group)
        for index, value_html, is_none, label_html, selected in options:
            # The markup of input_option.html, inlined with escaped values (see html()).
            value_attr = "" if is_none else f' value="{value_html}"'
            if box_id:
                option_id = escape(widget.id_for_label(box_id, index))
                id_html, label_for = f' id="{option_id}"', f' for="{option_id}"'
            else:
                id_html = label_for = ""
            yield SafeString(
                f"<div>\n    <label{label_for}>{head}{value_attr}{before}{id_html}{after}"
                f"{checked_html if selected else ''}>\n {label_html}</label>\n\n</div>"
            )
        if group:
            yield SafeString("\n  </div>")


def _draw_box_dicts(widget, name: str, value: list[str], attrs):
    """Checkbox or radio options through Django's own optgroups(), drawn as the template does."""
    for group, options, _index in widget.optgroups(name, value, attrs):
        if group:
            yield html("\n  <div><label>{}</label>", group)
        for option in options:
            yield html("<div>\n    {}\n</div>", draw_input_option(option))
        if group:
            yield SafeString("\n  </div>")


class RowRelatedWidgetWrapper(RelatedFieldWidgetWrapper):
    """Django's related-object wrapper (a select and its add/change/view links), for inline rows.

    Django reverses the links' URLs and finds the icons' static URLs for every row (a tenth of a
    millisecond each). Every row's copy of one request's wrapper shares ``memo``, so each URL is
    looked up once per request: same URLs, same markup.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.memo: dict = {}

    @classmethod
    def from_wrapper(cls, wrapper: RelatedFieldWidgetWrapper) -> RowRelatedWidgetWrapper:
        return cls(
            wrapper.widget,
            wrapper.rel,
            wrapper.admin_site,
            can_add_related=wrapper.can_add_related,
            can_change_related=wrapper.can_change_related,
            can_delete_related=wrapper.can_delete_related,
            can_view_related=wrapper.can_view_related,
        )

    def get_related_url(self, info, action, *args):
        key = ("url", info, action, args)
        if key not in self.memo:
            self.memo[key] = super().get_related_url(info, action, *args)
        return self.memo[key]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if "icons" not in self.memo:
            self.memo["icons"] = {icon: static(f"admin/img/icon-{icon}.svg") for icon in _ICONS}
        context["icons"] = self.memo["icons"]
        context["links"] = self.memo.setdefault("links", {})
        return context

    def _render(self, template_name, context, renderer=None):
        return super()._render(template_name, context, ROW_RENDERER)


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


# The rows of a tabular inline. Django's admin/edit_inline/tabular.html draws each cell through
# three nested loops and a dozen tags; with 300 rows of up to seven cells that costs more than
# the widgets inside them. admin/articles/edit_inline/tabular.html keeps Django's heading and
# table and asks ``tabular_rows`` for the body: the same rows, cells, classes and ids, without
# the template's blank lines.


def _numbered(inline_admin_formset):
    """Yield (index, admin form, whether it is the last) without keeping every row's wrapper."""
    ahead = iter(inline_admin_formset)
    current = next(ahead, None)
    index = 0
    while current is not None:
        following = next(ahead, None)
        yield index, current, following is None
        current, index = following, index + 1


def tabular_rows(inline_admin_formset) -> SafeString:
    """Return the ``<tbody>`` rows Django's tabular inline template draws, in Python."""
    formset = inline_admin_formset.formset
    may_add = inline_admin_formset.has_add_permission
    may_delete = formset.can_delete and inline_admin_formset.has_delete_permission
    rows = []
    for index, admin_form, last in _numbered(inline_admin_formset):
        empty = may_add and last
        errors = admin_form.form.non_field_errors()
        if errors:
            rows.append(
                html(
                    '<tr class="row-form-errors"><td colspan="{}">{}</td></tr>\n',
                    cell_count(admin_form),
                    errors,
                )
            )
        original = admin_form.original
        fields = (field for fieldset in admin_form for line in fieldset for field in line)
        rows.append(
            html(
                '<tr class="form-row {}{}" id="{}-{}">\n<td class="original">{}{}{}</td>\n{}'
                '<td class="delete">{}</td>\n</tr>\n',
                "has_original" if original or admin_form.show_url else "",
                " empty-form" if empty else "",
                formset.prefix,
                "empty" if empty else index,
                _original_html(admin_form, inline_admin_formset),
                admin_form.pk_field().field if admin_form.needs_explicit_pk_field() else "",
                admin_form.fk_field().field if admin_form.fk_field() else "",
                _join(_cell_html(field) for field in fields),
                admin_form.deletion_field().field if may_delete and original else "",
            )
        )
    return _join(rows)


def _original_html(admin_form, inline_admin_formset) -> SafeString:
    """The saved object's name (and change or view-on-site links) in a row's first cell."""
    original = admin_form.original
    if not (original or admin_form.show_url):
        return EMPTY
    parts = []
    if original:
        parts += [html("{}", original), _change_link(admin_form, inline_admin_formset)]
    if admin_form.show_url:
        parts.append(html(' <a href="{}">{}</a>', admin_form.absolute_url, gettext("View on site")))
    return html("<p>{}</p>", _join(parts))


def _change_link(admin_form, inline_admin_formset) -> SafeString:
    """The link from a saved row to its own change (or view) page, where the inline has one."""
    model_admin = admin_form.model_admin
    if not (model_admin.show_change_link and model_admin.has_registered_model):
        return EMPTY
    opts = model_admin.opts
    may_change = inline_admin_formset.has_change_permission
    url = reverse(
        f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(admin_form.original.pk)]
    )
    return html(
        ' <a href="{}" class="{}">{}</a>',
        url,
        "inlinechangelink" if may_change else "inlineviewlink",
        gettext("Change") if may_change else gettext("View"),
    )


def _cell_html(field) -> SafeString:
    """One field's cell: its widget (after its errors), or its value when read-only."""
    if field.is_readonly:
        name, hidden = field.field["name"], field.field["is_hidden"]
        content = html("<p>{}</p>", field.contents())
    else:
        bound = field.field
        name, hidden, errors = bound.name, bound.is_hidden, bound.errors
        content = html("{}{}", errors.as_ul() if errors else EMPTY, bound)
    return html(
        '<td class="{}{}">{}</td>\n',
        f"field-{name}" if name else "",
        " hidden" if hidden else "",
        content,
    )


# The forms of a stacked inline: Django's admin/edit_inline/stacked.html and, for each fieldset,
# admin/includes/fieldset.html, drawn in Python for the same reason as the tabular rows.


def stacked_forms(inline_admin_formset) -> SafeString:
    """Return the forms Django's stacked inline template draws, one ``<div>`` each, in Python."""
    formset = inline_admin_formset.formset
    may_add = inline_admin_formset.has_add_permission
    may_delete = formset.can_delete and inline_admin_formset.has_delete_permission
    title = capfirst(inline_admin_formset.opts.verbose_name)
    forms = []
    for index, admin_form, last in _numbered(inline_admin_formset):
        empty = may_add and last
        original = admin_form.original
        if original:
            label = html("{}{}", original, _change_link(admin_form, inline_admin_formset))
        else:
            label = html("#{}", index + 1)
        deletion = admin_form.deletion_field() if may_delete and original else None
        forms.append(
            html(
                '<div class="inline-related{}{}" id="{}-{}">\n<h3><b>{}:</b> '
                '<span class="inline_label">{}</span>{}{}</h3>\n{}{}{}{}</div>\n',
                " has_original" if original or admin_form.show_url else "",
                " empty-form last-related" if empty else "",
                formset.prefix,
                "empty" if empty else index,
                title,
                label,
                html(' <a href="{}">{}</a>', admin_form.absolute_url, gettext("View on site"))
                if admin_form.show_url
                else EMPTY,
                html(' <span class="delete">{} {}</span>', deletion.field, deletion.label_tag())
                if deletion
                else EMPTY,
                admin_form.form.non_field_errors() or EMPTY,
                _join(
                    _fieldset_html(fieldset, formset.prefix, index, number)
                    for number, fieldset in enumerate(admin_form)
                ),
                admin_form.pk_field().field if admin_form.needs_explicit_pk_field() else EMPTY,
                admin_form.fk_field().field if admin_form.fk_field() else EMPTY,
            )
        )
    return _join(forms)


def _fieldset_html(fieldset, prefix: str, form_index: int, number: int) -> SafeString:
    """admin/includes/fieldset.html for one fieldset of a stacked inline's form."""
    heading_id = f"{prefix}-{form_index}-{number}-heading"
    collapsible = fieldset.name and fieldset.is_collapsible
    heading = EMPTY
    if fieldset.name:
        heading = html(
            '{}<h4 id="{}" class="fieldset-heading">{}</h4>{}\n',
            SafeString("<details><summary>") if fieldset.is_collapsible else EMPTY,
            heading_id,
            fieldset.name,
            SafeString("</summary>") if fieldset.is_collapsible else EMPTY,
        )
    return html(
        '<fieldset class="module aligned {}"{}>\n{}{}{}{}</fieldset>\n',
        fieldset.classes,
        html(' aria-labelledby="{}"', heading_id) if fieldset.name else EMPTY,
        heading,
        # Written by developers, and shown unescaped, as Django's template does.
        html('<div class="description">{}</div>\n', SafeString(fieldset.description))
        if fieldset.description
        else EMPTY,
        _join(_line_html(line) for line in fieldset),
        SafeString("</details>") if collapsible else EMPTY,
    )


def _line_html(line) -> SafeString:
    """One line of a fieldset: a single field, or several side by side."""
    single = len(line.fields) == 1
    errors = line.errors() if single else EMPTY
    fields = list(line)
    names = _join(
        html(" field-{}", name) for name in (_field_name(field) for field in fields) if name
    )
    return html(
        '<div class="form-row{}{}{}">\n{}{}{}</div>\n',
        " errors" if single and errors else "",
        "" if line.has_visible_field else " hidden",
        names,
        errors if single else SafeString('<div class="flex-container form-multiline">'),
        _join(_stacked_field_html(field, single) for field in fields),
        EMPTY if single else SafeString("</div>"),
    )


def _field_name(field) -> str:
    return field.field["name"] if field.is_readonly else field.field.name


def _stacked_field_html(field, single: bool) -> SafeString:
    """One field of a fieldset line: errors, label, widget (or value) and help text."""
    readonly = field.is_readonly
    name = _field_name(field)
    if readonly:
        hidden, help_text, label_for = field.field["is_hidden"], field.field["help_text"], ""
    else:
        bound = field.field
        hidden, help_text, label_for = bound.is_hidden, bound.help_text, bound.id_for_label
    box_classes = ""
    if not single:
        box_classes = " fieldBox"
        if name:
            box_classes += f" field-{name}"
        if not readonly and field.errors():
            box_classes += " errors"
        if hidden:
            box_classes += " hidden"
    if field.is_checkbox:
        box_classes += " checkbox-row"
        content = html("{}{}", field.field, field.label_tag())
    elif readonly:
        content = html('{}<div class="readonly">{}</div>', field.label_tag(), field.contents())
    else:
        content = html("{}{}", field.label_tag(), field.field)
    help_html = EMPTY
    if help_text:
        help_html = html(
            '<div class="help{}"{}>\n<div>{}</div>\n</div>\n',
            " hidden" if hidden else "",
            html(' id="{}_helptext"', label_for) if label_for else EMPTY,
            # Written by developers, and shown unescaped, as Django's template does.
            SafeString(help_text),
        )
    return html(
        '<div>\n{}<div class="flex-container{}">\n{}\n</div>\n{}</div>\n',
        field.errors() if not single and not readonly else EMPTY,
        box_classes,
        content,
        help_html,
    )


class SharedMediaInlineAdminFormSet(helpers.InlineAdminFormSet):
    """An inline formset whose scripts and styles are read from one saved row and one new row.

    Django adds up the media of every row (every widget of every form), which on a change form
    of 300 rows costs a tenth of a second to find the same few files again and again. The rows
    of one formset have the same fields, so a saved row (read-only fields included, for people
    who may only view them) and the empty row (for people who may add) need every file there is.
    """

    @property
    def media(self):
        media = self.opts.media + self.formset.media
        for index, admin_form, last in _numbered(self):
            if index == 0 or last:
                media += admin_form.media
        return media
