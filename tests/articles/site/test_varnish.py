"""A real Varnish (7.1 with vmod-xkey) in front of the app, with deploy/varnish/default.vcl:
pages are kept for their s-maxage, and publishing moves purge them by tag at once.

Needs varnishd and varnish-modules (apt). Without them the tests are skipped, except in CI
(``CI`` set), where they fail instead.
"""

from __future__ import annotations

import os
import time
import urllib.error
import urllib.request

import pytest

from articles.models import Explainer
from articles.publishing import moves as publication
from articles.workflow import moves as workflow
from bench.harness import free_port
from bench.proxy import Varnish, varnish_available
from tests.articles.workflow_helpers import desk_checker, desk_editor, explainer_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Publishing purges before the move returns; this bounds only the two local round trips.
VISIBLE_WITHIN = 1.0


def get(url: str) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - local proxy
            return response.status, dict(response.headers.items()), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), error.read().decode()


@pytest.fixture
def varnish(live_server, settings):
    if not varnish_available():
        if os.environ.get("CI"):
            pytest.fail("CI needs varnish and varnish-modules (apt) for the proxy tests")
        pytest.skip("varnishd with vmod-xkey is not installed")
    port = int(live_server.url.rsplit(":", 1)[1])
    proxy = Varnish(port, free_port())
    try:
        proxy.wait()
        settings.FRONTEND_CACHE_BACKEND = "varnish"
        settings.FRONTEND_CACHE_VARNISH_URLS = [proxy.url]
        settings.PUBLIC_CACHE_S_MAXAGE = 600
        yield proxy
    finally:
        proxy.stop()


def test_varnish_keeps_public_pages_and_hides_their_tags(varnish):
    explainer = explainer_in(Explainer.State.PUBLISHED, title="Kept by the proxy")
    url = varnish.url + explainer.get_absolute_url()
    first = get(url)
    second = get(url)
    assert first[0] == second[0] == 200
    assert (first[1]["X-Cache"], second[1]["X-Cache"]) == ("miss", "hit")
    assert "xkey" not in {name.lower() for name in second[1]}
    assert "Kept by the proxy" in second[2]


def test_the_desk_is_never_kept(varnish):
    assert get(varnish.url + "/admin/login/")[1]["X-Cache"] == "miss"
    assert get(varnish.url + "/admin/login/")[1]["X-Cache"] == "miss"


def test_a_purge_without_tags_is_refused_not_passed_on(varnish):
    request = urllib.request.Request(varnish.url + "/", method="PURGE")  # noqa: S310
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)  # noqa: S310 - local proxy
    assert refused.value.code == 400


def test_correcting_and_withdrawing_show_through_the_proxy_at_once(varnish):
    editor = desk_editor()
    explainer = explainer_in(Explainer.State.PUBLISHED, title="First headline")
    page = varnish.url + explainer.get_absolute_url()
    home = varnish.url + "/"
    for url in (page, page, home, home):
        get(url)
    assert get(page)[1]["X-Cache"] == "hit" and get(home)[1]["X-Cache"] == "hit"

    # A correction: a new version with a new headline.
    Explainer.objects.filter(pk=explainer.pk).update(change_note="Corrected the headline.")
    explainer.refresh_from_db()
    workflow.revise(explainer, by=editor)
    Explainer.objects.filter(pk=explainer.pk).update(title="Corrected headline")
    explainer.refresh_from_db()
    workflow.submit(explainer, by=editor)
    workflow.approve(explainer, by=desk_checker())
    publication.publish(explainer, by=editor)
    clicked = time.monotonic()
    status, _, body = get(page)
    assert time.monotonic() - clicked < VISIBLE_WITHIN
    assert status == 200 and "Corrected headline" in body and "First headline" not in body
    assert "Corrected headline" in get(home)[2]

    publication.unpublish(explainer, by=editor, comment="Legal asked us to take it down.")
    clicked = time.monotonic()
    status, _, body = get(page)
    assert time.monotonic() - clicked < VISIBLE_WITHIN
    assert status == 410
    assert "Corrected headline" not in get(home)[2]
