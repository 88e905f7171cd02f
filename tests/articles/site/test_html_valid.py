"""Every kind of public page is valid HTML, as the Nu HTML checker (vnu.jar) judges it.

The checker is a Java program: ``.ci/run`` installs a Java runtime (apt) and the pinned
``vnu-jar`` package (npm) into ``var/vnu``. Without them the test is skipped on a workstation,
and fails under CI (``CI`` set), so CI cannot pass without checking. All pages go to one java
run, since starting the checker costs seconds.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone

from articles.models import RelatedLink
from articles.publishing import freeze as publishing
from tests import factories
from tests.articles.publicsite import grow, live_explainer, publish

pytestmark = [pytest.mark.django_db, pytest.mark.htmlcheck]

ROOT = Path(__file__).resolve().parents[3]
DEFAULT_JAR = ROOT / "var" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# A page the checker must reject: proof that a clean run means it looked.
INVALID_CANARY = (
    '<!doctype html><html lang="en"><head><title>canary</title></head><body>'
    '<time datetime="2026-01-01T10:00:00.123456+00:00">then</time></body></html>'
)


def checker_command() -> list[str]:
    """Return the java command line for vnu.jar, or skip (fail under CI) when either is missing."""
    java = shutil.which("java")
    jar = Path(os.environ.get("VNU_JAR", DEFAULT_JAR))
    missing = [name for name, there in (("java", java), (str(jar), jar.is_file())) if not there]
    if missing:
        message = f"The Nu HTML checker needs {' and '.join(missing)} (see .ci/run)."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return [str(java), "-jar", str(jar), "--errors-only", "--format", "json"]


def representative_pages(client) -> dict[str, tuple[str, int]]:
    """Publish one of everything and return {name: (url, expected status)}."""
    author = factories.UserFactory(username="ada", first_name="Ada", last_name="Lovelace")
    neighbour = live_explainer(title="A neighbour", slug="neighbour", authors=[author])
    explainer = factories.complete_explainer(
        authors=[author], title="How tides work", slug="tides", hero_alt="Waves"
    )
    explainer.hero_image.name = "heroes/2026/01/tide.jpg"
    explainer.save()
    grow(explainer, 2)
    factories.TimelineEventFactory(
        explainer=explainer, position=50, date=datetime.date(2027, 3, 1), precision="month"
    )
    RelatedLink.objects.create(explainer=explainer, target=neighbour, position=0)
    publish(explainer, go_live_at=timezone.now() - datetime.timedelta(days=2))
    publish(explainer)  # a second version: the page says "Updated"

    gone = live_explainer(title="Taken down", slug="taken-down")
    publishing.withdraw(gone)
    stakeholder = explainer.viewpoints.first().stakeholder
    return {
        "home": ("/", 200),
        "explainer": (explainer.get_absolute_url(), 200),
        "topic": ("/topics/science/", 200),
        "stakeholder": (f"/stakeholders/{stakeholder.slug}/", 200),
        "author": (author.author_profile.get_absolute_url(), 200),
        "watch": ("/watch/", 200),
        "corrections": ("/corrections/", 200),
        "search-results": ("/search/?q=tides", 200),
        "search-none": ("/search/?q=zzzzqqq", 200),
        "search-empty": ("/search/", 200),
        "policy": ("/about/corrections-policy/", 200),
        "not-found": ("/explainers/never-was/", 404),
        "gone": (gone.get_absolute_url(), 410),
    }


def test_public_pages_are_valid_html(client, tmp_path):
    """The Nu HTML checker finds no error on any kind of public page."""
    command = checker_command()
    pages = representative_pages(client)
    files = []
    for name, (url, status) in pages.items():
        response = client.get(url)
        assert response.status_code == status, url
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(path)
    canary = tmp_path / "invalid-canary.html"
    canary.write_text(INVALID_CANARY)

    run = subprocess.run(
        [*command, *map(str, files), str(canary)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # With --format json the checker writes its report to standard error.
    messages = json.loads(run.stderr)["messages"]
    problems = [
        f"{Path(m.get('url', '?')).name}:{m.get('lastLine', '?')}: {m['message']}"
        f"\n    {m.get('extract', '')!r}"
        for m in messages
        if m["type"] in ("error", "non-document-error")
        and not m.get("url", "").endswith(canary.name)
    ]
    assert not problems, "Invalid HTML:\n" + "\n".join(problems)
    assert any(m.get("url", "").endswith(canary.name) for m in messages), (
        "The checker passed a page with an invalid <time datetime>: it did not check."
    )


def test_a_missing_checker_is_skipped_on_a_workstation(monkeypatch, tmp_path):
    """Without vnu.jar the check is skipped, with the reason, when CI is not set."""
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("VNU_JAR", str(tmp_path / "absent.jar"))
    with pytest.raises(pytest.skip.Exception, match="absent.jar"):
        checker_command()


def test_a_missing_checker_fails_under_ci(monkeypatch, tmp_path):
    """Under CI a missing checker is a failure, never a skip."""
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("VNU_JAR", str(tmp_path / "absent.jar"))
    with pytest.raises(pytest.fail.Exception, match="absent.jar"):
        checker_command()
