"""Our CSP middleware's shortcut writes exactly the header django-csp would."""

from __future__ import annotations

import pytest
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from articles.middleware import ContentSecurityPolicyMiddleware

CASES = {
    "public page": ("/", None),
    "explainer with its JSON-LD hash": ("/explainers/x/", {"script-src": ["'sha256-abc='"]}),
    "another hash": ("/explainers/y/", {"script-src": ["'sha256-xyz='"]}),
    "admin": ("/admin/", None),
    "editor page": ("/admin/articles/explainer/1/change/", None),
}


def respond(middleware_class, path, update):
    request = RequestFactory().get(path)
    middleware = middleware_class(lambda request: HttpResponse("ok"))
    middleware.process_request(request)
    response = HttpResponse("ok")
    if update:
        response._csp_update = update
    return middleware.process_response(request, response)


def expected(path, update):
    """django-csp's own answer, with our admin policies (our get_policy_parts)."""

    class Reference(ContentSecurityPolicyMiddleware):
        process_response = CSPMiddleware.process_response

    return respond(Reference, path, update)


def directives(header: str) -> dict[str, list[str]]:
    """The policy as a mapping (django-csp's directive order follows set iteration)."""
    parsed = {}
    for directive in header.split("; "):
        name, *sources = directive.split(" ")
        parsed[name] = sources
    return parsed


@pytest.mark.parametrize("case", CASES)
def test_header_matches_django_csp(case):
    path, update = CASES[case]
    ours = respond(ContentSecurityPolicyMiddleware, path, update)
    reference = expected(path, update)
    assert directives(ours[HEADER]) == directives(reference[HEADER])
    assert ours["Permissions-Policy"]
    assert HEADER_REPORT_ONLY not in ours


def test_each_page_keeps_its_own_hash():
    first = respond(ContentSecurityPolicyMiddleware, *CASES["explainer with its JSON-LD hash"])
    second = respond(ContentSecurityPolicyMiddleware, *CASES["another hash"])
    assert "'sha256-abc='" in first[HEADER] and "'sha256-abc='" not in second[HEADER]
    assert "'sha256-xyz='" in second[HEADER]


def test_a_changed_setting_changes_the_header(settings):
    before = respond(ContentSecurityPolicyMiddleware, "/", None)[HEADER]
    policy = {"DIRECTIVES": {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]}}
    policy["DIRECTIVES"]["img-src"] = ["'self'", "https://media.example.org"]
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        during = respond(ContentSecurityPolicyMiddleware, "/", None)[HEADER]
    assert "https://media.example.org" in during and "https://media.example.org" not in before


def test_unusual_cases_go_through_django_csp(settings):
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'self'"]}}
    response = respond(ContentSecurityPolicyMiddleware, "/", None)
    assert response[HEADER_REPORT_ONLY] == "default-src 'self'"
    assert directives(response[HEADER]) == directives(expected("/", None)[HEADER])


def test_a_nonce_asked_for_goes_through_django_csp():
    def with_nonce(middleware_class):
        request = RequestFactory().get("/")
        middleware = middleware_class(lambda request: HttpResponse("ok"))
        middleware.process_request(request)
        str(request.csp_nonce)
        return middleware.process_response(request, HttpResponse("ok"))

    class Reference(ContentSecurityPolicyMiddleware):
        process_response = CSPMiddleware.process_response

    assert directives(with_nonce(ContentSecurityPolicyMiddleware)[HEADER]) == directives(
        with_nonce(Reference)[HEADER]
    )


def test_asking_for_a_nonce_after_the_header_is_refused():
    request = RequestFactory().get("/")
    middleware = ContentSecurityPolicyMiddleware(lambda request: HttpResponse("ok"))
    middleware.process_request(request)
    middleware.process_response(request, HttpResponse("ok"))
    with pytest.raises(Exception, match="csp_nonce"):
        str(request.csp_nonce)
