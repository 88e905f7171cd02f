"""Every admin view of the app, tried as each role and anonymously.

The URLs come from the admin's own ``get_urls()``, so a view added later must get a row in
``EXPECTED`` (``test_every_admin_url_has_an_expectation`` fails until it does). The target is a
draft explainer written by ``writer``, with one published version and one saved revision.

Outcomes: ``LOGIN`` a redirect to the login page; ``OK`` the view served or acted (200, or a
redirect after acting); ``DENIED`` 403, 404, or the admin's "does not exist" redirect to the
index, with nothing changed.
"""

from __future__ import annotations

import datetime

import pytest
import reversion
import time_machine
from django.contrib import admin
from django.core import signing
from django.test import Client
from django.urls import URLPattern
from django.utils import timezone
from reversion.models import Version

from articles.models import (
    AuthorProfile,
    Comment,
    Explainer,
    PublishedVersion,
    RatingValue,
    RelatedLink,
    ShareLink,
    Stakeholder,
    Thread,
    Topic,
    Transition,
)
from articles.publishing import freeze as publishing
from articles.publishing import preview
from articles.workflow import comments, locks
from articles.workflow import moves as workflow
from tests import factories
from tests.adminform import form_data

LOGIN, OK, DENIED = "login", "ok", "denied"
ROLES = ["anonymous", "writer", "other_writer", "fact_checker", "editor", "superuser"]


def row(*outcomes: str) -> dict[str, str]:
    assert len(outcomes) == len(ROLES)
    return dict(zip(ROLES, outcomes, strict=True))


#                                anon   writer  other   checker  editor  super
EVERYONE = row(LOGIN, OK, OK, OK, OK, OK)
AUTHOR_AND_EDITORS = row(LOGIN, OK, DENIED, DENIED, OK, OK)
EDITORS = row(LOGIN, DENIED, DENIED, DENIED, OK, OK)
NOBODY = row(LOGIN, DENIED, DENIED, DENIED, DENIED, DENIED)
WRITERS_AND_EDITORS = row(LOGIN, OK, OK, DENIED, OK, OK)
CHECKERS_AND_EDITORS = row(LOGIN, DENIED, DENIED, OK, OK, OK)

