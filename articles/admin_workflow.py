"""The workflow side of the explainer admin: state badge, checklist, transition buttons."""

from django.contrib import admin
from django.utils.html import format_html

from .models import Explainer


class WorkflowAdminMixin:
    """Workflow parts of ExplainerAdmin."""

    @admin.display(description="state", ordering="state")
    def state_badge(self, obj: Explainer) -> str:
        return format_html(
            '<span class="state-badge state-{}">{}</span>', obj.state, obj.get_state_display()
        )
