"""The inline rows' Python renderer draws exactly what Django's templates draw.

Each case renders one widget (or label, or error list) with Django's own template renderer and
with ``admin_rendering.RowRenderer``, and compares the two byte for byte.
"""

from __future__ import annotations

import copy
import datetime
import re

import pytest
from django import forms
from django.contrib import admin as django_admin
from django.contrib.admin import helpers
from django.contrib.admin import widgets as admin_widgets
from django.forms.renderers import DjangoTemplates
from django.forms.utils import ErrorList
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from articles import admin_rendering, models
from articles.admin import RowChoices
from tests import factories
from tests.adminform import form_data

TEMPLATES = DjangoTemplates()
PYTHON = admin_rendering.RowRenderer()

CHOICES = [("", "---------"), ("a", "Alpha & Omega"), ("b", '"Beta"'), (3, "Three")]
GROUPED = [("Group <1>", [("x", "Ex"), ("y", "Why")]), ("z", "Zed")]


def _both(widget: forms.Widget, name: str, value, attrs=None) -> tuple[str, str]:
    context = widget.get_context(name, value, attrs)
    return (
        TEMPLATES.render(widget.template_name, context),
        PYTHON.render(widget.template_name, context),
    )


WIDGET_CASES = [
    ("text", forms.TextInput(), "plain"),
    ("text escaped", forms.TextInput(attrs={"aria-label": 'A "quoted" <label>'}), "<b>&</b>"),
    ("text safe value", forms.TextInput(), mark_safe("<i>kept</i>")),
    ("text empty", forms.TextInput(), ""),
    ("text none", forms.TextInput(), None),
    ("text bool attrs", forms.TextInput(attrs={"required": True, "disabled": False}), "x"),
    ("admin text", admin_widgets.AdminTextInputWidget(), "Publisher"),
    ("number", forms.NumberInput(attrs={"min": 0}), 7),
    ("number zero attr", forms.NumberInput(attrs={"step": 0}), 0),
    ("admin integer", admin_widgets.AdminIntegerFieldWidget(attrs={"aria-label": "Pos"}), 3),
    ("email", forms.EmailInput(), "a@example.org"),
    ("url", forms.URLInput(), "https://example.org/?a=1&b=2"),
    ("hidden", forms.HiddenInput(), 42),
    ("hidden none", forms.HiddenInput(), None),
    ("password", forms.PasswordInput(), "secret"),
    ("date", forms.DateInput(), datetime.date(2025, 3, 4)),
    ("admin date", admin_widgets.AdminDateWidget(attrs={"aria-label": "Date"}), "2025-03-04"),
    ("admin date empty", admin_widgets.AdminDateWidget(), None),
    ("datetime", forms.DateTimeInput(), datetime.datetime(2025, 3, 4, 5, 6)),
    ("time", forms.TimeInput(), datetime.time(5, 6)),
    ("checkbox on", forms.CheckboxInput(attrs={"aria-label": "Delete this row"}), True),
    ("checkbox off", forms.CheckboxInput(), False),
    ("textarea", forms.Textarea(attrs={"rows": 2}), "Line one\nline <two> & three"),
    ("textarea empty", forms.Textarea(), ""),
    ("textarea none", forms.Textarea(), None),
    ("select", forms.Select(choices=CHOICES), "b"),
    ("select none chosen", forms.Select(choices=CHOICES, attrs={"aria-label": "Kind"}), None),
    ("select groups", forms.Select(choices=GROUPED), "y"),
    ("select empty", forms.Select(choices=[]), None),
    ("select multiple", forms.SelectMultiple(choices=CHOICES), ["a", "b"]),
    ("checkboxes", forms.CheckboxSelectMultiple(choices=CHOICES[1:]), ["a", 3]),
    ("checkboxes class", forms.CheckboxSelectMultiple(choices=CHOICES, attrs={"class": "c"}), []),
    ("checkboxes groups", forms.CheckboxSelectMultiple(choices=GROUPED), ["x"]),
    ("checkboxes empty", forms.CheckboxSelectMultiple(choices=[]), []),
    ("radios", forms.RadioSelect(choices=CHOICES), "a"),
    ("number labels", forms.Select(choices=[("a", 1500), ("b", 2.5)]), "b"),
    ("number label boxes", forms.CheckboxSelectMultiple(choices=[("a", 1500)]), ["a"]),
]


