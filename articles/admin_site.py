"""The desk: Django's admin site with the editorial queues on its index page.

Installed through ``NewsroomAdminConfig`` (in INSTALLED_APPS instead of
``django.contrib.admin``), Django's documented way to replace the default site, so
``admin.site`` and every ``@admin.register`` keep working unchanged. Models are imported inside
the view: this module is loaded while the app registry is still being populated.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class NewsroomAdminSite(admin.AdminSite):
    def index(self, request, extra_context=None):
        from .admin_workflow import dashboard_queues

        context = {"queues": dashboard_queues(request.user), **(extra_context or {})}
        return super().index(request, context)


class NewsroomAdminConfig(AdminConfig):
    default_site = "articles.admin_site.NewsroomAdminSite"