# (url name, method) -> outcome per role.
EXPECTED: dict[tuple[str, str], dict[str, str]] = {
    # Explainers: a writer's draft is theirs and the editors'; a fact-checker sees it only once
    # it is in review, and nobody else at all.
    ("articles_explainer_changelist", "GET"): EVERYONE,
    ("articles_explainer_add", "GET"): WRITERS_AND_EDITORS,
    ("articles_explainer_change", "GET"): AUTHOR_AND_EDITORS,
    ("articles_explainer_change", "POST"): AUTHOR_AND_EDITORS,
    ("articles_explainer_history", "GET"): AUTHOR_AND_EDITORS,
    # The target has a live version: nobody may delete it until it is unpublished.
    ("articles_explainer_delete", "GET"): NOBODY,
    # An explainer with an audit trail cannot be deleted at all: the trail is append-only.
    ("articles_explainer_delete", "POST"): NOBODY,
    ("articles_explainer_export", "GET"): AUTHOR_AND_EDITORS,
    ("articles_explainer_import", "GET"): WRITERS_AND_EDITORS,
    # The text format's description: any staff member who may see explainers reads it.
    ("articles_explainer_import_format", "GET"): EVERYONE,
    ("articles_explainer_transition", "POST"): AUTHOR_AND_EDITORS,
    ("articles_explainer_assign", "POST"): EDITORS,
    # Threads: whoever may open the explainer starts one; its starter (the writer here), the
    # authors and editors resolve it.
    ("articles_explainer_thread_start", "POST"): AUTHOR_AND_EDITORS,
    ("articles_explainer_thread_action", "POST"): AUTHOR_AND_EDITORS,
    # Share links send a draft outside the newsroom: an editor's call, even for its author.
    ("articles_explainer_share", "POST"): EDITORS,
    ("articles_explainer_share_revoke", "POST"): EDITORS,
    # Edit locks: only editors lock; the holder (the superuser here) and editors unlock. The
    # presence heartbeat and its goodbye: whoever may open the explainer.
    ("articles_explainer_lock", "POST"): EDITORS,
    ("articles_explainer_unlock", "POST"): EDITORS,
    ("articles_explainer_presence", "POST"): AUTHOR_AND_EDITORS,
    ("articles_explainer_presence_leave", "POST"): AUTHOR_AND_EDITORS,
    # The live preview: whoever may change this explainer (a fact-checker only once it is in
    # review); it writes nothing, and a refusal answers nothing of what was posted.
    ("articles_explainer_live_preview", "POST"): AUTHOR_AND_EDITORS,
    # The add form's: whoever may add an explainer (not a fact-checker); it writes nothing.
    ("articles_explainer_add_live_preview", "POST"): WRITERS_AND_EDITORS,
    ("articles_explainer_version", "GET"): AUTHOR_AND_EDITORS,
    ("articles_explainer_version_diff", "GET"): AUTHOR_AND_EDITORS,
    ("articles_explainer_compare", "GET"): AUTHOR_AND_EDITORS,
    # The revert page: read by whoever may open the explainer, posted by whoever may edit it.
    ("articles_explainer_revision", "GET"): AUTHOR_AND_EDITORS,
    ("articles_explainer_revision", "POST"): AUTHOR_AND_EDITORS,
    ("articles_explainer_recoverlist", "GET"): EDITORS,
    ("articles_explainer_recover", "GET"): EDITORS,
    # The editorial calendar: every desk member, each seeing only what they may open; making
    # one's own feed address likewise. The feed needs no session, only its secret: a made-up
    # one is refused to everyone.
    ("articles_explainer_calendar", "GET"): EVERYONE,
    ("articles_explainer_calendar_token", "POST"): EVERYONE,
    ("articles_explainer_calendar_feed", "GET"): row(
        DENIED, DENIED, DENIED, DENIED, DENIED, DENIED
    ),
    # Topics: editors curate them; everyone on the desk may look.
    ("articles_topic_changelist", "GET"): EVERYONE,
    ("articles_topic_add", "GET"): EDITORS,
    ("articles_topic_add", "POST"): EDITORS,
    ("articles_topic_change", "GET"): EVERYONE,
    ("articles_topic_change", "POST"): EDITORS,
    ("articles_topic_history", "GET"): EVERYONE,
    ("articles_topic_delete", "GET"): EDITORS,
    ("articles_topic_delete", "POST"): EDITORS,
    # Stakeholders: writers add them; only editors change or delete one, since every
    # explainer that names it, and its public page, would change with it.
    ("articles_stakeholder_changelist", "GET"): EVERYONE,
    ("articles_stakeholder_add", "GET"): WRITERS_AND_EDITORS,
    ("articles_stakeholder_add", "POST"): WRITERS_AND_EDITORS,
    ("articles_stakeholder_change", "GET"): EVERYONE,
    ("articles_stakeholder_change", "POST"): EDITORS,
    ("articles_stakeholder_history", "GET"): EVERYONE,
    ("articles_stakeholder_delete", "GET"): EDITORS,
    ("articles_stakeholder_delete", "POST"): EDITORS,
    # The rating scale: editors keep it; everyone on the desk may look.
    ("articles_ratingvalue_changelist", "GET"): EVERYONE,
    ("articles_ratingvalue_add", "GET"): EDITORS,
    ("articles_ratingvalue_add", "POST"): EDITORS,
    ("articles_ratingvalue_change", "GET"): EVERYONE,
    ("articles_ratingvalue_change", "POST"): EDITORS,
    ("articles_ratingvalue_history", "GET"): EVERYONE,
    ("articles_ratingvalue_delete", "GET"): EDITORS,
    ("articles_ratingvalue_delete", "POST"): EDITORS,
    # Published versions: read-only for everyone, superusers included.
    ("articles_publishedversion_changelist", "GET"): EVERYONE,
    ("articles_publishedversion_add", "GET"): NOBODY,
    ("articles_publishedversion_change", "GET"): EVERYONE,
    ("articles_publishedversion_change", "POST"): NOBODY,
    ("articles_publishedversion_history", "GET"): EVERYONE,
    ("articles_publishedversion_delete", "GET"): NOBODY,
    # Author profiles: everyone sees and edits their own (the writer's, made when they were
    # published), editors anyone's; one may add only one's own while one has none; nobody
    # deletes one.
    ("articles_authorprofile_changelist", "GET"): EVERYONE,
    ("articles_authorprofile_add", "GET"): row(LOGIN, DENIED, OK, OK, OK, OK),
    ("articles_authorprofile_change", "GET"): AUTHOR_AND_EDITORS,
    ("articles_authorprofile_change", "POST"): AUTHOR_AND_EDITORS,
    ("articles_authorprofile_history", "GET"): AUTHOR_AND_EDITORS,
    ("articles_authorprofile_delete", "GET"): NOBODY,
    ("articles_authorprofile_delete", "POST"): NOBODY,
    # The audit trail: append-only, read by fact-checkers and editors.
    ("articles_transition_changelist", "GET"): CHECKERS_AND_EDITORS,
    ("articles_transition_add", "GET"): NOBODY,
    ("articles_transition_change", "GET"): CHECKERS_AND_EDITORS,
    ("articles_transition_change", "POST"): NOBODY,
    ("articles_transition_history", "GET"): CHECKERS_AND_EDITORS,
    ("articles_transition_delete", "GET"): NOBODY,
    ("articles_transition_delete", "POST"): NOBODY,
}