@pytest.mark.parametrize(
    ("widget", "value"), [c[1:] for c in WIDGET_CASES], ids=[c[0] for c in WIDGET_CASES]
)
def test_widget_drawn_as_django_draws_it(widget, value):
    """A widget's markup from the Python renderer equals the template's."""
    expected, drawn = _both(widget, "row-0-field", value, {"id": "id_row-0-field"})
    assert drawn == expected


def test_widget_without_id_drawn_as_django_draws_it():
    """Options without ids get no ``for`` on their labels, as in the template."""
    widget = forms.CheckboxSelectMultiple(choices=CHOICES[1:])
    expected, drawn = _both(widget, "topics", ["a"])
    assert drawn == expected


@pytest.mark.parametrize(
    "errors",
    [ErrorList(), ErrorList(["Too <long> & wrong", "Twice"], field_id="id_x")],
    ids=["empty", "two errors"],
)
@pytest.mark.parametrize("template", ["ul", "default"])
def test_error_list_drawn_as_django_draws_it(errors, template):
    """Error lists render the same (empty ones as nothing, others through the template)."""
    name = f"django/forms/errors/list/{template}.html"
    context = errors.get_context()
    assert PYTHON.render(name, context) == TEMPLATES.render(name, context)


class _LabelForm(forms.Form):
    citation = forms.CharField(label="Citation & <note>")
    hidden = forms.CharField(label="", widget=forms.HiddenInput)


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("citation", {}),
        ("citation", {"attrs": {"class": "required"}}),
        ("citation", {"label_suffix": ":"}),
        ("hidden", {}),
    ],
)
def test_label_drawn_as_django_draws_it(field, kwargs):
    """Labels render the same, with their attributes and suffix."""
    bound = _LabelForm()[field]
    template = TEMPLATES.render("django/forms/label.html", _label_context(bound, **kwargs))
    drawn = PYTHON.render("django/forms/label.html", _label_context(bound, **kwargs))
    assert drawn == template


def _label_context(bound, **kwargs) -> dict:
    captured = {}

    class Capture(DjangoTemplates):
        def render(self, template_name, context, request=None):
            captured.update(context)
            return ""

    bound.form.renderer = Capture()
    bound.label_tag(**kwargs)
    return captured


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "field", "permissions"),
    [
        (models.TimelineEvent, "source", {}),
        (models.Viewpoint, "stakeholder", {"can_view_related": True}),
        (
            models.RelatedLink,
            "target",
            dict.fromkeys(
                ["can_add_related", "can_change_related", "can_delete_related", "can_view_related"],
                True,
            ),
        ),
        (models.Viewpoint, "stakeholder", {"can_add_related": True, "can_change_related": True}),
    ],
    ids=["no links", "view link", "every link", "add and change links"],
)
def test_related_wrapper_drawn_as_django_draws_it(model, field, permissions):
    """A related-object select with its add/change/delete/view links renders the same."""
    rel = model._meta.get_field(field).remote_field
    widget = admin_widgets.RelatedFieldWidgetWrapper(
        forms.Select(choices=CHOICES), rel, django_admin.site, **permissions
    )
    expected, drawn = _both(widget, "timelineevent_set-0-source", "a", {"id": "id_x"})
    assert drawn == expected


def test_other_templates_go_to_django():
    """A template the renderer does not draw is rendered by Django's templates."""
    widget = forms.ClearableFileInput()
    expected, drawn = _both(widget, "file", None)
    assert drawn == expected
    assert "django/forms/widgets/clearable_file_input.html" not in admin_rendering.DRAWN


