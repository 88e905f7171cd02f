"""Author pages: a public slug (old login-name addresses redirect), a bio, ProfilePage JSON-LD,
and the bio edited on the desk by its author or an editor."""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings
from django.urls import reverse

from articles.models import AuthorProfile
from tests import factories
from tests.articles.publicsite import live_explainer, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def grace():
    return factories.UserFactory(username="ghopper", first_name="Grace", last_name="Hopper")


def json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match is not None
    return json.loads(match.group(1))


def test_first_publication_gives_the_author_a_slug_from_their_name(grace):
    """The byline links /authors/<slug from the name>/, never the login name."""
    explainer = live_explainer(authors=[grace])
    assert AuthorProfile.objects.get(user=grace).slug == "grace-hopper"
    body = explainer.versions.get().body_html
    assert 'href="/authors/grace-hopper/"' in body and "ghopper" not in body


def test_two_authors_with_one_name_get_different_slugs():
    first = factories.UserFactory(username="a1", first_name="Sam", last_name="Lee")
    second = factories.UserFactory(username="a2", first_name="Sam", last_name="Lee")
    live_explainer(authors=[first, second])
    slugs = {p.slug for p in AuthorProfile.objects.filter(user__in=[first, second])}
    assert slugs == {"sam-lee", "sam-lee-2"}


def test_slug_stays_when_the_name_changes(grace):
    """Published links keep working: a renamed author keeps their slug."""
    live_explainer(authors=[grace])
    grace.last_name = "Murray Hopper"
    grace.save()
    live_explainer(authors=[grace])
    assert AuthorProfile.objects.get(user=grace).slug == "grace-hopper"


def test_author_page_shows_the_bio(client, grace):
    live_explainer(authors=[grace], title="Compilers explained")
    AuthorProfile.objects.filter(user=grace).update(bio="Writes about <b>computing</b>.")
    html = client.get("/authors/grace-hopper/").content.decode()
    assert '<p class="author-bio">Writes about &lt;b&gt;computing&lt;/b&gt;.</p>' in html
    assert "Compilers explained" in html


def test_old_login_name_address_redirects_permanently(client, grace):
    """/authors/<login name>/ answers 301 to /authors/<slug>/, keeping the query."""
    live_explainer(authors=[grace])
    response = client.get("/authors/ghopper/?page=1")
    assert response.status_code == 301
    assert response["Location"] == "/authors/grace-hopper/?page=1"


def test_old_address_of_an_author_with_nothing_live_is_404(client, grace):
    """The redirect gives nothing away: an author whose explainers were all withdrawn has no
    page at either address."""
    explainer = live_explainer(authors=[grace])
    from articles.publishing import freeze

    freeze.withdraw(explainer)
    assert client.get("/authors/grace-hopper/").status_code == 404
    assert client.get("/authors/ghopper/", follow=True).status_code == 404


def test_unknown_author_is_404(client):
    assert client.get("/authors/nobody-here/").status_code == 404


def test_inactive_author_has_no_page(client, grace):
    live_explainer(authors=[grace])
    grace.is_active = False
    grace.save()
    assert client.get("/authors/grace-hopper/").status_code == 404
    assert client.get("/authors/ghopper/").status_code == 404


def test_author_page_has_profile_page_json_ld(client, grace):
    """The page's JSON-LD is a ProfilePage whose main entity is the author, a Person."""
    live_explainer(authors=[grace])
    AuthorProfile.objects.filter(user=grace).update(bio="Writes about computing.")
    data = json_ld(client.get("/authors/grace-hopper/").content.decode())
    url = f"{settings.NEWSROOM_BASE_URL}/authors/grace-hopper/"
    assert data == {
        "@context": "https://schema.org",
        "@type": "ProfilePage",
        "url": url,
        "mainEntity": {
            "@type": "Person",
            "name": "Grace Hopper",
            "url": url,
            "description": "Writes about computing.",
        },
    }


def test_json_ld_escapes_a_bio_that_tries_to_end_the_script(client, grace):
    live_explainer(authors=[grace])
    AuthorProfile.objects.filter(user=grace).update(bio="</script><script>alert(1)</script>")
    html = client.get("/authors/grace-hopper/").content.decode()
    assert "</script><script>alert(1)" not in html
    assert json_ld(html)["mainEntity"]["description"] == "</script><script>alert(1)</script>"


def test_version_frozen_before_slugs_still_reaches_the_page(client, grace):
    """A version frozen with only the login name links its old address, which redirects."""
    version = publish(factories.complete_explainer(authors=[grace]))
    data = version.data
    data["authors"] = [{k: v for k, v in a.items() if k != "slug"} for a in data["authors"]]
    from articles.publishing.render import render_html

    version.data = data
    html, _, _ = render_html(version)
    assert 'href="/authors/ghopper/"' in html
    assert client.get("/authors/ghopper/")["Location"] == "/authors/grace-hopper/"


# --- The desk -----------------------------------------------------------------------------------


def change_url(profile: AuthorProfile) -> str:
    return reverse("admin:articles_authorprofile_change", args=[profile.pk])


def test_writer_edits_their_own_bio(client, writer):
    profile = AuthorProfile.objects.create(user=writer)
    client.force_login(writer)
    response = client.post(change_url(profile), {"bio": "  I cover schools.  "})
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.bio == "I cover schools."


def test_writer_cannot_open_or_change_someone_elses_profile(client, writer, other_writer):
    theirs = AuthorProfile.objects.create(user=other_writer, bio="Theirs.")
    client.force_login(writer)
    assert client.get(change_url(theirs)).status_code in (302, 403, 404)
    client.post(change_url(theirs), {"bio": "Hacked."})
    theirs.refresh_from_db()
    assert theirs.bio == "Theirs."
    listing = client.get(reverse("admin:articles_authorprofile_changelist")).content.decode()
    assert theirs.slug not in listing


def test_editor_edits_anyones_bio(client, editor, writer):
    profile = AuthorProfile.objects.create(user=writer)
    client.force_login(editor)
    response = client.post(change_url(profile), {"bio": "Covers the council."})
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.bio == "Covers the council."


def test_the_slug_is_not_editable_on_the_desk(client, editor, writer):
    profile = AuthorProfile.objects.create(user=writer)
    before = profile.slug
    client.force_login(editor)
    client.post(change_url(profile), {"bio": "", "slug": "someone-else"})
    profile.refresh_from_db()
    assert profile.slug == before


def test_a_bio_over_the_limit_is_refused(client, writer):
    profile = AuthorProfile.objects.create(user=writer)
    client.force_login(writer)
    response = client.post(change_url(profile), {"bio": "x" * 601})
    assert response.status_code == 200
    assert "at most 600 characters" in response.content.decode()
    profile.refresh_from_db()
    assert profile.bio == ""


def test_someone_without_a_profile_adds_their_own(client, writer, other_writer):
    """A writer yet to publish makes their own profile; it is theirs whatever the form says."""
    client.force_login(writer)
    response = client.post(
        reverse("admin:articles_authorprofile_add"), {"bio": "New here.", "user": other_writer.pk}
    )
    assert response.status_code == 302
    assert AuthorProfile.objects.get(bio="New here.").user == writer
    assert client.get(reverse("admin:articles_authorprofile_add")).status_code == 403
