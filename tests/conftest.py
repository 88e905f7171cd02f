"""Shared pytest fixtures: users in each role, and factories."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from articles import roles
from tests import factories


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hash test passwords with MD5: PBKDF2 costs a second per user and proves nothing here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _plain_static(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _user_in(role: str, username: str):
    user = factories.UserFactory(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def writer(db):
    return _user_in(roles.WRITER, "writer")


@pytest.fixture
def other_writer(db):
    return _user_in(roles.WRITER, "other_writer")


@pytest.fixture
def fact_checker(db):
    return _user_in(roles.FACT_CHECKER, "checker")


@pytest.fixture
def editor(db):
    return _user_in(roles.EDITOR, "editor")


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="root", is_staff=True, is_superuser=True)
