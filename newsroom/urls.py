"""URL map: the admin, the public site (articles.site.urls) and policy flat pages."""

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from newsroom import health, metrics

admin.site.site_header = f"{settings.NEWSROOM_NAME} — desk"
admin.site.site_title = "Newsroom desk"
admin.site.index_title = "Desk"

# A desk form too large to read gets a page that says so (articles/desk/site.py).
handler400 = "articles.desk.site.bad_request"
# The 500 page carries the request id (newsroom/observability.py).
handler500 = "newsroom.observability.server_error"

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("", include("articles.site.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
