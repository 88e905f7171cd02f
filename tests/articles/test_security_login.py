"""Sign-in: brute force locked out, open redirects refused, weak passwords refused."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode, urlsplit

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.test import RequestFactory
from django.utils import timezone

from articles.site.redirects import is_safe_next_url, safe_next_url
from tests.payloads import inert_problems

PASSWORD = "correct horse battery staple"  # UserFactory's password

# Addresses that browsers follow to another site, or run as script.
OPEN_REDIRECTS = [
    "//evil.example",
    "//evil.example/admin/",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "https:evil.example",
    "https:/evil.example",
    "http://evil.example",
    "https://evil.example/",
    "HTTPS://EVIL.EXAMPLE",
    "/\t/evil.example",
    " //evil.example",
    "\x00//evil.example",
    "//evil.example@testserver",
    "http://testserver@evil.example/",
    "javascript:alert(1)",
    "JavaScript:alert(document.domain)",
    "data:text/html,<script>alert(1)</script>",
    "\u2028//evil.example",
    "//evil%2Eexample",
    "ftp://evil.example/",
]
SAFE_NEXT = ["/admin/", "/admin/articles/explainer/?state=draft", "/explainers/a-b/#facts"]


def _login(client, username: str, password: str, **extra):
    return client.post(
        "/admin/login/", {"username": username, "password": password}, follow=False, **extra
    )


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- django-axes ---------------------------------------------------------------------------


def test_lockout_settings_are_strict(settings):
    """A handful of failures per user and address, then a cool-off of minutes, not seconds."""
    assert settings.AXES_ENABLED is True
    assert 3 <= settings.AXES_FAILURE_LIMIT <= 10
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert datetime.timedelta(hours=settings.AXES_COOLOFF_TIME) >= datetime.timedelta(minutes=5)
    assert settings.AUTHENTICATION_BACKENDS[0].startswith("axes.backends.")


def _fail_until_locked(client, username: str, limit: int, **extra) -> None:
    for _ in range(limit):
        response = _login(client, username, "wrong password", **extra)
        assert response.status_code in {200, 429}


def test_brute_force_locks_out_even_the_right_password(client, editor, settings):
    """After AXES_FAILURE_LIMIT failures the right password gets the lockout page."""
    _fail_until_locked(client, "editor", settings.AXES_FAILURE_LIMIT)
    response = _login(client, "editor", PASSWORD)
    assert response.status_code == 429
    assert b"Too many failed sign-in attempts" in response.content
    assert not _logged_in(client)


def test_failures_below_the_limit_do_not_lock(client, editor, settings):
    """One failure short of the limit, the right password still signs in."""
    _fail_until_locked(client, "editor", settings.AXES_FAILURE_LIMIT - 1)
    assert _login(client, "editor", PASSWORD).status_code == 302
    assert _logged_in(client)


def test_lockout_is_per_address(client, editor, settings):
    """A lockout at one address does not lock the same user out from another."""
    _fail_until_locked(client, "editor", settings.AXES_FAILURE_LIMIT, REMOTE_ADDR="203.0.113.9")
    assert _login(client, "editor", PASSWORD, REMOTE_ADDR="203.0.113.9").status_code == 429
    assert _login(client, "editor", PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 302


def test_forged_forwarded_for_does_not_reset_the_count(client, editor, settings):
    """A new X-Forwarded-For on each attempt is not a new address: the lockout still holds."""
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "editor", "wrong password", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    response = _login(client, "editor", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.50")
    assert response.status_code == 429


def test_lockout_is_per_user(client, editor, writer, settings):
    """Locking one username out leaves other users at the same address alone."""
    _fail_until_locked(client, "editor", settings.AXES_FAILURE_LIMIT)
    assert _login(client, "writer", PASSWORD).status_code == 302


def test_cool_off_lets_the_user_back_in(client, editor, settings):
    """Once the cool-off has passed, the right password signs in again."""
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _fail_until_locked(client, "editor", settings.AXES_FAILURE_LIMIT)
        assert _login(client, "editor", PASSWORD).status_code == 429
    cool_off = datetime.timedelta(hours=settings.AXES_COOLOFF_TIME)
    with time_machine.travel(start + cool_off - datetime.timedelta(minutes=1), tick=False):
        assert _login(client, "editor", PASSWORD).status_code == 429
    with time_machine.travel(start + cool_off * 2 + datetime.timedelta(minutes=1), tick=False):
        response = _login(client, "editor", PASSWORD)
    assert response.status_code == 302
    assert _logged_in(client)


# --- next= ---------------------------------------------------------------------------------


@pytest.mark.parametrize("target", OPEN_REDIRECTS, ids=repr)
def test_helper_refuses_foreign_and_script_addresses(rf, target):
    """safe_next_url() falls back for every off-site or script address."""
    request = rf.get("/", {"next": target})
    assert not is_safe_next_url(request, target)
    assert safe_next_url(request, fallback="/admin/") == "/admin/"


@pytest.mark.parametrize("target", SAFE_NEXT)
def test_helper_keeps_local_addresses(rf, target):
    """Addresses on this site are followed."""
    request = rf.post("/", {"next": target})
    assert safe_next_url(request, fallback="/elsewhere/") == target


def test_helper_refuses_plain_http_to_own_host_in_production(settings):
    """With DEBUG off, an absolute http:// address (even to this host) is a downgrade."""
    settings.DEBUG = False
    request = RequestFactory().get("/", secure=True)
    assert not is_safe_next_url(request, "http://testserver/admin/")
    assert is_safe_next_url(request, "https://testserver/admin/")