@pytest.mark.parametrize(
    "value",
    ["<b>\"x\" & 'y'</b>", mark_safe("<i>safe</i>"), gettext_lazy("Delete?"), 3, None, 0.5],
    ids=["text", "safe", "lazy", "int", "none", "float"],
)
def test_html_escapes_as_format_html_does(value):
    """``html`` escapes every argument exactly as ``format_html`` does."""
    drawn = admin_rendering.html('<a title="{}">{x}</a>', value, x=value)
    assert drawn == format_html('<a title="{}">{x}</a>', value, x=value)
    assert isinstance(drawn, SafeString)


# Inline rows: admin/articles/edit_inline/{tabular,stacked}.html against Django's own templates,
# with the same inline formsets from a real change form, compared with whitespace collapsed.

OURS = {
    "admin/articles/edit_inline/tabular.html": "admin/edit_inline/tabular.html",
    "admin/articles/edit_inline/stacked.html": "admin/edit_inline/stacked.html",
}


def _collapsed(markup: str) -> str:
    markup = re.sub(r"\s+", " ", markup)
    return re.sub(r"\s*(<|>)\s*", r"\1", markup).strip()


def _inlines_both_ways(response) -> list[tuple[str, str, str]]:
    compared = []
    for admin_formset in response.context["inline_admin_formsets"]:
        template = admin_formset.opts.template
        context = {"inline_admin_formset": admin_formset}
        django_html = render_to_string(OURS[template], context)
        our_html = render_to_string(template, context)
        compared.append(
            (admin_formset.formset.prefix, _collapsed(our_html), _collapsed(django_html))
        )
    return compared


@pytest.fixture
def explainer_with_rows(editor, writer):
    explainer = factories.ExplainerFactory(authors=[writer])
    sources = [factories.SourceFactory(explainer=explainer, position=n) for n in range(3)]
    for n in range(2):
        factories.KeyFactFactory(explainer=explainer, position=n, sources=sources[: n + 1])
        factories.ViewpointFactory(explainer=explainer, position=n)
        factories.TimelineEventFactory(explainer=explainer, position=n, source=sources[n])
        factories.CorrectionFactory(explainer=explainer)
        models.RelatedLink.objects.create(
            explainer=explainer, target=factories.ExplainerFactory(), position=n
        )
    # In review, so that a fact-checker opens it too (its text read-only to them).
    models.Explainer.objects.filter(pk=explainer.pk).update(state=models.Explainer.State.IN_REVIEW)
    return explainer


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["editor", "writer", "fact_checker"])
def test_inline_rows_match_djangos_templates(request, client, explainer_with_rows, role):
    """Every inline draws the rows Django's templates draw, for each role."""
    client.force_login(request.getfixturevalue(role))
    url = reverse("admin:articles_explainer_change", args=[explainer_with_rows.pk])
    response = client.get(url)
    assert response.status_code == 200
    compared = _inlines_both_ways(response)
    assert len(compared) == 7
    for prefix, ours, djangos in compared:
        assert ours == djangos, prefix


@pytest.mark.django_db
def test_inline_rows_with_errors_match_djangos_templates(client, editor, explainer_with_rows):
    """Rows refused on save show their errors as Django's templates show them."""
    client.force_login(editor)
    url = reverse("admin:articles_explainer_change", args=[explainer_with_rows.pk])
    data = form_data(client.get(url).content.decode(), "explainer_form")
    data["key_facts-0-text"] = ""
    data["timeline-1-date"] = "not a date"
    data["sources-0-citation"] = ""
    data["sources-1-url"] = "javascript:alert(1)"
    response = client.post(url, data)
    assert response.status_code == 200
    compared = dict(
        (prefix, (ours, djangos)) for prefix, ours, djangos in _inlines_both_ways(response)
    )
    assert 'class="errorlist"' in compared["key_facts"][0]
    assert 'class="errorlist"' in compared["sources"][0]
    for prefix, (ours, djangos) in compared.items():
        assert ours == djangos, prefix


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["editor", "fact_checker"])
def test_inline_media_as_django_adds_it_up(request, client, explainer_with_rows, role):
    """Each inline asks for the same scripts and styles as Django's row-by-row sum."""
    client.force_login(request.getfixturevalue(role))
    url = reverse("admin:articles_explainer_change", args=[explainer_with_rows.pk])
    response = client.get(url)
    assert response.status_code == 200
    for admin_formset in response.context["inline_admin_formsets"]:
        assert isinstance(admin_formset, admin_rendering.SharedMediaInlineAdminFormSet)
        everyone = helpers.InlineAdminFormSet.media.fget(admin_formset)
        assert str(admin_formset.media) == str(everyone), admin_formset.formset.prefix


