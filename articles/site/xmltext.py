"""Text fit for XML 1.0, which cannot carry most control characters.

Titles and names are typed or pasted by staff, and a word processor's vertical tab or an
escape character survives a form. HTML shrugs it off; XML does not: Django's feed writer raises
(a 500 for every reader of the feed) and a template-built sitemap becomes ill-formed (rejected
whole by search engines). Everything written into XML goes through ``xml_safe()``.
"""

from __future__ import annotations

from typing import Any

# C0 controls other than tab, newline and carriage return, and the two non-characters.
_NOT_XML = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF])


def xml_safe(value: Any) -> Any:
    """Return ``value`` without characters XML cannot carry (strings, lists/tuples of them)."""
    if isinstance(value, str):
        return value.translate(_NOT_XML)
    if isinstance(value, list | tuple):
        return type(value)(xml_safe(item) for item in value)
    return value