@pytest.mark.parametrize("target", OPEN_REDIRECTS, ids=repr)
def test_login_refuses_open_redirect(client, editor, target):
    """Signing in with a hostile next= lands on the desk, never off-site."""
    response = client.post(
        "/admin/login/?" + urlencode({"next": target}),
        {"username": "editor", "password": PASSWORD, "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_login_refuses_raw_tab_redirect(client, editor):
    """/%09/evil.example, sent raw in the query string, is refused too."""
    response = client.post(
        "/admin/login/?next=/%09/evil.example",
        {"username": "editor", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert urlsplit(response["Location"]).netloc == ""
    assert "evil" not in response["Location"]


def test_login_follows_local_next(client, editor):
    """A local next= is kept."""
    response = client.post(
        "/admin/login/?next=/admin/articles/explainer/",
        {"username": "editor", "password": PASSWORD, "next": "/admin/articles/explainer/"},
    )
    assert response["Location"] == "/admin/articles/explainer/"


def test_login_page_escapes_next(client, db):
    """A hostile next= is echoed into the login form only as escaped text."""
    response = client.get("/admin/login/?" + urlencode({"next": '"><script>alert(1)</script>'}))
    assert response.status_code == 200
    assert inert_problems(response.content.decode(), staff=True) == []


# --- passwords -----------------------------------------------------------------------------


def test_password_validators_are_on():
    """Django's four validators are configured."""
    names = {type(v).__name__ for v in password_validation.get_default_password_validators()}
    assert names == {
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    }
    assert django_settings.AUTH_PASSWORD_VALIDATORS


@pytest.mark.parametrize("weak", ["password", "12345678901", "short", "writer2025", "qwertyuiop"])
def test_admin_password_form_refuses_weak_password(writer, weak):
    """The admin's set-password form refuses common, short, numeric and similar passwords."""
    form = AdminPasswordChangeForm(writer, data={"password1": weak, "password2": weak})
    assert not form.is_valid()
    assert form.errors["password2"]


def test_admin_password_view_refuses_weak_password(admin_client, writer):
    """Through the admin, a weak password is refused and the old one still works."""
    response = admin_client.post(
        f"/admin/auth/user/{writer.pk}/password/",
        {"password1": "password", "password2": "password"},
    )
    assert response.status_code == 200
    assert b"This password is too common" in response.content
    writer.refresh_from_db()
    assert writer.check_password(PASSWORD)


def test_admin_password_form_accepts_strong_password(writer):
    """A long passphrase passes."""
    strong = "plum-orbit-sandal-7-meadow"
    form = AdminPasswordChangeForm(writer, data={"password1": strong, "password2": strong})
    assert form.is_valid(), form.errors
