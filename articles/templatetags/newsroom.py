"""Template filters for public pages."""

from django import template
from django.utils.safestring import SafeString

from .. import richtext as richtext_module

register = template.Library()


@register.filter
def richtext(value: str | None) -> SafeString:
    """Render stored editor HTML, sanitised again by the allowlist."""
    return richtext_module.render(value)