# Option lists drawn from the choices (DrawnChoicesMixin) against Django's widgets and templates.

NUMBERED = [(n, f"Source {n} & <co>") for n in range(1, 4)]
CHOICE_CASES = [
    ("flat", CHOICES, ["b"]),
    ("none chosen", CHOICES, []),
    ("int values", NUMBERED, ["2", "3"]),
    ("groups", GROUPED, ["y", "z"]),
    ("empty group name", [("", [("p", "P")]), ("q", "Q")], ["p"]),
    ("none value", [(None, "Nothing"), ("a", "A")], [""]),
    ("lazy labels", [("a", gettext_lazy("Delete?")), ("b", gettext_lazy("Yes"))], ["a"]),
    ("number labels", [("a", 1500), ("b", 2.5)], ["b"]),
    ("no choices", [], []),
]


class _DrawnSelect(admin_rendering.DrawnChoicesMixin, forms.Select):
    pass


class _DrawnSelectMultiple(admin_rendering.DrawnChoicesMixin, forms.SelectMultiple):
    pass


class _DrawnBoxes(admin_rendering.DrawnChoicesMixin, forms.CheckboxSelectMultiple):
    pass


class _DrawnRadios(admin_rendering.DrawnChoicesMixin, forms.RadioSelect):
    pass


@pytest.mark.parametrize(
    ("drawn_class", "django_class", "attrs"),
    [
        (_DrawnSelect, forms.Select, {"aria-label": "Kind"}),
        (_DrawnSelectMultiple, forms.SelectMultiple, {}),
        (_DrawnBoxes, forms.CheckboxSelectMultiple, {"data-context": "available-source"}),
        (_DrawnBoxes, forms.CheckboxSelectMultiple, {"class": "boxes", "disabled": True}),
        (_DrawnBoxes, forms.CheckboxSelectMultiple, {"checked": False, "data-x": "1"}),
        (_DrawnRadios, forms.RadioSelect, {}),
    ],
    ids=["select", "select multiple", "checkboxes", "checkboxes class", "checked attr", "radios"],
)
@pytest.mark.parametrize("with_id", [True, False], ids=["id", "no id"])
@pytest.mark.parametrize(
    ("choices", "value"), [c[1:] for c in CHOICE_CASES], ids=[c[0] for c in CHOICE_CASES]
)
def test_drawn_choices_as_django_draws_them(
    drawn_class, django_class, attrs, with_id, choices, value
):
    """Options drawn from the choices equal Django's widget rendered by its templates."""
    render_attrs = {"id": "id_row-0-sources"} if with_id else None
    expected = django_class(attrs=dict(attrs), choices=choices).render(
        "row-0-sources", value, render_attrs, TEMPLATES
    )
    drawn = drawn_class(attrs=dict(attrs), choices=choices).render(
        "row-0-sources", value, render_attrs
    )
    assert drawn == expected