# Views whose GET is refused by design (POST only): GET must never act.
POST_ONLY = {
    "articles_explainer_transition",
    "articles_explainer_assign",
    "articles_explainer_calendar_token",
    "articles_explainer_thread_start",
    "articles_explainer_thread_action",
    "articles_explainer_share",
    "articles_explainer_share_revoke",
    "articles_explainer_lock",
    "articles_explainer_unlock",
    "articles_explainer_presence",
    "articles_explainer_presence_leave",
    "articles_explainer_live_preview",
    "articles_explainer_add_live_preview",
}


def admin_url_names() -> set[str]:
    """Every named admin URL of the articles app, as the admin itself declares them."""
    names = set()
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label != "articles":
            continue
        for pattern in model_admin.get_urls():
            if isinstance(pattern, URLPattern) and pattern.name:
                names.add(pattern.name)
    return names


def test_every_admin_url_has_an_expectation():
    """A new admin view of the app fails here until the matrix says who may use it."""
    covered = {name for name, _ in EXPECTED}
    assert admin_url_names() - covered == set()
    assert covered - admin_url_names() == set(), "stale rows in EXPECTED"


@pytest.fixture
def world(writer, other_writer, fact_checker, editor, superuser):
    """The writer's draft (published once, with a revision), one in review, and one deleted."""
    with reversion.create_revision():
        explainer = factories.complete_explainer(authors=[writer], title="Writer's first draft")
        explainer.save()
    # The working copy moved on after its revision, so that a revert would show in _state().
    Explainer.objects.filter(pk=explainer.pk).update(title="Writer's own draft")
    explainer.refresh_from_db()
    publishing.freeze(explainer, by=editor)
    transition = Transition.objects.create(
        explainer=explainer, name="submit", from_state="draft", to_state="draft", actor=writer
    )
    with reversion.create_revision():
        gone = factories.ExplainerFactory(authors=[writer], title="Deleted draft")
        gone.save()
    gone.delete()
    in_review = factories.complete_explainer(authors=[writer], title="Writer's draft in review")
    workflow.submit(in_review, by=writer)
    topic = explainer.topics.first()
    # Not the viewpoint's: deleting that one is refused (PROTECT) whoever asks.
    stakeholder = factories.StakeholderFactory(name="Harbour Authority", slug="harbour-authority")
    version = PublishedVersion.objects.get(explainer=explainer)
    thread = comments.start_thread(explainer, by=writer, anchor="section:dek", body="The dek?")
    share_link, _ = preview.create_share_link(explainer, by=editor, for_whom="Our lawyer")
    # The writer's draft the superuser has locked: the target of Unlock.
    locked = factories.complete_explainer(authors=[writer], title="Writer's locked draft")
    locks.lock(locked, by=superuser)
    return {
        "users": {
            "writer": writer,
            "other_writer": other_writer,
            "fact_checker": fact_checker,
            "editor": editor,
            "superuser": superuser,
        },
        "explainer": explainer,
        "in_review": in_review,
        "objects": {
            "explainer": explainer,
            "topic": topic,
            "stakeholder": stakeholder,
            # Not one a rating uses: deleting that one is refused (PROTECT) whoever asks.
            "ratingvalue": RatingValue.objects.create(name="Half true", value=7),
            "publishedversion": version,
            "transition": transition,
            "authorprofile": AuthorProfile.objects.get(user=writer),
        },
        "revision": Version.objects.get_for_object(explainer).first(),
        "deleted": Version.objects.get_deleted(Explainer).first(),
        "checker": fact_checker,
        "thread": thread,
        "share_link": share_link,
        "locked": locked,
    }


