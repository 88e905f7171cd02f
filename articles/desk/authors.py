"""Author profiles on the desk: everyone edits their own bio; editors anyone's.

The profile's slug is the author page's public address. It is made from the display name when
the profile is made (at the author's first publication, or here) and then kept, so that links
already published keep working: it is shown, never edited.
"""

from __future__ import annotations

from django.contrib import admin

from articles.desk.people import name_of
from articles.models import AuthorProfile


@admin.register(AuthorProfile)
class AuthorProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["slug", "user__first_name", "user__last_name"]
    list_select_related = ["user"]
    fields = ["name", "slug", "bio"]
    readonly_fields = ["name", "slug"]

    @admin.display(description="name")
    def name(self, obj: AuthorProfile) -> str:
        # A profile being added is always one's own (save_model).
        return name_of(obj.user) if obj.pk else "You"

    @staticmethod
    def _own(request, obj: AuthorProfile | None) -> bool:
        return (
            request.user.is_active
            and request.user.is_staff
            and (obj is None or obj.user_id == request.user.pk)
        )

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.has_perm("articles.view_authorprofile"):
            return qs
        return qs.filter(user=request.user)

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None) -> bool:
        return super().has_view_permission(request, obj) or self._own(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) or self._own(request, obj)

    def has_add_permission(self, request) -> bool:
        # Only one's own, and only while one has none (the first publication makes it too).
        return (
            request.user.is_active
            and request.user.is_staff
            and not AuthorProfile.objects.filter(user=request.user).exists()
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.user = request.user
        super().save_model(request, obj, form, change)
