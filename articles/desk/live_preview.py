"""The live preview on the explainer add and change forms: the form's unsaved content, as
readers see it.

The form's script posts the whole form (every field, every inline row, the rich text copied out
of its editors) to ``live_preview_view`` (a change form) or ``add_live_preview_view`` (the add
form) while the writer types. Both go through ``preview_unsaved``: it binds the same form and
inline formsets the admin's add or change view binds, validates them, and, if they are valid,
writes them inside a transaction that is always rolled back: the explainer is read back as
``snapshot()`` reads it for publishing, rendered by publishing's own templates, and then every
row written is undone. Nothing is saved, no revision or audit row is written, no mail or cache
purge is sent (those run on commit), and the page is returned only in the response to the
writer's own request: it reaches no public URL. A chosen hero image file is not read (a file
would be written to storage outside the transaction); the saved one is shown.

A new explainer is written as the add view writes it (``save_form``, ``save_model``,
``save_related``), so it has what a saved one would have, a writer's own byline among it. A
change is written with the forms' own ``save()``: the admin's change-save also sends an edited
reviewed copy back to draft, a move whose message would reach the writer's session, which the
rollback does not undo.

Who may: on a change form, whoever may open this explainer's change form and change it
(``has_change_permission`` for this explainer), which is also what decides the fields the form
has: a fact-checker's preview shows their checks changed, never text they cannot edit. On the
add form, whoever may add an explainer (``has_add_permission``).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from csp.decorators import csp
from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets, quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
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

        def wrap(view):
            return self.admin_site.admin_view(require_POST(csp(PREVIEW_CSP)(view)))

        urls = [
            # Before the change form's: "add" would otherwise be taken for an object id.
            path(
                "add/live-preview/",
                wrap(self.add_live_preview_view),
                name=f"{prefix}_add_live_preview",
            ),
            path(
                "<path:object_id>/live-preview/",
                wrap(self.live_preview_view),
                name=f"{prefix}_live_preview",
            ),
        ]
        return urls + super().get_urls()

    def may_preview(self, request: HttpRequest, obj: Explainer) -> bool:
        return self.has_change_permission(request, obj)

    def _previewable(self, request: HttpRequest, object_id: str) -> Explainer:
        """The explainer, if this user may open its change form and change it."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            # Not open to this user (get_queryset), or no such explainer (an id that is not a
            # number included).
            try:
                exists = Explainer.objects.filter(pk=unquote(object_id)).exists()
            except (ValueError, ValidationError):
                exists = False
            if exists:
                raise PermissionDenied
            raise Http404("No such explainer.")
        if not self.may_preview(request, obj):
            raise PermissionDenied
        return obj

    def live_preview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Render the posted change form as readers would see it; save nothing."""
        return self.preview_unsaved(request, self._previewable(request, object_id))

    def add_live_preview_view(self, request: HttpRequest) -> HttpResponse:
        """Render the posted add form as readers would see it; save nothing."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        return self.preview_unsaved(request, None)

    def preview_unsaved(self, request: HttpRequest, obj: Explainer | None) -> HttpResponse:
        """Answer the posted form of ``obj`` (None: the add form) with the page it would give."""
        with transaction.atomic():
            # Everything written here is undone when the block ends, valid or not (an
            # exception rolls it back too). The form's own clean() locks the row to compare
            # lock versions, as a save does.
            try:
                response = self.render_unsaved(request, obj)
            finally:
                transaction.set_rollback(True)
        return private(response)

    def render_unsaved(self, request: HttpRequest, obj: Explainer | None) -> HttpResponse:
        """Return the page the posted form would give, or the messages a save would give.

        Both answer 200: a form is invalid for a moment many times while someone types (a new
        row half filled in), and each of those is not a client error worth a log line. The
        header ``Live-Preview`` says which the answer is.
        """
        form, formsets = self.bound_forms(request, obj)
        if not (all_valid(formsets) & form.is_valid()):
            title = obj.title if obj is not None else "New explainer"
            context = {"title": title, "sections": error_list(form, formsets)}
            response = TemplateResponse(request, ERRORS_TEMPLATE, context).render()
            response.headers[STATUS_HEADER] = "invalid"
            return response
        written = self.write_unsaved(request, form, formsets, add=obj is None)
        version = preview.preview_version(written, data=snapshot(written))
        context, _ = upnext.page_context(version, timezone.now())
        context["state"] = written.get_state_display()
        # Rendered before the rollback: "Up next" reads the links as this form has them.
        response = TemplateResponse(request, TEMPLATE, context).render()
        response.headers[STATUS_HEADER] = "shown"
        return response

    def bound_forms(
        self, request: HttpRequest, obj: Explainer | None
    ) -> tuple[forms.ModelForm, list]:
        """Bind the add form (``obj`` None) or change form and its inline formsets to the posted
        data, as the add or change view binds them (the same fields and rows this user may
        change), without the posted files."""
        no_files: MultiValueDict = MultiValueDict()
        fields = flatten_fieldsets(self.get_fieldsets(request, obj))
        form_class = self.get_form(request, obj, change=obj is not None, fields=fields)
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
            # The form's instance, as the views give it: on the add form, the new explainer.
            kwargs = self.get_formset_kwargs(request, form.instance, inline, prefix)
            kwargs["files"] = no_files
            formsets.append(formset_class(**kwargs))
        return form, formsets

    def write_unsaved(
        self, request: HttpRequest, form: forms.ModelForm, formsets: list, *, add: bool
    ) -> Explainer:
        """Write the valid form and formsets (in the caller's rolled-back transaction) and
        return the explainer written."""
        if add:
            # As the add view saves (which on add sends no message and makes no move).
            new = self.save_form(request, form, change=False)
            self.save_model(request, new, form, change=False)
            self.save_related(request, form, formsets, change=False)
            return new
        obj = form.save()  # and its topics
        # Sources first, as a save does: key facts and timeline items may cite a new source.
        for formset in sorted(formsets, key=lambda formset: formset.model is not Source):
            if formset.model is KeyFact:
                # A reworded fact loses its check on save; the preview shows it unchecked too.
                stamp_fact_checks(formset, user=request.user)
            formset.save()
        return obj

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        name = f"{self.admin_site.name}:articles_explainer"
        if obj is not None and obj.pk is not None and self.may_preview(request, obj):
            context["live_preview_url"] = reverse(f"{name}_live_preview", args=[quote(obj.pk)])
        elif add and not context.get("is_popup") and self.has_add_permission(request):
            context["live_preview_url"] = reverse(f"{name}_add_live_preview")
        return super().render_change_form(request, context, add, change, form_url, obj)