def _url(name: str, world: dict) -> tuple[str, dict]:
    """Return the URL for ``name`` on the world's objects, and POST data for it."""
    model = name.split("_")[1]
    obj = world["objects"][model]
    base = f"/admin/articles/{model}/"
    suffix = name.split("_", 2)[2]
    explainer = world["explainer"]
    data: dict = {}
    if model in ("topic", "stakeholder") and suffix in ("add", "change"):
        data = {"name": f"Edited {suffix}", "slug": f"edited-{suffix}", "kind": "group"}
    if model == "ratingvalue" and suffix in ("add", "change"):
        data = {"name": f"Edited {suffix}", "value": {"add": 8, "change": 7}[suffix]}
    match suffix:
        case "changelist":
            return base, data
        case "add" | "import" | "import_format" | "recoverlist":
            tails = {
                "add": "add/",
                "import": "import/",
                "import_format": "import/format/",
                "recoverlist": "recover/",
            }
            return base + tails[suffix], data
        case "change" | "history" | "delete" | "export":
            tail = "change/" if suffix == "change" else f"{suffix}/"
            return f"{base}{obj.pk}/{tail}", {"post": "yes"} if suffix == "delete" else data
        case "transition":
            return f"{base}{explainer.pk}/workflow/submit/", {"comment": "Ready."}
        case "assign":
            due = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
            # Reviews are assigned once an explainer is in review.
            return f"{base}{world['in_review'].pk}/workflow/assign/", {
                "assign-assignee": world["checker"].pk,
                "assign-review_due": due,
            }
        case "thread_start":
            return f"{base}{explainer.pk}/threads/start/", {
                "anchor": "section:dek",
                "body": "A question.",
            }
        case "thread_action":
            return f"{base}{explainer.pk}/threads/{world['thread'].pk}/resolve/", data
        case "share":
            return f"{base}{explainer.pk}/share/", {"for_whom": "A lawyer", "days": "7"}
        case "share_revoke":
            return f"{base}{explainer.pk}/share/{world['share_link'].pk}/withdraw/", data
        case "lock":
            return f"{base}{explainer.pk}/lock/", data
        case "unlock":
            return f"{base}{world['locked'].pk}/unlock/", data
        case "presence":
            return f"{base}{explainer.pk}/presence/", data
        case "presence_leave":
            return f"{base}{explainer.pk}/presence/leave/", data
        case "live_preview":
            return f"{base}{explainer.pk}/live-preview/", {"title": "Previewed, never saved"}
        case "add_live_preview":
            return f"{base}add/live-preview/", {"title": "New, previewed, never saved"}
        case "version":
            return f"{base}{explainer.pk}/versions/1/", data
        case "calendar":
            return f"{base}calendar/", data
        case "calendar_token":
            return f"{base}calendar/feed/", {"action": "create"}
        case "calendar_feed":
            return f"{base}calendar/feed/made-up-secret.ics", data
        case "version_diff":
            return f"{base}{explainer.pk}/versions/compare/?a=1&b=1", data
        case "compare":
            revision = world["revision"]
            return f"{base}{explainer.pk}/history/compare/", {
                "start": f"s{revision.pk}",
                "end": "v1",
            }
        case "revision":
            # The lock version the revert page was opened on.
            return f"{base}{explainer.pk}/history/{world['revision'].pk}/", {
                "base_lock_version": explainer.lock_version
            }
        case "recover":
            return f"{base}recover/{world['deleted'].pk}/", data
    raise AssertionError(f"teach _url() to build {name}")


