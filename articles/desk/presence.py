"""Who else has an explainer's change form open: a heartbeat kept in the shared cache.

The change form's script (static/js/admin-presence.js) posts a heartbeat every
``HEARTBEAT_SECONDS``; each one records "this person has this explainer open now" for
``PRESENCE_SECONDS`` and answers with the others recorded. A page that closes says it is leaving
(``navigator.sendBeacon``); one that cannot (a crash, a lost connection) drops out when its last
heartbeat runs out.

Each person is one cache key per explainer, written on every heartbeat with a short timeout, so
that nobody's heartbeat can overwrite anyone else's. To find them, a roster of user ids per
explainer is kept beside them and written only when someone arrives who is not on it (two
people arriving at the same instant may drop one of them from it until their next heartbeat).

Presence lives in the cache only, never in the database: with several app servers the cache
must be shared (Redis, ``CACHE_URL``), or each server sees only its own heartbeats.
"""

from __future__ import annotations

from typing import Any, TypedDict

from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_SECONDS = 5
# Three missed heartbeats and a person is gone.
PRESENCE_SECONDS = 15
# The roster outlives its people (it is pruned as they go) and is written again on arrival.
ROSTER_SECONDS = 3600


class Present(TypedDict):
    """One person with the form open, as the heartbeat answers it."""

    name: str
    editing: bool


def _roster_key(explainer_id: int) -> str:
    return f"desk:presence:{explainer_id}"


def _person_key(explainer_id: int, user_id: int) -> str:
    return f"desk:presence:{explainer_id}:{user_id}"


def arrive(explainer_id: int, *, user_id: int, name: str, editing: bool) -> None:
    """Record that a person has the explainer open now (``editing``: they may change it)."""
    at = timezone.now().timestamp()
    cache.set(
        _person_key(explainer_id, user_id),
        {"name": name, "editing": editing, "at": at},
        PRESENCE_SECONDS,
    )
    roster = cache.get(_roster_key(explainer_id)) or []
    if user_id not in roster:
        cache.set(_roster_key(explainer_id), [*roster, user_id], ROSTER_SECONDS)


def leave(explainer_id: int, *, user_id: int) -> None:
    """Forget that a person has the explainer open."""
    cache.delete(_person_key(explainer_id, user_id))


def others(explainer_id: int, *, user_id: int) -> list[Present]:
    """Return the people other than ``user_id`` who have the explainer open, by name."""
    roster: list[int] = cache.get(_roster_key(explainer_id)) or []
    keys = {_person_key(explainer_id, uid): uid for uid in roster}
    found: dict[str, dict[str, Any]] = cache.get_many(list(keys))
    # The stored time as well as the cache's own timeout: a backend may keep a key a little
    # past its timeout.
    since = timezone.now().timestamp() - PRESENCE_SECONDS
    here = {keys[key]: entry for key, entry in found.items() if entry["at"] > since}
    gone = [uid for uid in roster if uid not in here]
    if gone:
        cache.set(_roster_key(explainer_id), [u for u in roster if u in here], ROSTER_SECONDS)
    return sorted(
        (
            Present(name=entry["name"], editing=entry["editing"])
            for uid, entry in here.items()
            if uid != user_id
        ),
        key=lambda person: person["name"],
    )
