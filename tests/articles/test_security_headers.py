"""Production settings and response headers: check --deploy, HSTS, cookies, CSP, Host."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from articles.publishing import freeze as publishing
from tests import factories
from tests.payloads import inert_problems
from tests.publicurls import public_urls

BASE_DIR = Path(django_settings.BASE_DIR)
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "news.example.org",
}
SECURITY_SETTINGS = [
    "DEBUG",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_SSL_REDIRECT",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SAMESITE",
    "X_FRAME_OPTIONS",
    "USE_X_FORWARDED_HOST",
    "ALLOWED_HOSTS",
    "SILENCED_SYSTEM_CHECKS",
]


def _run_production(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, **PRODUCTION_ENV}
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.fixture(scope="module")
def production() -> dict:
    """The security settings as a production process (DEBUG=0) computes them."""
    names = json.dumps(SECURITY_SETTINGS)
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names}}}))"
    )
    result = _run_production(
        "-c",
        f"import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'newsroom.settings'); {code}",
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def production_settings(settings, production):
    """Apply the production security settings to this test process."""
    for name in SECURITY_SETTINGS:
        if name not in {"DEBUG", "ALLOWED_HOSTS"}:
            setattr(settings, name, production[name])
    return settings


@pytest.fixture
def published(db, editor):
    explainer = factories.complete_explainer(authors=[factories.UserFactory(username="author")])
    publishing.freeze(explainer, by=editor)
    return explainer


def _directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def test_check_deploy_is_clean_in_production():
    """manage.py check --deploy passes with no warning when DEBUG is off."""
    result = _run_production("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key():
    """A production process with no SECRET_KEY stops instead of running with a guessable one."""
    env = {**os.environ, **PRODUCTION_ENV, "SECRET_KEY": ""}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_security_settings(production):
    """HSTS for a year with subdomains, HTTPS only, secure HttpOnly SameSite cookies."""
    assert production["DEBUG"] is False
    assert production["SECURE_HSTS_SECONDS"] >= 31536000
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["CSRF_COOKIE_HTTPONLY"] is True
    assert production["SESSION_COOKIE_SAMESITE"] in {"Lax", "Strict"}
    assert production["CSRF_COOKIE_SAMESITE"] in {"Lax", "Strict"}
    assert production["X_FRAME_OPTIONS"] == "DENY"
    assert production["USE_X_FORWARDED_HOST"] is False
    assert production["ALLOWED_HOSTS"] == ["news.example.org"]


def test_only_the_ckeditor_check_is_silenced(production):
    """The one silenced system check is CKEditor 4's end-of-life warning (see docs).

    On SQLite, and only there, models.W040 (no INCLUDE columns in an index) is silenced too.
    """
    on_sqlite = django_settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    expected = ["ckeditor.W001", "models.W040"] if on_sqlite else ["ckeditor.W001"]
    assert production["SILENCED_SYSTEM_CHECKS"] == expected


def test_every_public_route_is_walked(published):
    """Each public route can be filled, so the security walks below cover every page."""
    unfilled: list[str] = []
    urls = public_urls(
        published, published.topics.first(), factories.StakeholderFactory(), unfilled=unfilled
    )
    assert unfilled == [], "teach tests/publicurls.py to fill these routes"
    assert {"articles:home", "articles:explainer"} <= set(urls)


def test_public_pages_carry_security_headers(client, production_settings, published):
    """Every public page sends HSTS, nosniff, DENY framing, referrer and permissions policies."""
    urls = public_urls(published, published.topics.first(), factories.StakeholderFactory())
    for name, url in urls.items():
        response = client.get(url, secure=True)
        assert response.status_code < 500, name
        headers = response.headers
        assert "max-age=31536000" in headers["Strict-Transport-Security"], name
        assert "includeSubDomains" in headers["Strict-Transport-Security"], name
        assert headers["X-Content-Type-Options"] == "nosniff", name
        assert headers["X-Frame-Options"] == "DENY", name
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin", name
        assert "camera=()" in headers["Permissions-Policy"], name
        assert "geolocation=()" in headers["Permissions-Policy"], name


def test_public_pages_have_strict_csp(client, published):
    """Public pages: scripts from this origin only, no inline script, nothing frames them."""
    urls = public_urls(published, published.topics.first(), factories.StakeholderFactory())
    urls["not-found"] = "/explainers/no-such-explainer/"
    for name, url in urls.items():
        response = client.get(url)
        csp = _directives(response.headers["Content-Security-Policy"])
        assert csp["default-src"] == ["'none'"], name
        assert "'unsafe-inline'" not in csp["script-src"], name
        assert "'unsafe-eval'" not in csp["script-src"], name
        assert not {"*", "data:", "http:", "https:"} & set(csp["script-src"]), name
        assert "'unsafe-inline'" not in csp["style-src"], name
        assert csp["frame-ancestors"] == ["'none'"], name
        assert csp["base-uri"] == ["'none'"], name
        assert csp["form-action"] == ["'self'"], name


def test_public_pages_have_no_executable_inline_script(client, published):
    """JSON-LD is the only inline script on public pages, and it is data, not code."""
    urls = public_urls(published, published.topics.first(), factories.StakeholderFactory())
    for name, url in urls.items():
        response = client.get(url)
        if response["Content-Type"].startswith("text/html"):
            assert inert_problems(response.content.decode()) == [], name


@pytest.mark.parametrize(
    "path", ["/administrator/", "/admin.php", "/explainers/admin/", "/x/admin/"]
)
def test_admin_exemption_is_limited_to_admin_prefix(client, db, path):
    """Paths that merely contain "admin" keep the strict public policy."""
    csp = _directives(client.get(path).headers["Content-Security-Policy"])
    assert csp["default-src"] == ["'none'"]
    assert "'unsafe-inline'" not in csp["script-src"]


def test_admin_pages_carry_security_headers(admin_client, production_settings):
    """The admin gets HSTS, DENY framing and Permissions-Policy too."""
    response = admin_client.get("/admin/articles/explainer/", secure=True)
    assert response.status_code == 200
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_login_cookies_are_secure_httponly_samesite(client, production_settings, editor):
    """The CSRF and session cookies are Secure, HttpOnly and SameSite in production."""
    client.get("/admin/login/", secure=True)
    csrf = client.cookies[django_settings.CSRF_COOKIE_NAME]
    response = client.post(
        "/admin/login/",
        {
            "username": "editor",
            "password": "correct horse battery staple",
            "csrfmiddlewaretoken": csrf.value,
        },
        secure=True,
    )
    assert response.status_code == 302
    for name in (django_settings.SESSION_COOKIE_NAME, django_settings.CSRF_COOKIE_NAME):
        cookie = response.cookies[name] if name in response.cookies else client.cookies[name]
        assert cookie["secure"] is True, name
        assert cookie["httponly"] is True, name
        assert cookie["samesite"] == "Lax", name


@pytest.mark.parametrize("host", ["evil.example", "news.example.org.evil.example", "127.0.0.2"])
def test_unknown_host_gets_400(client, db, settings, host):
    """A request for a Host we do not serve is refused before any view runs."""
    settings.ALLOWED_HOSTS = ["news.example.org"]
    assert client.get("/", HTTP_HOST=host).status_code == 400
    assert client.get("/", HTTP_HOST="news.example.org").status_code == 200


def test_forwarded_host_is_not_trusted(client, db, settings):
    """X-Forwarded-Host cannot smuggle in another host: the real Host is still checked."""
    settings.ALLOWED_HOSTS = ["news.example.org"]
    response = client.get("/", HTTP_HOST="evil.example", HTTP_X_FORWARDED_HOST="news.example.org")
    assert response.status_code == 400
