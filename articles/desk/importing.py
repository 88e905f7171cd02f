"""Admin pages for importing and exporting plain-text explainers.

``ImportExportAdminMixin`` gives the explainer admin:

- an "Import from text" page (``import/``) for anyone who may add explainers: upload a ``.txt``
  file or paste the text; errors are listed with their line numbers beside the input, which is
  kept; on success the editor lands on the new (or updated) draft, with any warnings as
  messages. The importing user becomes an author.
- an "Export as text" action on the change list: one ``.txt`` file, or a zip of them for
  several, of the explainers the user may see;
- a per-explainer export URL (``<id>/export/``, ``?format=json`` for JSON), linked from the
  change form as "Export as text" (``export_text_url`` in the change form's context).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header

from articles.interchange import exporter
from articles.interchange.importer import ImportRefused, import_text
from articles.interchange.textformat import MAX_FILE_BYTES, FormatErrors
from articles.models import Explainer

# The one description of the text format, kept with the code (README: docs/).
FORMAT_DESCRIPTION = Path(settings.BASE_DIR) / "docs" / "text-format.md"

MAX_SHOWN_LINE = 200  # characters of an offending line quoted beside its error

# The mixin runs inside ExplainerAdmin; the type checker reads it as the ModelAdmin it extends.
if TYPE_CHECKING:
    ExplainerAdminBase = admin.ModelAdmin[Explainer]
else:
    ExplainerAdminBase = object


class ImportForm(forms.Form):
    file = forms.FileField(
        required=False,
        label="Text file",
        help_text="A .txt file in the explainer text format (UTF-8, at most 1 MiB).",
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,text/plain"}),
    )
    text = forms.CharField(
        required=False,
        strip=False,
        label="Or paste the text",
        widget=forms.Textarea(attrs={"rows": 24, "cols": 100, "spellcheck": "false"}),
    )
    new_revision = forms.BooleanField(
        required=False,
        label="As a new revision",
        help_text=(
            "When the explainer is already in review, approved or published: send it back to "
            "draft with this text. Its published version stays live until the revision is."
        ),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        upload, text = data.get("file"), data.get("text") or ""
        if upload and text.strip():
            raise forms.ValidationError("Upload a file or paste the text, not both.")
        if upload:
            if upload.size > MAX_FILE_BYTES:
                raise forms.ValidationError(
                    f"The file is larger than 1 MiB ({upload.size:,} bytes)."
                )
            data["content"], data["filename"] = upload.read(), upload.name
        elif text.strip():
            data["content"], data["filename"] = text, "pasted text"
        else:
            raise forms.ValidationError("Choose a file or paste the text of an explainer.")
        return data


@dataclass(frozen=True)
class ShownError:
    """One import error as the page lists it, with the line it points at."""

    line: int
    message: str
    text: str


def _shown_errors(exc: FormatErrors, content: str | None) -> list[ShownError]:
    lines = content.splitlines() if content is not None else []
    shown = []
    for error in exc.errors:
        text = lines[error.line - 1] if 0 < error.line <= len(lines) else ""
        if len(text) > MAX_SHOWN_LINE:
            text = text[:MAX_SHOWN_LINE] + "…"
        shown.append(ShownError(error.line, error.message, text))
    return shown


def _as_text(content: bytes | str) -> str | None:
    """Return the input as text for the form to show again, or None if it is not UTF-8."""
    if isinstance(content, str):
        return content
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _attachment(content: bytes | str, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    # An attachment always has a header ("attachment" at least).
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    response["Cache-Control"] = "private, no-store"
    return response


class ImportExportAdminMixin(ExplainerAdminBase):
    """Adds "Import from text" and "Export as text" to the explainer admin (a ModelAdmin)."""

    import_template = "admin/articles/explainer/import.html"
    format_template = "admin/articles/explainer/import_format.html"
    # Extends reversion's list template (which VersionAdmin would set) with the import link.
    change_list_template = "admin/articles/explainer/change_list.html"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        urls = [
            path("import/", wrap(self.import_view), name=f"{prefix}_import"),
            path("import/format/", wrap(self.format_view), name=f"{prefix}_import_format"),
            path("<path:object_id>/export/", wrap(self.export_view), name=f"{prefix}_export"),
        ]
        return urls + super().get_urls()

    # Import.

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Import one explainer from an uploaded file or pasted text, as a draft."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        posted = request.method == "POST"
        form = ImportForm(request.POST, request.FILES) if posted else ImportForm()
        errors: list[ShownError] = []
        if posted and form.is_valid():
            content, filename = form.cleaned_data["content"], form.cleaned_data["filename"]
            try:
                result = import_text(
                    content,
                    filename=filename,
                    by=request.user,
                    authors=[request.user],
                    new_revision=form.cleaned_data["new_revision"],
                )
            except FormatErrors as exc:
                text = _as_text(content)
                errors = _shown_errors(exc, text)
                if form.cleaned_data.get("file") and text is not None:
                    # A browser cannot refill a file input: keep the upload as pasted text.
                    form = ImportForm({"text": text})
            except ImportRefused as exc:
                form.add_error(None, exc.message)
            else:
                return self._imported(request, result)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import an explainer from text",
            "form": form,
            "import_errors": errors,
            "changelist_url": self._url("changelist"),
            "format_url": self._url("import_format"),
        }
        return TemplateResponse(request, self.import_template, context)

    def _url(self, name: str) -> str:
        return reverse(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_{name}"
        )

    def format_view(self, request: HttpRequest) -> HttpResponse:
        """Show the text format's description (docs/text-format.md) to staff who import or export.

        The file is shown as plain text, escaped by the template: Markdown is readable as it is,
        and nothing in the file can add markup to an admin page.
        """
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        try:
            description = FORMAT_DESCRIPTION.read_text(encoding="utf-8")
        except OSError as exc:
            raise Http404(
                "The description of the text format is not installed on this site."
            ) from exc
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "The plain-text explainer format",
            "description": description,
            "changelist_url": self._url("changelist"),
            "import_url": self._url("import"),
        }
        return TemplateResponse(request, self.format_template, context)

    def _imported(self, request: HttpRequest, result) -> HttpResponse:
        explainer = result.explainer
        done = "Imported" if result.created else "Updated"
        messages.success(request, f"{done} “{explainer.title}” as a draft from the text.")
        for warning in result.warnings:
            messages.warning(request, warning)
        url = reverse(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_change",
            args=[quote(explainer.pk)],
        )
        return HttpResponseRedirect(url)

    # Export.

    def _visible(self, request: HttpRequest) -> QuerySet[Explainer]:
        return Explainer.objects.visible_to(request.user)

    def export_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Download one explainer as text (or ``?format=json``)."""
        try:
            obj = self._visible(request).filter(pk=unquote(object_id)).first()
        except (ValueError, TypeError):
            obj = None
        if obj is None or not self.has_view_or_change_permission(request, obj):
            raise Http404("No such explainer.")
        if request.GET.get("format") == "json":
            return _attachment(
                exporter.to_json(obj),
                exporter.filename_for(obj, "json"),
                "application/json; charset=utf-8",
            )
        return _attachment(
            exporter.to_text(obj), exporter.filename_for(obj), "text/plain; charset=utf-8"
        )

    @admin.action(description="Export as text")
    def export_as_text(
        self, request: HttpRequest, queryset: QuerySet[Explainer]
    ) -> HttpResponse | None:
        """Download the selected explainers as text: one file, or a zip of files for several."""
        chosen = [obj.pk for obj in queryset]
        explainers = list(self._visible(request).filter(pk__in=chosen).order_by("slug"))
        if not explainers:
            self.message_user(request, "None of those explainers is yours to export.", "error")
            return None
        if len(explainers) == 1:
            obj = explainers[0]
            return _attachment(
                exporter.to_text(obj), exporter.filename_for(obj), "text/plain; charset=utf-8"
            )
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for obj in explainers:
                archive.writestr(exporter.filename_for(obj), exporter.to_text(obj))
        name = f"explainers-{timezone.localdate():%Y-%m-%d}.zip"
        return _attachment(buffer.getvalue(), name, "application/zip")

    def get_actions(self, request: HttpRequest):
        actions = super().get_actions(request)
        # Added here rather than in ``actions`` so that the admin class stays free to set its
        # own list of actions.
        if IS_POPUP_VAR not in request.GET and self.has_view_or_change_permission(request):
            actions["export_as_text"] = self.get_action("export_as_text")
        return actions

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            context["export_text_url"] = reverse(
                f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_export",
                args=[quote(obj.pk)],
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changelist_view(self, request: HttpRequest, extra_context=None):
        extra_context = extra_context or {}
        if self.has_add_permission(request):
            extra_context["import_text_url"] = reverse(
                f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_import"
            )
        return super().changelist_view(request, extra_context)