def _state(world: dict) -> tuple:
    e = Explainer.objects.order_by("pk").values_list(
        "pk", "state", "title", "lock_version", "assignee_id", "locked_by_id", "lock_expires_at"
    )
    return (
        tuple(e),
        Transition.objects.count(),
        PublishedVersion.objects.count(),
        sorted(m.objects.count() for m in [type(o) for o in world["objects"].values()]),
        tuple(Topic.objects.order_by("pk").values_list("pk", "name", "slug", "description")),
        tuple(Stakeholder.objects.order_by("pk").values_list("pk", "name", "slug", "kind")),
        tuple(RatingValue.objects.order_by("pk").values_list("pk", "name", "value")),
        tuple(Thread.objects.order_by("pk").values_list("pk", "resolved_at")),
        Comment.objects.count(),
        tuple(ShareLink.objects.order_by("pk").values_list("pk", "revoked_at")),
        tuple(AuthorProfile.objects.order_by("pk").values_list("pk", "user_id", "slug", "bio")),
    )


# Moves judged by their effect: the views redirect back to the change page either way, with a
# message, so "acted" means the explainer (or its trail) changed.
ACTS = {
    "articles_explainer_transition",
    "articles_explainer_assign",
    "articles_explainer_thread_start",
    "articles_explainer_thread_action",
    "articles_explainer_share",
    "articles_explainer_share_revoke",
    "articles_explainer_lock",
    "articles_explainer_unlock",
}
# Adding, changing or deleting a topic or stakeholder by POST is judged by its effect too, so
# that "ok" means the row really was written (a 200 could be a form shown again with errors).
ENTITY_EDITS = {
    f"articles_{model}_{verb}"
    for model in ("topic", "stakeholder", "ratingvalue")
    for verb in ("add", "change", "delete")
}


def outcome(response, *, name: str, method: str, changed: bool) -> str:
    status = response.status_code
    location = response.get("Location", "")
    if status == 302 and "/admin/login/" in location:
        return LOGIN
    if status >= 500:
        return f"status {status}"
    if name in ACTS or (method == "POST" and name in ENTITY_EDITS):
        return OK if changed else DENIED
    changelist = "/admin/articles/" + name.split("_")[1] + "/"
    if status in (403, 404, 405):
        return DENIED
    if status == 302 and location == "/admin/":
        return DENIED  # the admin's "does not exist" redirect
    if method == "GET" and status == 302 and location == changelist:
        return DENIED  # django-reversion's refusal to show a revision
    if status in (200, 204, 302):
        return OK
    return f"status {status}"


CASES = [(name, method, role) for (name, method), roles in EXPECTED.items() for role in roles]


@pytest.mark.parametrize(("name", "method", "role"), CASES, ids=lambda v: str(v))
def test_admin_view_as_role(world, name, method, role):
    """Each role gets exactly the access the matrix gives it; a refusal changes nothing."""
    client = Client()
    if role != "anonymous":
        client.force_login(
            world["users"][role], backend="django.contrib.auth.backends.ModelBackend"
        )
    url, data = _url(name, world)
    before = _state(world)
    response = client.get(url, data) if method == "GET" else client.post(url, data)
    changed = _state(world) != before
    got = outcome(response, name=name, method=method, changed=changed)
    assert got == EXPECTED[(name, method)][role], (
        url,
        response.status_code,
        response.get("Location"),
    )
    if got != OK:
        assert not changed, "a refused request changed something"


@pytest.mark.parametrize("name", sorted(POST_ONLY))
def test_post_only_views_refuse_get(world, name):
    """Workflow moves never happen on GET (405), even for a superuser."""
    client = Client()
    client.force_login(
        world["users"]["superuser"], backend="django.contrib.auth.backends.ModelBackend"
    )
    url, _ = _url(name, world)
    before = _state(world)
    assert client.get(url).status_code == 405
    assert _state(world) == before


