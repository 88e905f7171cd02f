"""The live preview on the explainer change form: the form's unsaved content, as readers see it.

The change form's script posts the whole form (every field, every inline row, the rich text
copied out of its editors) to ``live_preview_view`` while the writer types. The view binds the
same form and inline formsets the change view binds, validates them, and, if they are valid,
writes them inside a transaction that is always rolled back: the explainer is read back as
``snapshot()`` reads it for publishing, rendered by publishing's own templates, and then every
row written is undone. Nothing is saved, no revision or audit row is written, no mail or cache
purge is sent (those run on commit), and the page is returned only in the response to the
writer's own request: it reaches no public URL. A chosen hero image file is not read (a file
would be written to storage outside the transaction); the saved one is shown.

Who may: whoever may open this explainer's change form and change it (``has_change_permission``
for this explainer), which is also what decides the fields the form has: a fact-checker's
preview shows their checks changed, never text they cannot edit.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from csp.decorators import csp
from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets, quote, unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.forms.formsets import all_valid
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.views.decorators.http import require_POST

from articles.desk.saving import stamp_fact_checks
from articles.models import Explainer, KeyFact, Source
from articles.publishing import preview, upnext
from articles.snapshot import snapshot

if TYPE_CHECKING:
    ExplainerAdminBase = admin.ModelAdmin[Explainer]
else:
    ExplainerAdminBase = object

TEMPLATE = "admin/articles/explainer/live_preview.html"
ERRORS_TEMPLATE = "admin/articles/explainer/live_preview_errors.html"
STATUS_HEADER = "Live-Preview"  # "shown", or "invalid" with the messages a save would give

# The preview's HTML is shown in a sandboxed iframe without scripts; its own response carries
# a policy that allows no script either, should it ever be opened by itself.
PREVIEW_CSP = {
    "default-src": ["'none'"],
    "script-src": ["'none'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "base-uri": ["'none'"],
    "form-action": ["'none'"],
    "frame-ancestors": ["'none'"],
}


def private(response: HttpResponse) -> HttpResponse:
    """Mark a preview response as for this writer only: not stored, not indexed."""
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def error_list(form: forms.BaseForm, formsets: list[Any]) -> list[dict[str, Any]]:
    """Return the form's and formsets' errors as sections of labelled messages, in form order."""

    def labelled(form: forms.BaseForm) -> list[str]:
        messages = []
        for name, errors in form.errors.items():
            field = form.fields.get(name)
            label = f"{field.label}: " if field is not None and field.label else ""
            messages += [f"{label}{error}" for error in errors]
        return messages

    sections = []
    main = labelled(form)
    if main:
        sections.append({"title": "Explainer", "messages": main})
    for formset in formsets:
        title = str(formset.model._meta.verbose_name_plural).capitalize()
        messages = [str(error) for error in formset.non_form_errors()]
        for number, row in enumerate(formset.forms, start=1):
            messages += [f"Row {number}, {message}" for message in labelled(row)]
        if messages:
            sections.append({"title": title, "messages": messages})
    return sections


class LivePreviewAdminMixin(ExplainerAdminBase):
    """Live-preview parts of ExplainerAdmin (a ModelAdmin): one POST-only view and its panel."""

    @property
    def media(self):
        return super().media + forms.Media(
            css={"all": ["css/admin-live-preview.css"]}, js=["js/admin-live-preview.js"]
        )

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view(require_POST(csp(PREVIEW_CSP)(self.live_preview_view)))
        urls = [path("<path:object_id>/live-preview/", view, name=f"{prefix}_live_preview")]
        return urls + super().get_urls()

    def may_preview(self, request: HttpRequest, obj: Explainer) -> bool:
        return self.has_change_permission(request, obj)

    def _previewable(self, request: HttpRequest, object_id: str) -> Explainer:
        """The explainer, if this user may open its change form and change it."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            # Not open to this user (get_queryset), or no such explainer.
            if Explainer.objects.filter(pk=unquote(object_id)).exists():
                raise PermissionDenied
            raise Http404("No such explainer.")
        if not self.may_preview(request, obj):
            raise PermissionDenied
        return obj

    def live_preview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Render the posted change form as readers would see it; save nothing."""
        obj = self._previewable(request, object_id)
        with transaction.atomic():
            # Everything written here is undone when the block ends, valid or not (an
            # exception rolls it back too). The form's own clean() locks the row to compare
            # lock versions, as a save does.
            try:
                response = self.render_unsaved(request, obj)
            finally:
                transaction.set_rollback(True)
        return private(response)

    def render_unsaved(self, request: HttpRequest, obj: Explainer) -> HttpResponse:
        """Return the page the posted form would give, or the messages a save would give.

        Both answer 200: a form is invalid for a moment many times while someone types (a new
        row half filled in), and each of those is not a client error worth a log line. The
        header ``Live-Preview`` says which the answer is.
        """
        form, formsets = self.bound_forms(request, obj)
        if not (all_valid(formsets) & form.is_valid()):
            context = {"title": obj.title, "sections": error_list(form, formsets)}
            response = TemplateResponse(request, ERRORS_TEMPLATE, context).render()
            response.headers[STATUS_HEADER] = "invalid"
            return response
        data = self.write_unsaved(request, form, formsets)
        version = preview.preview_version(obj, data=data)
        context, _ = upnext.page_context(version, timezone.now())
        context["state"] = obj.get_state_display()
        # Rendered before the rollback: "Up next" reads the links as this form has them.
        response = TemplateResponse(request, TEMPLATE, context).render()
        response.headers[STATUS_HEADER] = "shown"
        return response

    def bound_forms(self, request: HttpRequest, obj: Explainer) -> tuple[forms.ModelForm, list]:
        """Bind the change form and its inline formsets to the posted data, as the change view
        binds them (the same fields and rows this user may change), without the posted files."""
        no_files: MultiValueDict = MultiValueDict()
        fields = flatten_fieldsets(self.get_fieldsets(request, obj))
        form_class = self.get_form(request, obj, change=True, fields=fields)
        form = form_class(request.POST, no_files, instance=obj)
        formsets = []
        prefixes: Counter[str] = Counter()
        for formset_class, inline in self.get_formsets_with_inlines(request, obj):
            if not inline.has_change_permission(request, obj):
                # A part this user may only view is drawn as text, not posted: its saved rows
                # stand, as a save leaves them.
                continue
            prefix = formset_class.get_default_prefix()
            prefixes[prefix] += 1
            if prefixes[prefix] != 1 or not prefix:
                prefix = f"{prefix}-{prefixes[prefix]}"
            kwargs = self.get_formset_kwargs(request, obj, inline, prefix)
            kwargs["files"] = no_files
            formsets.append(formset_class(**kwargs))
        return form, formsets

    def write_unsaved(self, request: HttpRequest, form: forms.ModelForm, formsets: list) -> dict:
        """Write the valid form and formsets (in the caller's rolled-back transaction) and
        return the explainer's snapshot as publishing would take it."""
        obj = form.save()  # and its topics
        # Sources first, as a save does: key facts and timeline items may cite a new source.
        for formset in sorted(formsets, key=lambda formset: formset.model is not Source):
            if formset.model is KeyFact:
                # A reworded fact loses its check on save; the preview shows it unchecked too.
                stamp_fact_checks(formset, user=request.user)
            formset.save()
        return snapshot(obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None and self.may_preview(request, obj):
            context["live_preview_url"] = reverse(
                f"{self.admin_site.name}:articles_explainer_live_preview", args=[quote(obj.pk)]
            )
        return super().render_change_form(request, context, add, change, form_url, obj)
