"""Hostile input shared by the security tests, and a checker that a page left it inert.

``HTML_PAYLOADS`` is markup aimed at the rich-text sanitiser; ``TEXT_PAYLOADS`` targets
escaping in plain-text fields, templates, URLs, SQL and query strings. ``PAYLOADS`` is both.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser

HTML_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    "<style>body{display:none}</style>",
    '<p onclick="alert(1)">x</p>',
    '<body onload="alert(1)">',
    '<object data="evil.swf"></object>',
    '<embed src="evil.swf">',
    '<form action="https://evil.example"><input name=a></form>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<details open ontoggle="alert(1)">',
    '<a href="https://ok.example" onmouseover="alert(1)">x</a>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="https://evil.example/">',
    "<!--<script>alert(1)</script>-->",
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<video><source onerror="alert(1)"></video>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    # Breaking out of an attribute, a title, a textarea or a JSON-LD block.
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    '</script><script>alert(1)</script>{"a":"',
    # SVG, CSS and parser confusion.
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<div style="width: expression(alert(1))">x</div>',
    "<style>@import 'https://evil.example/x.css';</style>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<template><script>alert(1)</script></template>",
    "<x onclick=alert(1)>click</x>",
    "<<script>script>alert(1)<</script>/script>",
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href="https://ok.example" target="_blank">x</a><img/src/onerror=alert(1)>',
]

TEXT_PAYLOADS = [
    # Attribute injection in plain-text fields that end up in attributes (meta, alt, href).
    '" onmouseover="alert(1)',
    "' onfocus='alert(1)' autofocus='",
    "javascript:alert(document.cookie)",
    # Template syntax: must be shown as text, never evaluated.
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    "{% load log %}{% get_admin_log 10 as log %}{{ log }}",
    "{{ request.user.password }}",
    "${7*7} #{7*7} <%= 7*7 %>",
    # SQL fragments: the ORM parameterises; they must come back as text.
    "' OR '1'='1",
    "'; DROP TABLE articles_explainer; --",
    "1 UNION SELECT username, password FROM auth_user--",
    "%' AND 1=1 AND '%'='",
    "\\'; SELECT pg_sleep(5); --",
    # Unicode tricks.
    "\u202egnp.exe",
    "java\u200bscript:alert(1)",
    "\u0430dmin p\u0430ypal",
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",
    "Z\u0334\u0321\u031ba\u0337l\u0336g\u0337o\u0335",
    "\ufeff\u2028\u2029line separators",
    # NUL and control characters.
    "\x00<script>alert(1)</script>",
    "<scr\x00ipt>alert(1)</script>",
    "header\r\nSet-Cookie: injected=1",
    "pasted\x0bfrom a word processor\x0c with \x1b[31mescapes\x7f",
    # Overlong.
    "A" * 10_000,
    "<b>" * 3_000,
    # Encodings that a careless double-decode would turn into markup.
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "[x](javascript:alert(1))",
    "`-alert(1)-`",
]

PAYLOADS = HTML_PAYLOADS + TEXT_PAYLOADS


def payload_id(payload: str) -> str:
    """Return a short, printable test id for a payload."""
    return repr(payload[:40])


# Script types that browsers treat as data, never run.
DATA_SCRIPT_TYPES = {"application/ld+json", "application/json"}
FORBIDDEN_TAGS = {"iframe", "object", "embed", "svg", "math", "base", "frame", "frameset"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:text", "data:image/svg")


class _InertChecker(HTMLParser):
    def __init__(self, *, staff: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.staff = staff
        self.problems: list[str] = []
        self._script: dict[str, str] | None = None
        self._script_text = ""

    def handle_starttag(self, tag, attrs):
        a = {name: (value or "") for name, value in attrs}
        for name, value in a.items():
            if name.startswith("on"):
                self.problems.append(f"event handler {name}= on <{tag}>")
            if name in URL_ATTRIBUTES:
                squashed = "".join(ch for ch in value if ch > " ").lower()
                if squashed.startswith(DANGEROUS_SCHEMES):
                    self.problems.append(f"{name}={value[:40]!r} on <{tag}>")
            if name == "style" and not self.staff:
                self.problems.append(f"inline style on <{tag}>")
        # The admin draws its icons with inline SVG; handlers and scripts in it are still caught.
        # Its live preview is a sandboxed frame with no address (filled through srcdoc by its
        # script, never from the page's markup); a frame with a src is still a problem.
        own_frame = tag == "iframe" and "sandbox" in a and not a.get("src") and "srcdoc" not in a
        if tag in FORBIDDEN_TAGS and not (self.staff and (tag == "svg" or own_frame)):
            self.problems.append(f"<{tag}>")
        if tag == "style" and not self.staff:
            self.problems.append("<style>")
        if tag == "meta" and a.get("http-equiv", "").lower() == "refresh":
            self.problems.append("<meta http-equiv=refresh>")
        if tag == "script":
            self._script, self._script_text = a, ""
            kind = a.get("type", "").lower()
            src = a.get("src", "")
            same_origin = src.startswith("/") and not src.startswith(("//", "/\\"))
            if kind not in DATA_SCRIPT_TYPES and not same_origin:
                self.problems.append(f"executable <script {a}>")

    def handle_data(self, data):
        if self._script is not None:
            self._script_text += data

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            if self._script.get("type", "").lower() in DATA_SCRIPT_TYPES:
                try:
                    json.loads(self._script_text)
                except ValueError:
                    self.problems.append(f"data script is not JSON: {self._script_text[:80]!r}")
            self._script = None


def inert_problems(html: str, *, staff: bool = False) -> list[str]:
    """Return what in ``html`` could run script or load foreign content (empty when inert).

    No page may carry inline executable script (JSON-LD is data), a script from another
    origin, an event-handler attribute or a script URL. Public pages also carry no inline
    styles; staff pages may (the admin CSP allows them) and may draw icons with inline SVG.
    """
    checker = _InertChecker(staff=staff)
    checker.feed(html)
    checker.close()
    return checker.problems