@pytest.mark.parametrize("verb", sorted(workflow.MOVES))
@pytest.mark.parametrize("role", ["anonymous", "other_writer"])
def test_no_transition_on_another_writers_explainer(world, role, verb):
    """Neither a stranger nor another writer can make any move on the writer's explainer."""
    client = Client()
    if role != "anonymous":
        client.force_login(
            world["users"][role], backend="django.contrib.auth.backends.ModelBackend"
        )
    before = _state(world)
    response = client.post(
        f"/admin/articles/explainer/{world['explainer'].pk}/workflow/{verb}/",
        {"comment": "Forced."},
    )
    assert response.status_code in {302, 403, 404}
    assert _state(world) == before


def test_export_action_skips_another_writers_explainer(world):
    """The bulk "export" action, given a foreign id, exports nothing of it."""
    client = Client()
    client.force_login(
        world["users"]["other_writer"], backend="django.contrib.auth.backends.ModelBackend"
    )
    response = client.post(
        "/admin/articles/explainer/",
        {"action": "export_as_text", "_selected_action": [world["explainer"].pk]},
    )
    assert b"Writer's own draft" not in response.content
    assert b"Something happened" not in response.content


def test_changelist_hides_another_writers_explainer(world):
    """Another writer's list does not name the writer's draft."""
    client = Client()
    client.force_login(
        world["users"]["other_writer"], backend="django.contrib.auth.backends.ModelBackend"
    )
    response = client.get("/admin/articles/explainer/")
    assert response.status_code == 200
    assert b"Writer&#x27;s own draft" not in response.content
    assert b"Writer's own draft" not in response.content


# --- shared topics and stakeholders ----------------------------------------------------------


def test_writer_finds_stakeholders_by_autocomplete(world):
    """The viewpoint row's stakeholder search still answers a writer."""
    response = _logged_in(world["users"]["writer"]).get(
        "/admin/autocomplete/",
        {"term": "Harbour", "app_label": "articles", "model_name": "viewpoint"}
        | {"field_name": "stakeholder"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Harbour Authority"]


def test_writer_adds_stakeholder_from_the_explainer_form_popup(world):
    """The "+" popup creates the stakeholder and hands it back to the explainer form."""
    response = _logged_in(world["users"]["writer"]).post(
        "/admin/articles/stakeholder/add/?_to_field=id&_popup=1",
        {"name": "Port Workers' Union", "slug": "port-workers-union", "kind": "group"}
        | {"_popup": "1", "_to_field": "id"},
    )
    created = Stakeholder.objects.get(slug="port-workers-union")
    assert response.status_code == 200
    assert "data-popup-response" in response.text
    assert f"&quot;value&quot;: &quot;{created.pk}&quot;" in response.text


@pytest.mark.parametrize(
    ("role", "links"),
    [("writer", {"add", "view"}), ("editor", {"add", "change", "delete", "view"})],
)
def test_stakeholder_links_beside_a_viewpoint_follow_the_role(world, role, links):
    """A writer's viewpoint row offers "+" (add) and view, not change or delete."""
    html = (
        _logged_in(world["users"][role])
        .get(f"/admin/articles/explainer/{world['explainer'].pk}/change/")
        .text
    )
    drawn = {
        verb
        for verb in ("add", "change", "delete", "view")
        if f'id="{verb}_id_viewpoints-0-stakeholder"' in html
    }
    assert drawn == links


@pytest.mark.parametrize("model", ["topic", "stakeholder"])
def test_writers_crafted_rename_leaves_the_public_page_alone(world, model):
    """A writer's hand-made POST to rename a live topic or stakeholder is refused (403) and its
    public page keeps its name and address."""
    explainer = world["explainer"]
    entity = explainer.topics.get() if model == "topic" else explainer.viewpoints.get().stakeholder
    page = entity.get_absolute_url()
    assert Client().get(page).status_code == 200
    response = _logged_in(world["users"]["writer"]).post(
        f"/admin/articles/{model}/{entity.pk}/change/",
        {"name": "Defaced", "slug": "defaced", "kind": "person", "description": "Defaced."},
    )
    assert response.status_code == 403
    public = Client().get(page)
    assert public.status_code == 200
    assert "Defaced" not in public.text
    assert Client().get(f"/{model}s/defaced/").status_code == 404


# --- preview links ---------------------------------------------------------------------------


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_preview_opens_for_the_author(world):
    """The author's own preview link shows the working copy."""
    url = preview.preview_url(world["explainer"])
    response = _logged_in(world["users"]["writer"]).get(url)
    assert response.status_code == 200
    assert b"Something happened" in response.content


@pytest.mark.parametrize("role", ["other_writer", "fact_checker"])
def test_preview_link_does_not_open_another_writers_draft(world, role):
    """A valid link in the wrong hands is refused: the token is not a key by itself."""
    response = _logged_in(world["users"][role]).get(preview.preview_url(world["explainer"]))
    assert response.status_code in {403, 404}
    assert b"Something happened" not in response.content


def test_preview_link_sends_strangers_to_login(world, client):
    """Without a session, a valid link asks for a login and comes back to a local address."""
    url = preview.preview_url(world["explainer"])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/preview/")


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: token.split(":", 1)[1],
        lambda token: "e30:" + token.split(":", 1)[1],
        lambda token: "",
        lambda token: "x" * 500,
    ],
    ids=["signature", "no-payload", "swapped-payload", "empty", "junk"],
)
def test_forged_preview_token_is_refused(world, tamper):
    """An altered, truncated or invented token opens nothing, even for a superuser."""
    token = preview.make_token(world["explainer"])
    response = _logged_in(world["users"]["superuser"]).get(f"/preview/{tamper(token)}/")
    assert response.status_code in {403, 404}
    assert b"Something happened" not in response.content


