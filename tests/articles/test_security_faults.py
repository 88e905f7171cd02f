"""Faults: an interrupted transition leaves no half-written state; a dead cache is logged."""

from __future__ import annotations

import logging
from unittest import mock

import pytest

from articles.models import Explainer, PublishedVersion, Transition
from articles.publishing import freeze as publishing
from articles.publishing import moves as publication
from articles.site import cache
from articles.workflow import moves as workflow
from tests import factories

# A port where nothing listens: connections are refused at once.
DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


@pytest.fixture
def approved(writer, fact_checker, django_capture_on_commit_callbacks):
    explainer = factories.complete_explainer(authors=[writer])
    with django_capture_on_commit_callbacks(execute=False):
        workflow.submit(explainer, by=writer)
        workflow.approve(explainer, by=fact_checker)
    explainer.refresh_from_db()
    assert explainer.state == Explainer.State.APPROVED
    return explainer


def _footprint(explainer: Explainer) -> tuple:
    row = Explainer.objects.filter(pk=explainer.pk).values_list(
        "state", "change_note", "approved_digest", "lock_version"
    )
    return (
        tuple(row),
        Transition.objects.filter(explainer=explainer).count(),
        PublishedVersion.objects.filter(explainer=explainer).count(),
    )


def test_publish_failing_after_freeze_leaves_nothing(approved, editor, client):
    """If publishing fails after the version is written, the version, state and trail roll back."""
    before = _footprint(approved)
    real_freeze = publishing.freeze

    def freeze_then_fail(*args, **kwargs):
        real_freeze(*args, **kwargs)  # the version row is written …
        raise RuntimeError("disk full")  # … and then the process fails

    with mock.patch.object(publication, "freeze", freeze_then_fail), pytest.raises(RuntimeError):
        publication.publish(approved, by=editor)
    assert _footprint(approved) == before
    assert client.get(approved.get_absolute_url()).status_code == 404


def test_publish_failing_at_audit_row_leaves_nothing(approved, editor):
    """A failure writing the audit row undoes the version and the state change with it."""
    before = _footprint(approved)
    with (
        mock.patch.object(publication, "record", side_effect=RuntimeError("db hiccup")),
        pytest.raises(RuntimeError),
    ):
        publication.publish(approved, by=editor)
    assert _footprint(approved) == before


def test_submit_failing_midway_keeps_the_draft(writer):
    """A submit that fails after saving the state leaves the draft as it was."""
    explainer = factories.complete_explainer(authors=[writer])
    before = _footprint(explainer)
    with (
        mock.patch.object(workflow, "record", side_effect=RuntimeError("db hiccup")),
        pytest.raises(RuntimeError),
    ):
        workflow.submit(explainer, by=writer)
    assert _footprint(explainer) == before


def test_failing_mail_after_commit_does_not_undo_the_move(
    writer, caplog, django_capture_on_commit_callbacks
):
    """Mail is sent after commit: a dead mail server is logged and the move stands."""
    explainer = factories.complete_explainer(authors=[writer])

    def smtp_down(*args, **kwargs):
        raise OSError("SMTP down")

    with (
        mock.patch("articles.workflow.notifications.explainer_submitted", smtp_down),
        caplog.at_level(logging.ERROR),
        django_capture_on_commit_callbacks(execute=True),
    ):
        workflow.submit(explainer, by=writer)
    explainer.refresh_from_db()
    assert explainer.state == Explainer.State.IN_REVIEW
    assert "SMTP down" in caplog.text


@pytest.fixture
def dead_cache(settings):
    settings.CACHES = DEAD_REDIS
    settings.PAGE_CACHE_ENABLED = True
    cache.page_cache.reset()
    yield
    cache.page_cache.reset()


def test_pages_are_served_with_the_cache_down(dead_cache, editor, client, caplog):
    """With Redis unreachable, public pages still answer 200 and the failure is logged."""
    explainer = factories.complete_explainer()
    publishing.freeze(explainer, by=editor)
    with caplog.at_level(logging.ERROR, logger="articles.site.cache"):
        for url in ("/", explainer.get_absolute_url(), "/search/?q=happened"):
            assert client.get(url).status_code == 200, url
    assert "Page cache: the shared cache failed" in caplog.text


def test_publish_with_the_cache_down_still_publishes(
    dead_cache, approved, editor, client, caplog, django_capture_on_commit_callbacks
):
    """The after-commit cache purge fails quietly; the new version is live."""
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        publication.publish(approved, by=editor)
    assert client.get(approved.get_absolute_url()).status_code == 200
    assert PublishedVersion.objects.filter(explainer=approved).count() == 1