@pytest.mark.django_db
def test_drawn_model_choices_as_django_draws_them():
    """Model choices (ModelChoiceIterator values) are drawn as Django draws them."""
    explainer = factories.ExplainerFactory()
    sources = [factories.SourceFactory(explainer=explainer, position=n) for n in range(3)]
    field = forms.ModelMultipleChoiceField(models.Source.objects.filter(explainer=explainer))
    chosen = [sources[0].pk, sources[2].pk]
    expected = forms.CheckboxSelectMultiple(choices=field.choices).render(
        "facts-0-sources", chosen, {"id": "id_facts-0-sources"}, TEMPLATES
    )
    drawn = _DrawnBoxes(choices=field.choices).render(
        "facts-0-sources", chosen, {"id": "id_facts-0-sources"}
    )
    assert drawn == expected
    single = forms.ModelChoiceField(models.Source.objects.filter(explainer=explainer))
    expected = forms.Select(choices=single.choices).render(
        "t-0-source", sources[1].pk, None, TEMPLATES
    )
    assert _DrawnSelect(choices=single.choices).render("t-0-source", sources[1].pk) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    "permissions",
    [{}, dict.fromkeys(["can_add_related", "can_change_related", "can_view_related"], True)],
    ids=["no links", "links"],
)
def test_row_wrapper_renders_as_djangos(permissions):
    """The wrapper that looks URLs up once per request renders what Django's wrapper renders."""
    rel = models.Viewpoint._meta.get_field("stakeholder").remote_field
    django_wrapper = admin_widgets.RelatedFieldWidgetWrapper(
        forms.Select(choices=CHOICES), rel, django_admin.site, **permissions
    )
    row_wrapper = admin_rendering.RowRelatedWidgetWrapper.from_wrapper(django_wrapper)
    for row in range(2):  # the second row reads what the first looked up, under its own name
        name = f"viewpoints-{row}-stakeholder"
        expected = django_wrapper.render(name, "a", None, TEMPLATES)
        assert copy.deepcopy(row_wrapper).render(name, "a") == expected
    assert row_wrapper.memo


def _formset(response, prefix: str):
    return next(f for f in response.context["inline_admin_formsets"] if f.formset.prefix == prefix)


@pytest.mark.django_db
def test_rows_share_their_choice_lists(client, editor, explainer_with_rows):
    """Every row's choice field reads the same list of choices, not a copy of its own."""
    client.force_login(editor)
    url = reverse("admin:articles_explainer_change", args=[explainer_with_rows.pk])
    response = client.get(url)
    facts = next(
        f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "key_facts"
    )
    first, second = (form.fields["check_status"] for form in facts.formset.forms[:2])
    assert first.choices is second.choices
    assert ("verified", "Verified") in [(v, str(label)) for v, label in first.choices]


@pytest.mark.django_db
def test_row_refuses_a_value_outside_its_choices(client, editor, explainer_with_rows):
    """A shared choice list still validates: an unknown check status is refused on its row."""
    client.force_login(editor)
    url = reverse("admin:articles_explainer_change", args=[explainer_with_rows.pk])
    data = form_data(client.get(url).content.decode(), "explainer_form")
    data["key_facts-0-check_status"] = "bogus"
    response = client.post(url, data)
    assert response.status_code == 200
    facts = next(
        f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "key_facts"
    )
    assert "check_status" in facts.formset.forms[0].errors


@pytest.mark.parametrize(
    ("drawn_class", "django_class"),
    [(_DrawnSelect, forms.Select), (_DrawnBoxes, forms.CheckboxSelectMultiple)],
    ids=["select", "checkboxes"],
)
def test_rows_drawing_one_choice_list_match_django(drawn_class, django_class):
    """Rows sharing a RowChoices draw its options once and still match Django, row by row."""
    choices = RowChoices(GROUPED + CHOICES)
    widget = drawn_class(choices=choices)
    for row, value in enumerate([["y"], ["a", 3], []]):
        name = f"row-{row}-field"
        attrs = {"id": f"id_{name}"}
        expected = django_class(choices=GROUPED + CHOICES).render(name, value, attrs, TEMPLATES)
        assert copy.deepcopy(widget).render(name, value, attrs) == expected
    assert choices.drawn_memo


@pytest.mark.parametrize(
    ("django_class", "drawn_class", "value"),
    [(forms.Select, _DrawnSelect, "a"), (forms.CheckboxSelectMultiple, _DrawnBoxes, ["a"])],
)
def test_number_labels_localized_as_django_does(settings, django_class, drawn_class, value):
    """Numeric labels get the thousand separator the templates give them."""
    settings.USE_THOUSAND_SEPARATOR = True
    choices = [("a", 1234567), ("b", 2.5)]
    expected = django_class(choices=choices).render("n", value, None, TEMPLATES)
    assert "1,234,567" in expected
    assert drawn_class(choices=choices).render("n", value) == expected
    assert (
        PYTHON.render(
            django_class.template_name, django_class(choices=choices).get_context("n", value, None)
        )
        == expected
    )