def test_token_for_one_explainer_opens_only_that_one(world):
    """A token signed for another purpose (salt) or explainer cannot be repurposed."""
    other = signing.dumps({"explainer": world["explainer"].pk}, salt="some.other.salt")
    response = _logged_in(world["users"]["superuser"]).get(f"/preview/{other}/")
    assert response.status_code == 403


def test_expired_preview_token_is_refused(world):
    """A link older than its lifetime is refused with a message that says so."""
    with time_machine.travel(
        timezone.now() - datetime.timedelta(seconds=preview.DEFAULT_MAX_AGE + 60)
    ):
        token = preview.make_token(world["explainer"])
    response = _logged_in(world["users"]["writer"]).get(f"/preview/{token}/")
    assert response.status_code == 403
    assert b"expired" in response.content


# --- return addresses on workflow moves -------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "/\\evil.example",
        "https:evil.example",
        "javascript:alert(1)",
        "http://evil.example",
    ],
)
def test_workflow_move_ignores_next(world, target):
    """A move always returns to the explainer's change page, whatever next= says."""
    explainer = world["explainer"]
    response = _logged_in(world["users"]["writer"]).post(
        f"/admin/articles/explainer/{explainer.pk}/workflow/submit/?next={target}",
        {"comment": "Ready.", "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/admin/articles/explainer/{explainer.pk}/change/"


# --- embargoed versions ----------------------------------------------------------------------


@pytest.fixture
def scheduled(writer, editor):
    explainer = factories.complete_explainer(authors=[writer], title="Embargoed until Monday")
    return publishing.freeze(
        explainer, by=editor, go_live_at=timezone.now() + datetime.timedelta(days=2)
    )


@pytest.mark.parametrize(
    ("role", "sees"),
    [("writer", True), ("other_writer", False), ("fact_checker", False), ("editor", True)],
)
def test_scheduled_version_is_kept_from_staff_who_cannot_open_it(world, scheduled, role, sees):
    """Another writer cannot read an embargoed version in the admin, by list or by URL."""
    client = _logged_in(world["users"][role])
    listing = client.get("/admin/articles/publishedversion/")
    detail = client.get(f"/admin/articles/publishedversion/{scheduled.pk}/change/")
    assert (b"Embargoed until Monday" in listing.content) is sees
    assert (detail.status_code == 200) is sees


# --- "Up next" targets -----------------------------------------------------------------------

# Who may name which of the writer's explainers as an "Up next" target: what they may open, and
# what is live (readers see it anyway). Anything else would show its title on the linking form.
#                  writer  other  checker editor
LINK_TARGETS = {
    "live": (True, True, True, True),
    "draft": (True, False, False, True),
    "in_review": (True, False, True, True),
    "embargoed": (True, False, False, True),
}
LINKING_ROLES = ["writer", "other_writer", "fact_checker", "editor"]
TARGET_CASES = [
    (target, role, allowed)
    for target, row_ in LINK_TARGETS.items()
    for role, allowed in zip(LINKING_ROLES, row_, strict=True)
]


@pytest.fixture
def targets(world, scheduled) -> dict[str, Explainer]:
    """The writer's explainers in each state a link target can be in, titles without quotes."""
    draft = factories.ExplainerFactory(authors=[world["users"]["writer"]], title="Plain draft")
    return {
        "live": world["explainer"],
        "draft": draft,
        "in_review": world["in_review"],
        "embargoed": scheduled.explainer,
    }


@pytest.mark.parametrize(("target", "role", "allowed"), TARGET_CASES, ids=str)
def test_link_target_autocomplete_as_role(world, targets, target, role, allowed):
    """The "Up next" search offers an explainer only to those who may name it."""
    wanted = targets[target]
    response = _logged_in(world["users"][role]).get(
        "/admin/autocomplete/",
        {
            "app_label": "articles",
            "model_name": "relatedlink",
            "field_name": "target",
            "term": wanted.title[:12],
        },
    )
    assert response.status_code == 200
    found = {int(result["id"]) for result in response.json()["results"]}
    assert (wanted.pk in found) is allowed


def _linking_page(role: str, world: dict) -> Explainer:
    """An explainer ``role`` may open: their own, or (fact-checker) one in review."""
    users = world["users"]
    author = users["writer"] if role in ("editor", "fact_checker") else users[role]
    page = factories.ExplainerFactory(authors=[author], title=f"Linking page of {role}")
    if role == "fact_checker":
        workflow.submit(page, by=author)
    return page


@pytest.mark.parametrize(("target", "role", "allowed"), TARGET_CASES, ids=str)
def test_link_target_posted_as_role(world, targets, target, role, allowed):
    """A crafted target id is saved only if the role may name it; otherwise the form says
    "Select a valid choice", changes nothing and does not show the target's title."""
    wanted = targets[target]
    page = _linking_page(role, world)
    client = _logged_in(world["users"][role])
    url = f"/admin/articles/explainer/{page.pk}/change/"
    data = form_data(client.get(url).content.decode(), "explainer_form")
    n = int(data.get("related_links-TOTAL_FORMS", 0))
    data.update(
        {
            "related_links-TOTAL_FORMS": str(n + 1),
            f"related_links-{n}-explainer": str(page.pk),
            f"related_links-{n}-position": "0",
            f"related_links-{n}-target": str(wanted.pk),
            f"related_links-{n}-title": "",
        }
    )
    before = _state(world), Explainer.objects.get(pk=page.pk).lock_version
    response = client.post(url, data)
    if role == "fact_checker":
        # A fact-checker's form has no "Up next" rows at all (they may save fact checks).
        assert not RelatedLink.objects.filter(explainer=page).exists()
        return
    linked = RelatedLink.objects.filter(explainer=page, target=wanted).exists()
    assert linked is allowed
    if not allowed:
        assert (_state(world), Explainer.objects.get(pk=page.pk).lock_version) == before
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
        assert wanted.title.encode() not in response.content


def test_existing_link_to_a_target_one_may_not_name_is_kept_on_save(world, targets):
    """A link an editor made to a draft the writer cannot open survives the writer's save."""
    page = _linking_page("other_writer", world)
    RelatedLink.objects.create(explainer=page, target=targets["draft"], position=0)
    client = _logged_in(world["users"]["other_writer"])
    url = f"/admin/articles/explainer/{page.pk}/change/"
    data = form_data(client.get(url).content.decode(), "explainer_form")
    data["title"] = "Linking page, saved again"
    assert client.post(url, data).status_code == 302
    assert RelatedLink.objects.get(explainer=page).target == targets["draft"]
