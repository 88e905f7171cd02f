"""The desk: Django's admin site with the editorial queues on its index page.

Installed through ``NewsroomAdminConfig`` (in INSTALLED_APPS instead of
``django.contrib.admin``), Django's documented way to replace the default site, so
``admin.site`` and every ``@admin.register`` keep working unchanged. Models are imported inside
the view: this module is loaded while the app registry is still being populated.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.shortcuts import render
from django.urls import reverse
from django.views import defaults


class NewsroomAdminSite(admin.AdminSite):
    def index(self, request, extra_context=None):
        from articles.desk.queues import dashboard_queues

        context = {"queues": dashboard_queues(request.user), **(extra_context or {})}
        return super().index(request, context)

    def autocomplete_view(self, request):
        from articles.desk.people import PersonAutocompleteView

        return PersonAutocompleteView.as_view(admin_site=self)(request)


class NewsroomAdminConfig(AdminConfig):
    default_site = "articles.desk.site.NewsroomAdminSite"


def bad_request(request, exception=None):
    """The 400 page (``handler400``): for a desk form too large to read, say so and what to do.

    Django refuses a post with more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS, or more data
    than DATA_UPLOAD_MAX_MEMORY_SIZE, before any view sees it; its own page would be a bare
    "Bad Request (400)" that leaves the editor not knowing that nothing was saved.
    """
    too_large = isinstance(exception, TooManyFieldsSent | RequestDataTooBig)
    if not too_large or not request.path.startswith(reverse("admin:index")):
        return defaults.bad_request(request, exception)
    from articles.interchange.textformat import MAX_BULLETS

    context = {
        "title": "This form is too large to save",
        "site_header": admin.site.site_header,
        "site_title": admin.site.site_title,
        "max_fields": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
        "max_rows": MAX_BULLETS,
    }
    return render(request, "admin/form_too_large.html", context, status=400)
