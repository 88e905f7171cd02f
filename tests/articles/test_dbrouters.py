"""The read-replica router (newsroom/dbrouters.py), tested in isolation: no database needed."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections

from articles.models import Explainer, KeyFact, PublishedVersion, Stakeholder, Topic
from newsroom.dbrouters import PublicReadReplicaRouter

router = PublicReadReplicaRouter()


@pytest.fixture
def with_replica(monkeypatch):
    # Only the router sees it: the connection handler read DATABASES long ago.
    monkeypatch.setitem(settings.DATABASES, "replica", {**settings.DATABASES["default"]})


@pytest.mark.parametrize("model", [PublishedVersion, Topic, Stakeholder])
def test_public_reads_go_to_the_replica(with_replica, model):
    """Published versions, topics and stakeholders are read from the replica."""
    assert router.db_for_read(model) == "replica"


@pytest.mark.parametrize("model", [Explainer, KeyFact, get_user_model()])
def test_other_reads_stay_on_the_primary(with_replica, model):
    """Working copies, their parts and users are never read from the replica."""
    assert router.db_for_read(model) is None


@pytest.mark.parametrize("model", [PublishedVersion, Topic, Stakeholder])
def test_writes_go_to_the_primary(with_replica, model):
    """Every write goes to the primary, even of a row read from the replica."""
    assert router.db_for_write(model) == "default"


def test_reads_inside_a_transaction_stay_on_the_primary(with_replica, monkeypatch):
    """A transaction reads what it is about to change from the primary, never a lagging copy."""
    monkeypatch.setattr(connections["default"], "in_atomic_block", True)
    assert router.db_for_read(PublishedVersion) == "default"


@pytest.mark.parametrize("model", [PublishedVersion, Topic])
def test_without_a_replica_the_router_stays_out_of_the_way(model):
    """With no replica configured, Django's defaults apply."""
    assert router.db_for_read(model) is None
    assert router.db_for_write(model) is None


def test_rows_from_primary_and_replica_may_be_related():
    """An explainer (primary) may be related to a topic read from the replica."""
    explainer, topic = Explainer(), Topic()
    explainer._state.db, topic._state.db = "default", "replica"
    assert router.allow_relation(explainer, topic) is True


def test_the_replica_is_never_migrated():
    """The replica gets its schema by replication; migrate leaves it alone."""
    assert router.allow_migrate("replica", "articles") is False
    assert router.allow_migrate("default", "articles") is None
